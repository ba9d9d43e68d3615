"""The bot token never reaches a log line."""

from __future__ import annotations

import io
import logging
import sys

import pytest

from bot.logs import REDACTED, RedactSecrets, StderrHandler, configure_logging


def test_secrets_are_redacted_from_message_arguments_and_tracebacks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    token = "123456:AAE-secret"
    logger = logging.getLogger("test.redaction")
    redactor = RedactSecrets([token])
    logger.addFilter(redactor)
    try:
        with caplog.at_level(logging.INFO, logger="test.redaction"):
            logger.info("POST https://api.telegram.org/bot%s/getMe", token)
            try:
                raise RuntimeError(f"failed at /bot{token}/sendMessage")
            except RuntimeError:
                logger.exception("boom")
    finally:
        logger.removeFilter(redactor)
    text = caplog.text
    assert token not in text
    assert f"/bot{REDACTED}/getMe" in text
    assert f"/bot{REDACTED}/sendMessage" in text


def test_the_log_handler_writes_to_the_current_stderr_not_a_closed_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A stream swapped out and closed (as a test runner's capture is) breaks no later record."""
    root = logging.getLogger()
    before_level = root.level
    # Handlers someone else attached (pytest's capture); ours are replaced, by design.
    before_handlers = [h for h in root.handlers if not isinstance(h, StderrHandler)]
    first, second = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    try:
        configure_logging("INFO")
        first.close()
        monkeypatch.setattr(sys, "stderr", second)
        logging.getLogger("test.stderr").warning("still heard")
        assert "still heard" in second.getvalue()
        assert "Logging error" not in second.getvalue()
        # Handlers someone else attached (pytest's capture) survive a reconfiguration.
        assert all(handler in root.handlers for handler in before_handlers)
    finally:
        for handler in list(root.handlers):
            if handler not in before_handlers:
                root.removeHandler(handler)
        root.setLevel(before_level)


def test_a_full_disk_makes_one_line_a_minute_without_tracebacks() -> None:
    import sqlite3

    from bot.logs import StorageFullOncePerMinute

    full = StorageFullOncePerMinute()
    error = sqlite3.OperationalError("database or disk is full")

    def record(name: str, message: str, at: float, **extra: object) -> logging.LogRecord:
        made = logging.LogRecord(name, logging.ERROR, __file__, 1, message, None, None)
        if not extra:
            made.exc_info = (type(error), error, None)
        made.__dict__.update(extra)
        made.created = at
        return made

    passed = []
    for second in range(0, 180, 2):  # three minutes of failures from everywhere
        for made in (
            record("asyncio", "Task exception was never retrieved", 1000.0 + second),
            record("bot.runtime.ingress", "full: 3 update(s)", 1000.0 + second, storage_full=True),
            record("bot.runtime.jobs", "schedule 3 could not fire", 1000.0 + second),
        ):
            if full.filter(made):
                passed.append(made)
    assert len(passed) == 3
    assert [made.exc_info for made in passed] == [None, None, None]
    assert passed[0].getMessage() == "database or disk is full (asyncio): free disk space"
    assert passed[1].getMessage().endswith("[89 more like this since the last such line]")
    # Anything else passes untouched.
    other = logging.LogRecord("bot", logging.INFO, __file__, 1, "hello %s", ("x",), None)
    assert full.filter(other) and other.getMessage() == "hello x"
