"""Pure rules of the volunteer service: counted minutes, times, distances."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.errors import UserFacingError
from bot.volunteering.rules import (
    add_months,
    counted_minutes,
    distance_m,
    parse_dates,
    parse_when,
)

TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 21, 1, 0, tzinfo=UTC)
END = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)


def at(hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2026, 11, 21, hour, minute, second, tzinfo=UTC)


def test_minutes_run_from_the_later_start_to_the_earlier_end() -> None:
    assert counted_minutes(at(0, 45), at(2, 37, 30), START, END) == 97
    assert counted_minutes(at(1, 10), at(3, 30), START, END) == 110
    assert counted_minutes(at(0, 10), at(0, 50), START, END) == 0
    assert counted_minutes(at(1, 0), at(2, 37, 30), START, END, rounding="nearest") == 98
    assert counted_minutes(at(1, 0), at(2, 37), START, END, step=15) == 90
    assert counted_minutes(at(1, 0), at(2, 37), START, END, step=15, rounding="up") == 105


def test_typed_times_and_dates() -> None:
    today = date(2026, 11, 19)
    assert parse_when("11-21 09:00-11:00", today, TZ) == (START, END)
    assert parse_when("11月21日 9:00～11:00", today, TZ) == (START, END)
    # A date already past this year means next year.
    assert parse_when("01-05 09:00-10:00", today, TZ)[0].year == 2027
    for bad in ("明天", "11-21 11:00-09:00", "13-40 09:00-10:00"):
        with pytest.raises(UserFacingError):
            parse_when(bad, today, TZ)
    assert parse_dates("12-05 12-12，12-05", today) == (date(2026, 12, 5), date(2026, 12, 12))
    with pytest.raises(UserFacingError):
        parse_dates("next week", today)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)


def test_distance() -> None:
    assert round(distance_m(31.2304, 121.4737, 31.23085, 121.4737)) == 50
    assert distance_m(31.2304, 121.4737, 31.2304, 121.4737) == 0
