"""The Party birthday greeting card (政治生日贺卡): a PNG drawn with Pillow.

The texts come already in the member's language (see
:func:`bot.members.birthdays.card_message`); this module only lays them out:
a red band with the greeting, the member's name and years in the Party, the
oath (入党誓词) wrapped to the card's width, and the community and the day at
the foot. Drawn with the charts' fonts (bot/charts.py: the configured font,
then the bundled Noto Sans SC subset), so Chinese shows on any machine; the
same texts give the same bytes every time.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from bot.charts import text_writer
from bot.code_picture import qr_image

#: The renderer's name in an outgoing message's ``card`` (bot/runtime/outbox.py).
BIRTHDAY_CARD = "members.birthday"

WIDTH = 900
MARGIN = 60
BAND_HEIGHT = 230
RED = (196, 18, 48)
GOLD = (255, 214, 102)
PAPER = (255, 249, 238)
INK = (51, 33, 29)
MUTED = (120, 98, 90)
TITLE_SIZE = 72
NAME_SIZE = 44
YEARS_SIZE = 38
OATH_TITLE_SIZE = 34
OATH_SIZE = 30
OATH_LINE = 50
FOOT_SIZE = 28

#: Punctuation that may not begin a line (it stays at the end of the one before).
_NO_LINE_START = set("，。、；：！？）》」』”’,.;:!?)")
#: A Latin word with what sticks to it, a run of spaces, or one other character.
_TOKENS = re.compile(r"[A-Za-z0-9'’\-]+[,.;:!?)]*\s*|\s+|.")


@dataclass(frozen=True)
class Card:
    """A drawn card: the PNG bytes and the font files its text was drawn with."""

    png: bytes
    fonts: tuple[Path, ...]


def wrap(width_of: Any, text: str, width: float) -> list[str]:
    """``text`` in lines of at most ``width`` pixels (``width_of`` measures a text):
    Chinese between any two characters, Latin between words."""
    lines: list[str] = []
    line = ""
    for token in _TOKENS.findall(text):
        if not line and token.isspace():
            continue
        if line and width_of(line + token.rstrip()) > width and token[0] not in _NO_LINE_START:
            lines.append(line.rstrip())
            line = "" if token.isspace() else token
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


def birthday_card(spec: Mapping[str, Any], *, font_path: str | Path | None = None) -> Card:
    """The greeting card of ``spec``: ``title``, ``salutation``, ``years``, ``oath_title``,
    ``oath``, ``community``, ``date`` (texts in the member's language)."""
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    inner = WIDTH - 2 * MARGIN

    def lines_of(size: int, key: str, width: float) -> list[str]:
        return wrap(text_writer(probe, size, font_path=font_path).width, str(spec[key]), width)

    years = lines_of(YEARS_SIZE, "years", inner)
    oath = lines_of(OATH_SIZE, "oath", inner - 20)
    name_middle = BAND_HEIGHT + 80
    years_top = name_middle + 50
    oath_title_middle = years_top + 56 * len(years) + 50
    oath_top = oath_title_middle + 35
    foot_top = oath_top + OATH_LINE * len(oath) + 30
    height = foot_top + 140

    image = Image.new("RGB", (WIDTH, height), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, BAND_HEIGHT), fill=RED)
    draw.rectangle((0, height - 36, WIDTH, height), fill=RED)
    draw.rectangle((16, 16, WIDTH - 17, height - 17), outline=GOLD, width=6)

    def centred(size: int, middle: float, text: str, fill: tuple[int, int, int]) -> None:
        pen = text_writer(draw, size, font_path=font_path)
        line = pen.fit(text, inner)
        pen.write((WIDTH - pen.width(line)) / 2, middle, line, fill)

    centred(TITLE_SIZE, BAND_HEIGHT / 2, str(spec["title"]), GOLD)
    centred(NAME_SIZE, name_middle, str(spec["salutation"]), INK)
    for index, line in enumerate(years):
        centred(YEARS_SIZE, years_top + 56 * index + 28, line, RED)
    centred(OATH_TITLE_SIZE, oath_title_middle, str(spec["oath_title"]), RED)
    pen = text_writer(draw, OATH_SIZE, font_path=font_path)
    for index, line in enumerate(oath):
        pen.write(MARGIN + 10, oath_top + OATH_LINE * index + OATH_LINE / 2, line, INK)
    foot = text_writer(draw, FOOT_SIZE, font_path=font_path)
    for index, text in enumerate((str(spec["community"]), str(spec["date"]))):
        line = foot.fit(text, inner)
        foot.write(WIDTH - MARGIN - foot.width(line), foot_top + 20 + 42 * index, line, MUTED)

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    used = pen.typeface.paths if pen.typeface is not None else ()
    return Card(out.getvalue(), tuple(used))


