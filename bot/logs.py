"""Logging set-up that never writes the bot token, nor what people wrote or are.

httpx logs every request URL at INFO, and Bot API URLs contain the token, so
httpx is kept at WARNING and every record passes a filter that replaces each
known secret with "[REDACTED]" (in the message, its arguments and tracebacks).

At DEBUG, libraries log payloads: PTB the whole update it processes and every
Bot API call's parameters and answer (message texts, names, shared locations),
aiosqlite every statement with its parameters. :func:`keep_private_data_out`
(called by the composition root, so at any level and under any handler) puts
a filter on PTB's loggers that keeps the line but replaces each structured
argument by its type name, and keeps aiosqlite at WARNING.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from typing import TextIO

from storage.db import is_storage_full

REDACTED = "[REDACTED]"


class RedactSecrets(logging.Filter):
    """Replaces secrets in a log record's final text."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [secret for secret in secrets if secret]

    def add(self, secret: str) -> None:
        """Also redact ``secret`` from now on."""
        if secret and secret not in self._secrets:
            self._secrets.append(secret)

    def redact(self, text: str) -> str:
        """``text`` with every secret replaced."""
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the record's message now, redacted, so no handler sees the secret."""
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg = self.redact(message)
        record.args = None
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record is emitted.

    A plain ``StreamHandler(sys.stderr)`` keeps the stream it was given; when
    that stream is replaced and closed (pytest's capture, a daemon's redirect),
    every later record fails with "I/O operation on closed file". Looking the
    stream up at each emit, as logging's own last-resort handler does, cannot
    outlive it.
    """

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> TextIO:
        """The current standard error."""
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        """``StreamHandler.__init__`` assigns a stream; the current stderr is always used."""


#: PTB's loggers that log updates, call parameters or answers as arguments.
PAYLOAD_LOGGERS = (
    "telegram.Bot",
    "telegram.ext.ExtBot",
    "telegram.ext.Application",
    "telegram.ext.JobQueue",
    "telegram.ext.Updater",
    "telegram.request.BaseRequest",
)
#: Loggers silenced below WARNING: aiosqlite logs each statement with its parameters.
STATEMENT_LOGGERS = ("aiosqlite",)
_PLAIN = (int, float, bool, type(None))


class DropPayloads(logging.Filter):
    """On a logger: every argument that is not a plain number or a short word becomes
    ``<TypeName>`` (an Update, a dict of call parameters, a Message…); Bot API call
    parameters keep their names, never their values."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the arguments before any handler (or pytest's caplog) sees them."""
        args = record.args
        if not args:
            return True
        values = args if isinstance(args, tuple) else (args,)
        record.args = tuple(_harmless(value) for value in values)
        return True


def _harmless(value: object) -> object:
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, str) and len(value) <= 40 and value.isascii() and value.isidentifier():
        return value  # an endpoint's name, say
    if isinstance(value, dict):
        return "{" + ", ".join(str(key) for key in value) + "}"
    update_id = getattr(value, "update_id", None)
    if isinstance(update_id, int):
        return f"<{type(value).__name__} {update_id}>"
    return f"<{type(value).__name__}>"


def keep_private_data_out() -> None:
    """Make the libraries' DEBUG lines carry no text, name or coordinate (idempotent)."""
    for name in PAYLOAD_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, DropPayloads) for existing in logger.filters):
            logger.addFilter(DropPayloads())
    for name in STATEMENT_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


#: The operator hears of a full disk at most this often (seconds).
STORAGE_FULL_INTERVAL = 60.0


class StorageFullOncePerMinute(logging.Filter):
    """A full disk is noticed everywhere at once (each update, the sender, the
    scheduler, asyncio's "Task exception was never retrieved"): the operator gets
    one clear line a minute, without tracebacks, saying how many were folded in."""

    def __init__(self, interval: float = STORAGE_FULL_INTERVAL) -> None:
        super().__init__()
        self._interval = interval
        self._last: float | None = None
        self._folded = 0

    def filter(self, record: logging.LogRecord) -> bool:
        """Let the first storage-full record of each minute through, rewritten; drop the rest."""
        if not _about_storage_full(record):
            return True
        if self._last is not None and record.created - self._last < self._interval:
            self._folded += 1
            return False
        self._last = record.created
        if getattr(record, "storage_full", False):
            line = record.getMessage()
        else:
            line = f"database or disk is full ({record.name}): free disk space"
        if self._folded:
            line += f" [{self._folded} more like this since the last such line]"
        self._folded = 0
        record.msg, record.args = line, None
        record.exc_info = record.exc_text = None
        record.levelno, record.levelname = logging.ERROR, "ERROR"
        return True


def _about_storage_full(record: logging.LogRecord) -> bool:
    if getattr(record, "storage_full", False):
        return True
    return bool(record.exc_info) and is_storage_full(record.exc_info[1])  # type: ignore[index]


def operator_filters(redactor: RedactSecrets) -> list[logging.Filter]:
    """The filters of the operator's log handler, in order."""
    return [StorageFullOncePerMinute(), redactor]


def configure_logging(level: str, secrets: Iterable[str] = ()) -> RedactSecrets:
    """Log to stderr at ``level`` with secrets redacted; returns the filter to add more.

    Calling it again replaces the handler an earlier call installed; handlers
    that others added to the root logger (a test runner's capture) are left be.
    """
    redactor = RedactSecrets(secrets)
    handler = StderrHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for log_filter in operator_filters(redactor):
        handler.addFilter(log_filter)
    root = logging.getLogger()
    for old in list(root.handlers):
        if isinstance(old, StderrHandler):
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # Request URLs carry the token; the filter would catch them, but they are noise too.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    keep_private_data_out()
    return redactor
