"""Bar-chart images (PNG) for vote results, volunteer hours and surveys, drawn with Pillow.

Chinese is drawn with the font that ships in the package, a subset of Noto Sans
CJK SC (bot/fonts/, SIL Open Font License; bot/fonts/README.md says how it was
made): every GB 2312 character, full-width punctuation, ①②③, ✓ and the like.
A configured ``[charts] font_path`` comes first; a character it lacks is drawn
with the bundled font. A character no font has (an emoji, a rare hanzi) is
left out if it is a symbol, or drawn as the font's empty box if it is a letter,
so a name still shows that a character is there; it is logged once at debug.

Only if no font can be read at all (a broken install) are the bars numbered
"1", "2", "3"…: :class:`Chart` says so, and the caller names them in the
caption (:func:`legend`).

The output is deterministic: the same input gives the same bytes on every
machine (Pillow's basic text layout, no timestamps or other metadata).
"""

from __future__ import annotations

import io
import logging
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeAlias

from PIL import Image, ImageDraw, ImageFont

log = logging.getLogger(__name__)

#: The font that comes with the package (see bot/fonts/README.md).
BUNDLED_FONT = Path(__file__).resolve().parent / "fonts" / "NotoSansSC-Pavilion.otf"

WIDTH = 800
MARGIN = 24
TITLE_HEIGHT = 56
SUBTITLE_HEIGHT = 32
ROW_HEIGHT = 56
BAR_HEIGHT = 34
LABEL_WIDTH = 220
MAX_BARS = 20
TITLE_SIZE = 28
SUBTITLE_SIZE = 20
LABEL_SIZE = 20
BACKGROUND = (255, 255, 255)
TEXT = (33, 33, 33)
MUTED = (97, 97, 97)
TRACK = (236, 239, 241)
BAR_COLOURS = ((25, 118, 210), (211, 47, 47), (117, 117, 117), (56, 142, 60), (245, 124, 0))
#: The title's colour by the result it states (a vote's ``result``).
TONES = {"passed": (46, 125, 50), "rejected": (198, 40, 40), "no_quorum": (230, 81, 0)}

#: Unicode categories left out when no font has the character: symbols (emoji),
#: marks that only dress another character, joiners and variation selectors.
_DROPPED_WHEN_MISSING = ("So", "Sk", "Mn", "Me", "Cf", "Co", "Cs", "Cn")
#: The variation selector after a character shown as an emoji (ℹ️): left out too.
_EMOJI_STYLE = "\ufe0f"
#: A code point no font has: its rendering is the font's "missing" box.
_SURELY_MISSING = "\U0010fffd"
_missing_logged: set[str] = set()
_missing_files: set[Path] = set()

Font: TypeAlias = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class Chart:
    """A drawn chart: the PNG bytes, whether the bars are numbered, the fonts used.

    ``numbered`` is True only when no font could be read (the bundled one
    damaged, say): the bars are then labelled "1", "2", … and the caller
    should list the names in the caption. ``fonts`` are the font files the
    text was drawn with, first choice first (empty when numbered).
    """

    png: bytes
    numbered: bool
    fonts: tuple[Path, ...] = ()


def font_files(configured: str | Path | None = None) -> tuple[Path, ...]:
    """The fonts to draw with, best first: the configured one if it exists, then the bundled."""
    files: list[Path] = []
    if configured:
        path = Path(configured)
        if path.is_file():
            files.append(path)
        elif path not in _missing_files:
            _missing_files.add(path)
            log.warning("[charts] font_path %s: no such file; using the bundled font", path)
    if BUNDLED_FONT not in files:
        files.append(BUNDLED_FONT)
    return tuple(files)


@cache
def _load(path: Path, size: int) -> ImageFont.FreeTypeFont | None:
    try:
        return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)
    except OSError:
        log.warning("cannot read the font %s", path)
        return None


