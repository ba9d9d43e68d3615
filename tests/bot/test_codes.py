"""The rotating check-in codes (bot/codes.py) and their picture (bot/code_picture.py)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from PIL import Image

from bot.charts import BUNDLED_FONT
from bot.code_picture import code_picture
from bot.codes import CodeWindows, parse_qr_payload, qr_payload, rotating_code, spaced


def test_a_code_lasts_its_window_and_the_next() -> None:
    secret = "s3cret"
    codes = {rotating_code(secret, window) for window in range(100)}
    assert len(codes) > 90 and all(len(code) == 6 and code.isdigit() for code in codes)
    assert rotating_code(secret, 5) != rotating_code("other", 5)
    windows = CodeWindows(5)
    shown_at = datetime(2026, 11, 21, 1, 4, 59, tzinfo=UTC)  # the last second of a window
    code = rotating_code(secret, windows.window(shown_at))
    # Shown in the last second of its window, it is still good 5 minutes later…
    assert windows.check(secret, code, shown_at) == "ok"
    assert windows.check(secret, code, shown_at + timedelta(minutes=5)) == "ok"
    # …and expired (not "wrong") after that.
    assert windows.check(secret, code, shown_at + timedelta(minutes=5, seconds=1)) == "stale"
    assert windows.check(secret, "000000" if code != "000000" else "111111", shown_at) in (
        "wrong",
        "stale",
    )
    assert windows.ends(windows.window(shown_at)) == shown_at + timedelta(seconds=1)
    payload = qr_payload("wq", 12, secret, 1234)
    assert len(payload) <= 64 and parse_qr_payload("wq", payload) == (12, 1234, payload[-10:])
    assert windows.check_token(secret, 1234, payload[-10:], shown_at) == "stale"
    assert windows.check_token(secret, 1234, "0" * 10, shown_at) == "wrong"
    assert parse_qr_payload("wq", "wq_12_x_y") is None
    assert parse_qr_payload("sq", payload) is None
    assert spaced("482713") == "4 8 2 7 1 3"


def test_the_picture_draws_the_code_big_under_the_qr_with_the_bundled_font() -> None:
    picture = code_picture(
        "https://t.me/bot?start=wq_1_2_abcdef0123", "482713", "签到码 · 5 分钟内有效"
    )
    image = Image.open(io.BytesIO(picture.png)).convert("L")
    assert image.size == picture.size and picture.font == BUNDLED_FONT
    qr_width, qr_height = picture.qr_size
    # The band under the QR holds the digits: it is as tall as a fifth of the QR at least,
    # and dark pixels are drawn across most of the width.
    assert picture.size[1] >= qr_height + qr_width // 5
    band = image.crop((0, qr_height, image.width, image.height))
    columns = [
        x for x in range(band.width) if min(band.getpixel((x, y)) for y in range(band.height)) < 128
    ]
    assert columns and columns[-1] - columns[0] > qr_width * 0.6
    # Another code draws another band (the digits are really drawn, not a fixed image).
    other = code_picture(
        "https://t.me/bot?start=wq_1_2_abcdef0123", "111111", "签到码 · 5 分钟内有效"
    )
    other_band = (
        Image.open(io.BytesIO(other.png))
        .convert("L")
        .crop((0, qr_height, image.width, image.height))
    )
    assert other_band.tobytes() != band.tobytes()
