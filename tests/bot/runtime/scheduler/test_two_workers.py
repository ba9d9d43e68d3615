"""Two workers' schedulers on one database: every worker arms every alarm, a firing
happens once (the database guards it), and a schedule created on one is armed on the
other by its rescan."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.runtime.scheduler import SchedulerService
from storage import Storage
from tests.backends import on_postgres
from tests.bot.runtime.scheduler.conftest import RecordingTimer, group_messages
from tests.conftest import FakeClock, database_at, make_settings


@pytest.fixture
async def other_worker(
    db: Storage, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[tuple[SchedulerService, RecordingTimer]]:
    """A second worker's scheduler: its own connection to the database on PostgreSQL
    (on SQLite, one process, the same database object)."""
    other = database_at(tmp_path / "test.sqlite3") if on_postgres() else db
    if other is not db:
        await other.open()
    timer = RecordingTimer()
    service = SchedulerService(other, make_settings(tmp_path), clock)
    service.attach(timer, lambda: None)
    try:
        yield service, timer
    finally:
        if other is not db:
            await other.close()


async def test_two_workers_fire_a_schedule_once(
    scheduler: SchedulerService,
    db: Storage,
    clock: FakeClock,
    other_worker: tuple[SchedulerService, RecordingTimer],
) -> None:
    other, other_timer = other_worker
    await other.rebuild()
    due = clock.now + timedelta(minutes=5)
    schedule_id = await scheduler.create(
        kind="message",
        title="倒垃圾",
        rule={"type": "once", "at": due.isoformat()},
        payload={"chat_kind": "residents", "text": "今晚收大件垃圾"},
        owner_id=None,
    )
    assert schedule_id not in other_timer.alarms
    assert await other.rescan() == 1  # created on the first worker, armed here too
    assert other_timer.alarms[schedule_id] == due
    assert await other.rescan() == 0  # nothing changed since
    clock.advance(minutes=5)
    # Both alarms ring at once.
    fired = await asyncio.gather(scheduler.fire(schedule_id, due), other.fire(schedule_id, due))
    assert sorted(fired) == [False, True]
    (message,) = await group_messages(db)
    assert "今晚收大件垃圾" in message[1]
    async with db.read() as session:
        assert await session.schedules.firings(schedule_id) == [(due, "done")]


async def test_two_workers_starting_catch_up_once(
    scheduler: SchedulerService,
    db: Storage,
    clock: FakeClock,
    other_worker: tuple[SchedulerService, RecordingTimer],
) -> None:
    other, _ = other_worker
    start = clock.now
    every = {"type": "every", "seconds": 3600, "start": (start + timedelta(hours=1)).isoformat()}
    schedule_id = await scheduler.create(
        kind="message", title="巡查", rule=every, payload={"text": "巡查时间到"}, owner_id=None
    )
    clock.advance(hours=3, minutes=30)  # both were down through three due times
    caught = await asyncio.gather(scheduler.catch_up(), other.catch_up())
    assert sum(c.late for c in caught) == 1
    assert sum(c.missed for c in caught) == 2
    (late,) = await group_messages(db)
    assert "巡查时间到" in late[1]
    async with db.read() as session:
        outcomes = [outcome for _, outcome in await session.schedules.firings(schedule_id)]
    assert outcomes == ["missed", "missed", "late"]
