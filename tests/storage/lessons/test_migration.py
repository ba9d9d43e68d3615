"""Migration 32: ``makeup_slots`` rebuilt with its code unique per community, every
slot and booking kept (with its community), bookings still going with their slot."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storage import Database
from storage.migrations import MIGRATIONS
from tests.storage.older import database_before

STAMP = "2026-01-01T00:00:00.000000+00:00"


def _database_before_32(path: Path) -> None:
    """A database of every step before 32, with a slot and a booking in two communities."""
    conn = database_before(path, 32)
    conn.execute(
        "INSERT INTO communities (id, name, created_at) VALUES (2, '和平社区', ?)", (STAMP,)
    )
    for cid in (1, 2):
        conn.execute(
            "INSERT INTO people (id, tg_user_id, display_name, language, consent_at,"
            " registered_at, last_seen_at, community_id)"
            " VALUES (?, ?, '张三', 'zh_Hans', ?, ?, ?, ?)",
            (cid, 10 + cid, STAMP, STAMP, STAMP, cid),
        )
        conn.execute(
            "INSERT INTO lessons (id, title, body, status, created_at, updated_at, community_id)"
            " VALUES (?, '微党课', '正文', 'sent', ?, ?, ?)",
            (cid, STAMP, STAMP, cid),
        )
        conn.execute(
            "INSERT INTO makeup_slots (id, lesson_id, starts_at, place, capacity, code,"
            " created_by, created_at, community_id)"
            " VALUES (?, ?, ?, '党群服务中心', 20, ?, ?, ?, ?)",
            (cid, cid, STAMP, f"00000{cid}", cid, STAMP, cid),
        )
        conn.execute(
            "INSERT INTO makeup_bookings (slot_id, lesson_id, person_id, booked_at, community_id)"
            " VALUES (?, ?, ?, ?, ?)",
            (cid, cid, cid, STAMP, cid),
        )
    # Before 32 a code is unique across the street.
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO makeup_slots (lesson_id, starts_at, place, capacity, code, created_at,"
            " community_id) VALUES (2, ?, '别处', 5, '000001', ?, 2)",
            (STAMP, STAMP),
        )
    conn.commit()
    conn.close()


async def test_slots_are_kept_and_a_code_is_unique_per_community(tmp_path: Path) -> None:
    path = tmp_path / "v29.sqlite3"
    _database_before_32(path)
    db = Database(path)
    await db.open()
    try:
        assert await db.schema_version() == MIGRATIONS[-1].version
        async with db.transaction() as session:
            async with session.conn.execute(
                "SELECT id, lesson_id, code, created_by, community_id FROM makeup_slots ORDER BY id"
            ) as cur:
                slots = [tuple(row) for row in await cur.fetchall()]
            assert slots == [(1, 1, "000001", 1, 1), (2, 2, "000002", 2, 2)]
            # The same code in the other community, but never twice in one.
            await session.conn.execute(
                "INSERT INTO makeup_slots (lesson_id, starts_at, place, capacity, code,"
                " created_at, community_id) VALUES (2, ?, '别处', 5, '000001', ?, 2)",
                (STAMP, STAMP),
            )
            with pytest.raises(sqlite3.IntegrityError):
                await session.conn.execute(
                    "INSERT INTO makeup_slots (lesson_id, starts_at, place, capacity, code,"
                    " created_at, community_id) VALUES (2, ?, '别处', 5, '000002', ?, 2)",
                    (STAMP, STAMP),
                )
            # The bookings' key finds the new table: deleting a slot takes its booking.
            await session.conn.execute("DELETE FROM makeup_slots WHERE id = 1")
            async with session.conn.execute(
                "SELECT slot_id, community_id FROM makeup_bookings"
            ) as cur:
                assert [tuple(row) for row in await cur.fetchall()] == [(2, 2)]
        assert await db.integrity_check() == "ok"
    finally:
        await db.close()
