"""A matter's number is counted within its community: "#1" typed in 和平社区 is 和平社区's
first matter, shown as #1 there, while its id goes on being unique in the street."""

from __future__ import annotations

import pytest

from bot.errors import UserFacingError
from bot.services import Services
from storage import in_community
from tests.bot.deliberation.fixtures import matter, person, services

__all__ = ["services"]  # the fixture, imported for pytest


async def test_a_typed_number_is_the_communitys_own(services: Services) -> None:
    now = services.clock()
    async with services.db.transaction() as session:
        other = await session.communities.create("和平社区", None, None, now)
    zhang = await person(services, 2001, "张阿姨", "resident")
    first_lamp = await matter(services, "3号楼前加装路灯", zhang)
    first_dog = await matter(services, "遛狗要牵绳", zhang)
    with in_community(other):
        li = await person(services, 2002, "李大爷", "resident")
        async with services.db.transaction() as session:
            await session.conn.execute(
                "UPDATE people SET community_id = ? WHERE id = ?", (other, li.person_id)
            )
        other_lamp = await matter(services, "路灯不亮", li)
        assert await services.matters.id_of(1) == other_lamp
        shown = await services.matters.matter(other_lamp)
        assert (shown.number, shown.title) == (1, "路灯不亮")
        with pytest.raises(UserFacingError) as missing:
            await services.matters.id_of(2)
        assert (missing.value.key, missing.value.params) == ("matter.not_found", {"number": 2})
        # The first community's matter, by a forged id: not found here.
        with pytest.raises(UserFacingError):
            await services.matters.matter(first_dog)
        assert await services.matters.numbers([first_lamp, other_lamp]) == {other_lamp: 1}
    assert await services.matters.id_of(1) == first_lamp
    assert await services.matters.id_of(2) == first_dog
    assert await services.matters.number(first_dog) == 2
    assert other_lamp not in (first_lamp, first_dog)
