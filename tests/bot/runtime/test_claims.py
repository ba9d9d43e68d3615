"""Several workers on one PostgreSQL database: claims keep each update once and each
person's updates in order across the workers; a lease that runs out hands an update on."""

from __future__ import annotations

import asyncio
import itertools
import random
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.runtime.ingress import UpdateIngress
from bot.standin import FakeBotApi
from storage import Storage, UpdateScope, current_update, in_community
from storage.runtime.inbox import UpdateDoneElsewhere
from tests.backends import on_postgres
from tests.bot.runtime.test_ingress import message_update
from tests.conftest import database_at
from tests.fakes import FakeRequest

pytestmark = pytest.mark.skipif(not on_postgres(), reason="several workers need PostgreSQL")

AnyApp = Application[Any, Any, Any, Any, Any, Any]
Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]


@pytest.fixture
async def second_db(tmp_path: Path, db: Storage) -> AsyncIterator[Storage]:
    """Another worker's connection to the ``db`` fixture's database."""
    other = database_at(tmp_path / "test.sqlite3")
    await other.open()
    try:
        yield other
    finally:
        await other.close()


async def make_app(handler: Handler) -> AnyApp:
    app = Application.builder().token("1:x").request(FakeRequest(FakeBotApi())).updater(None)
    application = app.build()
    application.add_handler(TypeHandler(Update, handler))
    await application.initialize()
    return application


async def wait_for(condition: Callable[[], Awaitable[bool]], seconds: float = 30) -> None:
    async with asyncio.timeout(seconds):
        while not await condition():  # noqa: ASYNC110 - state in the database
            await asyncio.sleep(0.02)


async def inbox_counts(db: Storage) -> tuple[int, int]:
    async with db.read() as session:
        return await session.inbox.counts()


def updates(app: AnyApp, ids: list[int], user: int) -> list[Update]:
    return [Update.de_json(message_update(i, user, user), app.bot) for i in ids]


