"""The stand-in over real HTTP: :class:`StandinServer` serves a :class:`FakeBotApi` on loopback
with tornado, shaped like ``api.telegram.org`` (``/bot<token>/<method>`` and
``/file/bot<token>/<path>``), so an unmodified bot can talk to it with
``base_url``/``base_file_url``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from http import HTTPStatus
from typing import Any

import tornado.httpserver
import tornado.netutil
import tornado.web
from tornado.http1connection import HTTP1Connection

from bot.standin.api import FakeBotApi
from bot.standin.errors import StandinNetworkError, _ApiError, _bad

_LOG = logging.getLogger(__name__)


class _BaseHandler(tornado.web.RequestHandler):
    """Shared plumbing of the stand-in's request handlers."""

    server: StandinServer

    def initialize(self, server: StandinServer) -> None:
        """Tornado hook: remember the owning server."""
        self.server = server

    def drop_connection(self) -> None:
        """Close the TCP connection without answering, like a network failure."""
        connection = self.request.connection
        if isinstance(connection, HTTP1Connection):
            connection.close()
        self._finished = True

    def answer(self, status: int, body: bytes, content_type: str) -> None:
        """Send ``body`` with ``status``."""
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = "Error"
        self.set_status(status, reason)
        self.set_header("Content-Type", content_type)
        self.finish(body)


class _ApiHandler(_BaseHandler):
    """``/bot<token>/<method>``: GET or POST, any body Telegram accepts."""

    async def get(self, token: str, method: str) -> None:
        """Answer a GET (parameters in the query string)."""
        await self._handle(token, method)

    async def post(self, token: str, method: str) -> None:
        """Answer a POST (form, multipart or JSON body, and/or query string)."""
        await self._handle(token, method)

    async def _handle(self, token: str, method: str) -> None:
        params: dict[str, Any] = {}
        for key, values in self.request.query_arguments.items():
            params[key] = values[-1].decode("utf-8", "replace")
        content_type = self.request.headers.get("Content-Type", "")
        if content_type.startswith("application/json"):
            try:
                body = json.loads(self.request.body or b"{}")
            except ValueError:
                body = None
            if not isinstance(body, dict):
                error = _bad("can't parse JSON object")
                self.answer(400, json.dumps(error.envelope()).encode(), "application/json")
                return
            params.update(body)
        else:
            for key, values in self.request.body_arguments.items():
                params[key] = values[-1].decode("utf-8", "replace")
        files = {
            key: (uploads[-1].filename, uploads[-1].body)
            for key, uploads in self.request.files.items()
            if uploads
        }
        task = asyncio.ensure_future(self.server.api.call(method, params, files, token=token))
        self.server.inflight.add(task)
        try:
            response = await task
        except StandinNetworkError:
            self.drop_connection()
            return
        except asyncio.CancelledError:
            if task.cancelled() and self.server.stopping:
                self.drop_connection()
                return
            raise
        finally:
            self.server.inflight.discard(task)
        status = 200 if response.get("ok") else int(response["error_code"])
        body_bytes = json.dumps(response, ensure_ascii=False).encode("utf-8")
        self.answer(status, body_bytes, "application/json")


class _FileHandler(_BaseHandler):
    """``/file/bot<token>/<file_path>``: file downloads."""

    async def get(self, token: str, file_path: str) -> None:
        """Answer a download."""
        if token not in self.server.api.tokens_seen:
            self.server.api.tokens_seen.append(token)
        data = self.server.api.file_content(file_path)
        if data is None:
            error = _ApiError(404, "Not Found")
            self.answer(404, json.dumps(error.envelope()).encode(), "application/json")
            return
        self.answer(200, data, "application/octet-stream")


def _log_request(handler: tornado.web.RequestHandler) -> None:
    """Log each request at DEBUG (tornado would warn about every 4xx the stand-in means to give)."""
    request = handler.request
    _LOG.debug("%s %s %s", handler.get_status(), request.method, request.path)


class StandinServer:
    """Serves a FakeBotApi over real HTTP on loopback, shaped like api.telegram.org.

    Routes: ``GET|POST /bot<token>/<method>`` (any token; recorded in ``api.tokens_seen``) and
    ``GET /file/bot<token>/<file_path>``. Answers carry HTTP status = ``error_code`` (200 when
    ok) and the JSON envelope. Long polls do not block other requests.
    """

    def __init__(self, api: FakeBotApi, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.api = api
        self.host = host
        self.port = port
        self.inflight: set[asyncio.Future[dict[str, Any]]] = set()
        self.stopping = False
        self._http: tornado.httpserver.HTTPServer | None = None

    async def start(self) -> None:
        """Bind and serve inside the running event loop (port 0 picks a free port)."""
        if self._http is not None:
            raise RuntimeError("the stand-in server is already running")
        application = tornado.web.Application(
            [
                (r"/file/bot([^/]+)/(.+)", _FileHandler, {"server": self}),
                (r"/bot([^/]+)/([A-Za-z0-9_]+)/?", _ApiHandler, {"server": self}),
            ],
            log_function=_log_request,
        )
        sockets = tornado.netutil.bind_sockets(self.port, self.host)
        self.port = int(sockets[0].getsockname()[1])
        self._http = tornado.httpserver.HTTPServer(application, max_body_size=60 * 1024 * 1024)
        self._http.add_sockets(sockets)
        self.stopping = False

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT/bot``; PTB appends the token and the method."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """``http://HOST:PORT/file/bot``; PTB appends the token and the file path."""
        return f"http://{self.host}:{self.port}/file/bot"

    async def stop(self) -> None:
        """Stop listening, end pending long polls and close every connection."""
        if self._http is None:
            return
        self.stopping = True
        for task in list(self.inflight):
            task.cancel()
        self._http.stop()
        await self._http.close_all_connections()
        self._http = None

    async def __aenter__(self) -> StandinServer:
        """Start the server."""
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        """Stop the server."""
        await self.stop()
