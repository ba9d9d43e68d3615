"""Migration 43 on a database made before it: each leave request, activity and move
request keeps the number it was shown with (its id), the next one of each community is
numbered after that community's highest, and a new community's first is #1."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage import Storage, in_community
from storage.community.joining import MoveRequestsRepository
from storage.migrations import MIGRATIONS
from tests.backends import on_postgres
from tests.storage.older import STAMP, TWO_COMMUNITIES, on_postgresql_before, on_sqlite_before
from tests.storage.volunteering.fixtures import new_activity

LATER = "2026-01-01T02:00:00.000000+00:00"
NOW = datetime(2026, 12, 2, 11, 0, tzinfo=UTC)


#: In the first community: activities #5 and #8, leave request #7 (for #8), and move
#: request #4 of a person of a second community asking to join the first.
OLD_ROWS: tuple[tuple[str, tuple[object, ...]], ...] = (
    *TWO_COMMUNITIES,
    *(
        (
            "INSERT INTO activities (id, title, place, starts_at, ends_at, capacity,"
            " code_secret, created_at) VALUES (?, '湖边清洁', '湖边', ?, ?, 10, 's', ?)",
            (activity_id, STAMP, LATER, STAMP),
        )
        for activity_id in (5, 8)
    ),
    (
        "INSERT INTO leave_requests (id, kind, target_id, person_id, reason, requested_at)"
        " VALUES (7, 'activity', 8, 1, '临时出差', ?)",
        (STAMP,),
    ),
    (
        "INSERT INTO move_requests (id, community_id, person_id, from_community, asked_at)"
        " VALUES (4, 1, 2, 2, ?)",
        (STAMP,),
    ),
)
#: Where PostgreSQL's identities must go on from after the rows written with their id.
IDENTITIES = ("communities", "people", "activities", "leave_requests", "move_requests")


async def _activity(db: Storage, title: str) -> int:
    async with db.transaction() as s:
        return await new_activity(s, title, NOW + timedelta(days=1), NOW)


async def test_numbers_are_kept_and_counted_on(tmp_path: Path) -> None:
    await on_sqlite_before(tmp_path / "old.sqlite3", 43, OLD_ROWS, _kept_and_counted_on)


@pytest.mark.skipif(not on_postgres(), reason="PostgreSQL's migration 43")
async def test_numbers_are_kept_and_counted_on_postgresql() -> None:
    await on_postgresql_before(43, OLD_ROWS, IDENTITIES, _kept_and_counted_on)


async def _kept_and_counted_on(db: Storage) -> None:
    """The checks, on either engine, of a database migrated from before 43."""
    assert await db.schema_version() == MIGRATIONS[-1].version
    with in_community(1):
        async with db.transaction() as s:
            for number in (5, 8):
                kept = await s.volunteering.activities.by_number(number)
                assert kept is not None and kept.id == number
            leave = await s.leave.get(7)
            assert leave is not None and leave.number == 7
            (move,) = await MoveRequestsRepository(s.conn).open_here()
            assert (move.id, move.number) == (4, 4)
            # Asked anew after a refusal, a leave request keeps its number.
            assert await s.leave.decide(7, False, 1, NOW)
            again = await s.leave.ask("activity", 8, 1, "又出差", NOW)
            assert again == 7 and (await s.leave.get(7)).number == 7  # type: ignore[union-attr]
            asked = await s.leave.ask("activity", 5, 1, "生病", NOW)
            assert (await s.leave.get(asked)).number == 8  # type: ignore[union-attr]
        new = await _activity(db, "公园巡逻")
        async with db.read() as s:
            created = await s.volunteering.activities.activity(new)
            assert created is not None and created.number == 9
    with in_community(2):
        theirs = await _activity(db, "垃圾分类")
        async with db.transaction() as s:
            first = await s.volunteering.activities.activity(theirs)
            assert first is not None and first.number == 1 and first.id != 1
            leave_id = await s.leave.ask("activity", theirs, 2, "临时出差", NOW)
            assert (await s.leave.get(leave_id)).number == 1  # type: ignore[union-attr]
            # A row written without a number (by hand) is numbered by the trigger.
            await s.conn.execute(
                "INSERT INTO activities (title, place, starts_at, ends_at, capacity,"
                " code_secret, created_at, community_id)"
                " VALUES ('手写', '广场', ?, ?, 5, 's', ?, 2)",
                (STAMP, LATER, STAMP),
            )
            by_hand = await s.volunteering.activities.by_number(2)
            assert by_hand is not None and by_hand.title == "手写"
            # A move into this community from the first is this community's #1.
            with in_community(1):
                await MoveRequestsRepository(s.conn).ask(1, 2, NOW)
            (into_here,) = await MoveRequestsRepository(s.conn).open_here()
            assert into_here.number == 1
