"""The database: pragmas, migrations, units of work, the inbox's done mark."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from storage import Database, UpdateScope, current_update
from storage.migrations import MIGRATIONS, v14_leave


@pytest.mark.sqlite_only
async def test_pragmas_and_schema(db: Database) -> None:
    conn = db.writer
    async with conn.execute("PRAGMA journal_mode") as cur:
        assert (await cur.fetchone())[0] == "wal"
    async with conn.execute("PRAGMA foreign_keys") as cur:
        assert (await cur.fetchone())[0] == 1
    async with conn.execute("PRAGMA synchronous") as cur:
        assert (await cur.fetchone())[0] == 2  # FULL
    assert await db.schema_version() == MIGRATIONS[-1].version
    assert await db.integrity_check() == "ok"


async def test_migrations_apply_once(tmp_path: Path) -> None:
    path = tmp_path / "m.sqlite3"
    first = Database(path)
    await first.open(migrate=False)
    assert [m.version for m in await first.migrate()] == [m.version for m in MIGRATIONS]
    assert await first.migrate() == []
    await first.close()


async def test_a_step_missed_below_the_highest_is_applied(tmp_path: Path) -> None:
    """A development database that got a later step first still gets the earlier one."""
    path = tmp_path / "gap.sqlite3"
    db = Database(path)
    await db.open(migrate=False)
    await db.migrate()
    missed = v14_leave.MIGRATION  # one table and its index; later steps do not touch it
    # As if that step had never run: its record gone and its tables dropped.
    await db.writer.execute("DELETE FROM schema_migrations WHERE version = ?", (missed.version,))
    await db.writer.commit()
    await db.close()
    plain = sqlite3.connect(path)
    plain.execute("DROP TABLE leave_requests")
    plain.commit()
    plain.close()
    again = Database(path)
    await again.open(migrate=False)
    try:
        assert [m.version for m in await again.migrate()] == [missed.version]
        # The table is back (as v14 made it: v29's community column is not, so no
        # repository query, which is scoped, can read it).
        async with again.writer.execute("SELECT count(*) FROM leave_requests") as cur:
            row = await cur.fetchone()
        assert row is not None and row[0] == 0
    finally:
        await again.close()


async def test_failed_unit_of_work_changes_nothing(db: Database) -> None:
    now = datetime.now(UTC)
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            await session.chats.seen(-100, "群", "supergroup", True, now)
            raise RuntimeError("boom")
    async with db.read() as session:
        assert await session.chats.get(-100) is None


async def test_schema_enforces_one_person_per_account(db: Database) -> None:
    now = datetime.now(UTC)
    fields = dict(
        tg_user_id=5,
        display_name="张三",
        tg_username=None,
        language="zh_Hans",
        building=None,
        grid_id=None,
        consent_at=now,
        now=now,
    )
    async with db.transaction() as session:
        await session.people.insert(**fields)  # type: ignore[arg-type]
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as session:
            await session.people.insert(**fields)  # type: ignore[arg-type]


async def test_effect_and_done_mark_commit_together(db: Database) -> None:
    now = datetime.now(UTC)
    async with db.transaction(completes_update=False) as session:
        assert await session.inbox.accept([(7, "{}"), (8, "{}")], now) == [7, 8]

    scope = UpdateScope(7)
    token = current_update.set(scope)
    try:
        async with db.transaction() as session:
            await session.chats.seen(-1, "a", "group", True, now)
        # A second unit of work in the same update does not mark again.
        async with db.transaction() as session:
            await session.chats.seen(-2, "b", "group", True, now)
    finally:
        current_update.reset(token)
    assert scope.completed

    failed = UpdateScope(8)
    token = current_update.set(failed)
    try:
        with pytest.raises(RuntimeError):
            async with db.transaction() as session:
                await session.chats.seen(-3, "c", "group", True, now)
                raise RuntimeError("crash before commit")
    finally:
        current_update.reset(token)
    assert not failed.completed

    async with db.read() as session:
        assert await session.inbox.is_done(7)
        assert not await session.inbox.is_done(8)
        assert [row.update_id for row in await session.inbox.pending()] == [8]
        assert await session.chats.get(-3) is None
    async with db.transaction(completes_update=False) as session:
        # A redelivered batch: the done one is not handed out again.
        assert await session.inbox.accept([(7, "{}"), (8, "{}"), (9, "{}")], now) == [8, 9]


async def test_prune_keeps_pending_and_recent(db: Database) -> None:
    old = datetime(2026, 1, 1, tzinfo=UTC)
    async with db.transaction(completes_update=False) as session:
        await session.inbox.accept([(1, "{}"), (2, "{}"), (3, "{}")], old)
        await session.inbox.mark_done(1, "2026-01-01T00:00:00.000000+00:00", failed=False)
        await session.inbox.mark_done(2, datetime.now(UTC).isoformat(), failed=False)
        assert await session.inbox.prune(datetime(2026, 6, 1, tzinfo=UTC)) == 1
        assert await session.inbox.counts() == (1, 1)


@pytest.mark.sqlite_only
async def test_backup_is_a_sound_copy(db: Database, tmp_path: Path) -> None:
    async with db.transaction() as session:
        await session.chats.seen(-9, "备份群", "supergroup", True, datetime.now(UTC))
    target = tmp_path / "backup" / "copy.sqlite3"
    await db.backup(target)
    copy = Database(target)
    await copy.open(migrate=False)
    try:
        assert await copy.integrity_check() == "ok"
        async with copy.read() as session:
            chat = await session.chats.get(-9)
        assert chat is not None and chat.title == "备份群"
    finally:
        await copy.close()


async def test_rebuilding_migration_keeps_rows_that_point_at_the_rebuilt_table(
    tmp_path: Path,
) -> None:
    """Migration 4 rebuilds ``matters``; supports must survive (no cascade on the drop)."""
    from storage.db import split_statements

    path = tmp_path / "v3.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
        " description TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    for migration in MIGRATIONS[:3]:
        for statement in split_statements(migration.sql):
            conn.execute(statement)
        conn.execute(
            "INSERT INTO schema_migrations VALUES (?, ?, '2026-01-01')",
            (migration.version, migration.description),
        )
    stamp = "2026-01-01T00:00:00.000000+00:00"
    conn.execute(
        "INSERT INTO people (id, tg_user_id, display_name, language, consent_at,"
        " registered_at, last_seen_at) VALUES (1, 10, '张三', 'zh_Hans', ?, ?, ?)",
        (stamp, stamp, stamp),
    )
    conn.execute(
        "INSERT INTO matters (id, title, details, raised_by, stage, support_until,"
        " created_at, updated_at) VALUES (7, '路灯坏了', '三号楼', 1, 'agenda', ?, ?, ?)",
        (stamp, stamp, stamp),
    )
    conn.execute("INSERT INTO matter_supports VALUES (7, 1, ?)", (stamp,))
    conn.commit()
    conn.close()

    db = Database(path)
    await db.open()
    try:
        assert await db.schema_version() == MIGRATIONS[-1].version
        async with db.read() as session:
            matter = await session.matters.get(7)
        assert matter is not None
        assert (matter.title, matter.stage, matter.supports, matter.kind) == (
            "路灯坏了",
            "agenda",
            1,
            "matter",
        )
        async with db.writer.execute("PRAGMA foreign_keys") as cur:
            assert (await cur.fetchone())[0] == 1
        assert await db.integrity_check() == "ok"
    finally:
        await db.close()


async def test_units_of_work_commit_together_and_fail_alone(db: Database) -> None:
    """run_unit: concurrent units share one commit; one that raises is rolled back alone,
    and each marks its own update done."""
    now = datetime.now(UTC)
    async with db.transaction() as session:
        await session.inbox.accept([(1, "{}"), (2, "{}"), (3, "{}")], now)

    def add_chat(chat_id: int, fail: bool) -> Any:
        def work(conn: sqlite3.Connection) -> int:
            conn.execute(
                "INSERT INTO chats (chat_id, title, type, is_member, updated_at)"
                " VALUES (?, 't', 'group', 1, '2026-01-01')",
                (chat_id,),
            )
            if fail:
                raise ValueError("refused")
            return chat_id

        return work

    async def as_update(update_id: int, chat_id: int, fail: bool) -> int:
        token = current_update.set(UpdateScope(update_id))
        try:
            return await db.run_unit(add_chat(chat_id, fail))
        finally:
            current_update.reset(token)

    results = await asyncio.gather(
        as_update(1, -1, False),
        as_update(2, -2, True),
        as_update(3, -3, False),
        return_exceptions=True,
    )
    assert results[0] == -1 and results[2] == -3
    assert isinstance(results[1], ValueError)
    async with db.read() as session:
        assert await session.chats.get(-1) is not None
        assert await session.chats.get(-2) is None
        assert await session.chats.get(-3) is not None
        pending = [row.update_id for row in await session.inbox.pending()]
    assert pending == [2]  # the failed unit's update stays to be replayed
