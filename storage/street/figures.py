"""Counts of the street view that no feature repository answers: matters carried out in
a period. Scoped to the current community (storage/scope.py)."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage.scope import community_id
from storage.times import to_db_time


class StreetFiguresRepository:
    """The street view's own counts, for the current community."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def carried_out(self, start: datetime, end: datetime) -> int:
        """Matters done (办结) in [start, end)."""
        async with self._conn.execute(
            "SELECT count(*) FROM matters WHERE community_id = ?"
            " AND done_at IS NOT NULL AND done_at >= ? AND done_at < ?",
            (community_id(), to_db_time(start), to_db_time(end)),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0
