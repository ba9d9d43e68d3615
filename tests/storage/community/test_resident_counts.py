"""The register counted by place (``PeopleRepository.resident_counts``), what a vote's
electorate size is counted from: the same size, for every kind of electorate, as
counting every resident's full row; people without the resident role are not in it,
residents without Telegram are, and another community's are not."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot.deliberation.voting.electorate import (
    BUILDINGS,
    GRID,
    HOUSEHOLDS,
    Scope,
    electorate_size,
    electors,
    size_of,
)
from storage import Database, in_community
from storage.deliberation.votes import VoteRow
from tests.bot.deliberation.voting.test_ballots import vote

NOW = datetime(2026, 11, 19, 11, 0, tzinfo=UTC)

#: (building, door, grid, roles) of the registered people; the spellings differ in width
#: and spaces where the register's would ("3号楼" and "３号楼 " are one building).
PEOPLE = [
    ("3号楼", "201", "g1", ("resident",)),
    ("３号楼 ", "201", "g1", ("resident",)),  # the same household, spelt otherwise
    ("3号楼", "202", "g2", ("resident", "volunteer")),
    ("5号楼", None, "g2", ("resident",)),
    (None, None, None, ("resident",)),
    ("5号楼", "101", "g1", ("volunteer",)),  # not a resident: in no electorate
]
PAPER = [("5号楼", "101", "g1"), ("9号楼", None, None)]


async def _fill(db: Database, first_user: int) -> None:
    async with db.transaction() as session:
        entered_by = 0
        for number, (building, door, grid, roles) in enumerate(PEOPLE):
            person = await session.people.insert(
                tg_user_id=first_user + number,
                display_name=f"居民{number}",
                tg_username=None,
                language="zh_Hans",
                building=building,
                grid_id=grid,
                consent_at=NOW,
                now=NOW,
            )
            await session.people.set_home(person, building, door)
            await session.people.grant_all(person, list(roles), None, NOW)
            entered_by = person
        for number, (building, door, grid) in enumerate(PAPER):
            await session.people.add_paper_resident(
                display_name=f"邻居{number}",
                building=building,
                grid_id=grid,
                entered_by=entered_by,
                now=NOW,
                door=door,
            )


def _vote(scope: Scope) -> VoteRow:
    return replace(
        vote(),
        electorate=scope.kind,
        electorate_buildings=scope.buildings,
        electorate_grid=scope.grid,
    )


async def test_counts_by_place_give_the_size_every_row_gives(db: Database) -> None:
    async with db.transaction() as session:
        second = await session.communities.create("和平社区", None, None, NOW)
    with in_community(1):
        await _fill(db, 9000)
    with in_community(second):
        await _fill(db, 9100)  # the other community's register: never counted here

    scopes = [
        Scope(),
        Scope(BUILDINGS, ("3号楼",)),
        Scope(BUILDINGS, ("5号楼", "9号楼")),
        Scope(GRID, (), "g1"),
        Scope(GRID, (), "g3"),
        Scope(HOUSEHOLDS),
    ]
    with in_community(1):
        async with db.read() as session:
            everyone = await session.people.resident_counts(())
            assert [(c.building, c.door, c.grid_id, c.people) for c in everyone] == [
                (None, None, None, 7)
            ]
            by_grid = await session.people.resident_counts(("grid_id",))
            assert sorted((c.grid_id or "", c.people) for c in by_grid) == [
                ("", 2),
                ("g1", 3),
                ("g2", 2),
            ]
            every_row = await electors(session)
            sizes = [await electorate_size(session, _vote(scope)) for scope in scopes]
    assert sizes == [size_of(scope, every_row) for scope in scopes]
    # Written out, so the comparison above cannot pass by both being wrong alike.
    assert sizes == [7, 3, 3, 3, 0, 3]