async def test_a_persons_updates_wait_for_the_one_another_worker_holds(
    db: Storage, second_db: Storage
) -> None:
    gate = asyncio.Event()
    seen: list[tuple[str, int]] = []

    def recorder(name: str) -> Handler:
        async def record(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
            if update.update_id == 1:
                await gate.wait()
            seen.append((name, update.update_id))

        return record

    a_app, b_app = await make_app(recorder("a")), await make_app(recorder("b"))
    a = UpdateIngress(a_app, db, max_concurrent=8, lease_seconds=30, worker="a")
    b = UpdateIngress(b_app, second_db, max_concurrent=8, lease_seconds=30, worker="b")
    try:
        await a.replay_pending()
        await a.receive(updates(a_app, [1], 5))
        await wait_for(lambda: _true(a.in_flight == 1))
        await b.replay_pending()  # started once worker a holds 1 (else b might take it)
        await b.receive(updates(b_app, [2, 3], 5))  # the same person's next two
        await b.receive(updates(b_app, [4], 6))  # somebody else's
        await b.wait_idle()
        assert seen == [("b", 4)]  # 2 and 3 wait for 1, held by worker a
        assert b.claims is not None and b.claims.claimed == 1
        gate.set()
        await wait_for(lambda: _done(db, 3))
        assert [uid for _, uid in seen] == [4, 1, 2, 3]
    finally:
        await a.drain(1)
        await b.drain(1)
        await a_app.shutdown()
        await b_app.shutdown()


async def test_updates_split_between_two_workers_are_each_handled_once_in_order(
    db: Storage, second_db: Storage
) -> None:
    spans: list[tuple[str, int, int, float, float]] = []

    def recorder(name: str) -> Handler:
        async def record(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
            loop = asyncio.get_running_loop()
            start = loop.time()
            await asyncio.sleep(random.uniform(0.001, 0.01))
            assert update.effective_user is not None
            spans.append((name, update.update_id, update.effective_user.id, start, loop.time()))

        return record

    a_app, b_app = await make_app(recorder("a")), await make_app(recorder("b"))
    a = UpdateIngress(a_app, db, max_concurrent=8, lease_seconds=30, worker="a")
    b = UpdateIngress(b_app, second_db, max_concurrent=8, lease_seconds=30, worker="b")
    try:
        await a.replay_pending()
        await b.replay_pending()
        total = 80
        for update_id in range(1, total + 1):
            target, app = (a, a_app) if update_id % 2 else (b, b_app)
            # Four people; each one's updates land on both workers, in turn.
            await target.receive(updates(app, [update_id], 1 + (update_id // 2) % 4))
        await wait_for(lambda: _true_async(inbox_counts(db), (0, total)))
    finally:
        await a.drain(1)
        await b.drain(1)
        await a_app.shutdown()
        await b_app.shutdown()
    assert sorted(span[1] for span in spans) == list(range(1, total + 1))  # each once
    assert a.claims is not None and b.claims is not None
    assert a.claims.claimed + b.claims.claimed == total
    by_user: dict[int, list[tuple[int, float, float]]] = defaultdict(list)
    for _, update_id, user, start, end in spans:
        by_user[user].append((update_id, start, end))
    for user, runs in by_user.items():
        runs.sort(key=lambda run: run[1])
        assert [run[0] for run in runs] == sorted(run[0] for run in runs), user
        for earlier, later in itertools.pairwise(runs):
            assert earlier[2] <= later[1], f"{user}: {earlier[0]} overlapped {later[0]}"


async def test_a_dead_workers_updates_go_to_another_once_its_lease_runs_out(
    db: Storage, second_db: Storage
) -> None:
    app = await make_app(lambda update, _: _note(seen, update))
    seen: list[int] = []
    async with db.transaction(completes_update=False) as session:
        rows = [(uid, message_update(uid, 5, 5), "user:5") for uid in (11, 12)]
        await session.inbox.store([(u, _json(p), k) for u, p, k in rows], datetime.now(UTC))
        claimed = await session.inbox.claim("dead", 30, 10)
    assert [row.update_id for row in claimed] == [11]  # 12 waits for 11
    survivor = UpdateIngress(app, second_db, max_concurrent=8, lease_seconds=30, worker="live")
    try:
        assert await survivor.replay_pending() == 0  # a live-looking worker holds 11
        await survivor.wait_idle()
        assert seen == []
        async with db.transaction(completes_update=False) as session:
            # The lease runs out (the dead worker's heartbeat stopped).
            await session.conn.execute(
                "UPDATE inbox SET lease_until = now() - interval '1 second'"
                " WHERE claimed_by = 'dead'"
            )
        await wait_for(lambda: _done(db, 12))  # the sweep takes it over
        assert seen == [11, 12]
        assert survivor.claims is not None and survivor.claims.claimed == 2
    finally:
        await survivor.drain(1)
        await app.shutdown()


async def test_a_graceful_stop_gives_back_what_was_cut_off(db: Storage, second_db: Storage) -> None:
    never = asyncio.Event()
    seen: list[int] = []

    async def stuck(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        await never.wait()

    a_app, b_app = await make_app(stuck), await make_app(lambda u, _: _note(seen, u))
    a = UpdateIngress(a_app, db, max_concurrent=8, lease_seconds=30, worker="a")
    b = UpdateIngress(b_app, second_db, max_concurrent=8, lease_seconds=30, worker="b")
    try:
        await a.replay_pending()
        await a.receive(updates(a_app, [21], 5))
        await wait_for(lambda: _true(a.in_flight == 1))
        assert await a.drain(0.05) == (1, 1)
        # Given back: the next worker to look claims it at once, lease or not.
        assert await b.replay_pending() == 1
        await wait_for(lambda: _done(db, 21))
        assert seen == [21]
    finally:
        await b.drain(1)
        await a_app.shutdown()
        await b_app.shutdown()


async def test_an_effect_of_an_update_done_elsewhere_is_rolled_back(db: Storage) -> None:
    async with db.transaction(completes_update=False) as session:
        await session.inbox.store([(31, "{}", "user:5")], datetime.now(UTC))
        await session.inbox.mark_done(31, "2026-11-19T11:00:00.000000+00:00", failed=False)
    token = current_update.set(UpdateScope(31))
    try:
        with pytest.raises(UpdateDoneElsewhere):
            async with db.transaction() as session:
                await _create_push(session)
        with pytest.raises(UpdateDoneElsewhere):
            await db.run_unit(
                lambda conn: conn.execute(
                    "INSERT INTO pushes (community_id, kind, title, report_language, created_at)"
                    " VALUES (1, 'k', 't', 'zh-hans', '2026-11-19T11:00:00.000000+00:00')"
                )
            )
    finally:
        current_update.reset(token)
    # An update the inbox does not hold (a job's, a test's) has nothing to mark.
    token = current_update.set(UpdateScope(999))
    try:
        async with db.transaction() as session:
            await _create_push(session)
    finally:
        current_update.reset(token)
    async with db.read() as session, session.conn.execute("SELECT count(*) FROM pushes") as cur:
        assert await cur.fetchone() == (1,)


async def test_two_units_of_one_update_side_by_side_both_commit(db: Storage) -> None:
    async with db.transaction(completes_update=False) as session:
        await session.inbox.store([(51, "{}", "user:5")], datetime.now(UTC))

    async def unit(community: int) -> None:
        with in_community(community):
            async with db.transaction() as session:
                await session.conn.execute(
                    "INSERT INTO pushes (community_id, kind, title, report_language,"
                    " created_at) VALUES (?, 'k', 't', 'zh-hans', '2026-11-19T11:00:00+00:00')",
                    (community,),
                )

    token = current_update.set(UpdateScope(51))
    try:
        # Two communities' units (two locks) of one update, as on SQLite: the second
        # finds the update done by the first, in this process, and commits too.
        await asyncio.gather(unit(1), unit(2))
    finally:
        current_update.reset(token)
    async with db.read() as session, session.conn.execute("SELECT count(*) FROM pushes") as cur:
        assert await cur.fetchone() == (2,)
    assert await _done(db, 51)


async def test_renewing_extends_only_the_workers_own_leases(db: Storage) -> None:
    async with db.transaction(completes_update=False) as session:
        await session.inbox.store([(41, "{}", "user:1"), (42, "{}", "user:2")], datetime.now(UTC))
        assert len(await session.inbox.claim("w1", 5, 10)) == 2
        assert await session.inbox.renew("w2", [41, 42], 60) == []
        assert await session.inbox.renew("w1", [41], 60) == [41]
        async with session.conn.execute(
            "SELECT update_id, lease_until > now() + interval '30 seconds' FROM inbox"
            " ORDER BY update_id"
        ) as cur:
            assert [tuple(row) for row in await cur.fetchall()] == [(41, True), (42, False)]
        # Another worker claims nothing still leased.
        assert await session.inbox.claim("w2", 5, 10) == []


async def _create_push(session: Any) -> None:
    await session.outbox.create_push(
        kind="k",
        title="t",
        started_by=None,
        report_chat_id=None,
        report_language="zh-hans",
        now=datetime.now(UTC),
    )


async def _note(seen: list[int], update: Update) -> None:
    seen.append(update.update_id)


def _json(payload: dict[str, Any]) -> str:
    import json

    return json.dumps(payload)


async def _true(value: bool) -> bool:
    return value


async def _true_async(got: Awaitable[Any], wanted: Any) -> bool:
    return bool(await got == wanted)


async def _done(db: Storage, update_id: int) -> bool:
    async with db.read() as session:
        return await session.inbox.is_done(update_id)


async def test_an_update_ptb_cannot_read_is_marked_failed_and_holds_nobody_up(
    db: Storage, second_db: Storage
) -> None:
    # A worker stores what it receives unread (its order key read from the JSON), so an
    # update PTB cannot read is found out where it is claimed: marked failed, and the same
    # person's next update goes on.
    seen: list[int] = []
    unreadable = {"update_id": 41, "message": {"from": {"id": 5}, "text": "no chat, no date"}}
    a_app = await make_app(lambda u, _: _note(seen, u))
    b_app = await make_app(lambda u, _: _note(seen, u))
    a = UpdateIngress(a_app, db, max_concurrent=8, lease_seconds=30, worker="a")
    b = UpdateIngress(b_app, second_db, max_concurrent=8, lease_seconds=30, worker="b")
    try:
        await a.replay_pending()
        await b.replay_pending()
        await a.receive_raw([unreadable])
        await b.receive_raw([message_update(42, 5, 5)])
        await wait_for(lambda: _done(db, 42))
        assert seen == [42]
        async with (
            db.read() as session,
            session.conn.execute(
                "SELECT failed FROM inbox WHERE update_id = 41 AND done_at IS NOT NULL"
            ) as cur,
        ):
            assert await cur.fetchall() == [(1,)]
    finally:
        await a.drain(1)
        await b.drain(1)
        await a_app.shutdown()
        await b_app.shutdown()
