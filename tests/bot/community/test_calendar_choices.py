"""The typed values of /calendar, and a community's calendar over the street's."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from bot.community.calendar_choices import parse_clock, parse_party_day, parse_talk_days
from bot.community.communities import merge_calendar
from bot.config import CalendarSettings, current_calendar
from bot.errors import UserFacingError
from bot.runtime.scheduler.rules import CurrentCalendar
from storage import in_community
from tests.conftest import make_settings

NOW = datetime(2026, 11, 19, 11, 0, tzinfo=UTC)


def test_typed_times() -> None:
    assert parse_clock("19:30") == time(19, 30)
    assert parse_clock(" 9：05 ") == time(9, 5)
    for bad in ("7点", "24:00", "19:60", "1930", ""):
        with pytest.raises(UserFacingError) as refused:
            parse_clock(bad)
        assert refused.value.key == "calendar_settings.bad_time"


def test_typed_talk_days() -> None:
    assert parse_talk_days("24 4 14") == [4, 14, 24]
    assert parse_talk_days("5，15、25 5") == [5, 15, 25]
    for bad, key in (
        ("", "calendar_settings.bad_talk_days"),
        ("0 14", "calendar_settings.bad_talk_days"),
        ("29", "calendar_settings.bad_talk_days"),
        ("四", "calendar_settings.bad_talk_days"),
        ("1 2 3 4 5 6 7", "calendar_settings.too_many_talk_days"),
    ):
        with pytest.raises(UserFacingError) as refused:
            parse_talk_days(bad)
        assert refused.value.key == key


def test_typed_party_day() -> None:
    assert parse_party_day("15") == 15
    assert parse_party_day("1日") == 1
    assert parse_party_day("28号") == 28
    for bad in ("0", "29", "十五", ""):
        with pytest.raises(UserFacingError):
            parse_party_day(bad)


def test_a_community_calendar_is_the_street_s_with_its_choices() -> None:
    street = CalendarSettings(session_weekday="wednesday", talk_days=[8, 18], party_day=10)
    mine = merge_calendar(street, {"session_weekday": "monday", "session_time": "18:30"})
    assert (mine.session_weekday, mine.session_time) == ("monday", time(18, 30))
    assert (mine.talk_days, mine.party_day) == ([8, 18], 10)  # the street's
    assert mine.session_length_minutes == street.session_length_minutes


def test_the_scheduler_s_calendar_is_the_current_community_s(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    calendar = CurrentCalendar(settings)
    assert calendar.session_weekday == 3  # outside any community: the file's Thursday
    monday = merge_calendar(settings.street_calendar, {"session_weekday": "monday"})
    with in_community(2):
        token = current_calendar.set(monday)
        try:
            assert calendar.session_weekday == 0
            assert calendar.current() is calendar.current()  # kept while unchanged
            current_calendar.set(merge_calendar(monday, {"session_weekday": "friday"}))
            assert calendar.session_weekday == 4  # other settings: built again
        finally:
            current_calendar.reset(token)
    with in_community(1):
        assert calendar.next_session(NOW).weekday() == 3