class _Typeface:
    """Fonts of one size, first choice first; text is drawn in runs of one font each."""

    def __init__(self, paths: Sequence[Path], size: int) -> None:
        loaded = [(path, _load(path, size)) for path in paths]
        self.fonts: list[ImageFont.FreeTypeFont] = [font for _, font in loaded if font]
        self.paths = tuple(path for path, font in loaded if font)
        self._missing = [_signature(font, _SURELY_MISSING) for font in self.fonts]
        self._choice: dict[str, int | None] = {}

    def font_for(self, char: str) -> int | None:
        """Which font draws ``char`` (its index), or None if none has it."""
        if char in self._choice:
            return self._choice[char]
        found: int | None = None
        if unicodedata.category(char).startswith("Z") or char.isascii():
            found = 0
        else:
            for index, font in enumerate(self.fonts):
                if _signature(font, char) != self._missing[index]:
                    found = index
                    break
        self._choice[char] = found
        if found is None and char not in _missing_logged:
            _missing_logged.add(char)
            log.debug("no chart font has %r (U+%04X)", char, ord(char))
        return found

    def runs(self, text: str) -> list[tuple[str, Font]]:
        """``text`` cut into runs, each with the font that draws it."""
        runs: list[tuple[str, Font]] = []
        for position, char in enumerate(text):
            index = self.font_for(char)
            if index is None:
                emoji = text[position + 1 : position + 2] == _EMOJI_STYLE
                if emoji or unicodedata.category(char) in _DROPPED_WHEN_MISSING:
                    continue
                index = 0  # a letter: the box shows a character is there
            font = self.fonts[index]
            if runs and runs[-1][1] is font:
                runs[-1] = (runs[-1][0] + char, font)
            else:
                runs.append((char, font))
        return runs


@cache
def _typeface(paths: tuple[Path, ...], size: int) -> _Typeface:
    return _Typeface(paths, size)


def _signature(font: ImageFont.FreeTypeFont, char: str) -> tuple[tuple[int, int], bytes, float]:
    """What ``font`` draws for ``char``: equal to that of a missing character if it has none."""
    mask = font.getmask(char)
    return mask.size, bytes(mask), font.getlength(char)


class _Writer:
    """Draws text in one typeface (or Pillow's own font, when numbered)."""

    def __init__(self, draw: ImageDraw.ImageDraw, typeface: _Typeface | None, size: int) -> None:
        self.draw = draw
        self.typeface = typeface
        self.plain: Font = typeface.fonts[0] if typeface else ImageFont.load_default(size)

    def runs(self, text: str) -> list[tuple[str, Font]]:
        return self.typeface.runs(text) if self.typeface else [(text, self.plain)]

    def width(self, text: str) -> float:
        return sum(self.draw.textlength(part, font=font) for part, font in self.runs(text))

    def fit(self, text: str, width: float) -> str:
        """``text`` cut with "…" so that it fits in ``width`` pixels."""
        if self.width(text) <= width:
            return text
        while text and self.width(text + "…") > width:
            text = text[:-1]
        return text + "…"

    def write(self, x: float, middle: float, text: str, fill: tuple[int, int, int]) -> None:
        """``text`` from ``x``, centred on the line ``middle``, one run after another."""
        for part, font in self.runs(text):
            self.draw.text((x, middle), part, fill=fill, font=font, anchor="lm")
            x += self.draw.textlength(part, font=font)


def text_writer(
    draw: ImageDraw.ImageDraw, size: int, *, font_path: str | Path | None = None
) -> _Writer:
    """Text of ``size`` pixels drawn as the charts draw it (the configured font, then the
    bundled one for what it lacks), for other pictures such as greeting cards. Its
    ``typeface`` is None only when no font can be read: then only ASCII shows."""
    face = _typeface(font_files(font_path), size)
    return _Writer(draw, face if face.fonts else None, size)


