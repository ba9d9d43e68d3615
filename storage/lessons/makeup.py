"""Micro Party lessons (微党课): make-up slots (补课时段) and their bookings and attendance
(``session.makeup``), scoped to the current community (storage/scope.py). A slot's
check-in code is unique within its community (migration 32), not across the street."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import aiosqlite

from storage.lessons.rows import (
    BookingRow,
    SlotRow,
    optional_time,
    slot_row,
)
from storage.savepoints import savepoint
from storage.scope import community_id
from storage.times import from_db_time, to_db_time

#: The slot's columns and its booking count; the statements using it bind ``:cid``.
_SLOT_COLUMNS = (
    "s.id, s.lesson_id, s.starts_at, s.place, s.capacity, s.code,"
    " (SELECT count(*) FROM makeup_bookings b WHERE b.slot_id = s.id"
    "  AND b.community_id = :cid) AS booked"
)


class MakeupRepository:
    """The make-up slots of lessons, who booked them and who attended."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def add_slot(
        self,
        lesson_id: int,
        starts_at: datetime,
        place: str,
        capacity: int,
        code: str,
        created_by: int | None,
        now: datetime,
    ) -> int | None:
        """A make-up slot; None if the code is taken (the caller draws another)."""
        try:
            async with savepoint(self._conn):
                cur = await self._conn.execute(
                    "INSERT INTO makeup_slots (lesson_id, starts_at, place, capacity, code,"
                    " created_by, created_at, community_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        lesson_id,
                        to_db_time(starts_at),
                        place,
                        capacity,
                        code,
                        created_by,
                        to_db_time(now),
                        community_id(),
                    ),
                )
        except sqlite3.IntegrityError:
            return None
        return cur.lastrowid

    async def slots(self, lesson_id: int) -> list[SlotRow]:
        """The lesson's make-up slots, earliest first."""
        async with self._conn.execute(
            f"SELECT {_SLOT_COLUMNS} FROM makeup_slots s"
            " WHERE s.lesson_id = :lesson AND s.community_id = :cid ORDER BY s.starts_at, s.id",
            {"lesson": lesson_id, "cid": community_id()},
        ) as cur:
            rows = await cur.fetchall()
        return [slot_row(row) for row in rows]

    async def slot(self, slot_id: int) -> SlotRow | None:
        """One make-up slot, or None."""
        async with self._conn.execute(
            f"SELECT {_SLOT_COLUMNS} FROM makeup_slots s"
            " WHERE s.id = :slot AND s.community_id = :cid",
            {"slot": slot_id, "cid": community_id()},
        ) as cur:
            row = await cur.fetchone()
        return slot_row(row) if row else None

    async def slot_by_code(self, code: str) -> SlotRow | None:
        """The make-up slot with this check-in code, or None."""
        async with self._conn.execute(
            f"SELECT {_SLOT_COLUMNS} FROM makeup_slots s"
            " WHERE s.code = :code AND s.community_id = :cid",
            {"code": code, "cid": community_id()},
        ) as cur:
            row = await cur.fetchone()
        return slot_row(row) if row else None

    async def book(self, slot_id: int, lesson_id: int, person_id: int, now: datetime) -> bool:
        """Book the slot; False if the person booked one for this lesson before."""
        cur = await self._conn.execute(
            "INSERT INTO makeup_bookings (slot_id, lesson_id, person_id, booked_at, community_id)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (slot_id, lesson_id, person_id, to_db_time(now), community_id()),
        )
        return cur.rowcount == 1

    async def bookings(self, slot_id: int) -> list[BookingRow]:
        """Who booked the slot, by name."""
        async with self._conn.execute(
            "SELECT b.slot_id, b.lesson_id, b.person_id, p.display_name, b.booked_at,"
            " b.attended_at FROM makeup_bookings b JOIN people p ON p.id = b.person_id"
            " WHERE b.slot_id = ? AND b.community_id = ? ORDER BY p.display_name, p.id",
            (slot_id, community_id()),
        ) as cur:
            rows = await cur.fetchall()
        return [
            BookingRow(
                slot_id=row["slot_id"],
                lesson_id=row["lesson_id"],
                person_id=row["person_id"],
                display_name=row["display_name"],
                booked_at=from_db_time(row["booked_at"]),
                attended_at=optional_time(row["attended_at"]),
            )
            for row in rows
        ]

    async def set_attended(
        self, slot_id: int, person_id: int, attended: bool, recorded_by: int | None, now: datetime
    ) -> bool:
        """Mark (or unmark) attendance at the slot; False if there is no such booking."""
        cur = await self._conn.execute(
            "UPDATE makeup_bookings SET attended_at = ?, recorded_by = ?"
            " WHERE slot_id = ? AND person_id = ? AND community_id = ?",
            (
                to_db_time(now) if attended else None,
                recorded_by,
                slot_id,
                person_id,
                community_id(),
            ),
        )
        return cur.rowcount == 1

    async def cancel_booking(self, slot_id: int, person_id: int) -> bool:
        """Drop the booking (its place is freed: approved leave); False if there is none."""
        cur = await self._conn.execute(
            "DELETE FROM makeup_bookings WHERE slot_id = ? AND person_id = ?"
            " AND community_id = ? AND attended_at IS NULL",
            (slot_id, person_id, community_id()),
        )
        return cur.rowcount == 1
