"""Migration 35: households rebuilt with the key unique per community, rows and visits kept."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage import Database
from storage.migrations import MIGRATIONS
from storage.scope import in_community
from tests.storage.older import database_before

STAMP = "2026-01-01T00:00:00.000000+00:00"
STAMP_DT = datetime(2026, 1, 1, tzinfo=UTC)


async def test_households_and_their_visits_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "v29.sqlite3"
    conn = database_before(path, 30)
    conn.execute(
        "INSERT INTO people (id, tg_user_id, display_name, language, consent_at,"
        " registered_at, last_seen_at) VALUES (1, 10, '张三', 'zh_Hans', ?, ?, ?)",
        (STAMP, STAMP, STAMP),
    )
    conn.execute(
        "INSERT INTO households (id, key, building, door, flags, contact_id, created_at)"
        " VALUES (7, 'h3/201', '3', '201', '[\"alone\"]', 1, ?)",
        (STAMP,),
    )
    conn.execute(
        "INSERT INTO household_visits (household_id, person_id, visited_on, note, logged_at)"
        " VALUES (7, 1, '2026-01-01', '好', ?)",
        (STAMP,),
    )
    conn.execute(
        "INSERT INTO communities (id, name, created_at) VALUES (2, '和平社区', ?)", (STAMP,)
    )
    # Before: the key was unique street-wide.
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO households (key, building, door, created_at, community_id)"
            " VALUES ('h3/201', '3', '201', ?, 2)",
            (STAMP,),
        )
    conn.commit()
    conn.close()

    db = Database(path)
    await db.open()
    try:
        assert await db.schema_version() == MIGRATIONS[-1].version
        async with db.read() as session:
            household = await session.households.by_id(7)
            assert household is not None
            assert (household.key, household.flags, household.contact_id) == (
                "h3/201",
                ("alone",),
                1,
            )
            assert [v.note for v in await session.households.visits_of(7)] == ["好"]
        with in_community(2):
            async with db.transaction() as session:
                assert await session.households.add("h3/201", "3", "201", None, None, STAMP_DT)
        async with db.transaction() as session:
            assert await session.households.add("h3/201", "3", "201", None, None, STAMP_DT) is None
            # Deleting the household still takes its visits with it.
            await session.households.delete(7)
            assert await session.households.visits_of(7) == []
    finally:
        await db.close()
