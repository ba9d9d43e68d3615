"""The register as a vote's electorate sees it: where its paper voters live.

In a vote of one ballot per household, a paper ballot handed in at the pavilion
(``paper_voters``) speaks for the voter's household too: these queries give the
(building, door) of each paper voter, registered or entered on paper. Plain
functions over a connection, so the ballot box's one-hop unit of work can ask too
(which passes the community's id: the storage scope does not reach the database's thread).
"""

from __future__ import annotations

import sqlite3

import aiosqlite

from storage.scope import community_id

_PAPER_HOMES = (
    "SELECT coalesce(p.building, w.building) AS building, coalesce(p.door, w.door) AS door"
    " FROM paper_voters v"
    " LEFT JOIN people p ON p.id = v.person_id AND p.community_id = v.community_id"
    " LEFT JOIN paper_residents w ON w.id = v.paper_resident_id"
    " AND w.community_id = v.community_id"
    " WHERE v.vote_id = ? AND v.community_id = ?"
)


def paper_homes(
    conn: sqlite3.Connection, vote_id: int, community: int
) -> list[tuple[str | None, str | None]]:
    """The (building, door) of every paper voter of the vote (synchronously), in
    ``community`` (the caller's ``community_id()``)."""
    return [(row[0], row[1]) for row in conn.execute(_PAPER_HOMES, (vote_id, community)).fetchall()]


async def paper_homes_of(
    conn: aiosqlite.Connection, vote_id: int
) -> list[tuple[str | None, str | None]]:
    """The (building, door) of every paper voter of the vote."""
    async with conn.execute(_PAPER_HOMES, (vote_id, community_id())) as cur:
        return [(row[0], row[1]) for row in await cur.fetchall()]