def bar_chart(
    title: str,
    bars: Sequence[tuple[str, int]],
    *,
    font_path: str | Path | None = None,
    subtitle: str = "",
    tone: str | None = None,
    shares: bool = True,
    palette: Sequence[int] = (),
) -> Chart:
    """A horizontal bar chart of ``bars`` (label, count), with counts and percentages.

    ``title`` is drawn large, in the colour of ``tone`` (a vote's result:
    passed, rejected, no_quorum) if given; ``subtitle`` smaller below it.
    ``shares``: each bar's percentage of all bars is shown beside its count; off where
    the bars are not parts of one whole (a street's matters raised, decided and
    overdue, community by community), where it would mean nothing.
    ``font_path`` is the configured font (``[charts] font_path``); the bundled
    font draws what it lacks. At most :data:`MAX_BARS` bars are drawn.
    """
    bars = list(bars)[:MAX_BARS]
    if any(count < 0 for _, count in bars):
        raise ValueError("bar counts must not be negative")
    files = font_files(font_path)
    faces = {size: _typeface(files, size) for size in (TITLE_SIZE, SUBTITLE_SIZE, LABEL_SIZE)}
    numbered = any(not face.fonts for face in faces.values())

    head = TITLE_HEIGHT + (SUBTITLE_HEIGHT if subtitle else 0)
    height = MARGIN * 2 + head + ROW_HEIGHT * max(len(bars), 1)
    image = Image.new("RGB", (WIDTH, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    title_w, subtitle_w, label_w = (
        _Writer(draw, None if numbered else faces[size], size)
        for size in (TITLE_SIZE, SUBTITLE_SIZE, LABEL_SIZE)
    )
    text_width = WIDTH - 2 * MARGIN
    colour = TONES.get(tone or "", TEXT)
    # Numbered (no font could be read): Chinese would draw as boxes, so only ASCII shows.
    for writer, text, middle, fill in (
        (title_w, title, MARGIN + TITLE_HEIGHT / 2 - 6, colour),
        (subtitle_w, subtitle, MARGIN + TITLE_HEIGHT + SUBTITLE_HEIGHT / 2 - 10, MUTED),
    ):
        if text and (not numbered or text.isascii()):
            writer.write(MARGIN, middle, writer.fit(text, text_width), fill)

    total = sum(count for _, count in bars)
    biggest = max((count for _, count in bars), default=0)
    track_left = MARGIN + LABEL_WIDTH
    track_width = WIDTH - track_left - MARGIN
    for index, (label, count) in enumerate(bars):
        bar_top = MARGIN + head + index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2
        middle = bar_top + BAR_HEIGHT / 2
        name = str(index + 1) if numbered else label_w.fit(label, LABEL_WIDTH - 12)
        label_w.write(MARGIN, middle, name, TEXT)
        draw.rectangle(
            (track_left, bar_top, track_left + track_width, bar_top + BAR_HEIGHT), fill=TRACK
        )
        length = round(track_width * count / biggest) if biggest else 0
        if length:
            draw.rectangle(
                (track_left, bar_top, track_left + length, bar_top + BAR_HEIGHT),
                fill=_bar_colour(index, palette),
            )
        percent = round(100 * count / total) if total else 0
        figure = f"{count} ({percent}%)" if shares else str(count)
        figure_width = label_w.width(figure)
        # Inside the bar, in white, when it fits; otherwise just after it.
        if length >= figure_width + 16:
            x, fill = track_left + length - figure_width - 8, BACKGROUND
        else:
            x, fill = track_left + length + 8, TEXT
        label_w.write(x, middle, figure, fill)

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    used = () if numbered else faces[LABEL_SIZE].paths
    return Chart(out.getvalue(), numbered, used)


def _bar_colour(index: int, palette: Sequence[int]) -> tuple[int, int, int]:
    chosen = palette[index % len(palette)] if palette else index
    return BAR_COLOURS[chosen % len(BAR_COLOURS)]


def render_chart(spec: Mapping[str, Any], *, font_path: str | Path | None = None) -> Chart:
    """The chart of a message (``OutgoingMessage.chart``).

    ``spec`` is ``{"title": str, "bars": [[label, count], ...]}`` with, optionally,
    ``"subtitle"``, ``"tone"``, ``"shares"`` and ``"palette"`` (see :func:`bar_chart`).
    """
    return bar_chart(
        str(spec["title"]),
        [(str(label), int(count)) for label, count in spec["bars"]],
        font_path=font_path,
        subtitle=str(spec.get("subtitle") or ""),
        tone=str(spec["tone"]) if spec.get("tone") else None,
        shares=bool(spec.get("shares", True)),
        palette=[int(colour) for colour in spec.get("palette") or ()],
    )


def missing_glyphs(text: str, *, font_path: str | Path | None = None) -> list[str]:
    """The characters of ``text`` no chart font draws, in order, each once."""
    face = _typeface(font_files(font_path), LABEL_SIZE)
    if not face.fonts:
        return [char for char in dict.fromkeys(text) if not char.isascii()]
    return [char for char in dict.fromkeys(text) if face.font_for(char) is None]


def bar_chart_png(
    title: str, bars: Sequence[tuple[str, int]], *, font_path: str | Path | None = None
) -> bytes:
    """Only the PNG bytes of :func:`bar_chart` (see there)."""
    return bar_chart(title, bars, font_path=font_path).png


def legend(labels: Sequence[str]) -> str:
    """The bar names for a caption when the chart is numbered: "1 同意\n2 反对\n3 弃权"."""
    return "\n".join(f"{index} {label}" for index, label in enumerate(labels, start=1))
