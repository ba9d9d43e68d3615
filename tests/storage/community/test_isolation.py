"""The register's repositories in two communities: people, roles, chats, leave, audit,
residents without Telegram, the export's queries and the privacy scrub see only the
current community's rows; a lookup of the other's id finds nothing."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from storage import Database, in_community
from storage.community.joining import MoveRequestsRepository, former_communities
from storage.community.people import person_by_telegram_id_street_wide
from storage.privacy import JSON_COLUMNS, Traces

NOW = datetime(2026, 11, 19, 11, 0, tzinfo=UTC)


async def _second(db: Database) -> int:
    async with db.transaction() as session:
        return await session.communities.create("和平社区", None, None, NOW)


async def _register(db: Database, tg_user_id: int, name: str, *roles: str) -> int:
    async with db.transaction() as session:
        person = await session.people.insert(
            tg_user_id=tg_user_id,
            display_name=name,
            tg_username=None,
            language="zh_Hans",
            building="3号楼",
            grid_id=None,
            consent_at=NOW,
            now=NOW,
        )
        await session.people.grant_all(person, ["resident", *roles], None, NOW)
        await session.people.set_proxy_request(person, True, NOW)
        await session.people.set_reminders(person, "vote", False, NOW)
        await session.people.add_paper_resident(
            display_name=f"{name}的邻居", building="9号楼", grid_id=None, entered_by=person, now=NOW
        )
        await session.chats.seen(-tg_user_id, f"{name}的群", "supergroup", True, NOW)
        await session.chats.bind(-tg_user_id, "residents", person, NOW)
        await session.leave.ask("lesson", 7, person, "出差", NOW)
        await session.audit.record(at=NOW, action="person.register", actor_id=person)
    return person


async def test_the_register_of_one_community_is_invisible_in_the_other(db: Database) -> None:
    second = await _second(db)
    with in_community(1):
        zhang = await _register(db, 9001, "张阿姨", "secretary")
    with in_community(second):
        li = await _register(db, 9002, "李大爷", "volunteer")

    for cid, mine, theirs, name in ((1, zhang, li, "张阿姨"), (second, li, zhang, "李大爷")):
        with in_community(cid):
            async with db.read() as session:
                people = session.people
                assert [p.id for p in await people.page(0, 50)] == [mine]
                assert await people.count() == 1
                roles = await people.count_by_role()
                assert sum(roles.values()) == 2 and roles["resident"] == 1
                assert await people.by_id(theirs) is None
                assert await people.by_telegram_id(9001 if mine == li else 9002) is None
                assert (await people.by_id(mine)) is not None
                assert [p.id for p in await people.with_role("resident")] == [mine]
                counts = await people.resident_counts(("building", "door"))
                assert sorted((h.building, h.door, h.people) for h in counts) == [
                    ("3号楼", None, 1),
                    ("9号楼", None, 1),
                ]
                assert [p.id for p in await people.proxy_requesters()] == [mine]
                assert await people.reminders_off("vote") == {mine}
                assert not await people.asked_for_proxy(theirs)
                assert await people.role_grants(theirs) == []
                assert set(await people.known_buildings()) == {"3号楼", "9号楼"}
                (paper,) = await people.paper_residents()
                assert paper.display_name == f"{name}的邻居"
                chats = await session.chats.bound()
                assert [c.title for c in chats] == [f"{name}的群"]
                assert [c.title for c in await session.chats.posting("residents")] == [
                    f"{name}的群"
                ]
                other_chat = -(9002 if mine == zhang else 9001)
                assert await session.chats.get(other_chat) is None
                (request,) = await session.leave.for_target("lesson", 7)
                assert request.person_id == mine
                assert await session.leave.of("lesson", 7, theirs) is None
                assert await session.audit.count_action("person.register") == 1
                assert await session.audit.about(theirs) == []
                record = await session.person_data.record(theirs, 0)
                assert record["register"]["chats_bound"] == []
                assert record["register"]["proxy_request"] == []
                assert record["register"]["leave_requests"] == []
            # Changes by id of the other community's rows change nothing.
            async with db.transaction() as session:
                assert not await session.people.revoke(theirs, "resident")
                assert not await session.people.grant(theirs, "supervisor", None, NOW)
                assert not await session.people.delete(theirs)
                assert not await session.people.delete_paper_resident(paper.id + 100)
                assert not await session.chats.unbind(other_chat, NOW)
                # Seeing the other's chat does not take it over.
                await session.chats.seen(other_chat, "改名", "supergroup", True, NOW)
                assert await session.chats.get(other_chat) is None

    # The other's request for leave cannot be decided from here, nor read by id.
    with in_community(second):
        async with db.read() as session:
            (li_request,) = await session.leave.for_target("lesson", 7)
    with in_community(1):
        async with db.transaction() as session:
            assert await session.leave.get(li_request.id) is None
            assert not await session.leave.decide(li_request.id, True, zhang, NOW)
    # The sender's lookup of who wrote is street-wide by design: the row says where.
    found = await db.run_read(lambda conn: person_by_telegram_id_street_wide(conn, 9002))
    assert found is not None and found.community_id == second
    assert found.roles == frozenset({"resident", "volunteer"})
    # Both communities' chats kept their titles.
    with in_community(second):
        async with db.read() as session:
            li_chat = await session.chats.get(-9002)
    assert li_chat is not None and li_chat.title == "李大爷的群"


async def test_the_same_account_cannot_register_twice_and_moving_keeps_the_records(
    db: Database,
) -> None:
    second = await _second(db)
    with in_community(1):
        zhang = await _register(db, 9001, "张阿姨", "secretary", "grid_worker")
        async with db.transaction() as session:
            await session.people.set_home(zhang, "3号楼", "201")
    with in_community(second):
        async with db.transaction() as session:
            # Asked from community 1, decided in the second.
            with in_community(1):
                request = await MoveRequestsRepository(session.conn).ask(zhang, second, NOW)
            moves = MoveRequestsRepository(session.conn)
            (open_request,) = await moves.open_here()
            assert open_request.id == request and open_request.from_community == 1
            assert await session.people.move_here(zhang, 1)
            assert await moves.decide(request, True, None, NOW)
            assert not await moves.decide(request, False, None, NOW)  # once
            await session.people.grant(zhang, "resident", None, NOW)
        async with db.read() as session:
            moved = await session.people.by_id(zhang)
            assert moved is not None
            assert moved.roles == frozenset({"resident"})
            assert (moved.building, moved.door, moved.grid_id) == (None, None, None)
            assert await session.people.count() == 1
            assert await session.audit.about(zhang) == []  # the old community's log stays
    with in_community(1):
        async with db.read() as session:
            assert await session.people.count() == 0
            assert await session.people.by_id(zhang) is None
            assert await MoveRequestsRepository(session.conn).get(request) is None
            # What they did here stays here.
            assert await session.audit.count_action("person.register") == 1
            assert [c.title for c in await session.chats.bound()] == ["张阿姨的群"]
            # Their leave for this community's lesson stays on its list.
            assert [r.person_id for r in await session.leave.for_target("lesson", 7)] == [zhang]
    async with db.read() as session:
        assert await former_communities(session.conn, zhang) == [1]
    # One account, one community at a time: the schema refuses a second entry anywhere.
    with in_community(1), pytest.raises(sqlite3.IntegrityError):
        await _register(db, 9001, "张阿姨")


async def test_the_scrub_reaches_only_the_communities_named(db: Database) -> None:
    second = await _second(db)
    traces = Traces.of(9001, "张阿姨", None)
    for cid in (1, second):
        with in_community(cid):
            async with db.transaction() as session:
                await session.conn.execute(
                    "INSERT INTO dialogs (chat_id, user_id, flow, step, data, updated_at,"
                    " community_id) VALUES (?, 8, 'x', 'y', ?, '', ?)",
                    (cid * 100, '{"who": "张阿姨"}', cid),
                )
    with in_community(1):
        async with db.transaction() as session:
            await session.privacy.scrub(0, traces, "", JSON_COLUMNS)
    async with (
        db.read() as session,
        session.conn.execute(
            "SELECT community_id, data FROM dialogs WHERE user_id = 8 ORDER BY community_id"
        ) as cur,
    ):
        rows = [tuple(row) for row in await cur.fetchall()]
    assert rows == [(1, '{"who": "—"}'), (second, '{"who": "张阿姨"}')]
    with in_community(1):
        async with db.transaction() as session:
            await session.privacy.scrub(0, traces, "", JSON_COLUMNS, [second])
    async with (
        db.read() as session,
        session.conn.execute("SELECT data FROM dialogs WHERE user_id = 8") as cur,
    ):
        assert {row[0] for row in await cur.fetchall()} == {'{"who": "—"}'}
