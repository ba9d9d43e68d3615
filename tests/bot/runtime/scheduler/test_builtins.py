"""The built-in schedules follow the configuration."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.runtime.scheduler import SchedulerService
from storage import Database
from tests.bot.runtime.scheduler.conftest import RecordingTimer
from tests.conftest import FakeClock


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
