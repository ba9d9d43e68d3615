"""Days off from chinese-calendar with the community's overrides, and what the calendar
does with them: real 2026 dates checked through the library itself, a year the library
does not know (2035: weekends only, one warning), and the overrides winning both ways."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.community.calendar import CommunityCalendar, Move, PartyDayRules
from bot.community.calendar_notes import move_note
from bot.community.holidays import DayOff, Holidays, library_version
from bot.config import ConfigError
from bot.runtime.scheduler.builtins import calendar_fingerprint
from bot.runtime.scheduler.rules import calendar_from
from tests.conftest import make_settings

NATIONAL_DAY_2026 = [date(2026, 10, 1) + timedelta(days=k) for k in range(7)]
#: 2026's make-up workdays (调休) that fall on a Saturday, as the library has them.
MAKE_UP_SATURDAYS_2026 = sorted(
    d
    for d in (date(2026, 1, 1) + timedelta(days=k) for k in range(365))
    if d.weekday() == 5 and chinese_calendar.is_workday(d)
)


def at(day: date, hour: int = 0) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=CommunityCalendar().tz)


def test_the_installed_library_knows_2026() -> None:
    assert library_version().startswith("1.11")
    assert MAKE_UP_SATURDAYS_2026, "2026 has make-up Saturdays in chinese-calendar"
    assert date(2026, 10, 10) in MAKE_UP_SATURDAYS_2026


@pytest.mark.parametrize("day", NATIONAL_DAY_2026)
def test_national_day_week_is_rest(day: date) -> None:
    assert chinese_calendar.is_holiday(day)  # the library's answer, and ours agrees
    holidays = Holidays.of()
    assert holidays.is_rest_day(day) and not holidays.is_workday(day)
    assert holidays.holiday_name(day) == "国庆节"
    assert holidays.holiday_name(day, "en") == "National Day"
    assert holidays.day_off(day) == DayOff("holiday", "国庆节", "National Day")


@pytest.mark.parametrize("day", MAKE_UP_SATURDAYS_2026)
def test_make_up_saturdays_are_workdays(day: date) -> None:
    holidays = Holidays.of()
    assert holidays.is_workday(day) and holidays.day_off(day) is None
    # Named by the holiday it makes up for; without the library it is a weekend.
    assert holidays.holiday_name(day) is not None
    assert Holidays.of(statutory=False).is_rest_day(day)


def test_an_ordinary_weekend_has_no_name() -> None:
    sunday = date(2026, 11, 15)
    assert chinese_calendar.get_holiday_detail(sunday) == (True, None)
    assert Holidays.of().day_off(sunday) == DayOff("weekend")
    assert not Holidays.of().is_holiday(sunday)


def test_a_year_the_library_does_not_know_falls_back_and_warns_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2035, 10, 1))  # really unknown: no mock
    holidays = Holidays.of(extra_holidays=[date(2035, 10, 2)])
    caplog.set_level(logging.WARNING, logger="bot.community.holidays")
    monday, saturday = date(2035, 10, 1), date(2035, 10, 6)
    assert holidays.is_workday(monday) and holidays.holiday_name(monday) is None
    assert holidays.is_rest_day(saturday)
    assert holidays.day_off(date(2035, 10, 2)) == DayOff("local")  # the config still counts
    for k in range(60):
        holidays.is_workday(monday + timedelta(days=k))
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "2035" in warnings[0].getMessage()
    assert "Upgrade chinese-calendar" in warnings[0].getMessage()
    assert "extra_holidays" in warnings[0].getMessage()
    holidays.is_workday(date(2036, 1, 1))  # another unknown year: its own warning
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 2


def test_calendar_rules_run_in_an_unknown_year(tmp_path: Path) -> None:
    calendar = calendar_from(make_settings(tmp_path))
    assert calendar.next_session(at(date(2035, 9, 30))) == at(date(2035, 10, 4), 19)
    assert calendar.next_talk_day(at(date(2035, 10, 1))) == at(date(2035, 10, 4), 9)
    # 2035-12-15 is a Saturday: the Party day comes forward to Friday 12-14.
    assert calendar.party_day(2035, 12).at == at(date(2035, 12, 14), 9)


def test_overrides_win_both_ways() -> None:
    holiday_thursday = date(2026, 10, 1)
    worked_day = date(2026, 10, 9)  # a Friday the library works
    assert chinese_calendar.is_holiday(holiday_thursday)
    assert chinese_calendar.is_workday(worked_day)
    holidays = Holidays.of(extra_holidays=[worked_day], extra_workdays=[holiday_thursday])
    assert holidays.is_workday(holiday_thursday) and holidays.holiday_name(holiday_thursday) is None
    assert holidays.is_rest_day(worked_day) and holidays.day_off(worked_day) == DayOff("local")
    both = Holidays.of(extra_holidays=[worked_day], extra_workdays=[worked_day])
    assert both.is_workday(worked_day)  # a date in both lists is worked, as before


def test_statutory_holidays_can_be_turned_off() -> None:
    holidays = Holidays.of(statutory=False)
    assert holidays.is_workday(date(2026, 10, 1))
    assert holidays.holiday_name(date(2026, 10, 1)) is None
    calendar = CommunityCalendar(holidays=holidays)
    assert calendar.next_session(at(date(2026, 9, 30))) == at(date(2026, 10, 1), 19)


def test_sessions_talk_days_and_the_party_day_around_national_day() -> None:
    calendar = CommunityCalendar(holidays=Holidays.of())
    national = DayOff("holiday", "国庆节", "National Day")
    session = calendar.next_session(at(date(2026, 9, 28)))
    assert session == at(date(2026, 10, 8), 19)  # 10-01 is not held
    assert calendar.moves("session", session) == (Move(date(2026, 10, 1), national, True),)
    talk = calendar.next_talk_day(at(date(2026, 9, 28)))
    assert talk == at(date(2026, 10, 8), 9)  # 10-04 moved to the next workday
    assert calendar.moves("talk_day", talk) == (Move(date(2026, 10, 4), national, False),)
    assert calendar.next_talk_day(talk) == at(date(2026, 10, 14), 9)
    assert calendar.moves("talk_day", at(date(2026, 10, 14), 9)) == ()
    assert list(calendar.talk_days_between(at(date(2026, 9, 28)), at(date(2026, 10, 31)))) == [
        at(date(2026, 10, 8), 9),
        at(date(2026, 10, 14), 9),
        at(date(2026, 10, 24), 9),
    ]
    # A plain weekend keeps its talk day (as before): 2026-10-24 is a Saturday.
    assert date(2026, 10, 24).weekday() == 5


def test_party_day_uses_the_make_up_saturday() -> None:
    assert chinese_calendar.get_holiday_detail(date(2026, 2, 15)) == (True, "Spring Festival")
    assert chinese_calendar.is_workday(date(2026, 2, 14))
    calendar = CommunityCalendar(holidays=Holidays.of())
    party = calendar.party_day(2026, 2)
    assert party.at == at(date(2026, 2, 14), 9) and party.moved_by == -1
    assert party.reason == DayOff("holiday", "春节", "Spring Festival")
    # Without the library, Saturday 02-14 is a weekend: Monday 02-16.
    plain = CommunityCalendar(holidays=Holidays.of(statutory=False)).party_day(2026, 2)
    assert plain.at == at(date(2026, 2, 16), 9)
    later = CommunityCalendar(holidays=Holidays.of(), party=PartyDayRules(prefer="later"))
    # Preferring later: 02-16 is 春节 too, so at one day away the earlier side, 02-14, wins.
    assert later.party_day(2026, 2).at == at(date(2026, 2, 14), 9)


def test_notes_say_why() -> None:
    national = DayOff("holiday", "国庆节", "National Day")
    moved = (Move(date(2026, 10, 4), national, False),)
    assert move_note(moved, date(2026, 10, 8), "zh_Hans") == "（原定10月4日，因国庆节顺延）"
    assert move_note(moved, date(2026, 10, 8), "en") == " (moved from 4 Oct: National Day)"
    earlier = (Move(date(2026, 2, 15), DayOff("holiday", "春节", "Spring Festival"), False),)
    assert move_note(earlier, date(2026, 2, 14), "zh_Hans") == "（原定2月15日，因春节提前）"
    skipped = (Move(date(2026, 10, 1), national, True),)
    assert move_note(skipped, date(2026, 10, 8), "zh_Hans") == "（10月1日因国庆节休会）"
    weekend = (Move(date(2026, 11, 15), DayOff("weekend"), False),)
    assert move_note(weekend, date(2026, 11, 16), "zh_Hans") == "（原定11月15日，因周末顺延）"
    local = (Move(date(2026, 11, 4), DayOff("local"), False),)
    assert move_note(local, date(2026, 11, 5), "zh_Hans") == "（原定11月4日，因社区休息日顺延）"
    assert move_note((), date(2026, 11, 5), "zh_Hans") == ""


def test_the_spoken_names_read_as_people_say_them() -> None:
    holidays = Holidays.of()
    mid_autumn = next(
        d
        for d in (date(2026, 9, 1) + timedelta(days=k) for k in range(30))
        if chinese_calendar.get_holiday_detail(d) == (True, "Mid-autumn Festival")
    )
    assert holidays.holiday_name(mid_autumn) == "中秋节"  # the library says 中秋


def test_config_old_names_still_read_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.config")
    settings = make_settings(
        tmp_path, calendar={"holidays": ["2026-11-04"], "workdays": ["2026-11-15"]}
    )
    assert settings.calendar.extra_holidays == [date(2026, 11, 4)]
    assert settings.calendar.extra_workdays == [date(2026, 11, 15)]
    messages = [r.getMessage() for r in caplog.records]
    assert any("holidays is deprecated: rename it extra_holidays" in m for m in messages)
    assert any("workdays is deprecated: rename it extra_workdays" in m for m in messages)
    with pytest.raises(ConfigError, match="old name of extra_holidays"):
        make_settings(
            tmp_path, calendar={"holidays": ["2026-11-04"], "extra_holidays": ["2026-11-05"]}
        )


def test_config_reaches_the_calendar(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path, calendar={"extra_holidays": ["2026-11-04"], "statutory_holidays": False}
    )
    calendar = calendar_from(settings)
    assert calendar.holidays is not None and calendar.holidays.statutory is None
    # A local holiday on a talk day moves it to the next workday.
    assert calendar.next_talk_day(at(date(2026, 11, 1))) == at(date(2026, 11, 5), 9)
    # Turning the library on or off, or a new library release, re-derives the schedules.
    on = calendar_from(make_settings(tmp_path, calendar={"extra_holidays": ["2026-11-04"]}))
    assert calendar_fingerprint(on) != calendar_fingerprint(calendar)


_DAYS_2026 = st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31))


@settings(max_examples=150, deadline=None)
@given(
    after=st.datetimes(
        min_value=datetime(2026, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
        max_value=datetime(2026, 12, 31),  # noqa: DTZ001
    ),
    local=st.frozensets(_DAYS_2026, max_size=12),
    statutory=st.booleans(),
)
def test_next_talk_day_is_the_soonest_held_one(
    after: datetime, local: frozenset[date], statutory: bool
) -> None:
    """Brute force: every talk day's held date (moved off holidays), the soonest ahead."""
    holidays = Holidays.of(extra_holidays=local, statutory=statutory)
    calendar = CommunityCalendar(holidays=holidays)
    moment = after.replace(tzinfo=calendar.tz)

    def held(day: date) -> date:
        if not holidays.is_holiday(day):
            return day
        return next(
            (
                day + timedelta(days=k)
                for k in range(1, 15)
                if holidays.is_workday(day + timedelta(days=k))
            ),
            day,
        )

    originals = [
        moment.date() + timedelta(days=k)
        for k in range(-20, 60)
        if (moment.date() + timedelta(days=k)).day in (4, 14, 24)
    ]
    expected = min(at(held(day), 9) for day in originals if at(held(day), 9) > moment)
    got = calendar.next_talk_day(moment)
    assert got == expected
    # And why: every talk day moved onto that date, each a holiday.
    for move in calendar.moves("talk_day", got):
        assert held(move.original) == got.date() and move.off.is_holiday
