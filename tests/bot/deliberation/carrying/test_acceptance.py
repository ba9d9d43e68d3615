"""Major projects and their acceptance (bot/deliberation/carrying/acceptance.py)."""

from __future__ import annotations

import pytest

from bot.errors import UserFacingError
from tests.bot.deliberation.carrying.world import SECRETARY, World


async def major_in_acceptance(world: World) -> int:
    secretary = world.people["secretary"]
    await world.carrying.supervision.draw_by_lot(secretary)  # li, tom, chen
    for name in ("li", "tom", "chen"):
        await world.refresh(name)
    matter_id = await world.matter(raiser="zhang")
    await world.carrying.acceptance.set_major(secretary, matter_id, True)
    await world.assign_to(matter_id, "li")
    result = await world.report(matter_id, "li", 100, "完工")
    assert result.matter.stage == "acceptance"
    return matter_id


async def test_major_project_is_done_when_more_than_half_accept(world: World) -> None:
    matter_id = await major_in_acceptance(world)
    assert await world.keys_to(2003) == ["carry.term_member", "carry.acceptance_ask"]
    first = await world.carrying.acceptance.verdict(
        world.people["tom"], 2003, matter_id, "accepted"
    )
    assert (first.matter.stage, first.accepted, first.members) == ("acceptance", 1, 3)
    with pytest.raises(UserFacingError) as refused:
        await world.carrying.acceptance.verdict(world.people["tom"], 2003, matter_id, "accepted")
    assert refused.value.key == "carry.already_signed"
    with pytest.raises(UserFacingError) as refused:
        await world.carrying.acceptance.verdict(world.people["zhang"], 2001, matter_id, "accepted")
    assert refused.value.key == "carry.not_supervisor"
    second = await world.carrying.acceptance.verdict(
        world.people["chen"], 2004, matter_id, "accepted"
    )
    assert second.matter.stage == "done"
    assert await world.keys_to(2001) == ["carry.rate_ask"]
    await world.carrying.acceptance.add_note(world.people["chen"], 2004, "材料合格")
    async with world.db.read() as session:
        signed = await session.carrying.acceptances(matter_id)
    assert [(a.verdict, a.note) for a in signed] == [("accepted", None), ("accepted", "材料合格")]


async def test_rework_sends_a_major_project_back_to_the_owner(world: World) -> None:
    matter_id = await major_in_acceptance(world)
    result = await world.carrying.acceptance.verdict(world.people["tom"], 2003, matter_id, "rework")
    assert result.matter.stage == "in_progress"
    assert await world.keys_to(2002) == [
        "carry.term_member",
        "carry.assigned_owner",
        "carry.acceptance_ask",
        "carry.rework",
    ]
    assert "carry.rework" in await world.keys_to(SECRETARY)
    # A fresh round after the owner reports 100 again: Tom may sign again.
    await world.report(matter_id, "li", 100, "返工完成")
    again = await world.carrying.acceptance.verdict(
        world.people["tom"], 2003, matter_id, "accepted"
    )
    assert again.accepted == 1
    assert (await world.events(matter_id))[-3:] == [
        "progress",
        "acceptance_requested",
        "acceptance_accepted",
    ]
