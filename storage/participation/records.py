"""Read queries of the participation record (我的参与): per person, what they did in a
period, counted from each feature's own tables (read only, never written here).

Each measure is one grouped query over [start, end) (UTC), for one person or for
everyone (``person_id`` None) of the current community (storage/scope.py): every
table a measure reads is held to it; :meth:`ParticipationRecords.measures` returns
person id -> measure -> number.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

import aiosqlite

from storage.scope import community_id
from storage.times import to_db_time

#: Check-ins whose minutes count (as the volunteer hours do).
_COUNTED = "('ok', 'approved', 'adjusted')"

#: measure -> SQL giving (person_id, value) rows. Parameters: :start, :end (the period),
#: :now, :days (a lesson's days before its deadline), :person (None: everyone), :cid (the
#: community).
_MEASURES: dict[str, str] = {
    "raised": "SELECT raised_by, count(*) FROM matters WHERE community_id = :cid"
    " AND raised_by IS NOT NULL"
    " AND created_at >= :start AND created_at < :end"
    " AND (:person IS NULL OR raised_by = :person) GROUP BY raised_by",
    "supported": "SELECT person_id, count(*) FROM matter_supports WHERE community_id = :cid"
    " AND person_id IS NOT NULL"
    " AND at >= :start AND at < :end AND (:person IS NULL OR person_id = :person)"
    " GROUP BY person_id",
    # The poll book says that they voted, never what; so does the pavilion's list of
    # paper voters (a paper ballot, never its choice). A vote counts in the year it opened.
    "votes": "SELECT b.person_id, count(DISTINCT b.vote_id) FROM ("
    " SELECT vote_id, person_id FROM poll_book WHERE community_id = :cid UNION ALL"
    " SELECT vote_id, person_id FROM paper_voters WHERE person_id IS NOT NULL"
    " AND community_id = :cid"
    ") b JOIN votes v ON v.id = b.vote_id"
    " WHERE v.community_id = :cid AND v.opened_at >= :start AND v.opened_at < :end"
    " AND (:person IS NULL OR b.person_id = :person) GROUP BY b.person_id",
    "comments": "SELECT person_id, count(*) FROM comments WHERE community_id = :cid"
    " AND person_id IS NOT NULL"
    " AND hidden_at IS NULL AND created_at >= :start AND created_at < :end"
    " AND (:person IS NULL OR person_id = :person) GROUP BY person_id",
    "ratings": "SELECT person_id, count(*) FROM ratings WHERE community_id = :cid"
    " AND person_id IS NOT NULL"
    " AND at >= :start AND at < :end AND (:person IS NULL OR person_id = :person)"
    " GROUP BY person_id",
    # Lessons count in the year they reached the member.
    "lessons_received": "SELECT person_id, count(*) FROM lesson_recipients"
    " WHERE community_id = :cid AND sent_at >= :start AND sent_at < :end"
    " AND (:person IS NULL OR person_id = :person)"
    " GROUP BY person_id",
    "lessons_on_time": "SELECT r.person_id, count(*) FROM lesson_recipients r"
    " JOIN lesson_studies s ON s.lesson_id = r.lesson_id AND s.person_id = r.person_id"
    " AND s.community_id = :cid"
    " WHERE r.community_id = :cid AND r.sent_at >= :start AND r.sent_at < :end"
    " AND julianday(s.studied_at) <= julianday(r.sent_at) + :days"
    " AND (:person IS NULL OR r.person_id = :person) GROUP BY r.person_id",
    "lessons_late": "SELECT r.person_id, count(*) FROM lesson_recipients r"
    " JOIN lesson_studies s ON s.lesson_id = r.lesson_id AND s.person_id = r.person_id"
    " AND s.community_id = :cid"
    " WHERE r.community_id = :cid AND r.sent_at >= :start AND r.sent_at < :end"
    " AND julianday(s.studied_at) > julianday(r.sent_at) + :days"
    " AND (:person IS NULL OR r.person_id = :person) GROUP BY r.person_id",
    "quiz_correct": "SELECT r.person_id, sum(s.correct) FROM lesson_recipients r"
    " JOIN lesson_studies s ON s.lesson_id = r.lesson_id AND s.person_id = r.person_id"
    " AND s.community_id = :cid"
    " WHERE r.community_id = :cid AND r.sent_at >= :start AND r.sent_at < :end"
    " AND s.correct IS NOT NULL"
    " AND s.questions > 0 AND (:person IS NULL OR r.person_id = :person) GROUP BY r.person_id",
    "quiz_questions": "SELECT r.person_id, sum(s.questions) FROM lesson_recipients r"
    " JOIN lesson_studies s ON s.lesson_id = r.lesson_id AND s.person_id = r.person_id"
    " AND s.community_id = :cid"
    " WHERE r.community_id = :cid AND r.sent_at >= :start AND r.sent_at < :end"
    " AND s.correct IS NOT NULL"
    " AND s.questions > 0 AND (:person IS NULL OR r.person_id = :person) GROUP BY r.person_id",
    # Leave (请假) a secretary approved, for a lesson sent in the period.
    "lessons_excused": "SELECT r.person_id, count(*) FROM lesson_recipients r"
    " JOIN leave_requests q ON q.kind = 'lesson' AND q.target_id = r.lesson_id"
    " AND q.person_id = r.person_id AND q.state = 'approved' AND q.community_id = :cid"
    " WHERE r.community_id = :cid AND r.sent_at >= :start AND r.sent_at < :end"
    " AND (:person IS NULL OR r.person_id = :person) GROUP BY r.person_id",
    "makeups": "SELECT person_id, count(*) FROM makeup_bookings WHERE community_id = :cid"
    " AND attended_at IS NOT NULL"
    " AND attended_at >= :start AND attended_at < :end"
    " AND (:person IS NULL OR person_id = :person) GROUP BY person_id",
    "activities": "SELECT c.person_id, count(*) FROM checkins c"
    " JOIN activities a ON a.id = c.activity_id AND a.community_id = :cid"
    " WHERE c.community_id = :cid AND c.person_id IS NOT NULL"
    f" AND c.review IN {_COUNTED} AND a.starts_at >= :start AND a.starts_at < :end"
    " AND (:person IS NULL OR c.person_id = :person) GROUP BY c.person_id",
    "minutes": "SELECT c.person_id, coalesce(sum(c.minutes), 0) FROM checkins c"
    " JOIN activities a ON a.id = c.activity_id AND a.community_id = :cid"
    " WHERE c.community_id = :cid AND c.person_id IS NOT NULL"
    f" AND c.review IN {_COUNTED} AND c.minutes IS NOT NULL"
    " AND a.starts_at >= :start AND a.starts_at < :end"
    " AND (:person IS NULL OR c.person_id = :person) GROUP BY c.person_id",
    # Leave (请假) the organiser approved, for an activity of the period.
    "activities_excused": "SELECT q.person_id, count(*) FROM leave_requests q"
    " JOIN activities a ON a.id = q.target_id AND a.community_id = :cid"
    " WHERE q.community_id = :cid AND q.kind = 'activity'"
    " AND q.state = 'approved' AND a.starts_at >= :start AND a.starts_at < :end"
    " AND (:person IS NULL OR q.person_id = :person) GROUP BY q.person_id",
    # Signed up, the activity is over, and no check-in.
    "no_shows": "SELECT s.person_id, count(*) FROM signups s"
    " JOIN activities a ON a.id = s.activity_id AND a.community_id = :cid"
    " WHERE s.community_id = :cid AND s.state = 'signed'"
    " AND a.cancelled_at IS NULL AND a.ends_at <= :now"
    " AND a.starts_at >= :start AND a.starts_at < :end"
    " AND NOT EXISTS (SELECT 1 FROM checkins c WHERE c.activity_id = s.activity_id"
    " AND c.person_id = s.person_id AND c.community_id = :cid)"
    " AND (:person IS NULL OR s.person_id = :person)"
    " GROUP BY s.person_id",
    # Marked present by a secretary on the sitting's attendance list (/attendance).
    "sittings": "SELECT a.person_id, count(*) FROM sitting_attendance a"
    " JOIN sittings s ON s.id = a.sitting_id AND s.community_id = :cid"
    " WHERE a.community_id = :cid AND a.person_id IS NOT NULL"
    " AND s.starts_at >= :start AND s.starts_at < :end"
    " AND (:person IS NULL OR a.person_id = :person) GROUP BY a.person_id",
}

#: Every measure the record holds, in the order it is shown.
MEASURES: tuple[str, ...] = tuple(_MEASURES)


class ParticipationRecords:
    """Counts of what people did, per person, over a period."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def measures(
        self,
        start: datetime,
        end: datetime,
        *,
        now: datetime,
        lesson_days: float,
        person_id: int | None = None,
    ) -> dict[int, dict[str, int]]:
        """person id -> measure -> number (missing: 0) over [start, end)."""
        params: dict[str, Any] = {
            "start": to_db_time(start),
            "end": to_db_time(end),
            "now": to_db_time(now),
            "days": lesson_days,
            "person": person_id,
            "cid": community_id(),
        }
        found: dict[int, dict[str, int]] = defaultdict(dict)
        for name, sql in _MEASURES.items():
            async with self._conn.execute(sql, params) as cur:
                for row in await cur.fetchall():
                    found[int(row[0])][name] = int(row[1] or 0)
        return dict(found)

    async def active_years(self, person_id: int) -> list[str]:
        """The years (UTC, as text) in which the person left a trace the record counts."""
        async with self._conn.execute(
            "SELECT DISTINCT substr(at, 1, 4) FROM ("
            " SELECT created_at AS at FROM matters WHERE raised_by = :p AND community_id = :c"
            " UNION ALL SELECT at FROM matter_supports WHERE person_id = :p"
            "   AND community_id = :c"
            " UNION ALL SELECT v.opened_at FROM poll_book b"
            "   JOIN votes v ON v.id = b.vote_id AND v.community_id = :c"
            "   WHERE b.person_id = :p AND b.community_id = :c"
            " UNION ALL SELECT created_at FROM comments WHERE person_id = :p"
            "   AND community_id = :c"
            " UNION ALL SELECT sent_at FROM lesson_recipients WHERE person_id = :p"
            "   AND community_id = :c"
            " UNION ALL SELECT a.starts_at FROM signups s JOIN activities a"
            "   ON a.id = s.activity_id AND a.community_id = :c"
            "   WHERE s.person_id = :p AND s.community_id = :c"
            ") ORDER BY 1",
            {"p": person_id, "c": community_id()},
        ) as cur:
            return [str(row[0]) for row in await cur.fetchall()]
