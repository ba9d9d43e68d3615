"""Overdue reminders (bot/deliberation/carrying/overdue.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.bot.deliberation.carrying.world import SECRETARY, World


async def test_overdue_reminders_once_per_day(world: World) -> None:
    matter_id = await world.matter()
    await world.assign_to(matter_id, "li", days=7)
    secretary = world.people["secretary"]
    await world.carrying.referrals.start_refer(secretary, SECRETARY, matter_id)
    await world.carrying.referrals.answer_department(secretary, SECRETARY, "供电所")
    await world.carrying.referrals.answer_request(secretary, SECRETARY, "查线路")
    await world.carrying.referrals.refer(secretary, SECRETARY, world.carrying.due_from_days(1))

    async def check() -> int:
        async with world.db.transaction() as session:
            return await world.carrying.overdue.remind_overdue(session, world.clock())

    assert await check() == 0  # nothing is late yet
    world.clock.advance(days=8)
    assert await check() == 2
    assert await check() == 0  # the same day: not again
    world.clock.advance(hours=3)  # 22:00 in Shanghai, still the same local day
    assert await check() == 0
    world.clock.advance(hours=3)  # 01:00 the next local day: again
    assert await check() == 2
    assert await world.keys_to(2002) == [
        "carry.assigned_owner",
        "carry.overdue_owner",
        "carry.overdue_owner",
    ]
    assert (await world.keys_to(SECRETARY)).count("carry.overdue_secretaries") == 2
    # The owner's reminder carries the 报告进展 button, as the assignment does.
    buttons = [
        [button["callback_data"] for row in content["buttons"] for button in row]
        for chat, content in await world.outbox()
        if chat == 2002
    ]
    assert buttons == [[f"bpg:{matter_id}"]] * 3


async def test_the_daily_schedule_fires_the_check_in_its_transaction(world: World) -> None:
    await world.scheduler.ensure_builtin()
    async with world.db.read() as session:
        schedule = await session.schedules.by_key("builtin:overdue")
    assert schedule is not None
    # 09:00 in Shanghai is 01:00 UTC; the clock stands at 11:00 UTC on 11-19.
    assert schedule.next_due_at == datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
    matter_id = await world.matter()
    await world.assign_to(matter_id, "li", days=0)
    world.clock.now = schedule.next_due_at
    assert await world.scheduler.fire(schedule.id, schedule.next_due_at)
    assert await world.keys_to(2002) == ["carry.assigned_owner", "carry.overdue_owner"]
