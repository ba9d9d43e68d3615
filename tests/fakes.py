"""Test doubles: PTB's transport routed straight into the in-memory Bot API stand-in."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote, urlsplit

from telegram.error import NetworkError
from telegram.request import BaseRequest, RequestData

from bot.standin import FakeBotApi, StandinNetworkError

__all__ = ["FakeRequest"]

_FILE_PATH = re.compile(r"/file/bot([^/]+)/(.+)$")
_METHOD_PATH = re.compile(r"/bot([^/]+)/([^/]+?)/?$")


class FakeRequest(BaseRequest):
    """Sends PTB's Bot API requests straight into a FakeBotApi, with no network.

    The parameters go in exactly as PTB would put them on the wire (``json_parameters``: strings,
    with JSON-encoded objects), so the stand-in decodes them as Telegram does. Timeouts are not
    applied; a long-polling ``getUpdates`` awaits inside :meth:`FakeBotApi.call`.
    """

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api

    @property
    def read_timeout(self) -> float | None:
        """No read timeout: calls are answered in-process."""
        return None

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

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
        """Answer one request as (HTTP status, JSON body) from the stand-in."""
        path = urlsplit(url).path
        download = _FILE_PATH.search(path)
        if download:
            content = self.api.file_content(unquote(download.group(2)))
            if content is None:
                body = {"ok": False, "error_code": 404, "description": "Not Found"}
                return 404, json.dumps(body).encode()
            return 200, content
        match = _METHOD_PATH.search(path)
        if not match:
            body = {"ok": False, "error_code": 404, "description": "Not Found"}
            return 404, json.dumps(body).encode()
        token, api_method = unquote(match.group(1)), match.group(2)
        params: dict[str, Any] = dict(request_data.json_parameters) if request_data else {}
        files: dict[str, tuple[str, bytes]] = {}
        if request_data is not None and request_data.contains_files:
            for name, (filename, content_or_handle, _mime) in request_data.multipart_data.items():
                data = (
                    content_or_handle
                    if isinstance(content_or_handle, bytes)
                    else content_or_handle.read()
                )
                files[name] = (filename, data)
        try:
            answer = await self.api.call(api_method, params, files or None, token=token)
        except StandinNetworkError as exc:
            raise NetworkError(f"stand-in: {exc}") from exc
        status = 200 if answer.get("ok") else int(answer["error_code"])
        return status, json.dumps(answer, ensure_ascii=False).encode("utf-8")
