"""Firing: one firing each, catch-up after downtime."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.community.register import CommunityService
from bot.runtime.scheduler import SchedulerService
from storage import Database
from tests.bot.runtime.scheduler.conftest import RecordingTimer, _caller, group_messages
from tests.conftest import FakeClock, make_settings


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
