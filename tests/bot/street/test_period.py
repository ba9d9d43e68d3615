"""A street view's period: months and years, and the ones around them."""

from __future__ import annotations

from datetime import date

from bot.street.period import Period, Span


def test_month_and_year_periods() -> None:
    november = Period.containing(Span.MONTH, date(2026, 11, 19))
    assert (november.first, november.last, november.label) == (
        date(2026, 11, 1),
        date(2026, 11, 30),
        "2026-11",
    )
    assert november.following().first == date(2026, 12, 1)
    assert november.following().following().label == "2027-01"
    assert november.previous().label == "2026-10"
    assert Period.containing(Span.MONTH, date(2026, 1, 31)).previous().label == "2025-12"
    year = Period.containing(Span.YEAR, date(2026, 11, 19))
    assert (year.first, year.last, year.label) == (date(2026, 1, 1), date(2026, 12, 31), "2026")
    assert (year.previous().label, year.following().label) == ("2025", "2027")


def test_february_ends_on_its_last_day() -> None:
    assert Period.containing(Span.MONTH, date(2028, 2, 10)).last == date(2028, 2, 29)
