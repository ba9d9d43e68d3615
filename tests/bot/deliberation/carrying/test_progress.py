"""Progress reports (bot/deliberation/carrying/progress.py)."""

from __future__ import annotations

import pytest

from bot.errors import UserFacingError
from tests.bot.deliberation.carrying.world import RESIDENTS_GROUP, SECRETARY, World


async def test_progress_to_100_waits_for_acceptance_then_asks_raiser_and_supporters_to_rate(
    world: World,
) -> None:
    matter_id = await world.matter(raiser="zhang")
    await world.support(matter_id, "tom")
    await world.support(matter_id, "li")  # the owner supported it too
    await world.assign_to(matter_id, "li")
    with pytest.raises(UserFacingError) as refused:
        await world.carrying.progress.start_progress(world.people["chen"], 2004, matter_id)
    assert refused.value.key == "carry.not_owner"
    half = await world.report(matter_id, "li", 50, "灯杆到了")
    assert (half.matter.stage, half.matter.progress) == ("in_progress", 50)
    reported = await world.report(matter_id, "li", 100, "已装好")
    assert reported.matter.stage == "acceptance"
    assert await world.keys_to(SECRETARY) == ["carry.review_ask"]
    assert await world.keys_to(2001) == []  # nobody rates before it is accepted
    done = await world.carrying.review.accept(world.people["secretary"], matter_id)
    assert done.stage == "done"
    assert await world.events(matter_id) == [
        "assigned",
        "progress",
        "progress",
        "secretary_acceptance_requested",
        "secretary_accepted",
        "done",
    ]
    assert await world.keys_to(RESIDENTS_GROUP) == ["carry.progress_note", "carry.progress_note"]
    assert await world.keys_to(2001) == ["carry.rate_ask"]
    assert await world.keys_to(2003) == ["carry.rate_ask"]
    # The owner is told it is accepted, and not asked to rate their own work.
    assert await world.keys_to(2002) == ["carry.assigned_owner", "carry.accepted_owner"]
    async with world.db.read() as session:
        reports = await session.carrying.progress_reports(matter_id)
    assert [(r.percent, r.text) for r in reports] == [(50, "灯杆到了"), (100, "已装好")]


async def test_a_secretary_reports_for_the_committee(world: World) -> None:
    matter_id = await world.matter()
    await world.assign_to(matter_id, None)
    result = await world.report(matter_id, "secretary", 75)
    assert result.matter.progress == 75
