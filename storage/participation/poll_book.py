"""The poll book (投票簿): that a person voted in a vote, never what (migration 16).

:func:`mark` is the one call the cast paths make, in the ballot's own unit of
work (synchronous, for ``Database.run_unit``); :class:`PollBookRepository` is
the async side (the proxy path, and the reads of the participation record).
"""

from __future__ import annotations

import sqlite3

import aiosqlite

_MARK = "INSERT OR IGNORE INTO poll_book (vote_id, person_id) VALUES (?, ?)"
_UNMARK = "DELETE FROM poll_book WHERE vote_id = ? AND person_id = ?"


def mark(conn: sqlite3.Connection, vote_id: int, person_id: int, *, voted: bool) -> None:
    """The person has a ballot in the vote now (``voted``), or withdrew it."""
    conn.execute(_MARK if voted else _UNMARK, (vote_id, person_id))


class PollBookRepository:
    """Who voted in which vote (not how)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def mark(self, vote_id: int, person_id: int, *, voted: bool = True) -> None:
        """The person has a ballot in the vote now (a proxy ballot recorded for them)."""
        await self._conn.execute(_MARK if voted else _UNMARK, (vote_id, person_id))

    async def voted(self, vote_id: int, person_id: int) -> bool:
        """Whether the person voted in the vote."""
        async with self._conn.execute(
            "SELECT 1 FROM poll_book WHERE vote_id = ? AND person_id = ?", (vote_id, person_id)
        ) as cur:
            return await cur.fetchone() is not None
