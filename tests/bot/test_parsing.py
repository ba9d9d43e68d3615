"""Numbers and dates as typed: ASCII digits and sane years only."""

from __future__ import annotations

from datetime import date

import pytest

from bot import parsing

TODAY = date(2026, 1, 10)


@pytest.mark.parametrize(
    "text", ["²", "१", "１", "1²", "-1", "+1", "1e3", "", " ", "1 2", "1234567890"]
)
def test_only_ascii_digits_make_a_number(text: str) -> None:
    assert parsing.number(text) is None
    assert parsing.item_number(text) is None


def test_numbers() -> None:
    assert (
        parsing.item_number("#3") == parsing.item_number("＃3") == parsing.item_number(" 3 ") == 3
    )
    assert parsing.item_number("0") is None
    assert parsing.percent("80%") == parsing.percent("80％") == 80
    assert parsing.percent("101") is None
    assert parsing.integer("-1001234") == -1001234
    assert parsing.integer("१") is None


@pytest.mark.parametrize(
    "text",
    [
        "9999-12-31",
        "0001-01-01",
        "1999-12-31",
        "2101-01-01",
        "２０２６-０１-０１",
        "2026-02-30",
        "13-01",
    ],
)
def test_days_out_of_range_or_script_are_refused(text: str) -> None:
    assert parsing.past_day(text, TODAY) is None


def test_days() -> None:
    assert parsing.past_day("2026-01-05", TODAY) == date(2026, 1, 5)
    # Looking back: in January, 12-30 is last December's; 02-29 the last leap year's.
    assert parsing.past_day("12-30", TODAY) == date(2025, 12, 30)
    assert parsing.past_day("02-29", TODAY) == date(2024, 2, 29)
    assert parsing.iso_day("2026-11-30") == date(2026, 11, 30)
    assert parsing.iso_day("11-30") is None
    # Looking forward: a past day without its year is next year's.
    assert parsing.coming_day(None, "01", "05", TODAY) == date(2027, 1, 5)
    assert parsing.coming_day(None, "1", "१", TODAY) is None
    assert parsing.coming_day("9999", "1", "5", TODAY) is None


def test_months_and_periods() -> None:
    assert parsing.month("2026-11") == date(2026, 11, 1)
    assert parsing.month("2026-13") is None
    assert parsing.period("2026") == (date(2026, 1, 1), date(2026, 12, 31))
    assert parsing.period("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    for text in ("9999", "0001-01", "２０２６", "2026-1１"):
        assert parsing.period(text) is None
