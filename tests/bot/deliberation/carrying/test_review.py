"""A secretary's acceptance of an ordinary matter (bot/deliberation/carrying/review.py)."""

from __future__ import annotations

import pytest

from bot.config import Language
from bot.deliberation.ledger import LedgerService, ledger_sheets
from bot.errors import UserFacingError
from tests.bot.deliberation.carrying.world import World


async def in_review(world: World) -> int:
    matter_id = await world.matter(raiser="zhang")
    await world.assign_to(matter_id, "li")
    result = await world.report(matter_id, "li", 100, "装好了")
    assert result.matter.stage == "acceptance"
    return matter_id


async def test_the_ledger_names_who_accepted_it(world: World) -> None:
    matter_id = await in_review(world)
    await world.carrying.review.accept(world.people["secretary"], matter_id)
    ledger = await LedgerService(world.db, world.settings, world.clock).build(
        world.people["secretary"], None, None
    )
    sheet = ledger_sheets(ledger, Language.ZH_HANS, world.carrying.tz)[0]
    column = sheet.headers.index("验收人")
    assert sheet.headers[column - 1] == "办结时间"
    assert [row[column] for row in sheet.rows] == ["王书记"]


async def test_the_supervision_group_has_no_say_on_an_ordinary_matter(world: World) -> None:
    secretary = world.people["secretary"]
    matter_id = await in_review(world)
    # Forming a group now does not send it the ordinary matter waiting for a secretary.
    await world.carrying.supervision.draw_by_lot(secretary)
    tom = await world.refresh("tom")
    assert "carry.acceptance_ask" not in await world.keys_to(2003)
    with pytest.raises(UserFacingError) as refused:
        await world.carrying.acceptance.verdict(tom, 2003, matter_id, "accepted")
    assert refused.value.key == "carry.not_in_acceptance"
    # Nor can it become a major project while it waits: who accepts it is settled.
    with pytest.raises(UserFacingError) as refused:
        await world.carrying.acceptance.set_major(secretary, matter_id, True)
    assert refused.value.key == "carry.major_too_late"
    assert await world.stage(matter_id) == "acceptance"


async def test_a_major_project_is_not_accepted_by_a_secretary(world: World) -> None:
    secretary = world.people["secretary"]
    await world.carrying.supervision.draw_by_lot(secretary)
    matter_id = await world.matter(raiser="zhang")
    await world.carrying.acceptance.set_major(secretary, matter_id, True)
    await world.assign_to(matter_id, "li")
    await world.report(matter_id, "li", 100, "完工")
    assert "carry.review_ask" not in await world.keys_to(1001)
    with pytest.raises(UserFacingError) as refused:
        await world.carrying.review.accept(secretary, matter_id)
    assert refused.value.key == "carry.major_by_supervisors"
