"""Logging set-up that never writes the bot token.

httpx logs every request URL at INFO, and Bot API URLs contain the token, so
httpx is kept at WARNING and every record passes a filter that replaces each
known secret with "[REDACTED]" (in the message, its arguments and tracebacks).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from typing import TextIO

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


def configure_logging(level: str, secrets: Iterable[str] = ()) -> RedactSecrets:
    """Log to stderr at ``level`` with secrets redacted; returns the filter to add more.

    Calling it again replaces the handler an earlier call installed; handlers
    that others added to the root logger (a test runner's capture) are left be.
    """
    redactor = RedactSecrets(secrets)
    handler = StderrHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(redactor)
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
    return redactor
