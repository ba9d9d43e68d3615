"""Each community keeps its own built-in schedules, and a firing runs inside its own."""

from __future__ import annotations

from datetime import timedelta

from bot.runtime.scheduler import SchedulerService
from bot.runtime.scheduler.firing import Firing
from storage import Database, current_community, in_community
from tests.bot.runtime.scheduler.conftest import RecordingTimer
from tests.conftest import FakeClock


async def test_builtins_per_community_and_firings_in_their_own(
    db: Database, scheduler: SchedulerService, clock: FakeClock, timer: RecordingTimer
) -> None:
    async with db.transaction() as session:
        other = await session.communities.create("和平社区", None, None, clock())
    scheduler.serve(lambda: [1, other], in_community)
    await scheduler.ensure_builtin()
    keys: dict[int, set[str | None]] = {}
    for community in (1, other):
        with in_community(community):
            async with db.read() as session:
                keys[community] = {row.key for row in await session.schedules.all()}
    assert "builtin:session" in keys[1]
    assert keys[1] == keys[other]  # the same keys, each community's own rows

    seen: list[int | None] = []

    async def effect(firing: Firing) -> None:
        seen.append(current_community.get())

    scheduler.register_effect("test.effect", effect)
    token = current_community.set(other)
    try:
        schedule_id = await scheduler.create(
            kind="test.effect",
            title="和平社区的提醒",
            rule={"type": "once", "at": (clock() + timedelta(hours=1)).isoformat()},
            payload={},
            owner_id=None,
        )
    finally:
        current_community.reset(token)
    due = timer.alarms[schedule_id]
    clock.now = due
    # The alarm knows only the id, and fires from outside any community.
    token = current_community.set(None)
    try:
        assert await scheduler.fire(schedule_id, due)
    finally:
        current_community.reset(token)
    assert seen == [other]
    # Community 1 does not see the other's schedule, nor can it fire or pause it by id.
    async with db.read() as session:
        assert await session.schedules.get(schedule_id) is None
