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
