"""/upcoming: pause and resume take effect at once."""

from __future__ import annotations

from bot.runtime.scheduler import SchedulerService
from tests.bot.runtime.scheduler.conftest import RecordingTimer
from tests.conftest import FakeClock


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
