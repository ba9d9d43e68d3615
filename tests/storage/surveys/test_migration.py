"""Migration 15: the surveys' tables, and reminder opt-outs rebuilt to allow 'survey'."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storage import Database
from storage.migrations import MIGRATIONS
from tests.storage.older import database_before

STAMP = "2026-01-01T00:00:00.000000+00:00"


async def test_opt_outs_are_kept_and_surveys_can_be_turned_off(tmp_path: Path) -> None:
    path = tmp_path / "v11.sqlite3"
    conn = database_before(path, 12)
    conn.execute(
        "INSERT INTO people (id, tg_user_id, display_name, language, consent_at,"
        " registered_at, last_seen_at) VALUES (1, 10, '张三', 'zh_Hans', ?, ?, ?)",
        (STAMP, STAMP, STAMP),
    )
    conn.execute("INSERT INTO reminder_opt_outs VALUES (1, 'vote', ?)", (STAMP,))
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO reminder_opt_outs VALUES (1, 'survey', ?)", (STAMP,))
    conn.commit()
    conn.close()

    db = Database(path)
    await db.open()
    try:
        assert await db.schema_version() == MIGRATIONS[-1].version
        async with db.transaction() as session:
            assert await session.people.reminders_off("vote") == {1}
            await session.conn.execute(
                "INSERT INTO reminder_opt_outs (person_id, kind, at) VALUES (1, 'survey', ?)",
                (STAMP,),
            )
        async with db.read() as session:
            assert await session.people.reminders_off("survey") == {1}
        with pytest.raises(sqlite3.IntegrityError):
            async with db.transaction() as session:
                await session.conn.execute(
                    "INSERT INTO reminder_opt_outs (person_id, kind, at) VALUES (1, 'lesson', ?)",
                    (STAMP,),
                )
        # Deleting the person still takes their opt-outs with them.
        async with db.transaction() as session:
            await session.people.delete(1)
        async with db.read() as session:
            assert await session.people.reminders_off("vote") == set()
        assert await db.integrity_check() == "ok"
    finally:
        await db.close()
