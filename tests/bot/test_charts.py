"""Bar charts: a PNG of sane size, deterministic, whose pixels follow the counts."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from bot import charts

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _image(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png))


def test_a_chart_is_a_png_whose_pixels_follow_the_counts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(charts, "CJK_FONT_CANDIDATES", ())
    first = charts.bar_chart("表决结果", [("同意", 7), ("反对", 2), ("弃权", 1)])
    assert first.png.startswith(b"\x89PNG\r\n\x1a\n")
    assert first.numbered  # no CJK font: the caller names the bars
    image = _image(first.png)
    assert image.format == "PNG"
    assert image.size == (charts.WIDTH, 2 * charts.MARGIN + charts.TITLE_HEIGHT + 3 * 56)
    # Same input, same bytes; other counts, other pixels.
    again = charts.bar_chart("表决结果", [("同意", 7), ("反对", 2), ("弃权", 1)])
    assert again.png == first.png
    other = charts.bar_chart("表决结果", [("同意", 1), ("反对", 2), ("弃权", 7)])
    assert other.png != first.png
    assert _image(other.png).tobytes() != image.tobytes()


def test_the_first_bar_is_longest_when_it_has_most_votes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(charts, "CJK_FONT_CANDIDATES", ())
    image = _image(charts.bar_chart_png("Vote", [("yes", 10), ("no", 5), ("abstain", 0)]))

    def coloured_run(row: int) -> int:
        """How many pixels of the bar colour lie on one row across the bar track."""
        pixels = [image.getpixel((x, row)) for x in range(charts.WIDTH)]
        return sum(1 for pixel in pixels if pixel in charts.BAR_COLOURS)

    def middle(index: int) -> int:
        return charts.MARGIN + charts.TITLE_HEIGHT + index * charts.ROW_HEIGHT + 13

    yes, no, abstain = (coloured_run(middle(i)) for i in range(3))
    assert yes > no > abstain == 0
    assert abs(yes - 2 * no) <= 2


@pytest.mark.skipif(not DEJAVU.is_file(), reason="needs a TrueType font on the machine")
def test_a_configured_font_names_the_bars() -> None:
    chart = charts.bar_chart("Vote", [("yes", 3), ("no", 1)], font_path=DEJAVU)
    assert not chart.numbered
    assert charts.find_cjk_font(DEJAVU) == DEJAVU
    assert charts.find_cjk_font("/no/such/font.ttf") in (
        None,
        *map(Path, charts.CJK_FONT_CANDIDATES),
    )


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        charts.bar_chart("x", [("a", -1)])


def test_the_legend_names_numbered_bars() -> None:
    assert charts.legend(["同意", "反对", "弃权"]) == "1 同意\n2 反对\n3 弃权"
