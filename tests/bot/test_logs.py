"""The bot token never reaches a log line."""

from __future__ import annotations

import logging

import pytest

from bot.logs import REDACTED, RedactSecrets


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
