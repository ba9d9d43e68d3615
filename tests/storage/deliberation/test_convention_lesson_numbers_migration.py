"""Migration 42 on a database made before it: each convention and lesson keeps the number
it was shown with (its id), and the next one of each community is numbered after that
community's highest (a new community's first is #1)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from storage import Database, in_community
from storage.migrations import MIGRATIONS
from tests.storage.older import database_before

STAMP = "2026-01-01T00:00:00.000000+00:00"
NOW = datetime(2026, 12, 2, 11, 0, tzinfo=UTC)


def _database_before_42(path: Path) -> None:
    """Conventions #4 and #9 and lessons #3 and #6, in the first community."""
    conn = database_before(path, 42)
    for matter_id in (4, 9):
        conn.execute(
            "INSERT INTO matters (id, number, title, details, support_until, created_at,"
            " updated_at) VALUES (?, ?, '楼道公约', '不堆杂物', ?, ?, ?)",
            (matter_id, matter_id, STAMP, STAMP, STAMP),
        )
        conn.execute(
            "INSERT INTO votes (id, matter_id, kind, options, anonymous, quorum, threshold,"
            " opened_at, closes_at) VALUES (?, ?, 'yes_no', '[]', 0, 0, 'majority', ?, ?)",
            (matter_id, matter_id, STAMP, STAMP),
        )
        conn.execute(
            "INSERT INTO conventions (id, title, text, matter_id, vote_id, adopted_at)"
            " VALUES (?, '楼道公约', '不堆杂物', ?, ?, ?)",
            (matter_id, matter_id, matter_id, STAMP),
        )
    for lesson_id in (3, 6):
        conn.execute(
            "INSERT INTO lessons (id, title, body, status, created_at, updated_at)"
            " VALUES (?, '微党课', '正文', 'sent', ?, ?)",
            (lesson_id, STAMP, STAMP),
        )
    conn.commit()
    conn.close()


async def test_numbers_are_kept_and_counted_on(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _database_before_42(path)
    db = Database(path)
    await db.open()
    try:
        assert await db.schema_version() == MIGRATIONS[-1].version
        with in_community(1):
            async with db.transaction() as s:
                assert [(c.id, c.number) for c in await s.votes.conventions()] == [(4, 4), (9, 9)]
                kept = await s.lessons.by_number(6)
                assert kept is not None and kept.id == 6
                new = await s.lessons.create(
                    title="学习党章",
                    body="正文",
                    link=None,
                    attachments=[],
                    quiz=[],
                    created_by=None,
                    now=NOW,
                )
                created = await s.lessons.get(new)
                assert created is not None and created.number == 7
                other = await s.communities.create("和平社区", None, None, NOW)
        with in_community(other):
            async with db.transaction() as s:
                theirs = await s.lessons.create(
                    title="学习党章",
                    body="正文",
                    link=None,
                    attachments=[],
                    quiz=[],
                    created_by=None,
                    now=NOW,
                )
                first = await s.lessons.get(theirs)
                assert first is not None and first.number == 1
                # A row written without a number (by hand) is numbered by the trigger.
                await s.conn.execute(
                    "INSERT INTO lessons (title, body, status, created_at, updated_at,"
                    " community_id) VALUES ('手写', '正文', 'draft', ?, ?, ?)",
                    (STAMP, STAMP, other),
                )
                by_hand = await s.lessons.by_number(2)
                assert by_hand is not None and by_hand.title == "手写"
    finally:
        await db.close()
