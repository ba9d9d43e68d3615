"""The HTTP client under the bot: PTB's ``BaseRequest`` on aiohttp.

PTB's default, HTTPXRequest, goes through httpcore's connection pool, which
walks every connection for every queued request each time a request starts
or ends (and polls each idle socket): with the 60-odd requests in flight a
busy bot has (one answer per pressed button, at about 100 ms round trip to
Telegram), that costs more CPU than handling the updates. bench/votes.py
measured it: 200 concurrent calls through httpx take ~2.5 s of CPU, through
aiohttp ~0.2 s. aiohttp's connector keeps a free list instead.

The behaviour PTB relies on is kept: the same form-encoded or multipart
bodies, a ``TimedOut`` for every timeout, a ``NetworkError`` for every other
failure to talk to the server, and the status code and body otherwise (PTB
turns error statuses into its own exceptions).
"""

from __future__ import annotations

import json
import ssl
import unicodedata
from typing import Any

import aiohttp
import certifi
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

#: PTB's defaults (HTTPXRequest): seconds.
DEFAULT_READ_TIMEOUT = 5.0
DEFAULT_WRITE_TIMEOUT = 5.0
DEFAULT_MEDIA_WRITE_TIMEOUT = 20.0
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_POOL_TIMEOUT = 1.0


class AiohttpRequest(BaseRequest):
    """Bot API requests over one aiohttp session with up to ``connection_limit`` connections."""

    def __init__(
        self,
        *,
        connection_limit: int = 1,
        read_timeout: float | None = DEFAULT_READ_TIMEOUT,
        write_timeout: float | None = DEFAULT_WRITE_TIMEOUT,
        connect_timeout: float | None = DEFAULT_CONNECT_TIMEOUT,
        pool_timeout: float | None = DEFAULT_POOL_TIMEOUT,
    ) -> None:
        self._limit = connection_limit
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The read timeout used when a call gives none (PTB adds getUpdates' long poll)."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session (inside the running loop)."""
        if self._session is None or self._session.closed:
            context = ssl.create_default_context(cafile=certifi.where())
            connector = aiohttp.TCPConnector(limit=self._limit, ssl=context)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}
            )

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one request; the status code and the body, or TimedOut / NetworkError."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data and request_data.contains_files else {}
        # Each value JSON-encoded by PTB (built once: the property builds it anew each time).
        fields = request_data.json_parameters if request_data else {}
        body: Any
        headers: dict[str, str] | None = None
        if files:
            # quote_fields=False: the file name goes out as raw UTF-8 inside the
            # quotes, as Telegram reads it; aiohttp's default percent-encodes
            # every non-ASCII name (aio-libs/aiohttp#3910), so 台账.csv arrived as
            # %E5%8F%B0%E8%B4%A6.csv. Field names are PTB's ASCII parameters.
            form = aiohttp.FormData(quote_fields=False)
            for name, value in fields.items():
                form.add_field(name, value)
            for name, (filename, content, mime_type) in files.items():
                form.add_field(
                    name, content, filename=safe_filename(filename), content_type=mime_type
                )
            body = form
        elif fields:
            # A JSON body (the Bot API takes application/json for all but uploads, each
            # value as it would be a form field's): aiohttp's form encoding quoted the
            # text byte by byte in Python, 3 % of a worker's time in a street's evening
            # (bench/city.py).
            body = json.dumps(fields).encode()  # PTB's RequestData.json_payload, once
            headers = {"Content-Type": "application/json"}
        else:
            body = None
        # aiohttp has no write timeout of its own: a slow upload is bounded by
        # the sum of the phases, as PTB's media write timeout intends.
        write = _given(write_timeout, DEFAULT_MEDIA_WRITE_TIMEOUT if files else self._write_timeout)
        read = _given(read_timeout, self._read_timeout)
        connect = _given(connect_timeout, self._connect_timeout)
        pool = _given(pool_timeout, self._pool_timeout)
        parts = [value for value in (write, read, connect, pool) if value is not None]
        timeout = aiohttp.ClientTimeout(
            total=sum(parts) if len(parts) == 4 else None,
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{error.__class__.__name__}: {error}") from error


def safe_filename(name: str | None) -> str:
    """A file name that fits inside a quoted header parameter as it is.

    Quotes, backslashes and path separators are replaced (receivers differ on
    unescaping them), control and format characters (CR/LF would end the
    header) are dropped; everything else, Chinese included, stays.
    """
    kept = []
    for char in name or "":
        if char in '"\\/':
            kept.append("_")
        elif unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"}:
            continue
        else:
            kept.append(char)
    return "".join(kept).strip() or "file"


def _given(value: Any, default: float | None) -> float | None:
    """A timeout from the call, or the default when the call left it to us."""
    if isinstance(value, DefaultValue):
        return default
    return None if value is None else float(value)
