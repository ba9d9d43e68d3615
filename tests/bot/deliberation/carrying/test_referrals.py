"""Referrals out (bot/deliberation/carrying/referrals.py)."""

from __future__ import annotations

import pytest

from bot.errors import UserFacingError
from tests.bot.deliberation.carrying.world import SECRETARY, World


async def test_referral_stays_open_until_its_answer_is_recorded(world: World) -> None:
    matter_id = await world.matter()
    secretary = world.people["secretary"]
    await world.carrying.referrals.start_refer(secretary, SECRETARY, matter_id)
    await world.carrying.referrals.answer_department(secretary, SECRETARY, "市政所")
    await world.carrying.referrals.answer_request(secretary, SECRETARY, "更换路灯电缆")
    referral = await world.carrying.referrals.refer(
        secretary, SECRETARY, world.carrying.due_from_days(7)
    )
    assert [r.id for r in await world.carrying.referrals.open_referrals(secretary)] == [referral.id]
    await world.carrying.referrals.start_answer(secretary, SECRETARY, referral.id)
    answered = await world.carrying.referrals.record_answer(secretary, SECRETARY, "下周施工")
    assert (answered.answer, answered.answered_at) == ("下周施工", world.clock())
    assert await world.carrying.referrals.open_referrals(secretary) == []
    with pytest.raises(UserFacingError) as refused:
        await world.carrying.referrals.start_answer(secretary, SECRETARY, referral.id)
    assert refused.value.key == "carry.referral_closed"
    assert await world.events(matter_id) == ["referred", "referral_answered"]
