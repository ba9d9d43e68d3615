"""Schedules through the real bot: downtime caught up once, or reported; /upcoming."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot import spoken
from bot.config import Language
from bot.standin import FakeBotApi
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import (
    RESIDENTS_GROUP,
    SECRETARY,
    BotHarness,
    button_data,
    start_harness,
)


async def restart(tmp_path: Path, api: FakeBotApi, clock: FakeClock) -> BotHarness:
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    return await start_harness(settings, api, clock)


async def prepare(tmp_path: Path, api: FakeBotApi, clock: FakeClock) -> int:
    """A secretary, a bound residents' group, and a reminder due in ten minutes."""
    harness = await restart(tmp_path, api, clock)
    try:
        await harness.register(SECRETARY)
        await harness.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
        return await harness.running.services.scheduler.create(
            kind="message",
            title="今晚议事",
            rule={"type": "once", "at": (clock.now + timedelta(minutes=10)).isoformat()},
            payload={"chat_kind": "residents", "text": "今晚七点在湖边议事亭议事"},
            owner_id=None,
        )
    finally:
        await harness.running.stop()


# Monday 2026-11-16, 10:00 in Shanghai: no built-in schedule (Thursday pavilion, talk day
# on a date with a 4, Party day) falls due in the hours these tests move through.
QUIET_MONDAY = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)


def reminders(api: FakeBotApi, chat_id: int) -> list[str]:
    return [m["text"] for m in api.bot_messages(chat_id) if "湖边议事亭" in m["text"]]


async def test_reminder_due_while_down_is_sent_once_late(tmp_path: Path, api: FakeBotApi) -> None:
    clock = FakeClock(QUIET_MONDAY)
    schedule_id = await prepare(tmp_path, api, clock)
    clock.advance(minutes=25)  # the bot was down when it fell due
    harness = await restart(tmp_path, api, clock)
    try:
        await harness.pushes_sent()
        async with harness.db.read() as session:
            firings = await session.schedules.firings(schedule_id)
    finally:
        await harness.running.stop()
    (late,) = reminders(api, RESIDENTS_GROUP)
    due = clock.now - timedelta(minutes=15)
    said = spoken.clock(Language.ZH_HANS, due, ZoneInfo("Asia/Shanghai"))  # e.g. 上午10点10分
    assert late == f"🔔 今晚七点在湖边议事亭议事\n\n（原定{said}，因系统暂停延后发送）"
    assert [outcome for _, outcome in firings] == ["late"]
    clock.advance(minutes=1)
    again = await restart(tmp_path, api, clock)  # and another restart does not send it again
    await again.pushes_sent()
    await again.running.stop()
    assert len(reminders(api, RESIDENTS_GROUP)) == 1


async def test_reminder_beyond_the_window_is_reported_missed(
    tmp_path: Path, api: FakeBotApi
) -> None:
    clock = FakeClock(QUIET_MONDAY)
    schedule_id = await prepare(tmp_path, api, clock)
    clock.advance(hours=7)  # the catch-up window is 6 h
    harness = await restart(tmp_path, api, clock)
    try:
        await harness.pushes_sent()
        async with harness.db.read() as session:
            firings = await session.schedules.firings(schedule_id)
    finally:
        await harness.running.stop()
    assert reminders(api, RESIDENTS_GROUP) == []
    assert [outcome for _, outcome in firings] == ["missed"]
    report = harness.last(SECRETARY)
    assert report["text"].startswith("⚠️ 机器人停机期间错过了 1 次“今晚议事”")
    assert "按下面的“📣 现在补发”补发最近一次" in report["text"]
    # The secretary sends it now: once, saying when it was due.
    clock.advance(minutes=5)
    harness = await restart(tmp_path, api, clock)
    try:
        await harness.press_label(SECRETARY, report, "📣 现在补发")
        assert api.callback_answers()[-1]["text"] == "已补发：今晚议事"
        await harness.pushes_sent()
        (sent,) = reminders(api, RESIDENTS_GROUP)
        assert sent.startswith("🔔 今晚七点在湖边议事亭议事\n\n（原定")
        assert sent.endswith("，因系统暂停延后发送）")
        await harness.press_label(SECRETARY, report, "📣 现在补发", strict=False)
        assert api.callback_answers()[-1]["text"] == "已经补发过了：今晚议事"
        await harness.pushes_sent()
        assert len(reminders(api, RESIDENTS_GROUP)) == 1
        async with harness.db.read() as session:
            firings = await session.schedules.firings(schedule_id)
        assert [outcome for _, outcome in firings] == ["late"]
    finally:
        await harness.running.stop()


async def test_alarm_fires_on_time_through_the_job_queue(harness: BotHarness) -> None:
    await harness.register(SECRETARY)
    await harness.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
    due = datetime.now(UTC) + timedelta(seconds=0.5)
    schedule_id = await harness.running.services.scheduler.create(
        kind="message",
        title="马上",
        rule={"type": "once", "at": due.isoformat()},
        payload={"chat_kind": "residents", "text": "湖边议事亭见"},
        owner_id=None,
    )
    await harness.api.wait_for(lambda: bool(reminders(harness.api, RESIDENTS_GROUP)), timeout=60)
    async with harness.db.read() as session:
        assert [outcome for _, outcome in await session.schedules.firings(schedule_id)] == ["done"]


