"""Ratings and the status of a matter (bot/deliberation/carrying/ratings.py)."""

from __future__ import annotations

import pytest

from bot.config import Language
from bot.deliberation.carrying.rules import (
    RatingSummary,
)
from bot.errors import UserFacingError
from handlers.deliberation.texts import carrying_status
from tests.bot.deliberation.carrying.world import SECRETARY, World


async def test_rating_once_each_only_by_those_asked(world: World) -> None:
    matter_id = await world.matter(raiser="zhang")
    await world.support(matter_id, "tom")
    await world.assign_to(matter_id, "li")
    with pytest.raises(UserFacingError) as refused:
        await world.carrying.ratings.rate(world.people["zhang"], matter_id, "satisfied")
    assert refused.value.key == "carry.not_done"
    await world.report(matter_id, "li", 100)
    with pytest.raises(UserFacingError) as refused:  # not before it is accepted
        await world.carrying.ratings.rate(world.people["zhang"], matter_id, "satisfied")
    assert refused.value.key == "carry.not_done"
    await world.carrying.review.accept(world.people["secretary"], matter_id)
    await world.carrying.ratings.rate(world.people["zhang"], matter_id, "satisfied")
    with pytest.raises(UserFacingError) as refused:
        await world.carrying.ratings.rate(world.people["zhang"], matter_id, "unsatisfied")
    assert refused.value.key == "carry.already_rated"
    with pytest.raises(UserFacingError) as refused:
        await world.carrying.ratings.rate(world.people["chen"], matter_id, "satisfied")
    assert refused.value.key == "carry.not_asked"
    await world.carrying.ratings.rate(world.people["tom"], matter_id, "basically")
    assert await world.carrying.ratings.rating_summary(matter_id) == RatingSummary(1, 1, 0)
    # The history records that someone rated, never how.
    async with world.db.read() as session:
        rated = [e for e in await session.matters.events(matter_id) if e.kind == "rated"]
    assert [(e.actor_id, e.detail) for e in rated] == [(None, {}), (None, {})]


async def test_status_for_the_matter_page(world: World) -> None:
    matter_id = await world.matter(raiser="zhang")
    await world.assign_to(matter_id, "li", days=14)
    secretary = world.people["secretary"]
    await world.carrying.referrals.start_refer(secretary, SECRETARY, matter_id)
    await world.carrying.referrals.answer_department(secretary, SECRETARY, "市政所")
    await world.carrying.referrals.answer_request(secretary, SECRETARY, "换电缆")
    await world.carrying.referrals.refer(secretary, SECRETARY, None)
    await world.report(matter_id, "li", 100)
    await world.carrying.review.accept(secretary, matter_id)
    await world.carrying.ratings.rate(world.people["zhang"], matter_id, "satisfied")
    status = await world.carrying.ratings.status(matter_id)
    assert carrying_status(Language.ZH_HANS, status, world.carrying.tz).split("\n") == [
        "负责人：李大爷，期限12月3日（周四），进度 100%",
        "已转交 市政所，等待答复",
        "民意测评：满意 1，基本满意 0，不满意 0",
    ]
