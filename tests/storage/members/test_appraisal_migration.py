"""Migration 34 on a database made before it: the year's appraisal and what refers to it
are kept, the references still hold, and each community may now open the same year."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from storage import Database
from storage.scope import in_community
from tests.storage.older import database_before

STAMP = "2026-01-01T00:00:00.000000+00:00"
NOW = datetime(2027, 1, 5, tzinfo=UTC)


def _database_before_migration_34(path: Path) -> None:
    conn = database_before(path, 34)
    conn.execute(
        "INSERT INTO people (id, tg_user_id, display_name, language, consent_at,"
        " registered_at, last_seen_at) VALUES (1, 10, '张三', 'zh_Hans', ?, ?, ?)",
        (STAMP, STAMP, STAMP),
    )
    conn.execute(
        "INSERT INTO appraisals (id, year, opened_by, opened_at) VALUES (5, 2026, 1, ?)",
        (STAMP,),
    )
    conn.execute(
        "INSERT INTO appraisal_self (appraisal_id, person_id, grade, at)"
        " VALUES (5, 1, 'excellent', ?)",
        (STAMP,),
    )
    conn.commit()
    conn.close()


async def test_the_appraisal_is_kept_and_unique_per_community(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _database_before_migration_34(path)
    db = Database(path)
    await db.open()
    try:
        assert await db.schema_version() >= 34
        async with db.transaction() as session:
            second = await session.communities.create("和平社区", None, None, NOW)
            repo = session.members.appraisal
            kept = await repo.of_year(2026)
            assert kept is not None and kept.id == 5
            assert (await repo.selves(5))[1].grade == "excellent"
            assert await repo.open(2026, None, NOW) is None
            with in_community(second):
                assert await repo.of_year(2026) is None
                assert await repo.open(2026, None, NOW) is not None
            # The self-assessment still refers to the (rebuilt) table: it goes with it.
            await session.conn.execute("DELETE FROM appraisals WHERE id = 5")
            assert await repo.selves(5) == {}
    finally:
        await db.close()