async def add_activity(harness: BotHarness, clock: FakeClock, title: str) -> int:
    """An activity three days ahead with its reminders (1 day and 1 hour before)."""
    services = harness.running.services
    starts = clock.now + timedelta(days=3)
    async with harness.db.transaction() as session:
        activity_id = await session.volunteering.activities.create_activity(
            series_id=None,
            title=title,
            description="",
            place="湖边",
            latitude=None,
            longitude=None,
            radius_m=200,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            capacity=10,
            by_location=False,
            by_code=True,
            audience="volunteers",
            unit_id=None,
            code_secret="x",
            organiser_id=None,
            now=clock.now,
        )
    for minutes in (1440, 60):
        await services.scheduler.create(
            kind="volunteer.reminder",
            title=f"activity {activity_id} reminder {minutes}",
            rule={"type": "once", "at": (starts - timedelta(minutes=minutes)).isoformat()},
            payload={"activity_id": activity_id, "minutes": minutes},
            owner_id=None,
        )
    return activity_id


def labels(message: dict[str, Any]) -> list[str]:
    return [b["text"] for row in message["reply_markup"]["inline_keyboard"] for b in row]


async def test_upcoming_lists_everything_paged_with_named_buttons(
    tmp_path: Path, api: FakeBotApi
) -> None:
    clock = FakeClock(MONDAY_MORNING)
    harness = await start_with(tmp_path, api, clock)
    try:
        await harness.register(SECRETARY)
        await add_activity(harness, clock, "湖边清扫")
        await harness.say(SECRETARY, "/upcoming")
        first = harness.last(SECRETARY)
        lines = first["text"].splitlines()
        assert lines[0] == "接下来机器人要做的事"
        # 10 built-in schedules and the activity's two reminders: 12, in two pages.
        assert lines[-1] == "第 1/2 页，共 12 项。按 ⏸ 暂停、按 ▶ 恢复。"
        assert "1. 逾期事项提醒（每天） — 11月17日（周二）上午9点" in lines
        assert "4. 活动《湖边清扫》提前 1 天提醒 — 11月18日（周三）上午10点" in lines
        assert "6. 活动《湖边清扫》提前 1 小时提醒 — 11月19日（周四）上午9点" in lines
        assert "下一页 ▶" in labels(first) and "◀ 上一页" not in labels(first)
        assert "⏸ 周四议事亭开场" in labels(first)
        # Press ⏸ on the Thursday opening: a toast says what was paused.
        await harness.press_label(SECRETARY, first, "⏸ 周四议事亭开场")
        assert api.callback_answers()[-1]["text"] == "已暂停：周四议事亭开场"
        # It moved to the end among the paused ones, on page 2, with its ▶ button.
        after = harness.last(SECRETARY)
        assert "周四议事亭开场" not in after["text"]
        await harness.press_label(SECRETARY, after, "下一页")
        second = harness.last(SECRETARY)
        assert "12. 周四议事亭开场 — ⏸ 已暂停" in second["text"]
        assert "◀ 上一页" in labels(second) and "▶ 周四议事亭开场" in labels(second)
        resume = button_data(second, "▶ 周四议事亭开场")
        await harness.press(SECRETARY, second, resume)
        assert api.callback_answers()[-1]["text"] == "已恢复：周四议事亭开场"
        # The same (stale) button pressed again changes nothing and says so.
        await harness.press(SECRETARY, second, resume, strict=False)
        assert api.callback_answers()[-1]["text"] == "本来就在进行：周四议事亭开场"
        async with harness.db.read() as session:
            opening = await session.schedules.by_key("builtin:session_open")
        assert opening is not None and opening.enabled
        assert resume == f"se:{opening.id}:True:1"
        await harness.say(2001, "/upcoming")
        assert harness.last(2001)["text"] == "抱歉，只有书记可以使用这个功能。"
    finally:
        await harness.running.stop()


async def test_a_long_title_is_cut_on_its_button_and_said_whole_when_pressed(
    tmp_path: Path, api: FakeBotApi
) -> None:
    clock = FakeClock(MONDAY_MORNING)
    harness = await start_with(tmp_path, api, clock)
    try:
        await harness.register(SECRETARY)
        await add_activity(harness, clock, "社区老年活动中心门前绿化带补种")
        await harness.say(SECRETARY, "/upcoming")
        first = harness.last(SECRETARY)
        whole = "活动《社区老年活动中心门前绿化带补种》提前 1 天提醒"
        assert f"4. {whole} — 11月18日（周三）上午10点" in first["text"].splitlines()
        # The activity's own title is cut, so its two reminders keep apart.
        assert "⏸ 活动《社区老年活动中心门…》提前 1 天提醒" in labels(first)
        assert "⏸ 活动《社区老年活动中心门…》提前 1 小时提醒" in labels(first)
        await harness.press_label(SECRETARY, first, "⏸ 活动《社区老年活动中心门…》提前 1 天")
        assert api.callback_answers()[-1]["text"] == f"已暂停：{whole}"
    finally:
        await harness.running.stop()


