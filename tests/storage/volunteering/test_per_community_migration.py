"""Migration 33 on a database made before it: units, members, duties, swaps and the
activities that point at them are all kept, their keys still hold, and a unit's name and
a duty day become unique per community."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage import Database
from tests.storage.older import database_before

STAMP = "2026-01-01T00:00:00.000000+00:00"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _database_before_migration_33(path: Path) -> None:
    conn = database_before(path, 33)
    for sql in (
        "INSERT INTO people (id, tg_user_id, display_name, language, consent_at,"
        " registered_at, last_seen_at) VALUES (1, 10, '张三', 'zh_Hans', :t, :t, :t)",
        "INSERT INTO vol_units (id, name, contact_id, skip_next, last_duty_on, created_at)"
        " VALUES (4, '物业服务中心', 1, 1, '2026-11-13', :t)",
        "INSERT INTO vol_unit_members (person_id, unit_id, joined_at) VALUES (1, 4, :t)",
        "INSERT INTO activities (id, title, place, starts_at, ends_at, capacity, audience,"
        " unit_id, code_secret, created_at) VALUES (9, '周五值日', '社区广场',"
        " '2026-11-20T01:00:00.000000+00:00', '2026-11-20T03:00:00.000000+00:00', 20, 'unit',"
        " 4, 's', :t)",
        "INSERT INTO duties (id, day, unit_id, activity_id, created_at)"
        " VALUES (6, '2026-11-20', 4, 9, :t)",
        "INSERT INTO duty_swaps (id, duty_id, unit_id, asked_by, state, asked_at)"
        " VALUES (2, 6, 4, 1, 'asked', :t)",
    ):
        conn.execute(sql, {"t": STAMP})
    conn.commit()
    conn.close()


async def test_migration_33_keeps_the_rota_and_scopes_its_uniqueness(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _database_before_migration_33(path)
    db = Database(path)
    await db.open()
    try:
        async with db.read() as session:
            conn = session.conn
            async with conn.execute(
                "SELECT id, name, contact_id, skip_next, last_duty_on, community_id FROM vol_units"
            ) as cur:
                assert [tuple(r) for r in await cur.fetchall()] == [
                    (4, "物业服务中心", 1, 1, "2026-11-13", 1)
                ]
            async with conn.execute(
                "SELECT id, day, unit_id, activity_id, community_id FROM duties"
            ) as cur:
                assert [tuple(r) for r in await cur.fetchall()] == [(6, "2026-11-20", 4, 9, 1)]
        async with db.transaction() as session:
            conn = session.conn
            other = await session.communities.create("和平社区", None, None, NOW)
            # The same name and the same day in another community are allowed ...
            await conn.execute(
                "INSERT INTO vol_units (id, name, created_at, community_id)"
                " VALUES (5, '物业服务中心', ?, ?)",
                (STAMP, other),
            )
            await conn.execute(
                "INSERT INTO duties (day, unit_id, created_at, community_id)"
                " VALUES ('2026-11-20', 5, ?, ?)",
                (STAMP, other),
            )
        # ... and still refused within one.
        for sql in (
            "INSERT INTO vol_units (name, created_at, community_id) VALUES ('物业服务中心', ?, 1)",
            "INSERT INTO duties (day, unit_id, created_at, community_id)"
            " VALUES ('2026-11-20', 4, ?, 1)",
        ):
            with pytest.raises(sqlite3.IntegrityError):
                async with db.transaction() as session:
                    await session.conn.execute(sql, (STAMP,))
        # The keys that point at the rebuilt tables still act: a unit removed takes its
        # members, duties and swaps with it, and frees its activity.
        async with db.transaction() as session:
            await session.conn.execute("DELETE FROM vol_units WHERE id = 4")
        async with db.read() as session:
            conn = session.conn
            for table in ("vol_unit_members", "duty_swaps"):
                async with conn.execute(f"SELECT count(*) FROM {table}") as cur:
                    assert (await cur.fetchone())[0] == 0
            async with conn.execute("SELECT day, unit_id FROM duties") as cur:
                assert [tuple(r) for r in await cur.fetchall()] == [("2026-11-20", 5)]
            async with conn.execute("SELECT unit_id FROM activities WHERE id = 9") as cur:
                assert (await cur.fetchone())[0] is None
    finally:
        await db.close()
