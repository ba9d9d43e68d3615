"""The register's rules: roles, chats, export and forgetting."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.community.register import Actor, Caller, ChatInfo, ChatKind, CommunityService, Role
from bot.community.registration import RegistrationService
from bot.errors import UserFacingError
from storage import Database
from tests.backends import database_text
from tests.conftest import FakeClock, make_settings

SECRETARY = Caller(1001, "书记", last_name="王")
RESIDENT = Caller(2001, "三", last_name="张", username="zhangsan")


async def register(db: Database, tmp_path: Path, clock: FakeClock, caller: Caller) -> None:
    registration = RegistrationService(db, make_settings(tmp_path).community, clock)
    await registration.start(caller)
    await registration.accept(caller)
    await registration.answer_name(caller, None)
    await registration.answer_building(caller, "1号楼")


@pytest.fixture
async def community(db: Database, tmp_path: Path, clock: FakeClock) -> CommunityService:
    await register(db, tmp_path, clock, SECRETARY)
    await register(db, tmp_path, clock, RESIDENT)
    return CommunityService(db, make_settings(tmp_path).community, clock)


async def test_roles_grant_revoke_and_status(community: CommunityService) -> None:
    secretary = await community.identify(SECRETARY)
    resident = await community.identify(RESIDENT)
    assert secretary.has(Role.SECRETARY) and not resident.has(Role.SECRETARY)
    person_id = resident.person_id
    assert person_id is not None
    assert await community.grant(secretary, person_id, Role.VOLUNTEER)
    assert not await community.grant(secretary, person_id, Role.VOLUNTEER)
    assert await community.toggle_role(secretary, person_id, Role.PARTY_MEMBER)
    assert not await community.toggle_role(secretary, person_id, Role.PARTY_MEMBER)
    status = await community.status()
    assert status.people == 2
    assert status.by_role[Role.RESIDENT] == 2
    assert status.by_role[Role.VOLUNTEER] == 1
    assert status.by_role[Role.PARTY_MEMBER] == 0
    assert await community.revoke(secretary, person_id, Role.VOLUNTEER)
    with pytest.raises(UserFacingError) as caught:
        await community.revoke(secretary, secretary.person_id or 0, Role.SECRETARY)
    assert caught.value.key == "roles.not_self"


async def test_configured_secretary_without_registration(community: CommunityService) -> None:
    actor = Actor(1001, community.settings.default_language, None, configured_secretary=True)
    assert actor.has(Role.SECRETARY) and not actor.has(Role.RESIDENT)


async def test_bind_rebind_migrate_unbind(community: CommunityService) -> None:
    secretary = await community.identify(SECRETARY)
    chat = ChatInfo(-100, "幸福里居民群", "group")
    assert await community.bind_chat(secretary, chat, ChatKind.RESIDENTS) is None
    previous = await community.bind_chat(secretary, chat, ChatKind.VOLUNTEERS)
    assert previous is not None and previous.kind == "residents"
    assert await community.chat_migrated(-100, -1001)
    moved = await community.chat(-1001)
    assert moved is not None and moved.kind == "volunteers" and moved.type == "supergroup"
    assert await community.chat(-100) is None
    await community.unbind_chat(secretary, -1001)
    with pytest.raises(UserFacingError):
        await community.unbind_chat(secretary, -1001)


async def test_export_then_forget_leaves_nothing(
    community: CommunityService, db: Database, clock: FakeClock
) -> None:
    secretary = await community.identify(SECRETARY)
    resident = await community.identify(RESIDENT)
    assert resident.person_id is not None
    await community.grant(secretary, resident.person_id, Role.VOLUNTEER)
    data = await community.export(resident)
    assert data["person"]["telegram_user_id"] == RESIDENT.tg_user_id
    assert data["person"]["display_name"] == "张三"
    assert data["person"]["building"] == "1号楼"
    assert [r["role"] for r in data["roles"]] == ["resident", "volunteer"]
    assert {a["action"] for a in data["activity"]} == {"person.register", "role.grant"}

    # A notice reached them earlier, and they started nothing: it is theirs to lose too.
    from bot.config import Language
    from bot.runtime.outbox import Delivery, OutgoingMessage, queue_push

    async with db.transaction() as session:
        await queue_push(
            session,
            kind="notice",
            title="t",
            deliveries=[
                Delivery(
                    RESIDENT.tg_user_id,
                    resident.person_id,
                    OutgoingMessage("schedule.message", Language.ZH_HANS, {"text": "x"}),
                )
            ],
            dedupe_prefix="n",
            # The clock seam: a wall-clock time could hold "2001" (the id looked for below).
            now=clock(),
        )
    await community.forget(resident)
    dump = await database_text(db)
    assert "张三" not in dump and "zhangsan" not in dump
    assert str(RESIDENT.tg_user_id) not in dump
    # What they took part in is still counted, without them.
    async with db.read() as session:
        assert await session.audit.count_action("role.grant") == 1
        assert await session.people.count() == 1


async def test_secretary_removes_a_person(community: CommunityService) -> None:
    secretary = await community.identify(SECRETARY)
    resident = await community.identify(RESIDENT)
    assert resident.person_id is not None and secretary.person_id is not None
    with pytest.raises(UserFacingError):
        await community.remove(secretary, secretary.person_id)
    removed = await community.remove(secretary, resident.person_id)
    assert removed.display_name == "张三"
    with pytest.raises(UserFacingError) as caught:
        await community.person(resident.person_id)
    assert caught.value.key == "people.gone"
