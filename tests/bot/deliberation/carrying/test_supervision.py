"""The supervision group's terms (bot/deliberation/carrying/supervision.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.community.register import Role
from bot.deliberation.carrying.service import Carrying
from bot.errors import UserFacingError
from tests.bot.deliberation.carrying.world import SECRETARY, World
from tests.conftest import make_settings


async def test_draw_by_lot_takes_the_size_or_all_volunteers(world: World) -> None:
    secretary = world.people["secretary"]
    result = await world.carrying.supervision.draw_by_lot(secretary)
    assert (len(result.members), result.short) == (3, False)
    assert {m.display_name for m in result.members} == {"李大爷", "Tom", "陈师傅"}
    assert all(Role.SUPERVISOR.value in m.roles for m in result.members)
    assert result.term.ends_at == datetime(2027, 11, 19, 11, 0, tzinfo=UTC)
    async with world.db.read() as session:
        reminder = await session.schedules.by_key("builtin:supervision_term_end")
    assert reminder is not None and reminder.next_due_at == result.term.ends_at


async def test_fewer_volunteers_than_the_size_are_all_taken(world: World, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, deliberation={"supervision_size": 5})
    carrying = Carrying(world.db, settings, world.scheduler, world.clock)
    result = await carrying.supervision.draw_by_lot(world.people["secretary"])
    assert (len(result.members), result.short) == (3, True)


async def test_no_volunteers_no_draw(world: World) -> None:
    async with world.db.transaction() as session:
        for name in ("li", "tom", "chen"):
            person_id = world.people[name].person_id
            assert person_id is not None
            await session.people.revoke(person_id, Role.VOLUNTEER.value)
    with pytest.raises(UserFacingError) as refused:
        await world.carrying.supervision.draw_by_lot(world.people["secretary"])
    assert refused.value.key == "carry.no_volunteers"


async def test_a_new_term_takes_the_role_from_members_not_chosen_again(world: World) -> None:
    secretary = world.people["secretary"]
    await world.carrying.supervision.draw_by_lot(secretary)
    await world.carrying.supervision.start_appointing(secretary, SECRETARY)
    zhang = world.people["zhang"].person_id
    li = world.people["li"].person_id
    assert zhang is not None and li is not None
    await world.carrying.supervision.toggle_appointee(secretary, SECRETARY, zhang)
    await world.carrying.supervision.toggle_appointee(secretary, SECRETARY, li)
    result = await world.carrying.supervision.appoint(secretary, SECRETARY)
    assert (result.term.method, {m.display_name for m in result.members}) == (
        "appointed",
        {"张阿姨", "李大爷"},
    )
    async with world.db.read() as session:
        holders = {p.display_name for p in await session.people.with_role("supervisor")}
    assert holders == {"张阿姨", "李大爷"}


async def test_term_end_takes_the_role_and_reminds_secretaries(world: World) -> None:
    result = await world.carrying.supervision.draw_by_lot(world.people["secretary"])
    async with world.db.read() as session:
        reminder = await session.schedules.by_key("builtin:supervision_term_end")
    assert reminder is not None and reminder.next_due_at == result.term.ends_at
    world.clock.now = result.term.ends_at
    assert await world.scheduler.fire(reminder.id, result.term.ends_at)
    async with world.db.read() as session:
        assert await session.people.with_role(Role.SUPERVISOR.value) == []
        assert await session.carrying.current_term(world.clock()) is None
    assert (await world.keys_to(SECRETARY))[-1] == "carry.term_ended"
