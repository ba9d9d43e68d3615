"""Statutory holidays through the real bot: around 国庆节 2026 the talk day of 10-04 is
held on the next workday and the Thursday pavilion of 10-01 is not held, and /upcoming,
the agenda notice and the talk day's opening say why; the Party day of 2026-02-15 (春节)
comes forward to the make-up workday (调休) Saturday 02-14, and its reminder, a lesson
sent on it and /upcoming say why.

The dates are the library's (chinese-calendar): each test first checks them there.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import chinese_calendar

from bot.standin import FakeBotApi
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import (
    RESIDENTS_GROUP,
    SECRETARY,
    BotHarness,
    button_labels,
    start_harness,
)
from tests.handlers.lessons.test_lessons_flow import MEMBERS_GROUP, community, write_lesson

#: Tuesday 2026-09-29, 10:00 in Shanghai: 国庆节 (10-01 .. 10-07) is two days off.
BEFORE_NATIONAL_DAY = datetime(2026, 9, 29, 2, 0, tzinfo=UTC)


async def start(tmp_path: Path, api: FakeBotApi, clock: FakeClock) -> BotHarness:
    # Without the daily Party birthday schedule, the calendar's schedules fit on the
    # first page of /upcoming.
    members = {"birthday_greetings": False, "birthday_list": False}
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1}, members=members)
    return await start_harness(settings, api, clock)


async def builtin(harness: BotHarness, key: str) -> tuple[int, datetime]:
    async with harness.db.read() as session:
        row = await session.schedules.by_key(key)
    assert row is not None and row.next_due_at is not None
    return row.id, row.next_due_at


async def fire(harness: BotHarness, clock: FakeClock, key: str) -> None:
    schedule_id, due = await builtin(harness, key)
    clock.now = due
    assert await harness.running.services.scheduler.fire(schedule_id, due)
    await harness.pushes_sent()


async def upcoming(harness: BotHarness) -> str:
    """Every page of /upcoming, as one text."""
    await harness.say(SECRETARY, "/upcoming")
    pages = [harness.last(SECRETARY)]
    while "下一页 ▶" in button_labels(pages[-1]):
        await harness.press_label(SECRETARY, pages[-1], "下一页 ▶")
        pages.append(harness.last(SECRETARY))
    return "\n".join(str(page["text"]) for page in pages)


def line_with(text: str, part: str) -> str:
    return next(line for line in text.splitlines() if part in line)


async def test_national_day_moves_the_talk_day_and_cancels_the_pavilion(
    tmp_path: Path, api: FakeBotApi
) -> None:
    # The library's 2026 data: 10-01 (a Thursday) and 10-04 are 国庆节 rest days, 10-08 works.
    assert chinese_calendar.get_holiday_detail(date(2026, 10, 1)) == (True, "National Day")
    assert chinese_calendar.get_holiday_detail(date(2026, 10, 4)) == (True, "National Day")
    assert chinese_calendar.is_workday(date(2026, 10, 8))
    clock = FakeClock(BEFORE_NATIONAL_DAY)
    harness = await start(tmp_path, api, clock)
    try:
        await harness.register(SECRETARY)
        await harness.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
        await harness.say(SECRETARY, "/upcoming")
        listing = harness.last(SECRETARY)["text"]
        assert line_with(listing, "逢四说事开场").endswith(
            "逢四说事开场 — 10月8日（周四）上午9点（原定10月4日，因国庆节顺延）"
        )
        assert line_with(listing, "周四议事亭提醒").endswith(
            "周四议事亭提醒 — 10月7日（周三）晚上8点（10月1日因国庆节休会）"
        )
        # The evening before 10-08: the agenda notice says why there was no pavilion.
        await fire(harness, clock, "builtin:session")
        (agenda,) = [t for t in harness.texts(RESIDENTS_GROUP) if t.startswith("📣")]
        assert agenda.startswith("📣 明天（周四）晚上7点是周四议事亭（10月1日因国庆节休会）。")
        # The morning of 10-08: the talk day of 10-04 opens, saying so.
        await fire(harness, clock, "builtin:talk_day")
        (opening,) = [t for t in harness.texts(RESIDENTS_GROUP) if t.startswith("☀️")]
        assert opening.startswith("☀️ 今天（10月8日）是逢四说事日（原定10月4日，因国庆节顺延）。")
        # After the holiday nothing is moved any more: the next talk day is 10-14, plain.
        await harness.say(SECRETARY, "/upcoming")
        after = harness.last(SECRETARY)["text"]
        assert line_with(after, "逢四说事开场").endswith("逢四说事开场 — 10月14日（周三）上午9点")
    finally:
        await harness.running.stop()


async def test_upcoming_in_english_says_why(tmp_path: Path, api: FakeBotApi) -> None:
    clock = FakeClock(BEFORE_NATIONAL_DAY)
    harness = await start(tmp_path, api, clock)
    try:
        await harness.register(SECRETARY)
        await harness.say(SECRETARY, "/lang en")
        await harness.say(SECRETARY, "/upcoming")
        listing = harness.last(SECRETARY)["text"]
        assert "Thu 8 Oct, 9 am (moved from 4 Oct: National Day)" in listing
        assert "Wed 7 Oct, 8 pm (no session on 1 Oct: National Day)" in listing
    finally:
        await harness.running.stop()


async def test_party_day_comes_forward_to_the_make_up_saturday(
    tmp_path: Path, api: FakeBotApi
) -> None:
    # The library's 2026 data: 02-15 (a Sunday) is 春节, Saturday 02-14 is worked in lieu.
    assert chinese_calendar.get_holiday_detail(date(2026, 2, 15)) == (True, "Spring Festival")
    saturday = date(2026, 2, 14)
    assert saturday.weekday() == 5 and chinese_calendar.is_workday(saturday)
    assert chinese_calendar.get_holiday_detail(date(2026, 2, 19)) == (True, "Spring Festival")
    clock = FakeClock(datetime(2026, 2, 13, 2, 0, tzinfo=UTC))  # Friday 10:00
    harness = await start(tmp_path, api, clock)
    try:
        api.add_group(MEMBERS_GROUP, "幸福里党员群")
        await harness.register(SECRETARY)
        await harness.say(SECRETARY, "/bind members", MEMBERS_GROUP)
        await harness.say(SECRETARY, "/upcoming")
        listing = harness.last(SECRETARY)["text"]
        # Reminded the day before at 18:00: Friday 02-13.
        assert line_with(listing, "主题党日提醒").endswith(
            "主题党日提醒 — 2月13日（周五）下午6点（原定2月15日，因春节提前）"
        )
        # The make-up Saturday holds its talk day; the pavilion of 02-19 (春节) is not held.
        assert line_with(listing, "逢四说事开场").endswith("逢四说事开场 — 2月14日（周六）上午9点")
        assert line_with(listing, "周四议事亭提醒").endswith(
            "周四议事亭提醒 — 2月25日（周三）晚上8点（2月19日因春节休会）"
        )
        await fire(harness, clock, "builtin:party_day")
        (reminder,) = [t for t in harness.texts(MEMBERS_GROUP) if t.startswith("🚩")]
        assert reminder == (
            "🚩 明天（周六）上午9点是主题党日（原定2月15日，因春节提前），请各位党员准时参加。"
        )
    finally:
        await harness.running.stop()


async def test_party_day_lesson_goes_out_on_the_make_up_saturday(
    tmp_path: Path, api: FakeBotApi
) -> None:
    assert chinese_calendar.is_holiday(date(2026, 2, 15))
    assert chinese_calendar.is_workday(date(2026, 2, 14))
    clock = FakeClock(datetime(2026, 2, 2, 2, 0, tzinfo=UTC))  # Monday 10:00
    harness = await start(tmp_path, api, clock)
    try:
        await community(harness)
        await write_lesson(harness)
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "党日")
        assert harness.last(SECRETARY)["text"] == (
            "✅ 微党课 #1 将在党日2月14日（周六）上午9点发出（原定2月15日，因春节提前）。"
        )
        listing = await upcoming(harness)
        assert line_with(listing, "微党课 #1《学习党章》发送").endswith(
            "微党课 #1《学习党章》发送 — 2月14日（周六）上午9点（原定2月15日，因春节提前）"
        )
    finally:
        await harness.running.stop()
