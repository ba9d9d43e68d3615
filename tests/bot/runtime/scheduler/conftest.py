"""Fixtures of the scheduler's tests: a scheduler with a bound residents' group, its alarms."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bot.community.register import ChatInfo, ChatKind, CommunityService
from bot.runtime.scheduler import SchedulerService
from storage import Database
from tests.conftest import FakeClock, make_settings


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
