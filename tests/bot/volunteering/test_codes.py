"""The volunteer service's rotating on-site code and QR link."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.volunteering.codes import parse_qr_payload, qr_payload, rotating_code, valid_minutes


def test_the_code_rotates_every_minute_with_a_short_grace() -> None:
    secret = "s3cret"
    codes = {rotating_code(secret, minute) for minute in range(100)}
    assert len(codes) > 90 and all(len(code) == 6 and code.isdigit() for code in codes)
    assert rotating_code(secret, 5) != rotating_code("other", 5)
    minute = 29_000_000
    assert valid_minutes(datetime.fromtimestamp(minute * 60 + 10, UTC), 20) == (minute, minute - 1)
    assert valid_minutes(datetime.fromtimestamp(minute * 60 + 30, UTC), 20) == (minute,)
    payload = qr_payload(12, secret, minute)
    assert len(payload) <= 64 and parse_qr_payload(payload) == (12, minute, payload[-10:])
    assert parse_qr_payload("wq_12_x_y") is None
