"""The poll book (投票簿): that a person voted in a vote, never what (migration 16).

:func:`mark` is the one call the cast paths make, in the ballot's own unit of
work (synchronous, for ``Database.run_unit``); :class:`PollBookRepository` is
the async side (the proxy path, and the reads of the participation record).

A row belongs to its vote's community: the insert copies the vote's
``community_id``. The synchronous :func:`mark` runs in the database's thread,
which the current community (storage/scope.py) does not reach, so it takes the
community from the vote itself (a vote the cast path has already found in the
voter's community); the async side also requires the vote to be the current
community's.
"""

from __future__ import annotations

import sqlite3

import aiosqlite

from storage.scope import community_id

#: ?1 the vote, ?2 the person: the row takes its vote's community.
_MARK = (
    "INSERT OR IGNORE INTO poll_book (vote_id, person_id, community_id)"
    " SELECT id, ?2, community_id FROM votes WHERE id = ?1"
)
#: The same, for a vote of community ?3 only.
_MARK_IN = _MARK + " AND community_id = ?3"
_UNMARK = "DELETE FROM poll_book WHERE vote_id = ?1 AND person_id = ?2"
_UNMARK_IN = _UNMARK + " AND community_id = ?3"


def mark(conn: sqlite3.Connection, vote_id: int, person_id: int, *, voted: bool) -> None:
    """The person has a ballot in the vote now (``voted``), or withdrew it."""
    conn.execute(_MARK if voted else _UNMARK, (vote_id, person_id))


class PollBookRepository:
    """Who voted in which vote (not how), in the current community."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def mark(self, vote_id: int, person_id: int, *, voted: bool = True) -> None:
        """The person has a ballot in the vote now (a proxy ballot recorded for them)."""
        await self._conn.execute(
            _MARK_IN if voted else _UNMARK_IN, (vote_id, person_id, community_id())
        )

    async def voted(self, vote_id: int, person_id: int) -> bool:
        """Whether the person voted in the vote."""
        async with self._conn.execute(
            "SELECT 1 FROM poll_book WHERE vote_id = ? AND person_id = ? AND community_id = ?",
            (vote_id, person_id, community_id()),
        ) as cur:
            return await cur.fetchone() is not None
