"""Migration 44 on a database made before it: each need, survey, check-in and Party
commitment keeps the number it was shown with (its id), the next one of each community
is numbered after that community's highest, and another community's first is #1."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from storage import Storage, in_community
from storage.migrations import MIGRATIONS
from storage.session import Session
from tests.backends import on_postgres
from tests.storage.older import STAMP, TWO_COMMUNITIES, on_postgresql_before, on_sqlite_before
from tests.storage.volunteering.fixtures import new_activity

LATER = "2026-01-01T02:00:00.000000+00:00"
NOW = datetime(2026, 12, 3, 11, 0, tzinfo=UTC)

#: In the first community: needs #5 and #8, survey #3, activity #2 with check-in #6,
#: and commitment #4; person 1 lives there, person 2 in a second community.
OLD_ROWS: tuple[tuple[str, tuple[object, ...]], ...] = (
    *TWO_COMMUNITIES,
    *(
        (
            "INSERT INTO needs (id, resident_id, category, text, posted_at, answer_due_at,"
            " done_due_at) VALUES (?, 1, 'elderly', '扛米上楼', ?, ?, ?)",
            (need_id, STAMP, LATER, LATER),
        )
        for need_id in (5, 8)
    ),
    (
        "INSERT INTO surveys (id, title, subject, questions, audience, anonymous,"
        " created_by, sent_at, closes_at) VALUES (3, '东门改造', 'key:project', '[]',"
        ' \'{"kind": "all"}\', 0, 1, ?, ?)',
        (STAMP, LATER),
    ),
    (
        "INSERT INTO activities (id, title, place, starts_at, ends_at, capacity,"
        " code_secret, created_at) VALUES (2, '湖边清洁', '湖边', ?, ?, 10, 's', ?)",
        (STAMP, LATER, STAMP),
    ),
    (
        "INSERT INTO checkins (id, activity_id, person_id, checked_in_at, method)"
        " VALUES (6, 2, 1, ?, 'window')",
        (STAMP,),
    ),
    (
        "INSERT INTO party_commitments (id, person_id, what, for_whom, due_on,"
        " submitted_at) VALUES (4, 1, '每周陪老人聊天', '独居老人', '2026-12-31', ?)",
        (STAMP,),
    ),
)
#: Where PostgreSQL's identities must go on from after the rows written with their id.
IDENTITIES = (
    "communities",
    "people",
    "needs",
    "surveys",
    "activities",
    "checkins",
    "party_commitments",
)


async def test_numbers_are_kept_and_counted_on(tmp_path: Path) -> None:
    await on_sqlite_before(tmp_path / "old.sqlite3", 44, OLD_ROWS, _kept_and_counted_on)


@pytest.mark.skipif(not on_postgres(), reason="PostgreSQL's migration 44")
async def test_numbers_are_kept_and_counted_on_postgresql() -> None:
    await on_postgresql_before(44, OLD_ROWS, IDENTITIES, _kept_and_counted_on)


async def _new_rows(s: Session, person_id: int) -> tuple[int, int, int, int]:
    """A new need, survey, check-in (at a new activity) and commitment of the current
    community, through the repositories: their ids."""
    need = await s.needs.create(
        resident_id=person_id,
        recorded_by=None,
        category="elderly",
        building=None,
        urgent=False,
        text="修水龙头",
        photo=None,
        voice=None,
        answer_due_at=NOW + timedelta(hours=24),
        done_due_at=NOW + timedelta(days=7),
        now=NOW,
    )
    survey = await s.surveys.create(
        title="停车",
        subject="key:project",
        questions=[],
        audience={"kind": "all"},
        anonymous=False,
        salt=None,
        created_by=person_id,
        closes_at=NOW + timedelta(days=3),
        now=NOW,
    )
    activity = await new_activity(s, "公园巡逻", NOW - timedelta(minutes=10), NOW)
    checkin = await s.volunteering.checkins.check_in(activity, person_id, NOW, "window")
    commitment = await s.members.commitments.submit(
        None, person_id, "帮忙收快递", "3号楼", date(2026, 12, 31), None, NOW
    )
    assert commitment is not None
    return need, survey, checkin, commitment


async def _numbers(s: Session, ids: tuple[int, int, int, int]) -> tuple[int, ...]:
    need, survey, checkin, commitment = ids
    rows = (
        await s.needs.by_id(need),
        await s.surveys.get(survey),
        await s.volunteering.checkins.checkin(checkin),
        await s.members.commitments.by_id(commitment),
    )
    assert all(row is not None for row in rows)
    return tuple(row.number for row in rows)  # type: ignore[union-attr]


async def _kept_and_counted_on(db: Storage) -> None:
    """The checks, on either engine, of a database migrated from before 44."""
    assert await db.schema_version() == MIGRATIONS[-1].version
    with in_community(1):
        async with db.transaction() as s:
            # Each old row's number is the id it was shown with.
            assert await _numbers(s, (5, 3, 6, 4)) == (5, 3, 6, 4)
            need = await s.needs.by_id(8)
            assert need is not None and need.number == 8
            # The next of each goes on after the community's highest.
            ours = await _new_rows(s, 1)
            assert await _numbers(s, ours) == (9, 4, 7, 5)
    with in_community(2):
        async with db.transaction() as s:
            theirs = await _new_rows(s, 2)
            assert theirs != ours
            assert await _numbers(s, theirs) == (1, 1, 1, 1)
            # A row written without a number (by hand) is numbered by the trigger.
            await s.conn.execute(
                "INSERT INTO needs (resident_id, category, text, posted_at, answer_due_at,"
                " done_due_at, community_id) VALUES (2, 'elderly', '手写', ?, ?, ?, 2)",
                (STAMP, LATER, LATER),
            )
            (by_hand,) = [n for n in await s.needs.of_resident(2) if n.text == "手写"]
            assert by_hand.number == 2
