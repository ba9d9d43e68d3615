"""Which days and times the date picker offers, and how their buttons read."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.community.calendar import CommunityCalendar
from bot.community.holidays import Holidays
from bot.datepicker import (
    MAX_WEEKS,
    Needs,
    clock_label,
    day_label,
    ends_after,
    first_days,
    length_label,
    name_of,
    times_on,
    week_days,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def calendar(*local_days: date) -> CommunityCalendar:
    return CommunityCalendar(holidays=Holidays.of(extra_holidays=local_days))


def test_a_tuesday_offers_the_week_by_name() -> None:
    days = first_days(at(2026, 12, 1), calendar())
    assert [(c.day.day, c.name) for c in days] == [
        (1, "today"),
        (2, "tomorrow"),
        (3, "this_week"),
        (4, "this_week"),
        (5, "this_week"),
        (6, "this_week"),
        (7, "next_week"),
    ]
    labels = [day_label(c, "zh_Hans") for c in days]
    assert labels[:4] == [
        "今天 12月1日（周二）",
        "明天 12月2日（周三）",
        "本周四 12月3日 · 议事亭",
        "本周五 12月4日 · 说事日",
    ]
    assert labels[-1] == "下周一 12月7日"
    assert [day_label(c, "en") for c in days[:3]] == [
        "Today (Tue 1 Dec)",
        "Tomorrow (Wed 2 Dec)",
        "This Thu (3 Dec) · sitting",
    ]


def test_a_thursday_that_is_a_holiday_has_no_sitting() -> None:
    # National Day 2026 is a Thursday: the session is cancelled, the button says why.
    days = first_days(at(2026, 9, 29), calendar())
    thursday = next(c for c in days if c.day == date(2026, 10, 1))
    assert thursday.sitting is None and thursday.off is not None
    assert day_label(thursday, "zh_Hans") == "本周四 10月1日 · 国庆节"
    assert day_label(thursday, "en") == "This Thu (1 Oct) · National Day"
    # A community's own day off on a Thursday.
    local = first_days(at(2026, 12, 1), calendar(date(2026, 12, 3)))
    assert day_label(local[2], "zh_Hans") == "本周四 12月3日 · 社区休息日"
    assert local[2].sitting is None
    # The Thursday after, an ordinary one, has its session.
    assert week_days(at(2026, 12, 1), calendar(date(2026, 12, 3)), 1)[3].sitting == "session"


def test_the_end_of_the_year() -> None:
    days = first_days(at(2026, 12, 29), calendar(date(2027, 1, 1)))
    assert [c.day for c in days][-3:] == [date(2027, 1, 2), date(2027, 1, 3), date(2027, 1, 4)]
    new_year = next(c for c in days if c.day == date(2027, 1, 1))
    assert day_label(new_year, "zh_Hans") == "本周五 1月1日 · 社区休息日"
    assert day_label(days[-1], "zh_Hans") == "下周一 1月4日 · 说事日"
    following = week_days(at(2026, 12, 29), calendar(), 1)
    assert [c.day for c in following] == [date(2027, 1, d) for d in range(4, 11)]
    assert following[0].name == "next_week"
    assert week_days(at(2026, 12, 29), calendar(), 2)[0].name == "later"


def test_the_end_of_a_month_and_a_sunday() -> None:
    # Sunday 2026-11-29: tomorrow is Monday 11-30 (明天, not 下周一), then December.
    days = first_days(at(2026, 11, 29), calendar())
    assert [(c.day, c.name) for c in days[:3]] == [
        (date(2026, 11, 29), "today"),
        (date(2026, 11, 30), "tomorrow"),
        (date(2026, 12, 1), "next_week"),
    ]
    assert day_label(days[2], "zh_Hans") == "下周二 12月1日"
    assert name_of(date(2026, 12, 7), date(2026, 11, 29)) == "later"


def test_weeks_stop_at_the_last_page() -> None:
    now = at(2026, 12, 1)
    assert week_days(now, calendar(), 99) == week_days(now, calendar(), MAX_WEEKS)
    assert week_days(now, calendar(), 0) == week_days(now, calendar(), 1)


def test_today_only_with_times_still_ahead() -> None:
    evening = at(2026, 12, 1, 19, 10)
    assert times_on(date(2026, 12, 1), evening, calendar()) == [time(19, 30)]
    assert len(times_on(date(2026, 12, 2), evening, calendar())) == 6
    late = at(2026, 12, 1, 19, 30)
    assert first_days(late, calendar(), Needs.MOMENT)[0].name == "tomorrow"
    # A date alone: today is still a day to choose.
    assert first_days(late, calendar(), Needs.DATE)[0].name == "today"


def test_ends_stay_on_the_same_day() -> None:
    assert ends_after(time(19)) == [
        (time(20), 60),
        (time(20, 30), 90),
        (time(21), 120),
        (time(22), 180),
        (time(23), 240),
    ]
    assert ends_after(time(21, 30)) == [(time(22, 30), 60), (time(23), 90), (time(23, 30), 120)]


def test_times_as_people_say_them() -> None:
    spoken = [clock_label(time(h, m), "zh_Hans") for h, m in ((9, 0), (12, 0), (14, 0), (19, 30))]
    assert spoken == ["上午9点", "中午12点", "下午2点", "晚上7点半"]
    assert clock_label(time(9, 15), "zh_Hans") == "上午9点15分"
    english = [clock_label(time(h, m), "en") for h, m in ((9, 0), (12, 0), (19, 30), (9, 15))]
    assert english == ["9 am", "12 pm", "7:30 pm", "9:15 am"]
    assert [length_label(m, "zh_Hans") for m in (60, 90)] == ["1小时", "1个半小时"]
    assert [length_label(m, "en") for m in (60, 90)] == ["1 h", "1.5 h"]


def test_looking_back_offers_today_and_the_days_before() -> None:
    # Spending, say: Thursday 2026-11-19, the first screen goes back a week, latest first.
    days = first_days(at(2026, 11, 19), calendar(), Needs.PAST)
    assert [(c.day.day, c.name) for c in days] == [
        (19, "today"),
        (18, "yesterday"),
        (17, "this_week"),
        (16, "this_week"),
        (15, "last_week"),
        (14, "last_week"),
        (13, "last_week"),
    ]
    # The page before: the seven days before those, latest first.
    earlier = week_days(at(2026, 11, 19), calendar(), 1, past=True)
    assert [c.day.day for c in earlier] == [12, 11, 10, 9, 8, 7, 6]
    assert [c.name for c in earlier] == ["last_week"] * 4 + ["later"] * 3
    assert day_label(days[1], "zh_hans").startswith("昨天 ")
    assert day_label(days[4], "zh_hans").startswith("上周日 ")
