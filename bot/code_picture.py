"""The picture of a check-in code: its QR link, and under it the code in big digits.

Phones in a hall often cannot scan, and an elderly person reads the digits off the
screen: they are drawn as large as the QR is wide, spaced ("4 8 2 7 1 3"), with a
short caption under them in the bundled CJK font (bot/fonts/, as the charts use).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import segno
from PIL import Image, ImageDraw, ImageFont

from bot.charts import BUNDLED_FONT
from bot.codes import spaced

#: The QR's module size in pixels, and the margin around everything.
SCALE = 8
MARGIN = 24


@dataclass(frozen=True)
class CodePicture:
    """The PNG, its size, the QR's own size, and the font file the digits were drawn in."""

    png: bytes
    size: tuple[int, int]
    qr_size: tuple[int, int]
    font: Path


def _fitting(text: str, width: int, largest: int, font: Path) -> ImageFont.FreeTypeFont:
    """The largest size (up to ``largest``) at which ``text`` fits in ``width``."""
    size = largest
    while True:
        face = ImageFont.truetype(str(font), size, layout_engine=ImageFont.Layout.BASIC)
        if face.getlength(text) <= width or size <= 12:
            return face
        size -= 4


def qr_image(link: str, scale: int = SCALE) -> Image.Image:
    """The QR of ``link`` as a picture (also on the in-service members' contact card)."""
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=scale, border=2)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def code_picture(link: str, code: str, caption: str, font: Path = BUNDLED_FONT) -> CodePicture:
    """The QR of ``link`` with ``code`` in big digits and ``caption`` under it."""
    qr = qr_image(link)
    width = max(qr.width, 480)
    digits = spaced(code)
    big = _fitting(digits, width, width // 6, font)
    small = _fitting(caption, width, 32, font)
    big_box = big.getbbox(digits)
    small_box = small.getbbox(caption) if caption else (0, 0, 0, 0)
    big_height = round(big_box[3] - big_box[1])
    small_height = round(small_box[3] - small_box[1])
    height = qr.height + MARGIN + big_height + MARGIN + small_height + MARGIN
    picture = Image.new("RGB", (width + 2 * MARGIN, height), "white")
    picture.paste(qr, (MARGIN + (width - qr.width) // 2, 0))
    draw = ImageDraw.Draw(picture)
    top = qr.height + MARGIN
    left = MARGIN + (width - round(big.getlength(digits))) // 2
    draw.text((left, top - big_box[1]), digits, font=big, fill="black")
    if caption:
        top += big_height + MARGIN
        left = MARGIN + (width - round(small.getlength(caption))) // 2
        draw.text((left, top - small_box[1]), caption, font=small, fill="#444444")
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return CodePicture(out.getvalue(), picture.size, qr.size, font)
