"""Migration 30 on a database made before it: each matter keeps the number it was shown
with (its id), a sitting keeps its id and what points at it, and the next matter of
the community is numbered after the highest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage import Database, in_community
from storage.migrations import MIGRATIONS
from tests.storage.older import database_before

STAMP = "2026-01-01T00:00:00.000000+00:00"
NOW = datetime(2026, 11, 19, 11, 0, tzinfo=UTC)


def _database_before_migration_30(path: Path) -> None:
    conn = database_before(path, 30)
    conn.execute(
        "INSERT INTO people (id, tg_user_id, display_name, language, consent_at,"
        " registered_at, last_seen_at) VALUES (1, 10, '张三', 'zh_Hans', ?, ?, ?)",
        (STAMP, STAMP, STAMP),
    )
    for matter_id in (3, 7):
        conn.execute(
            "INSERT INTO matters (id, title, details, raised_by, support_until, created_at,"
            " updated_at) VALUES (?, '路灯坏了', '三号楼', 1, ?, ?, ?)",
            (matter_id, STAMP, STAMP, STAMP),
        )
    conn.execute(
        "INSERT INTO sittings (id, forum, starts_at, notes) VALUES (5, 'session', ?, '备注')",
        (STAMP,),
    )
    conn.execute(
        "INSERT INTO sitting_attendance (sitting_id, person_id, marked_at) VALUES (5, 1, ?)",
        (STAMP,),
    )
    conn.commit()
    conn.close()


@pytest.mark.parametrize("second", [False, True])
async def test_numbers_are_kept_and_counted_on(tmp_path: Path, second: bool) -> None:
    path = tmp_path / "old.sqlite3"
    _database_before_migration_30(path)
    db = Database(path)
    await db.open()
    try:
        assert await db.schema_version() == MIGRATIONS[-1].version
        with in_community(1):
            async with db.transaction() as s:
                kept = await s.matters.get(7)
                assert kept is not None and kept.number == 7
                sitting = await s.sittings.get(5)
                assert sitting is not None and sitting.notes == "备注"
                async with s.conn.execute(
                    "SELECT sitting_id FROM sitting_attendance WHERE person_id = 1"
                ) as cur:
                    assert [row[0] for row in await cur.fetchall()] == [5]
                if second:
                    other = await s.communities.create("和平社区", None, None, NOW)
                new = await s.matters.create(
                    title="垃圾分类",
                    details="定时定点",
                    raised_by=None,
                    support_until=NOW + timedelta(days=7),
                    now=NOW,
                )
                created = await s.matters.get(new)
                assert created is not None and created.number == 8
        if second:
            with in_community(other):
                async with db.transaction() as s:
                    theirs = await s.matters.create(
                        title="垃圾分类",
                        details="定时定点",
                        raised_by=None,
                        support_until=NOW + timedelta(days=7),
                        now=NOW,
                    )
                    row = await s.matters.get(theirs)
                    assert row is not None and row.number == 1
                    # The same forum at the same time as community 1's sitting.
                    assert (await s.sittings.ensure("session", sitting.starts_at)).id != 5
    finally:
        await db.close()