#: The renderer's name of the signed pledge (承诺书), bot/members/commitments.py.
PLEDGE_CARD = "members.pledge"
PLEDGE_LABEL_SIZE = 30
PLEDGE_TEXT_SIZE = 34
PLEDGE_LINE = 54


def pledge_card(spec: Mapping[str, Any], *, font_path: str | Path | None = None) -> Card:
    """The signed pledge of ``spec``: ``title``, ``rows`` ([[label, text], ...]: the member,
    the commitment, for whom, the deadline, the contact), ``community`` and ``date``
    (the approval's), texts in the reader's language; long texts wrap."""
    return _rows_card(spec, font_path, None, "")


#: The renderer's name of an in-service member's contact card (在职党员联系卡),
#: bot/members/inservice.py.
CONTACT_CARD = "members.contact"
#: The QR's module size on the contact card.
CONTACT_QR_SCALE = 9


def contact_card(spec: Mapping[str, Any], *, font_path: str | Path | None = None) -> Card:
    """An in-service member's contact card: as the pledge (``title``, ``rows``: the
    member, the post, the building; ``community``, ``date``), with the QR of ``link``
    (the bot's deep link that opens a message to them) and ``scan`` under it."""
    picture = qr_image(str(spec["link"]), CONTACT_QR_SCALE)
    return _rows_card(spec, font_path, picture, str(spec.get("scan") or ""))


def _rows_card(
    spec: Mapping[str, Any],
    font_path: str | Path | None,
    picture: Image.Image | None,
    caption: str,
) -> Card:
    """A card of label/text rows under a red band, then ``picture`` (centred, with
    ``caption`` under it) if any, then the community and the day at the foot."""
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    inner = WIDTH - 2 * MARGIN
    measure = text_writer(probe, PLEDGE_TEXT_SIZE, font_path=font_path).width
    rows = [(str(label), wrap(measure, str(text), inner - 20)) for label, text in spec["rows"]]
    top = BAND_HEIGHT + 40
    extra = picture.height + 30 + (50 if caption else 0) if picture is not None else 0
    height = (
        top + sum(44 + PLEDGE_LINE * max(1, len(lines)) + 16 for _, lines in rows) + extra + 170
    )

    image = Image.new("RGB", (WIDTH, height), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, BAND_HEIGHT), fill=RED)
    draw.rectangle((0, height - 36, WIDTH, height), fill=RED)
    draw.rectangle((16, 16, WIDTH - 17, height - 17), outline=GOLD, width=6)
    title = text_writer(draw, TITLE_SIZE, font_path=font_path)
    line = title.fit(str(spec["title"]), inner)
    title.write((WIDTH - title.width(line)) / 2, BAND_HEIGHT / 2, line, GOLD)
    label_pen = text_writer(draw, PLEDGE_LABEL_SIZE, font_path=font_path)
    pen = text_writer(draw, PLEDGE_TEXT_SIZE, font_path=font_path)
    y = top
    for label, lines in rows:
        label_pen.write(MARGIN, y + 22, label_pen.fit(label, inner), RED)
        y += 44
        for text in lines or [""]:
            pen.write(MARGIN + 20, y + PLEDGE_LINE / 2, text, INK)
            y += PLEDGE_LINE
        y += 16
    if picture is not None:
        y += 10
        image.paste(picture, ((WIDTH - picture.width) // 2, y))
        y += picture.height + 20
        if caption:
            line = label_pen.fit(caption, inner)
            label_pen.write((WIDTH - label_pen.width(line)) / 2, y + 20, line, RED)
            y += 50
    foot = text_writer(draw, FOOT_SIZE, font_path=font_path)
    for index, text in enumerate((str(spec["community"]), str(spec["date"]))):
        line = foot.fit(text, inner)
        foot.write(WIDTH - MARGIN - foot.width(line), y + 30 + 42 * index, line, MUTED)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    used = pen.typeface.paths if pen.typeface is not None else ()
    return Card(out.getvalue(), tuple(used))
