"""Micro Party lessons (微党课): the lessons themselves and their recipients
(``session.lessons``), with each recipient's standing across the other tables.

One parameterised query per intention. The other aggregates have their own
repositories beside this one: studies.py (已学习 and the quiz, and the
synchronous StudyDesk), makeup.py (slots and bookings), deliveries.py (送学).
Every statement is scoped to the current community (storage/scope.py): a lesson id
of another community finds nothing.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite

from storage.lessons.rows import (
    Attachment,
    LessonRow,
    MemberStanding,
    QuizQuestion,
    lesson_row,
    standing_row,
)
from storage.scope import community_id
from storage.times import to_db_time

_LESSON_COLUMNS = (
    "id, title, body, link, attachments, quiz, audience, status, send_at, party_day,"
    " schedule_id, sent_at, push_id, corrections, created_by, created_at, number"
)
#: Shared with StudyDesk (studies.py), like the two recipient statements below.
#: Each takes the community's id as its last parameter.
GET_LESSON = f"SELECT {_LESSON_COLUMNS} FROM lessons WHERE id = ? AND community_id = ?"
IS_RECIPIENT = (
    "SELECT 1 FROM lesson_recipients WHERE lesson_id = ? AND person_id = ? AND community_id = ?"
)
ADD_RECIPIENT = (
    "INSERT OR IGNORE INTO lesson_recipients (lesson_id, person_id, sent_at, community_id)"
    " VALUES (?, ?, ?, ?)"
)
_STANDING = """
    SELECT p.id AS person_id, p.display_name, p.tg_user_id, p.language, p.grid_id,
           r.reminded_at, s.studied_at, s.correct, coalesce(s.questions, 0) AS questions,
           b.slot_id, b.attended_at, d.requested_at, d.confirmed_at,
           g.display_name AS delivered_by,
           v.state AS leave_state, v.reason AS leave_reason
    FROM lesson_recipients r
    JOIN people p ON p.id = r.person_id
    LEFT JOIN lesson_studies s ON s.lesson_id = r.lesson_id AND s.person_id = r.person_id
    LEFT JOIN makeup_bookings b ON b.lesson_id = r.lesson_id AND b.person_id = r.person_id
    LEFT JOIN home_deliveries d ON d.lesson_id = r.lesson_id AND d.person_id = r.person_id
    LEFT JOIN people g ON g.id = d.confirmed_by
    LEFT JOIN leave_requests v ON v.id = (
        SELECT x.id FROM leave_requests x
        WHERE x.person_id = r.person_id AND x.community_id = :cid
          AND x.state IN ('requested', 'approved')
          AND ((x.kind = 'lesson' AND x.target_id = r.lesson_id)
               OR (x.kind = 'makeup' AND x.target_id IN
                   (SELECT m.id FROM makeup_slots m
                    WHERE m.lesson_id = r.lesson_id AND m.community_id = :cid)))
        ORDER BY x.state = 'approved' DESC, x.id DESC LIMIT 1)
    WHERE r.lesson_id = :lesson AND r.community_id = :cid
