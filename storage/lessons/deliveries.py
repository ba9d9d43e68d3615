"""Micro Party lessons (微党课): home deliveries (送学) by grid workers
(``session.home_deliveries``), scoped to the current community (storage/scope.py)."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage.lessons.rows import (
    DeliveryRow,
    optional_time,
)
from storage.scope import community_id
from storage.times import from_db_time, to_db_time


class DeliveriesRepository:
    """Members' requests for 送学 and the grid workers' confirmations."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def request_delivery(self, lesson_id: int, person_id: int, now: datetime) -> bool:
        """Ask for 送学; False if asked before."""
        cur = await self._conn.execute(
            "INSERT INTO home_deliveries (lesson_id, person_id, requested_at, community_id)"
            " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (lesson_id, person_id, to_db_time(now), community_id()),
        )
        return cur.rowcount == 1

    async def delivery(self, lesson_id: int, person_id: int) -> DeliveryRow | None:
        """The home delivery of the lesson to the person, or None."""
        async with self._conn.execute(
            "SELECT d.lesson_id, d.person_id, d.requested_at, d.confirmed_at, d.confirmed_by,"
            " g.display_name AS confirmed_by_name, d.photo_file_id FROM home_deliveries d"
            " LEFT JOIN people g ON g.id = d.confirmed_by"
            " WHERE d.lesson_id = ? AND d.person_id = ? AND d.community_id = ?",
            (lesson_id, person_id, community_id()),
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        return DeliveryRow(
            lesson_id=row["lesson_id"],
            person_id=row["person_id"],
            requested_at=from_db_time(row["requested_at"]),
            confirmed_at=optional_time(row["confirmed_at"]),
            confirmed_by=row["confirmed_by"],
            confirmed_by_name=row["confirmed_by_name"],
            photo_file_id=row["photo_file_id"],
        )

    async def confirm_delivery(
        self, lesson_id: int, person_id: int, by: int, now: datetime
    ) -> bool:
        """The grid worker took the lesson to the member; False if confirmed before."""
        cur = await self._conn.execute(
            "UPDATE home_deliveries SET confirmed_at = ?, confirmed_by = ?"
            " WHERE lesson_id = ? AND person_id = ? AND community_id = ? AND confirmed_at IS NULL",
            (to_db_time(now), by, lesson_id, person_id, community_id()),
        )
        return cur.rowcount == 1

    async def set_delivery_photo(self, lesson_id: int, person_id: int, file_id: str) -> None:
        """The grid worker's photo of the visit."""
        await self._conn.execute(
            "UPDATE home_deliveries SET photo_file_id = ?"
            " WHERE lesson_id = ? AND person_id = ? AND community_id = ?",
            (file_id, lesson_id, person_id, community_id()),
        )
