"""Migration 12 on a database made before it: votes open to everyone stay so, people and
paper residents have no door yet, and ballots keep their keys."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storage import Database
from storage.migrations import MIGRATIONS
from tests.storage.older import database_before

STAMP = "2026-01-01T00:00:00.000000+00:00"


def _database_before_migration_12(path: Path) -> None:
    conn = database_before(path, 12)
    conn.execute(
        "INSERT INTO people (id, tg_user_id, display_name, language, building, consent_at,"
        " registered_at, last_seen_at) VALUES (1, 10, '张三', 'zh_Hans', '3号楼', ?, ?, ?)",
        (STAMP, STAMP, STAMP),
    )
    conn.execute(
        "INSERT INTO person_roles (person_id, role, granted_at) VALUES (1, 'resident', ?)",
        (STAMP,),
    )
    conn.execute(
        "INSERT INTO paper_residents (id, display_name, building, consent_at, entered_at)"
        " VALUES (1, '赵奶奶', '5号楼', ?, ?)",
        (STAMP, STAMP),
    )
    conn.execute(
        "INSERT INTO matters (id, title, details, raised_by, stage, support_until,"
        " created_at, updated_at) VALUES (7, '路灯坏了', '三号楼', 1, 'voting', ?, ?, ?)",
        (STAMP, STAMP, STAMP),
    )
    conn.execute(
        "INSERT INTO votes (id, matter_id, kind, options, anonymous, quorum, threshold,"
        ' opened_by, opened_at, closes_at) VALUES (3, 7, \'yes_no\', \'["yes","no","abstain"]\','
        " 0, 1, 'majority', 1, ?, ?)",
        (STAMP, STAMP),
    )
    conn.execute(
        "INSERT INTO ballots (vote_id, voter_key, person_id, choice, cast_at)"
        " VALUES (3, 'p1', 1, '0', ?)",
        (STAMP,),
    )
    conn.commit()
    conn.close()


async def test_an_existing_database_upgrades_and_its_votes_stay_whole_community(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v11.sqlite3"
    _database_before_migration_12(path)
    db = Database(path)
    await db.open()
    try:
        assert await db.schema_version() == MIGRATIONS[-1].version >= 12
        async with db.read() as session:
            vote = await session.votes.get(3)
            person = await session.people.by_id(1)
            paper = await session.people.paper_resident(1)
            ballot = await session.votes.ballot(3, "p1")
            buildings = await session.people.known_buildings()
        assert vote is not None
        assert (vote.electorate, vote.electorate_buildings, vote.electorate_grid) == (
            "all",
            (),
            None,
        )
        assert person is not None and (person.building, person.door) == ("3号楼", None)
        assert paper is not None and paper.door is None
        assert ballot is not None and ballot.choice == (0,) and ballot.caster_key is None
        assert sorted(buildings) == ["3号楼", "5号楼"]
        # The new columns refuse what they should.
        async with db.transaction() as session:
            await session.people.set_home(1, "3号楼", "201")
        async with db.read() as session:
            person = await session.people.by_id(1)
        assert person is not None and person.door == "201"
        with pytest.raises(sqlite3.IntegrityError):
            async with db.transaction() as session:
                await session.conn.execute("UPDATE votes SET electorate = 'street' WHERE id = 3")
        assert await db.integrity_check() == "ok"
    finally:
        await db.close()