# --- the calendar changes between two runs ---------------------------------------------

MONDAY_MORNING = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai


async def start_with(
    tmp_path: Path, api: FakeBotApi, clock: FakeClock, **calendar: object
) -> BotHarness:
    # Without the daily Party birthday schedule (bot/members/birthdays.py): the counts
    # and places below are those of the calendar's and the activities' schedules.
    members = {"birthday_greetings": False, "birthday_list": False}
    settings = make_settings(
        tmp_path, telegram={"poll_timeout": 1}, calendar=dict(calendar), members=members
    )
    return await start_harness(settings, api, clock)


async def builtin(harness: BotHarness, key: str) -> tuple[int, datetime]:
    """The built-in schedule's id and next due time."""
    async with harness.db.read() as session:
        row = await session.schedules.by_key(key)
    assert row is not None and row.next_due_at is not None
    return row.id, row.next_due_at


async def open_due(harness: BotHarness) -> datetime:
    return (await builtin(harness, "builtin:session_open"))[1]


async def test_a_new_session_time_moves_the_opening_and_it_opens_then(
    tmp_path: Path, api: FakeBotApi
) -> None:
    clock = FakeClock(MONDAY_MORNING)
    first = await start_with(tmp_path, api, clock, session_time="19:00")
    try:
        await first.register(SECRETARY)
        await first.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
        assert await open_due(first) == datetime(2026, 11, 19, 11, 0, tzinfo=UTC)
    finally:
        await first.running.stop()

    harness = await start_with(tmp_path, api, clock, session_time="18:00")
    try:
        due = await open_due(harness)
        assert due == datetime(2026, 11, 19, 10, 0, tzinfo=UTC)  # Thursday 18:00
        await harness.say(SECRETARY, "/upcoming")
        listing = harness.last(SECRETARY)["text"]
        opening = next(line for line in listing.splitlines() if "周四议事亭开场" in line)
        assert "下午6点" in opening and "晚上7点" not in opening
        clock.now = due
        schedule_id, _ = await builtin(harness, "builtin:session_open")
        assert await harness.running.services.scheduler.fire(schedule_id, due)
        await harness.pushes_sent()
    finally:
        await harness.running.stop()
    opened = [t for t in harness.texts(RESIDENTS_GROUP) if t.startswith("🔔 周四议事亭现在开始")]
    assert opened == [opened[0]] and "（11月19日下午6点）" in opened[0]
    assert "延后" not in opened[0]  # on time: no note


async def test_an_opening_moved_earlier_past_now_is_done_late_not_lost(
    tmp_path: Path, api: FakeBotApi
) -> None:
    clock = FakeClock(MONDAY_MORNING)
    first = await start_with(tmp_path, api, clock, session_time="19:00")
    try:
        await first.register(SECRETARY)
        await first.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
    finally:
        await first.running.stop()
    clock.now = datetime(2026, 11, 19, 10, 30, tzinfo=UTC)  # Thursday 18:30: 18:00 has passed
    harness = await start_with(tmp_path, api, clock, session_time="18:00")
    try:
        await harness.pushes_sent()
        assert await open_due(harness) == datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
    finally:
        await harness.running.stop()
    (opened,) = [t for t in harness.texts(RESIDENTS_GROUP) if t.startswith("🔔 周四议事亭")]
    # Half an hour late: it does not say "now", and says when it was due.
    assert opened.startswith("🔔 周四议事亭已经开始（11月19日下午6点）")
    assert opened.endswith("\n\n（原定下午6点，因系统暂停延后发送）")


async def test_a_firing_with_no_event_left_is_reported(tmp_path: Path, api: FakeBotApi) -> None:
    clock = FakeClock(MONDAY_MORNING)
    harness = await start_with(tmp_path, api, clock)
    try:
        await harness.register(SECRETARY)
        await harness.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
        schedule_id, _ = await builtin(harness, "builtin:session_open")
        stray = datetime(2026, 11, 19, 12, 0, tzinfo=UTC)  # Thursday 20:00: no session then
        async with harness.db.transaction() as session:
            await session.schedules.set_next_due(schedule_id, stray, clock.now)
        clock.now = stray
        assert await harness.running.services.scheduler.fire(schedule_id, stray)
        await harness.pushes_sent()
        assert await open_due(harness) == datetime(2026, 11, 26, 11, 0, tzinfo=UTC)
    finally:
        await harness.running.stop()
    assert not [t for t in harness.texts(RESIDENTS_GROUP) if t.startswith("🔔")]
    report = harness.last(SECRETARY)["text"]
    assert report.startswith("⚠️ “周四议事亭开场”原定今天（周四）晚上8点执行")
