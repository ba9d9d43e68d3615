"""A contact card passed on to a resident of another community of the street (issue 12):
the link still reaches the member. The token's community is found street-wide and
entered; the message is kept in the member's community, and the reply is queued in the
resident's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.community.register import Actor
from bot.config import Language
from bot.services import Services
from storage.scope import in_community
from tests.conftest import FakeClock, make_settings

TOKEN = "card-token-0123456789abcdef"
RESIDENT_TG, MEMBER_TG = 3001, 4001


@pytest.fixture
async def services(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Services]:
    built = Services.create(make_settings(tmp_path), clock)
    await built.db.open()
    try:
        yield built
    finally:
        await built.db.close()


async def _person(services: Services, community: int, tg_user_id: int, name: str) -> Actor:
    """Someone of ``community``'s register, as an Actor."""
    now = services.clock()
    async with services.db.transaction() as session:
        person_id = await session.people.insert(
            tg_user_id=tg_user_id,
            display_name=name,
            tg_username=None,
            language="zh_Hans",
            building=None,
            grid_id=None,
            consent_at=now,
            now=now,
        )
        await session.conn.execute(
            "UPDATE people SET community_id = ? WHERE id = ?", (community, person_id)
        )
        with in_community(community):
            row = await session.people.by_id(person_id)
    assert row is not None
    return Actor(tg_user_id, Language.ZH_HANS, row, configured_secretary=False)


async def test_a_card_of_another_community_reaches_its_member(services: Services) -> None:
    now = services.clock()
    async with services.db.transaction() as session:
        second = await session.communities.create("和平社区", None, None, now)
    resident = await _person(services, 1, RESIDENT_TG, "李大爷")
    with in_community(second):
        member = await _person(services, second, MEMBER_TG, "王芳")
        async with services.db.transaction() as session:
            await session.members.inservice.put(
                member.registered_person().id,
                employer="区医院",
                party_org="区医院党委",
                org_contact_name="张",
                org_contact="13800000000",
                post="楼栋长",
                building=None,
                commitment_id=None,
                token=TOKEN,
                now=now,
            )
    inservice = services.members.inservice
    # The resident's updates are their own community's (community 1 is current here).
    record = await inservice.open_contact(resident, RESIDENT_TG, TOKEN)
    assert record.name == "王芳"
    record = await inservice.relay(resident, RESIDENT_TG, "楼道灯坏了")
    assert record.person_id == member.person_id
    async with services.db.read() as session:
        async with session.conn.execute(
            "SELECT id, community_id, resident_id FROM inservice_messages"
        ) as cur:
            rows = [tuple(row) for row in await cur.fetchall()]
        async with session.conn.execute(
            "SELECT count(*) FROM outbox WHERE chat_id = ?", (MEMBER_TG,)
        ) as cur:
            row = await cur.fetchone()
    assert [(community, who) for _, community, who in rows] == [(second, resident.person_id)]
    assert row is not None and row[0] == 1
    message_id = rows[0][0]
    # Community 1 cannot read it; the member, in theirs, replies.
    async with services.db.read() as session:
        assert await session.members.inservice.message(message_id) is None
    with in_community(second):
        relayed = await inservice.start_reply(member, MEMBER_TG, message_id)
        assert relayed.resident_name == "李大爷" and relayed.resident_community == 1
        await inservice.answer_reply(member, MEMBER_TG, "明天来修")
    async with (
        services.db.read() as session,
        session.conn.execute(
            "SELECT community_id FROM outbox WHERE chat_id = ?", (RESIDENT_TG,)
        ) as cur,
    ):
        told = [row[0] for row in await cur.fetchall()]
    assert told == [1]
