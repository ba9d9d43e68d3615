"""Schedules: due times from rules, one firing each, catch-up after downtime, pause/resume."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.community.register import ChatInfo, ChatKind, CommunityService
from bot.runtime.scheduler import SchedulerService
from storage import Database
from tests.conftest import FakeClock, make_settings

SHANGHAI_EVENING = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # Wednesday 20:00 in Shanghai


class RecordingTimer:
    """A Timer that remembers its alarms."""

    def __init__(self) -> None:
        self.alarms: dict[int, datetime] = {}

    def arm(self, schedule_id: int, due_at: datetime) -> None:
        self.alarms[schedule_id] = due_at

    def disarm(self, schedule_id: int) -> None:
        self.alarms.pop(schedule_id, None)


@pytest.fixture
def timer() -> RecordingTimer:
    return RecordingTimer()


@pytest.fixture
async def scheduler(
    db: Database, tmp_path: Path, clock: FakeClock, timer: RecordingTimer
) -> SchedulerService:
    settings = make_settings(tmp_path)
    service = SchedulerService(db, settings, clock)
    service.attach(timer, lambda: None)
    community = CommunityService(db, settings.community, clock)
    secretary = await community.identify(_caller(1001))
    await community.bind_chat(secretary, ChatInfo(-100, "居民群", "supergroup"), ChatKind.RESIDENTS)
    return service


def _caller(user_id: int):  # type: ignore[no-untyped-def]
    from bot.community.register import Caller

    return Caller(user_id, "王")


async def group_messages(db: Database) -> list[tuple[int, str, str]]:
    async with (
        db.read() as session,
        session.conn.execute("SELECT chat_id, content, state FROM outbox ORDER BY id") as cur,
    ):
        return [(int(r[0]), str(r[1]), str(r[2])) for r in await cur.fetchall()]


def test_event_rules_follow_the_calendar(scheduler: SchedulerService) -> None:
    after = datetime(2026, 11, 16, 0, 0, tzinfo=UTC)  # Monday
    # Thursday 2026-11-19 19:00 Shanghai; the evening before at 20:00 = Wednesday 12:00 UTC.
    assert scheduler.rules.next_due(
        {"type": "session", "offset": "the evening before at 20:00"}, after
    ) == (SHANGHAI_EVENING)
    assert scheduler.rules.next_due({"type": "session", "offset": "1h before"}, after) == datetime(
        2026, 11, 19, 10, 0, tzinfo=UTC
    )
    # Party day: 2026-11-15 is a Sunday, so it floats to Monday the 16th, 09:00 local.
    assert scheduler.rules.next_due(
        {"type": "party_day", "offset": "at start"}, datetime(2026, 11, 10, tzinfo=UTC)
    ) == datetime(2026, 11, 16, 1, 0, tzinfo=UTC)
    assert scheduler.rules.next_due({"type": "talk_day", "offset": "at start"}, after) == datetime(
        2026, 11, 24, 1, 0, tzinfo=UTC
    )
    start = datetime(2026, 11, 16, 0, 0, 30, tzinfo=UTC)
    every = {"type": "every", "seconds": 60, "start": start.isoformat()}
    assert scheduler.rules.next_due(every, start) == start + timedelta(seconds=60)
    assert scheduler.rules.next_due({"type": "once", "at": start.isoformat()}, start) is None


async def test_builtin_schedules_follow_the_config(
    scheduler: SchedulerService, db: Database, clock: FakeClock, timer: RecordingTimer
) -> None:
    await scheduler.ensure_builtin()
    await scheduler.ensure_builtin()  # idempotent
    upcoming = [item.row for item in (await scheduler.upcoming.page()).items]
    # Now is Thursday 2026-11-19 19:00 in Shanghai.
    assert [(row.key, row.next_due_at) for row in upcoming] == [
        ("builtin:session_close", datetime(2026, 11, 19, 13, 0, tzinfo=UTC)),  # today 21:00
        ("builtin:talk_day", datetime(2026, 11, 24, 1, 0, tzinfo=UTC)),  # 24th 09:00
        ("builtin:talk_day_close", datetime(2026, 11, 24, 12, 0, tzinfo=UTC)),  # 24th 20:00
        ("builtin:session", datetime(2026, 11, 25, 12, 0, tzinfo=UTC)),  # Wed 20:00
        ("builtin:session_open", datetime(2026, 11, 26, 11, 0, tzinfo=UTC)),  # Thu 19:00
        ("builtin:party_day", datetime(2026, 12, 14, 10, 0, tzinfo=UTC)),  # Mon 18:00
    ]
    await scheduler.rebuild()
    assert sorted(timer.alarms.values()) == [row.next_due_at for row in upcoming]


async def test_a_firing_happens_once(
    scheduler: SchedulerService, db: Database, clock: FakeClock, timer: RecordingTimer
) -> None:
    due = clock.now + timedelta(minutes=5)
    schedule_id = await scheduler.create(
        kind="message",
        title="倒垃圾",
        rule={"type": "once", "at": due.isoformat()},
        payload={"chat_kind": "residents", "text": "今晚收大件垃圾"},
        owner_id=None,
    )
    assert timer.alarms[schedule_id] == due
    clock.advance(minutes=5)
    assert await scheduler.fire(schedule_id, due)
    assert not await scheduler.fire(schedule_id, due)  # the alarm went off twice
    (message,) = await group_messages(db)
    assert message[0] == -100 and "今晚收大件垃圾" in message[1]
    async with db.read() as session:
        assert await session.schedules.firings(schedule_id) == [(due, "done")]
        assert (await session.schedules.get(schedule_id)).next_due_at is None  # type: ignore[union-attr]


async def test_downtime_within_the_window_is_done_once_late(
    scheduler: SchedulerService, db: Database, clock: FakeClock
) -> None:
    start = clock.now
    every = {"type": "every", "seconds": 3600, "start": (start + timedelta(hours=1)).isoformat()}
    schedule_id = await scheduler.create(
        kind="message", title="巡查", rule=every, payload={"text": "巡查时间到"}, owner_id=None
    )
    clock.advance(hours=3, minutes=30)  # down through three due times, all within 6 h
    caught = await scheduler.catch_up()
    assert (caught.late, caught.missed) == (1, 2)
    # One late message; the two earlier due times are superseded (missed; no
    # secretary is registered here to be told).
    (late,) = await group_messages(db)
    assert late[0] == -100 and "巡查时间到" in late[1]
    async with db.read() as session:
        outcomes = [outcome for _, outcome in await session.schedules.firings(schedule_id)]
        row = await session.schedules.get(schedule_id)
    assert outcomes == ["missed", "missed", "late"]
    assert row is not None and row.next_due_at == start + timedelta(hours=4)
    assert (await scheduler.catch_up()) == type(caught)(0, 0)  # a second start does nothing


async def test_downtime_beyond_the_window_is_reported_not_sent(
    scheduler: SchedulerService, db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    community = CommunityService(db, make_settings(tmp_path).community, clock)
    from bot.community.registration import RegistrationService

    registration = RegistrationService(db, make_settings(tmp_path).community, clock)
    caller = _caller(1001)
    await registration.start(caller)
    await registration.accept(caller)
    await registration.answer_name(caller, None)
    await registration.answer_building(caller, None)
    assert (await community.identify(caller)).registered

    due = clock.now + timedelta(hours=1)
    schedule_id = await scheduler.create(
        kind="message",
        title="开会",
        rule={"type": "once", "at": due.isoformat()},
        payload={"text": "开会了"},
        owner_id=None,
    )
    clock.advance(hours=8)  # the window is 6 h
    caught = await scheduler.catch_up()
    assert (caught.late, caught.missed) == (0, 1)
    messages = await group_messages(db)
    assert [chat for chat, _, _ in messages] == [1001]  # only the secretary hears of it
    assert "开会" in messages[0][1] and "schedule.missed" in messages[0][1]
    async with db.read() as session:
        assert await session.schedules.firings(schedule_id) == [(due, "missed")]


async def test_pause_and_resume_take_effect_at_once(
    scheduler: SchedulerService, clock: FakeClock, timer: RecordingTimer
) -> None:
    await scheduler.ensure_builtin()
    await scheduler.rebuild()
    first = (await scheduler.upcoming.page()).items[0].row
    assert await scheduler.upcoming.pause(first.id, None)
    assert not await scheduler.upcoming.pause(first.id, None)
    assert first.id not in timer.alarms
    clock.advance(days=10)
    assert await scheduler.upcoming.resume(first.id, None)
    resumed = await scheduler.upcoming.schedule(first.id)
    assert resumed.next_due_at is not None and resumed.next_due_at > clock.now
    assert timer.alarms[first.id] == resumed.next_due_at


def test_every_schedule_has_a_title_in_the_readers_language() -> None:
    from bot.config import Language
    from bot.runtime.scheduler import schedule_title
    from storage.runtime.schedules import ScheduleRow

    def row(
        kind: str, title: str, payload: dict[str, object], key: str | None = None
    ) -> ScheduleRow:
        return ScheduleRow(1, key, kind, title, {"type": "once"}, payload, None, None, True)

    vote = row("vote.close", "vote 1", {"vote_id": 1})
    assert schedule_title(vote, Language.ZH_HANS) == "表决 #1 截止"
    assert schedule_title(vote, Language.EN) == "Vote #1 closes"
    reminder = row(
        "volunteer.reminder", "activity 3 reminder 1440", {"activity_id": 3, "minutes": 1440}
    )
    facts = {"activity_id": 3, "minutes": 1440, "title": "湖边清扫"}
    assert schedule_title(reminder, Language.ZH_HANS, facts) == "活动《湖边清扫》提前 1 天提醒"
    assert schedule_title(reminder, Language.EN, {**facts, "minutes": 60}) == (
        "Reminder 1 hour before “湖边清扫”"
    )
    assert (
        schedule_title(reminder, Language.ZH_HANS) == "activity 3 reminder 1440"
    )  # no title known
    builtin = row("session.reminder", "session.reminder", {}, key="builtin:session")
    assert schedule_title(builtin, Language.EN) == "Thursday pavilion reminder"
    lesson = row("lesson.remind", "微党课 #2 提醒", {"lesson_id": 2})
    assert schedule_title(lesson, Language.EN) == "Micro Party lesson #2: study reminder"
    plain = row("message", "今晚议事", {"text": "…"})
    assert schedule_title(plain, Language.EN) == "今晚议事"
