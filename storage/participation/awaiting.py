"""Read queries of what awaits a person (/mine): ids of the things to act on, found in
each feature's own tables (read only), of the current community only (storage/scope.py).
The caller reads the rows themselves through the features' repositories."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.scope import community_id
from storage.times import from_db_time, to_db_time


@dataclass(frozen=True)
class BookedSlot:
    """A make-up slot the member booked and has not attended yet."""

    lesson_id: int
    lesson_title: str
    starts_at: datetime
    place: str


@dataclass(frozen=True)
class SignedActivity:
    """An activity the person signed up for (or waits for) that is not over."""

    activity_id: int
    title: str
    place: str
    starts_at: datetime
    state: str
    #: Checked in and not yet out.
    checked_in: bool


class AwaitingQueries:
    """What is open for a person to do, one query per kind."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def _ids(self, sql: str, *params: object) -> list[int]:
        async with self._conn.execute(sql, params) as cur:
            return [int(row[0]) for row in await cur.fetchall()]

    async def open_votes(self, now: datetime) -> list[int]:
        """Votes open now, closing soonest first."""
        return await self._ids(
            "SELECT id FROM votes WHERE community_id = ? AND closed_at IS NULL AND closes_at > ?"
            " ORDER BY closes_at, id",
            community_id(),
            to_db_time(now),
        )

    async def matters_to_support(self, person_id: int, now: datetime) -> list[int]:
        """Raised matters still gathering support that the person neither raised nor
        supported, newest first."""
        return await self._ids(
            "SELECT m.id FROM matters m WHERE m.community_id = ?3 AND m.stage = 'raised'"
            " AND m.support_until > ?1 AND m.raised_by IS NOT ?2"
            " AND NOT EXISTS (SELECT 1 FROM matter_supports s WHERE s.matter_id = m.id"
            " AND s.person_id = ?2 AND s.community_id = ?3) ORDER BY m.id DESC",
            to_db_time(now),
            person_id,
            community_id(),
        )

    async def matters_to_rate(self, person_id: int) -> list[int]:
        """Done matters the person raised or supported and has not rated."""
        return await self._ids(
            "SELECT m.id FROM matters m WHERE m.community_id = ?2 AND m.stage = 'done'"
            " AND (m.raised_by = ?1 OR EXISTS (SELECT 1 FROM matter_supports s"
            " WHERE s.matter_id = m.id AND s.person_id = ?1 AND s.community_id = ?2))"
            " AND NOT EXISTS (SELECT 1 FROM ratings r WHERE r.matter_id = m.id"
            " AND r.person_id = ?1 AND r.community_id = ?2) ORDER BY m.id",
            person_id,
            community_id(),
        )

    async def lessons_not_studied(self, person_id: int) -> list[int]:
        """Lessons sent to the member not studied, made up, delivered, booked or excused,
        newest first."""
        return await self._ids(
            "SELECT r.lesson_id FROM lesson_recipients r"
            " JOIN lessons l ON l.id = r.lesson_id AND l.community_id = ?2"
            " WHERE r.person_id = ?1 AND r.community_id = ?2 AND l.status = 'sent'"
            " AND NOT EXISTS (SELECT 1 FROM lesson_studies s WHERE s.lesson_id = r.lesson_id"
            " AND s.person_id = ?1 AND s.community_id = ?2)"
            " AND NOT EXISTS (SELECT 1 FROM makeup_bookings b WHERE b.lesson_id = r.lesson_id"
            " AND b.person_id = ?1 AND b.community_id = ?2)"
            " AND NOT EXISTS (SELECT 1 FROM home_deliveries d WHERE d.lesson_id = r.lesson_id"
            " AND d.person_id = ?1 AND d.community_id = ?2 AND d.confirmed_at IS NOT NULL)"
            # Leave asked or granted (请假): not chased, as the reminders do not chase.
            " AND NOT EXISTS (SELECT 1 FROM leave_requests q WHERE q.kind = 'lesson'"
            " AND q.target_id = r.lesson_id AND q.person_id = ?1 AND q.community_id = ?2"
            " AND q.state IN ('requested', 'approved'))"
            " ORDER BY r.sent_at DESC, r.lesson_id DESC",
            person_id,
            community_id(),
        )

    async def makeups_booked(self, person_id: int, now: datetime) -> list[BookedSlot]:
        """Make-up slots booked, not attended, still ahead."""
        async with self._conn.execute(
            "SELECT b.lesson_id, l.title, s.starts_at, s.place FROM makeup_bookings b"
            " JOIN makeup_slots s ON s.id = b.slot_id AND s.community_id = b.community_id"
            " JOIN lessons l ON l.id = b.lesson_id AND l.community_id = b.community_id"
            " WHERE b.person_id = ? AND b.community_id = ? AND b.attended_at IS NULL"
            " AND s.starts_at > ? ORDER BY s.starts_at",
            (person_id, community_id(), to_db_time(now)),
        ) as cur:
            rows = await cur.fetchall()
        return [BookedSlot(int(r[0]), str(r[1]), from_db_time(r[2]), str(r[3])) for r in rows]

    async def activities_signed(self, person_id: int, now: datetime) -> list[SignedActivity]:
        """Activities signed up for (or waited for), not over, not cancelled, and not
        already checked out of; soonest first."""
        async with self._conn.execute(
            "SELECT a.id, a.title, a.place, a.starts_at, s.state,"
            " EXISTS (SELECT 1 FROM checkins c WHERE c.activity_id = a.id"
            "   AND c.person_id = s.person_id AND c.community_id = ?3) AS checked_in"
            " FROM signups s JOIN activities a ON a.id = s.activity_id AND a.community_id = ?3"
            " WHERE s.person_id = ?1 AND s.community_id = ?3"
            " AND s.state IN ('signed', 'waiting') AND a.ends_at > ?2"
            " AND a.cancelled_at IS NULL AND NOT EXISTS (SELECT 1 FROM checkins c"
            " WHERE c.activity_id = a.id AND c.person_id = s.person_id"
            " AND c.community_id = ?3 AND c.checked_out_at IS NOT NULL)"
            " ORDER BY a.starts_at, a.id",
            (person_id, to_db_time(now), community_id()),
        ) as cur:
            rows = await cur.fetchall()
        return [
            SignedActivity(
                int(r[0]), str(r[1]), str(r[2]), from_db_time(r[3]), str(r[4]), bool(r[5])
            )
            for r in rows
        ]
