"""Owners and due dates (bot/deliberation/carrying/owners.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.deliberation.carrying.rules import (
    ASSIGN_FLOW,
)
from bot.errors import UserFacingError
from tests.bot.deliberation.carrying.world import SECRETARY, World


async def test_assign_a_passed_matter_to_a_resident(world: World) -> None:
    matter_id = await world.matter()
    await world.assign_to(matter_id, "li", days=14)
    async with world.db.read() as session:
        matter = await session.matters.get(matter_id)
    assert matter is not None
    assert (matter.stage, matter.owner_kind, matter.owner_name) == (
        "in_progress",
        "resident",
        "李大爷",
    )
    # Due at the end of the local day two weeks on (Shanghai: 23:59 is 15:59 UTC).
    assert matter.due_at == datetime(2026, 12, 3, 15, 59, tzinfo=UTC)
    assert await world.events(matter_id) == ["assigned"]
    assert await world.keys_to(2002) == ["carry.assigned_owner"]


async def test_assign_refuses_a_matter_not_passed_and_non_secretaries(world: World) -> None:
    matter_id = await world.matter()
    async with world.db.transaction() as session:
        await session.matters.set_stage(matter_id, "voting", world.clock())
    with pytest.raises(UserFacingError) as refused:
        await world.carrying.owners.start_assign(world.people["secretary"], SECRETARY, matter_id)
    assert refused.value.key == "carry.not_passed"
    with pytest.raises(UserFacingError) as refused:
        await world.carrying.owners.start_assign(world.people["zhang"], 2001, matter_id)
    assert refused.value.key == "access.needs_role"


async def test_a_team_owner_by_name_and_a_typed_due_date(world: World) -> None:
    matter_id = await world.matter()
    secretary = world.people["secretary"]
    await world.carrying.owners.start_assign(secretary, SECRETARY, matter_id)
    await world.carrying.owners.choose_owner_kind(secretary, SECRETARY, "team")
    with pytest.raises(UserFacingError) as refused:
        await world.carrying.owners.answer_owner_name(secretary, SECRETARY, "x" * 65)
    assert refused.value.key == "carry.too_long"
    await world.carrying.owners.answer_owner_name(secretary, SECRETARY, "  红马甲  志愿队 ")
    with pytest.raises(UserFacingError) as refused:
        world.carrying.parse_due("2026-11-01")
    assert refused.value.key == "carry.due_past"
    with pytest.raises(UserFacingError) as refused:
        world.carrying.parse_due("下周")
    assert refused.value.key == "carry.due_invalid"
    matter = await world.carrying.owners.assign(
        secretary, SECRETARY, world.carrying.parse_due("2026-12-31")
    )
    assert (matter.owner_kind, matter.owner_name, matter.owner_person_id) == (
        "team",
        "红马甲 志愿队",
        None,
    )
    # Nobody to tell privately for a team.
    assert [key for _, c in await world.outbox() if (key := c["key"]).startswith("carry.")] == []


async def test_dialog_steps_refuse_out_of_order_answers(world: World) -> None:
    matter_id = await world.matter()
    secretary = world.people["secretary"]
    with pytest.raises(UserFacingError) as refused:
        await world.carrying.owners.choose_owner_kind(secretary, SECRETARY, "team")
    assert refused.value.key == "carry.expired"
    await world.carrying.owners.start_assign(secretary, SECRETARY, matter_id)
    async with world.db.read() as session:
        dialog = await session.dialogs.get(SECRETARY, SECRETARY)
    assert dialog is not None and (dialog.flow, dialog.step) == (ASSIGN_FLOW, "kind")
    with pytest.raises(UserFacingError) as refused:
        await world.carrying.owners.answer_owner_name(secretary, SECRETARY, "队伍")
    assert refused.value.key == "carry.expired"
