"""Bar charts: a PNG that draws Chinese with the bundled font on any machine, whose
pixels follow the counts, with the vote's result in its title."""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageFont

from bot import charts
from bot.config import Language
from bot.i18n import catalog

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
#: Two Tangut letters: in no font of ours, so drawn as the font's "missing" boxes.
TOFU = "\U00017000\U00017001"


@pytest.fixture(autouse=True)
def fresh_fonts() -> Iterator[None]:
    """Each test loads its fonts itself (the module keeps what it loaded)."""
    charts._load.cache_clear()
    charts._typeface.cache_clear()
    yield
    charts._load.cache_clear()
    charts._typeface.cache_clear()


def _image(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return image.convert("RGB")


def _row_middle(index: int, subtitle: bool = False) -> int:
    head = charts.TITLE_HEIGHT + (charts.SUBTITLE_HEIGHT if subtitle else 0)
    return charts.MARGIN + head + index * charts.ROW_HEIGHT + charts.ROW_HEIGHT // 2


def _label_box(image: Image.Image, index: int) -> Image.Image:
    """The part of the picture where bar ``index``'s name is written."""
    middle = _row_middle(index)
    return image.crop((charts.MARGIN, middle - 14, charts.MARGIN + charts.LABEL_WIDTH, middle + 14))


def _colours(image: Image.Image) -> dict[Any, int]:
    """Each colour in the picture, with how many pixels have it."""
    return {colour: count for count, colour in image.getcolors(maxcolors=1 << 20) or []}


def _ink(image: Image.Image) -> int:
    """How many pixels are not the background."""
    return sum(n for colour, n in _colours(image).items() if colour != charts.BACKGROUND)


def test_a_chart_is_a_png_whose_pixels_follow_the_counts() -> None:
    first = charts.bar_chart("表决结果", [("同意", 7), ("反对", 2), ("弃权", 1)])
    assert first.png.startswith(b"\x89PNG\r\n\x1a\n")
    assert not first.numbered and first.fonts == (charts.BUNDLED_FONT,)
    image = _image(first.png)
    assert image.size == (charts.WIDTH, 2 * charts.MARGIN + charts.TITLE_HEIGHT + 3 * 56)
    # Same input, same bytes; other counts, other pixels.
    again = charts.bar_chart("表决结果", [("同意", 7), ("反对", 2), ("弃权", 1)])
    assert again.png == first.png
    other = charts.bar_chart("表决结果", [("同意", 1), ("反对", 2), ("弃权", 7)])
    assert _image(other.png).tobytes() != image.tobytes()


def test_the_first_bar_is_longest_when_it_has_most_votes() -> None:
    image = _image(charts.bar_chart_png("Vote", [("yes", 10), ("no", 5), ("abstain", 0)]))

    def coloured_run(row: int) -> int:
        """How many pixels of the bar colour lie on one row across the bar track."""
        pixels = [image.getpixel((x, row)) for x in range(charts.WIDTH)]
        return sum(1 for pixel in pixels if pixel in charts.BAR_COLOURS)

    yes, no, abstain = (coloured_run(_row_middle(i) - 12) for i in range(3))
    assert yes > no > abstain == 0
    assert abs(yes - 2 * no) <= 2


def test_chinese_is_drawn_with_the_bundled_font_and_no_other(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No system font is looked at: the only font file opened is the package's own."""
    opened: list[str] = []
    truetype = ImageFont.truetype

    def only_bundled(font: Any, size: float = 10, *args: Any, **kwargs: Any) -> Any:
        opened.append(str(font))
        if Path(font) != charts.BUNDLED_FONT:
            raise OSError(f"not reachable in this test: {font}")
        return truetype(font, size, *args, **kwargs)

    monkeypatch.setattr(charts.ImageFont, "truetype", only_bundled)
    chinese = charts.bar_chart("表决结果：通过", [("通过", 1)])
    assert chinese.fonts == (charts.BUNDLED_FONT,) and not chinese.numbered
    assert set(opened) == {str(charts.BUNDLED_FONT)}
    assert charts.BUNDLED_FONT.is_file() and charts.BUNDLED_FONT.stat().st_size > 1_000_000
    # The two hanzi are drawn as themselves: not blank, and not the boxes the same
    # font draws for characters it lacks (which a font without hanzi would draw here).
    boxes = charts.bar_chart("表决结果：通过", [(TOFU, 1)])
    swapped = charts.bar_chart("表决结果：通过", [("过通", 1)])
    drawn = _label_box(_image(chinese.png), 0)
    assert _ink(drawn) > 60
    assert drawn.tobytes() != _label_box(_image(boxes.png), 0).tobytes()
    assert drawn.tobytes() != _label_box(_image(swapped.png), 0).tobytes()


def test_the_bundled_font_has_every_character_the_catalogs_write() -> None:
    """Titles and option names come from the catalogs: none may draw as a box."""
    written: set[str] = set()

    for language in Language:
        for text in catalog(language).values():
            # Not the emoji: a character shown as one (ℹ️) is left out when no font has it.
            written.update(re.sub(".\ufe0f", "", text))
    letters = {c for c in written if unicodedata.category(c)[0] in "LNP" and not c.isascii()}
    assert {"通", "过", "①", "（", "）", "：", "、", "《"} & letters
    assert charts.missing_glyphs("".join(sorted(letters))) == []
    assert charts.missing_glyphs("①②③ ✓ ★ ℃ №　（）【】《》“”……—") == []


def test_a_character_no_font_has_is_left_out_or_boxed_and_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    charts._missing_logged.discard("喆")
    with caplog.at_level(logging.DEBUG, logger="bot.charts"):
        assert charts.missing_glyphs("张喆😊") == ["喆", "😊"]
        chart = charts.bar_chart("志愿服务时长", [("张喆", 30), ("李大爷😊", 20)])
        charts.bar_chart("志愿服务时长", [("张喆", 30)])
    assert not chart.numbered
    assert [r.message for r in caplog.records].count("no chart font has '喆' (U+5586)") == 1
    image = _image(chart.png)
    # The emoji are left out: 李大爷😊ℹ️ draws as 李大爷.
    chart = charts.bar_chart("志愿服务时长", [("张喆", 30), ("李大爷😊ℹ️", 20)])
    image = _image(chart.png)
    plain = _image(charts.bar_chart("志愿服务时长", [("张喆", 30), ("李大爷", 20)]).png)
    assert _label_box(image, 1).tobytes() == _label_box(plain, 1).tobytes()


def test_the_vote_chart_states_the_result_in_its_colour() -> None:
    spec = {
        "title": "表决结果：通过",
        "subtitle": "#1 3号楼前加装路灯",
        "tone": "passed",
        "bars": [["赞成", 3], ["反对", 1], ["弃权", 0]],
    }
    passed = charts.render_chart(spec)
    image = _image(passed.png)
    assert image.size[1] == 2 * charts.MARGIN + charts.TITLE_HEIGHT + charts.SUBTITLE_HEIGHT + 168
    title = image.crop((0, 0, charts.WIDTH, charts.MARGIN + charts.TITLE_HEIGHT))
    colours = set(_colours(title))
    assert charts.TONES["passed"] in colours
    assert charts.TONES["rejected"] not in colours
    rejected = _image(
        charts.render_chart({**spec, "title": "表决结果：未通过", "tone": "rejected"}).png
    )
    assert charts.TONES["rejected"] in set(
        _colours(rejected.crop((0, 0, charts.WIDTH, charts.MARGIN + charts.TITLE_HEIGHT)))
    )
    # Without a subtitle or tone (a chart queued before they existed) it still draws.
    old = charts.render_chart({"title": "#1 3号楼前加装路灯", "bars": [["赞成", 3]]})
    assert _image(old.png).size[1] == 2 * charts.MARGIN + charts.TITLE_HEIGHT + 56


def test_the_figure_sits_inside_a_long_bar_and_after_a_short_one() -> None:
    image = _image(charts.bar_chart_png("表决结果：通过", [("赞成", 30), ("反对", 1)]))
    left = charts.MARGIN + charts.LABEL_WIDTH
    track = charts.WIDTH - left - charts.MARGIN

    def row(index: int) -> list[tuple[int, int, int]]:
        middle = _row_middle(index)
        return [image.getpixel((x, middle)) for x in range(charts.WIDTH)]  # type: ignore[misc]

    long_bar, short_bar = row(0), row(1)
    # White strokes of "30 (97%)" inside the blue bar, near its right end.
    inside = long_bar[left + track - 100 : left + track - 4]
    assert charts.BACKGROUND in inside and charts.BAR_COLOURS[0] in inside
    assert charts.TRACK not in inside and charts.TEXT not in inside
    # "1 (3%)" in dark text on the grey track, after the short red bar.
    short = round(track / 30)
    after = short_bar[left + short + 4 : left + short + 90]
    assert any(sum(p) < 300 for p in after) and charts.BAR_COLOURS[1] not in after


def test_a_configured_font_comes_first_and_the_bundled_one_draws_what_it_lacks(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert charts.font_files(None) == (charts.BUNDLED_FONT,)
    with caplog.at_level(logging.WARNING, logger="bot.charts"):
        assert charts.font_files(tmp_path / "none.ttf") == (charts.BUNDLED_FONT,)
    assert "no such file" in caplog.text
    if DEJAVU.is_file():  # a Latin font: the hanzi come from the bundled one
        chart = charts.bar_chart("Vote 表决", [("yes 赞成", 3)], font_path=DEJAVU)
        assert chart.fonts == (DEJAVU, charts.BUNDLED_FONT)
        assert charts.missing_glyphs("yes 赞成", font_path=DEJAVU) == []


def test_bars_are_numbered_only_when_no_font_can_be_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken.otf"
    broken.write_bytes(b"not a font")
    monkeypatch.setattr(charts, "BUNDLED_FONT", broken)
    chart = charts.bar_chart("表决结果", [("同意", 7), ("反对", 2)], font_path=broken)
    assert chart.numbered and chart.fonts == ()
    assert _image(chart.png).size[0] == charts.WIDTH
    # The Chinese title is left out rather than drawn as boxes; an ASCII one shows.
    title_band = (0, 0, charts.WIDTH, charts.MARGIN + charts.TITLE_HEIGHT)
    assert _ink(_image(chart.png).crop(title_band)) == 0
    assert _ink(_image(charts.bar_chart_png("Vote", [("a", 1)])).crop(title_band)) > 0


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        charts.bar_chart("x", [("a", -1)])


def test_the_legend_names_numbered_bars() -> None:
    assert charts.legend(["同意", "反对", "弃权"]) == "1 同意\n2 反对\n3 弃权"


def test_bars_that_are_not_shares_of_one_whole_show_their_counts_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    written: list[str] = []
    original = charts._Writer.write

    def recording(self: Any, x: float, middle: float, text: str, fill: Any) -> None:
        written.append(text)
        original(self, x, middle, text, fill)

    monkeypatch.setattr(charts._Writer, "write", recording)
    bars = [("幸福社区 提出", 3), ("幸福社区 已决定", 2), ("幸福社区 已办结", 1)]
    charts.render_chart({"title": "街道概览", "bars": bars, "shares": False})
    assert {"3", "2", "1"} <= set(written)
    assert not any("%" in text for text in written)
    written.clear()
    charts.render_chart({"title": "表决结果", "bars": bars})  # a vote's bars are shares
    assert "3 (50%)" in written and "1 (17%)" in written


def test_a_palette_gives_bars_of_one_kind_one_colour() -> None:
    bars = [("幸福 提出", 3), ("幸福 逾期", 2), ("和平 提出", 2), ("和平 逾期", 1)]
    png = charts.render_chart({"title": "街道", "bars": bars, "palette": [0, 1]}).png
    image = _image(png)
    start = charts.MARGIN + charts.LABEL_WIDTH + 4
    colours = [image.getpixel((start, _row_middle(index))) for index in range(4)]
    assert colours == [charts.BAR_COLOURS[0], charts.BAR_COLOURS[1]] * 2
    # Without one, each bar takes the next colour.
    plain = _image(charts.render_chart({"title": "街道", "bars": bars}).png)
    assert [plain.getpixel((start, _row_middle(index))) for index in range(4)] == list(
        charts.BAR_COLOURS[:4]
    )