"""


class LessonsRepository:
    """Lessons and everything recorded about studying them."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    # --- lessons ----------------------------------------------------------------

    async def create(
        self,
        *,
        title: str,
        body: str,
        link: str | None,
        attachments: list[Attachment],
        quiz: list[QuizQuestion],
        created_by: int | None,
        now: datetime,
    ) -> int:
        """A new draft lesson, numbered next in its community; returns its id."""
        cid = community_id()
        # The next number is read in the same statement, inside the caller's transaction;
        # a community's writes are serialized (one writer per community on both engines).
        cur = await self._conn.execute(
            "INSERT INTO lessons (title, body, link, attachments, quiz, status, created_by,"
            " created_at, updated_at, community_id, number)"
            " VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?,"
            " (SELECT coalesce(max(number), 0) + 1 FROM lessons WHERE community_id = ?))",
            (
                title,
                body,
                link,
                json.dumps([{"kind": a.kind, "file_id": a.file_id} for a in attachments]),
                json.dumps([q.to_json() for q in quiz], ensure_ascii=False),
                created_by,
                to_db_time(now),
                to_db_time(now),
                cid,
                cid,
            ),
        )
        assert cur.lastrowid is not None  # noqa: S101 - an INSERT always has one
        return cur.lastrowid

    async def get(self, lesson_id: int) -> LessonRow | None:
        """The lesson (by id), or None."""
        async with self._conn.execute(GET_LESSON, (lesson_id, community_id())) as cur:
            row = await cur.fetchone()
        return lesson_row(row) if row else None

    async def by_number(self, number: int) -> LessonRow | None:
        """The community's lesson #``number`` (as a person types it), or None."""
        async with self._conn.execute(
            f"SELECT {_LESSON_COLUMNS} FROM lessons WHERE community_id = ? AND number = ?",
            (community_id(), number),
        ) as cur:
            row = await cur.fetchone()
        return lesson_row(row) if row else None

    async def recent(self, limit: int, *, sent_only: bool) -> list[LessonRow]:
        """The latest lessons, newest first (only those sent, or every one)."""
        sent = " AND status = 'sent'" if sent_only else ""
        async with self._conn.execute(
            f"SELECT {_LESSON_COLUMNS} FROM lessons WHERE community_id = ?{sent}"
            " ORDER BY coalesce(sent_at, send_at, created_at) DESC, id DESC LIMIT ?",
            (community_id(), limit),
        ) as cur:
            rows = await cur.fetchall()
        return [lesson_row(row) for row in rows]

    async def sent_between(self, start: datetime, end: datetime) -> list[LessonRow]:
        """Lessons sent in [start, end), oldest first."""
        async with self._conn.execute(
            f"SELECT {_LESSON_COLUMNS} FROM lessons WHERE status = 'sent'"
            " AND sent_at >= ? AND sent_at < ? AND community_id = ? ORDER BY sent_at, id",
            (to_db_time(start), to_db_time(end), community_id()),
        ) as cur:
            rows = await cur.fetchall()
        return [lesson_row(row) for row in rows]

    async def set_audience(self, lesson_id: int, audience: list[int] | None, now: datetime) -> None:
        """Every party member (None) or the chosen people."""
        await self._conn.execute(
            "UPDATE lessons SET audience = ?, updated_at = ? WHERE id = ? AND community_id = ?",
            (
                json.dumps(sorted(audience)) if audience is not None else None,
                to_db_time(now),
                lesson_id,
                community_id(),
            ),
        )

    async def set_body(self, lesson_id: int, body: str, now: datetime) -> None:
        """Replace the text (an edit before sending)."""
        await self._conn.execute(
            "UPDATE lessons SET body = ?, updated_at = ? WHERE id = ? AND community_id = ?",
            (body, to_db_time(now), lesson_id, community_id()),
        )

    async def add_correction(
        self, lesson_id: int, corrections: list[str], body: str, now: datetime
    ) -> None:
        """Record a correction after sending (the text is corrected too)."""
        await self._conn.execute(
            "UPDATE lessons SET corrections = ?, body = ?, updated_at = ?"
            " WHERE id = ? AND community_id = ?",
            (
                json.dumps(corrections, ensure_ascii=False),
                body,
                to_db_time(now),
                lesson_id,
                community_id(),
            ),
        )

    async def schedule(
        self,
        lesson_id: int,
        *,
        send_at: datetime,
        party_day: bool,
        schedule_id: int,
        now: datetime,
    ) -> None:
        """The lesson goes out at ``send_at`` by the schedule."""
        await self._conn.execute(
            "UPDATE lessons SET status = 'scheduled', send_at = ?, party_day = ?,"
            " schedule_id = ?, updated_at = ? WHERE id = ? AND community_id = ?",
            (
                to_db_time(send_at),
                int(party_day),
                schedule_id,
                to_db_time(now),
                lesson_id,
                community_id(),
            ),
        )

    async def mark_sent(self, lesson_id: int, push_id: int, now: datetime) -> bool:
        """The lesson was pushed; False if it was already (a second firing)."""
        cur = await self._conn.execute(
            "UPDATE lessons SET status = 'sent', sent_at = ?, push_id = ?, updated_at = ?"
            " WHERE id = ? AND community_id = ? AND status != 'sent'",
            (to_db_time(now), push_id, to_db_time(now), lesson_id, community_id()),
        )
        return cur.rowcount == 1

    # --- recipients and standings ------------------------------------------------

    async def add_recipients(self, lesson_id: int, person_ids: list[int], now: datetime) -> None:
        """Who the lesson is sent to."""
        cid = community_id()
        await self._conn.executemany(
            ADD_RECIPIENT,
            [(lesson_id, pid, to_db_time(now), cid) for pid in person_ids],
        )

    async def is_recipient(self, lesson_id: int, person_id: int) -> bool:
        """Whether the lesson was sent to the person."""
        async with self._conn.execute(IS_RECIPIENT, (lesson_id, person_id, community_id())) as cur:
            return await cur.fetchone() is not None

    async def standings(self, lesson_id: int) -> list[MemberStanding]:
        """Every recipient of the lesson and what they did, by name."""
        async with self._conn.execute(
            _STANDING + " ORDER BY p.display_name, p.id",
            {"lesson": lesson_id, "cid": community_id()},
        ) as cur:
            rows = await cur.fetchall()
        return [standing_row(row) for row in rows]

    async def standing(self, lesson_id: int, person_id: int) -> MemberStanding | None:
        """One recipient's standing, or None if the lesson was not sent to them."""
        async with self._conn.execute(
            _STANDING + " AND p.id = :person",
            {"lesson": lesson_id, "person": person_id, "cid": community_id()},
        ) as cur:
            row = await cur.fetchone()
        return standing_row(row) if row else None

    async def mark_reminded(self, lesson_id: int, person_id: int, now: datetime) -> bool:
        """Record the one reminder; False if already reminded."""
        cur = await self._conn.execute(
            "UPDATE lesson_recipients SET reminded_at = ?"
            " WHERE lesson_id = ? AND person_id = ? AND community_id = ? AND reminded_at IS NULL",
            (to_db_time(now), lesson_id, person_id, community_id()),
        )
        return cur.rowcount == 1

    async def recent_outcomes(self, limit: int) -> dict[int, list[bool]]:
        """For every member, their ``limit`` latest sent lessons, newest first: whether
        they studied it (themselves, at a make-up, or by home delivery) or were excused
        (请假 asked or approved). One query."""
        async with self._conn.execute(
            "SELECT person_id, done FROM ("
            "  SELECT r.person_id,"
            "    (EXISTS (SELECT 1 FROM lesson_studies s WHERE s.lesson_id = r.lesson_id"
            "          AND s.person_id = r.person_id AND s.community_id = :cid)"
            "     OR EXISTS (SELECT 1 FROM makeup_bookings b WHERE b.lesson_id = r.lesson_id"
            "          AND b.person_id = r.person_id AND b.community_id = :cid"
            "          AND b.attended_at IS NOT NULL)"
            "     OR EXISTS (SELECT 1 FROM home_deliveries d WHERE d.lesson_id = r.lesson_id"
            "          AND d.person_id = r.person_id AND d.community_id = :cid"
            "          AND d.confirmed_at IS NOT NULL)"
            # Excused (请假 asked or approved) is not a lesson missed.
            "     OR EXISTS (SELECT 1 FROM leave_requests v WHERE v.person_id = r.person_id"
            "          AND v.community_id = :cid"
            "          AND v.state IN ('requested', 'approved') AND ((v.kind = 'lesson'"
            "          AND v.target_id = r.lesson_id) OR (v.kind = 'makeup' AND v.target_id IN"
            "          (SELECT m.id FROM makeup_slots m WHERE m.lesson_id = r.lesson_id"
            "           AND m.community_id = :cid)))))"
            "     AS done,"
            "    row_number() OVER (PARTITION BY r.person_id"
            "                       ORDER BY l.sent_at DESC, l.id DESC) AS newest"
            "  FROM lesson_recipients r JOIN lessons l ON l.id = r.lesson_id"
            "  WHERE r.community_id = :cid AND l.community_id = :cid"
            ") WHERE newest <= :limit ORDER BY person_id, newest",
            {"cid": community_id(), "limit": limit},
        ) as cur:
            rows = await cur.fetchall()
        outcomes: dict[int, list[bool]] = {}
        for row in rows:
            outcomes.setdefault(int(row["person_id"]), []).append(bool(row["done"]))
        return outcomes

    async def person_record(self, person_id: int) -> dict[str, Any]:
        """What the lessons hold about a person (for /export): lessons received, studied
        (with the quiz score), make-up bookings and home deliveries."""

        async def rows(sql: str) -> list[dict[str, Any]]:
            async with self._conn.execute(sql, (person_id, community_id())) as cur:
                return [dict(row) for row in await cur.fetchall()]

        return {
            "received": await rows(
                "SELECT r.lesson_id, l.title, r.sent_at, r.reminded_at FROM lesson_recipients r"
                " JOIN lessons l ON l.id = r.lesson_id WHERE r.person_id = ?"
                " AND r.community_id = ? ORDER BY r.sent_at"
            ),
            "studied": await rows(
                "SELECT lesson_id, studied_at, correct, questions FROM lesson_studies"
                " WHERE person_id = ? AND community_id = ? ORDER BY studied_at"
            ),
            "makeup_bookings": await rows(
                "SELECT lesson_id, booked_at, attended_at FROM makeup_bookings"
                " WHERE person_id = ? AND community_id = ? ORDER BY booked_at"
            ),
            "home_deliveries": await rows(
                "SELECT lesson_id, requested_at, confirmed_at FROM home_deliveries"
                " WHERE person_id = ? AND community_id = ? ORDER BY requested_at"
            ),
        }
