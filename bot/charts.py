"""Bar-chart images (PNG) for vote results, drawn with Pillow.

Chinese labels need a CJK font. :func:`find_cjk_font` looks at the configured
``[charts] font_path`` first, then at well-known system paths (Noto Sans CJK,
WenQuanYi, Droid Sans Fallback). Without one, the chart is drawn with Pillow's
built-in font and the bars are labelled "1", "2", "3"…; :class:`Chart` says
which mode was used so the caller can name the bars in the caption.

The output is deterministic: the same input gives the same bytes (no
timestamps or other metadata are written into the PNG).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

#: Well-known places of fonts that hold Chinese characters, best first.
CJK_FONT_CANDIDATES: tuple[str, ...] = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/droid/DroidSansFallback.ttf",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)

WIDTH = 800
MARGIN = 24
TITLE_HEIGHT = 56
ROW_HEIGHT = 56
BAR_HEIGHT = 34
LABEL_WIDTH = 220
MAX_BARS = 20
BACKGROUND = (255, 255, 255)
TEXT = (33, 33, 33)
TRACK = (236, 239, 241)
BAR_COLOURS = ((25, 118, 210), (211, 47, 47), (117, 117, 117), (56, 142, 60), (245, 124, 0))


@dataclass(frozen=True)
class Chart:
    """A drawn chart: the PNG bytes, and whether the bars carry their own names.

    ``numbered`` is True when no CJK font was found: the bars are then labelled
    "1", "2", … and the caller should list the names in the caption.
    """

    png: bytes
    numbered: bool


def find_cjk_font(configured: str | Path | None = None) -> Path | None:
    """The configured font if it exists, else the first well-known CJK font found."""
    if configured:
        path = Path(configured)
        if path.is_file():
            return path
    for candidate in CJK_FONT_CANDIDATES:
        path = Path(candidate)
        if path.is_file():
            return path
    return None


def _load_font(
    font_path: Path | None, size: int
) -> ImageFont.FreeTypeFont | ImageFont.ImageFont | None:
    if font_path is None:
        return None
    try:
        return ImageFont.truetype(str(font_path), size)
    except OSError:
        return None  # not a font Pillow can read: fall back to numbered bars


def bar_chart(
    title: str,
    bars: Sequence[tuple[str, int]],
    *,
    font_path: str | Path | None = None,
) -> Chart:
    """A horizontal bar chart of ``bars`` (label, count), with counts and percentages.

    ``font_path`` is the configured font (``[charts] font_path``); system CJK
    fonts are tried after it. At most :data:`MAX_BARS` bars are drawn.
    """
    bars = list(bars)[:MAX_BARS]
    if any(count < 0 for _, count in bars):
        raise ValueError("bar counts must not be negative")
    path = find_cjk_font(font_path)
    title_font = _load_font(path, 26)
    label_font = _load_font(path, 20)
    numbered = title_font is None or label_font is None
    if numbered:
        fallback = ImageFont.load_default()
        title_font = label_font = fallback
    assert title_font is not None and label_font is not None  # noqa: S101 - set just above

    height = MARGIN * 2 + TITLE_HEIGHT + ROW_HEIGHT * max(len(bars), 1)
    image = Image.new("RGB", (WIDTH, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    # Without a CJK font, a Chinese title would draw as boxes: show it only if ASCII.
    shown_title = title if not numbered or title.isascii() else ""
    draw.text((MARGIN, MARGIN), shown_title, fill=TEXT, font=title_font)

    total = sum(count for _, count in bars)
    biggest = max((count for _, count in bars), default=0)
    track_left = MARGIN + LABEL_WIDTH
    track_width = WIDTH - track_left - MARGIN
    for index, (label, count) in enumerate(bars):
        top = MARGIN + TITLE_HEIGHT + index * ROW_HEIGHT
        bar_top = top + (ROW_HEIGHT - BAR_HEIGHT) // 2
        name = str(index + 1) if numbered else _fit(draw, label, label_font, LABEL_WIDTH - 12)
        draw.text((MARGIN, bar_top + 6), name, fill=TEXT, font=label_font)
        draw.rectangle(
            (track_left, bar_top, track_left + track_width, bar_top + BAR_HEIGHT), fill=TRACK
        )
        length = round(track_width * count / biggest) if biggest else 0
        colour = BAR_COLOURS[index % len(BAR_COLOURS)]
        if length:
            draw.rectangle(
                (track_left, bar_top, track_left + length, bar_top + BAR_HEIGHT), fill=colour
            )
        percent = round(100 * count / total) if total else 0
        figure = f"{count} ({percent}%)"
        figure_width = draw.textlength(figure, font=label_font)
        # Inside the bar in white when it fits, otherwise just after it.
        if length >= figure_width + 16:
            x, fill = track_left + length - figure_width - 8, BACKGROUND
        else:
            x, fill = track_left + length + 8, TEXT
        draw.text((x, bar_top + 6), figure, fill=fill, font=label_font)

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return Chart(out.getvalue(), numbered)


def bar_chart_png(
    title: str, bars: Sequence[tuple[str, int]], *, font_path: str | Path | None = None
) -> bytes:
    """Only the PNG bytes of :func:`bar_chart` (see there)."""
    return bar_chart(title, bars, font_path=font_path).png


def _fit(
    draw: ImageDraw.ImageDraw,
    text: str,
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    width: float,
) -> str:
    """``text`` cut with "…" so that it fits in ``width`` pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def legend(labels: Sequence[str]) -> str:
    """The bar names for a caption when the chart is numbered: "1 同意\n2 反对\n3 弃权"."""
    return "\n".join(f"{index} {label}" for index, label in enumerate(labels, start=1))
