"""Dates, times, durations, numbers and lists as people say them (bot/spoken.py).

Fixed moments only: Thursday 2026-12-03 in Asia/Shanghai, and a year boundary.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot import spoken
from bot.config import Language

ZH, EN = Language.ZH_HANS, Language.EN
TZ = ZoneInfo("Asia/Shanghai")
THURSDAY = date(2026, 12, 3)
SEVEN_PM = datetime(2026, 12, 3, 19, 0, tzinfo=TZ)


def at(hour: int, minute: int = 0, day: date = THURSDAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def test_a_day() -> None:
    assert spoken.day(ZH, THURSDAY) == "12月3日（周四）"
    assert spoken.day(EN, THURSDAY) == "Thu 3 Dec"


def test_a_day_near_today_is_named_relatively() -> None:
    assert spoken.day(ZH, THURSDAY, today=THURSDAY) == "今天（周四）"
    assert spoken.day(ZH, THURSDAY, today=date(2026, 12, 2)) == "明天（周四）"
    assert spoken.day(ZH, THURSDAY, today=date(2026, 12, 4)) == "昨天（周四）"
    assert spoken.day(EN, THURSDAY, today=THURSDAY) == "today (Thu)"
    assert spoken.day(EN, THURSDAY, today=date(2026, 12, 2)) == "tomorrow (Thu)"
    # Further off: the date itself.
    assert spoken.day(ZH, THURSDAY, today=date(2026, 12, 1)) == "12月3日（周四）"
    assert spoken.day(EN, THURSDAY, today=date(2026, 11, 26)) == "Thu 3 Dec"
    # A card that stays in a group is never relative.
    assert spoken.day(ZH, THURSDAY, today=THURSDAY, relative=False) == "12月3日（周四）"


def test_the_year_only_when_it_is_not_this_year() -> None:
    new_year = date(2027, 1, 5)
    assert spoken.day(ZH, new_year, today=date(2026, 12, 30)) == "2027年1月5日（周二）"
    assert spoken.day(EN, new_year, today=date(2026, 12, 30)) == "Tue, 5 Jan 2027"
    assert spoken.day(ZH, new_year, today=date(2027, 1, 1)) == "1月5日（周二）"
    # Across the boundary, tomorrow is still tomorrow.
    assert spoken.day(ZH, date(2027, 1, 1), today=date(2026, 12, 31)) == "明天（周五）"
    # A record (the minutes) always carries it.
    assert spoken.day(ZH, THURSDAY, year=True) == "2026年12月3日（周四）"


def test_a_day_refuses_a_datetime() -> None:
    with pytest.raises(TypeError):
        spoken.day(ZH, SEVEN_PM)


def test_a_moment() -> None:
    assert spoken.moment(ZH, SEVEN_PM, TZ) == "12月3日（周四）晚上7点"
    assert spoken.moment(ZH, at(19, 30), TZ) == "12月3日（周四）晚上7点30分"
    assert spoken.moment(EN, SEVEN_PM, TZ) == "Thu 3 Dec, 7 pm"
    assert spoken.moment(EN, at(19, 30), TZ) == "Thu 3 Dec, 7:30 pm"
    assert spoken.moment(ZH, at(9), TZ, today=date(2026, 12, 2)) == "明天（周四）上午9点"
    assert spoken.moment(EN, at(9), TZ, today=date(2026, 12, 2)) == "tomorrow (Thu), 9 am"


def test_a_moment_is_read_in_the_community_zone() -> None:
    utc = SEVEN_PM.astimezone(ZoneInfo("UTC"))  # 11:00 UTC
    assert spoken.moment(ZH, utc, TZ) == "12月3日（周四）晚上7点"


@pytest.mark.parametrize(
    ("clock", "zh", "en"),
    [
        (time(0, 0), "午夜12点", "12 am"),
        (time(0, 30), "凌晨0点30分", "12:30 am"),
        (time(3, 0), "凌晨3点", "3 am"),
        (time(6, 15), "早上6点15分", "6:15 am"),
        (time(9, 5), "上午9点05分", "9:05 am"),
        (time(12, 0), "中午12点", "12 pm"),
        (time(12, 30), "中午12点30分", "12:30 pm"),
        (time(15, 0), "下午3点", "3 pm"),
        (time(18, 30), "下午6点30分", "6:30 pm"),
        (time(19, 0), "晚上7点", "7 pm"),
        (time(23, 59), "晚上11点59分", "11:59 pm"),
    ],
)
def test_times_of_day_with_the_chinese_day_periods(clock: time, zh: str, en: str) -> None:
    assert spoken.clock(ZH, clock) == zh
    assert spoken.clock(EN, clock) == en


def test_a_time_range_on_one_day() -> None:
    assert spoken.clock_range(ZH, time(19), time(20, 30)) == "晚上7点–8点30分"
    assert spoken.clock_range(ZH, time(14), time(20)) == "下午2点–晚上8点"
    assert spoken.clock_range(EN, time(19), time(20, 30)) == "7–8:30 pm"
    assert spoken.clock_range(EN, time(11), time(13)) == "11 am – 1 pm"
    assert spoken.span(ZH, SEVEN_PM, at(20, 30), TZ) == "12月3日（周四）晚上7点–8点30分"
    assert spoken.span(EN, SEVEN_PM, at(20, 30), TZ) == "Thu 3 Dec, 7–8:30 pm"
    assert spoken.span(ZH, at(9), at(11), TZ, today=THURSDAY) == "今天（周四）上午9点–11点"


def test_a_span_across_days_names_both() -> None:
    assert spoken.span(ZH, SEVEN_PM, at(9, day=date(2026, 12, 4)), TZ) == (
        "12月3日（周四）晚上7点 – 12月4日（周五）上午9点"
    )


@pytest.mark.parametrize(
    ("minutes", "zh", "en"),
    [
        (0, "0 分钟", "0 minutes"),
        (1, "1 分钟", "1 minute"),
        (45, "45 分钟", "45 minutes"),
        (60, "1 小时", "1 hour"),
        (61, "1 小时 1 分", "1 hour 1 minute"),
        (75, "1 小时 15 分", "1 hour 15 minutes"),
        (90, "1 小时 30 分", "1 hour 30 minutes"),
        (120, "2 小时", "2 hours"),
        (125, "2 小时 5 分", "2 hours 5 minutes"),
    ],
)
def test_durations(minutes: int, zh: str, en: str) -> None:
    assert spoken.duration(ZH, minutes) == zh
    assert spoken.duration(EN, minutes) == en


def test_sums_of_hours_as_decimals() -> None:
    assert spoken.decimal_hours(ZH, 750) == "12.5"
    assert spoken.decimal_hours(ZH, 120) == "2"
    assert spoken.decimal_hours(EN, 100_000) == "1,666.7"
    assert spoken.hours_total(ZH, 750) == "12.5 小时"
    assert spoken.hours_total(EN, 750) == "12.5 hours"
    assert spoken.hours_total(EN, 60) == "1 hour"
    assert spoken.hours_total(EN, 90) == "1.5 hours"
    assert spoken.number(EN, 1234.5) == "1,234.5"


def test_months() -> None:
    assert spoken.month(ZH, date(2026, 11, 1)) == "2026年11月"
    assert spoken.month(EN, date(2026, 11, 1)) == "November 2026"
    assert spoken.month_day(ZH, THURSDAY) == "12月3日"
    assert spoken.month_day(EN, THURSDAY) == "3 Dec"


def test_lists_of_names() -> None:
    assert spoken.names(ZH, ["张三", "李四", "王五"]) == "张三、李四和王五"
    assert spoken.names(EN, ["Zhang", "Li", "Wang"]) == "Zhang, Li and Wang"
    assert spoken.names(ZH, ["张三", "李四"]) == "张三和李四"
    assert spoken.names(EN, ["Zhang"]) == "Zhang"
    assert spoken.names(EN, []) == ""
    assert "、" not in spoken.names(EN, ["张三", "李四", "王五"])


def test_counted_things_inside_a_sentence() -> None:
    assert spoken.count(EN, "comments", 1) == "1 comment"
    assert spoken.count(EN, "comments", 3) == "3 comments"
    assert spoken.count(EN, "residents", 1) == "1 resident"
    assert spoken.count(EN, "activities", 2) == "2 activities"
    assert spoken.count(ZH, "comments", 1) == "1"  # 讨论 {comments} 条


def test_a_stored_day() -> None:
    assert spoken.stored_day(ZH, "2026-12-03") == "12月3日（周四）"
    assert spoken.stored_day(EN, "2026-12-03", today=date(2026, 12, 2)) == "tomorrow (Thu)"
    assert spoken.stored_day(ZH, "not a day") == "not a day"


def test_an_amount_of_money_in_yuan() -> None:
    # Kept as integer fen (分); whole yuan without decimals, otherwise both decimals.
    assert spoken.yuan(ZH, 1_200_000) == "12,000 元"
    assert spoken.yuan(ZH, 320_050) == "3,200.50 元"
    assert spoken.yuan(ZH, 5) == "0.05 元"
    assert spoken.yuan(EN, 1_200_000) == "¥12,000"
    assert spoken.yuan(EN, 320_050) == "¥3,200.50"
