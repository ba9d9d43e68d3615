"""Who follows which matter (关注), to be told of each change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from storage.times import to_db_time


class FollowsRepository:
    """Queries on ``matter_follows``."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def follow(self, person_id: int, matter_id: int, now: datetime) -> bool:
        """Start following; False if the person followed it already."""
        cur = await self._conn.execute(
            "INSERT INTO matter_follows (person_id, matter_id, since) VALUES (?, ?, ?)"
            " ON CONFLICT (person_id, matter_id) DO NOTHING",
            (person_id, matter_id, to_db_time(now)),
        )
        return cur.rowcount > 0

    async def unfollow(self, person_id: int, matter_id: int) -> bool:
        """Stop following; False if the person did not follow it."""
        cur = await self._conn.execute(
            "DELETE FROM matter_follows WHERE person_id = ? AND matter_id = ?",
            (person_id, matter_id),
        )
        return cur.rowcount > 0

    async def follows(self, person_id: int, matter_id: int) -> bool:
        """Whether the person follows the matter."""
        async with self._conn.execute(
            "SELECT 1 FROM matter_follows WHERE person_id = ? AND matter_id = ?",
            (person_id, matter_id),
        ) as cur:
            return await cur.fetchone() is not None

    async def followers(self, matter_id: int) -> list[int]:
        """The people following the matter, by id."""
        async with self._conn.execute(
            "SELECT person_id FROM matter_follows WHERE matter_id = ? ORDER BY person_id",
            (matter_id,),
        ) as cur:
            return [int(row[0]) for row in await cur.fetchall()]

    async def person_record(self, person_id: int) -> list[dict[str, Any]]:
        """For /export: the matters the person follows, since when."""
        async with self._conn.execute(
            "SELECT f.matter_id, m.title, f.since FROM matter_follows f"
            " JOIN matters m ON m.id = f.matter_id WHERE f.person_id = ? ORDER BY f.matter_id",
            (person_id,),
        ) as cur:
            return [dict(row) for row in await cur.fetchall()]
