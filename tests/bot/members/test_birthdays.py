"""The anniversary rules, the typed joining date, and the card's layout."""

from __future__ import annotations

import io
from datetime import date

from PIL import Image

from bot import parsing
from bot.charts import BUNDLED_FONT
from bot.members.birthdays import anniversary, is_anniversary, years_in_party
from bot.members.cards import birthday_card, wrap


def test_the_anniversary_of_a_29_february_joiner_is_28_february_in_other_years() -> None:
    assert anniversary(date(1996, 2, 29), 2027) == date(2027, 2, 28)
    assert anniversary(date(1996, 2, 29), 2028) == date(2028, 2, 29)
    assert is_anniversary(date(1996, 2, 29), date(2027, 2, 28))
    assert not is_anniversary(date(1996, 2, 29), date(2028, 2, 28))
    assert is_anniversary(date(2001, 7, 1), date(2027, 7, 1))
    assert not is_anniversary(date(2001, 7, 1), date(2027, 7, 2))
    # The day itself is no anniversary: a card comes from the first year on.
    assert not is_anniversary(date(2027, 7, 1), date(2027, 7, 1))


def test_years_in_the_party_count_whole_years() -> None:
    assert years_in_party(date(2001, 7, 1), date(2026, 6, 30)) == 24
    assert years_in_party(date(2001, 7, 1), date(2026, 7, 1)) == 25
    assert years_in_party(date(1996, 2, 29), date(2027, 2, 28)) == 31
    assert years_in_party(date(1996, 2, 29), date(2027, 2, 27)) == 30


def test_a_day_is_read_as_people_write_it() -> None:
    july = date(2001, 7, 1)
    for text in (
        "2001-07-01",
        "2001-7-1",
        "2001/7/1",
        "2001.7.1",
        "2001年7月1日",
        " 2001年7月1号 ",
    ):
        assert parsing.written_day(text) == july, text
    assert parsing.written_day("1956年10月1日", first_year=1900) == date(1956, 10, 1)
    assert parsing.written_day("1956年10月1日") is None  # before MIN_YEAR by default
    for text in ("2001年2月30日", "7月1日", "２００１年７月１日", "2001-07-01 到", ""):
        assert parsing.written_day(text, first_year=1900) is None, text


def test_chinese_wraps_anywhere_and_latin_between_words() -> None:
    def width(text: str) -> float:
        return float(len(text))

    assert wrap(width, "我志愿加入中国共产党，拥护党的纲领", 6) == [
        "我志愿加入中",
        "国共产党，拥",
        "护党的纲领",
    ]
    # A comma never begins a line: it stays at the end of the one before.
    assert wrap(width, "拥护党的纲领，遵守", 6) == ["拥护党的纲领，", "遵守"]
    assert wrap(width, "uphold the program", 10) == ["uphold the", "program"]


def test_the_card_is_a_png_drawn_with_the_bundled_font() -> None:
    spec = {
        "title": "政治生日快乐",
        "salutation": "张阿姨 同志",
        "years": "今天是您入党 26 周年",
        "oath_title": "入党誓词",
        "oath": "我志愿加入中国共产党" * 8,
        "community": "幸福社区",
        "date": "2027年7月1日",
    }
    card = birthday_card(spec)
    assert card.fonts == (BUNDLED_FONT,)
    image = Image.open(io.BytesIO(card.png))
    assert image.format == "PNG" and image.width == 900
    # The same texts give the same bytes; another name another picture.
    assert birthday_card(spec).png == card.png
    assert birthday_card({**spec, "salutation": "李大爷 同志"}).png != card.png
    # A longer oath makes a taller card, never a cut one.
    longer = Image.open(io.BytesIO(birthday_card({**spec, "oath": spec["oath"] * 2}).png))
    assert longer.height > image.height
