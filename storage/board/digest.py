"""What changed on the public board in a period, for the monthly digest."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from storage.scope import community_id
from storage.times import to_db_time


class DigestRepository:
    """The pages added, the resolutions written and the matters done in a period."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def _rows(self, sql: str, since: datetime, until: datetime) -> list[dict[str, Any]]:
        """Run ``sql``, whose last condition is ``community_id = ?``, for [since, until)."""
        args = (to_db_time(since), to_db_time(until), community_id())
        async with self._conn.execute(sql, args) as cur:
            return [dict(row) for row in await cur.fetchall()]

    async def pages_added(self, since: datetime, until: datetime) -> list[str]:
        """The titles of the pages written in [since, until), still on the board."""
        rows = await self._rows(
            "SELECT title FROM board_pages WHERE created_at >= ? AND created_at < ?"
            " AND community_id = ? ORDER BY id",
            since,
            until,
        )
        return [str(row["title"]) for row in rows]

    async def resolved(self, since: datetime, until: datetime) -> list[dict[str, Any]]:
        """Matters whose resolution was written in [since, until): id and title."""
        return await self._rows(
            "SELECT id, title FROM matters WHERE resolved_at >= ? AND resolved_at < ?"
            " AND community_id = ? ORDER BY id",
            since,
            until,
        )

    async def done(self, since: datetime, until: datetime) -> list[dict[str, Any]]:
        """Matters done (accepted, closed) in [since, until): id and title."""
        return await self._rows(
            "SELECT id, title FROM matters WHERE done_at >= ? AND done_at < ?"
            " AND community_id = ? ORDER BY id",
            since,
            until,
        )
