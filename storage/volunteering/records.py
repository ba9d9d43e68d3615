"""Records of volunteer service (志愿者打卡): hour reviews and changes, hour sums, /export;
of the current community only (storage/scope.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage.scope import community_id
from storage.times import from_db_time, to_db_time
from storage.volunteering.rows import (
    CHECKIN_COLUMNS,
    AttendanceRow,
    ChangeRow,
    CheckinRow,
    HoursRow,
    Queries,
    checkin_row,
)


class RecordsRepository(Queries):
    """Queries on reviews, hour changes, counted minutes and a person's record."""

    async def flagged(self, activity_ids: list[int] | None = None) -> list[tuple[CheckinRow, str]]:
        """Check-ins waiting for review, with the person's name (of some activities, or all)."""
        rows = await self._all(
            f"SELECT {', '.join('c.' + c.strip() for c in CHECKIN_COLUMNS.split(','))},"
            " coalesce(p.display_name, '—') AS name FROM checkins c"
            " LEFT JOIN people p ON p.id = c.person_id"
            " WHERE c.review = 'flagged' AND c.community_id = ? ORDER BY c.id",
            (community_id(),),
        )
        found = [(checkin_row(row), str(row["name"])) for row in rows]
        if activity_ids is None:
            return found
        return [item for item in found if item[0].activity_id in activity_ids]

    async def set_review(self, checkin_id: int, review: str, minutes: int | None) -> None:
        """Record a review's outcome on the check-in."""
        await self._conn.execute(
            "UPDATE checkins SET review = ?, minutes = ? WHERE id = ? AND community_id = ?",
            (review, minutes, checkin_id, community_id()),
        )

    async def add_change(
        self,
        checkin_id: int,
        *,
        at: datetime,
        by_id: int | None,
        action: str,
        old_minutes: int | None,
        new_minutes: int | None,
        reason: str | None,
    ) -> None:
        """Keep one change of a check-in's hours."""
        await self._conn.execute(
            "INSERT INTO checkin_changes (checkin_id, at, by_id, action, old_minutes,"
            " new_minutes, reason, community_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                checkin_id,
                to_db_time(at),
                by_id,
                action,
                old_minutes,
                new_minutes,
                reason,
                community_id(),
            ),
        )

    async def changes(self, checkin_id: int) -> list[ChangeRow]:
        """Every change of a check-in's hours, oldest first."""
        rows = await self._all(
            "SELECT checkin_id, at, by_id, action, old_minutes, new_minutes, reason"
            " FROM checkin_changes WHERE checkin_id = ? AND community_id = ? ORDER BY id",
            (checkin_id, community_id()),
        )
        return [
            ChangeRow(
                r["checkin_id"],
                from_db_time(r["at"]),
                r["by_id"],
                r["action"],
                r["old_minutes"],
                r["new_minutes"],
                r["reason"],
            )
            for r in rows
        ]

    async def person_record(self, person_id: int) -> dict[str, Any]:
        """Everything the volunteer service holds about a person (for /export)."""
        cid = community_id()
        signups = await self._all(
            "SELECT s.activity_id, a.title, s.state, s.signed_at FROM signups s"
            " JOIN activities a ON a.id = s.activity_id AND a.community_id = ?2"
            " WHERE s.person_id = ?1 AND s.community_id = ?2 ORDER BY s.signed_at",
            (person_id, cid),
        )
        checkins = await self._all(
            "SELECT c.activity_id, a.title, c.checked_in_at, c.method, c.distance_m,"
            " c.checked_out_at, c.out_method, c.minutes, c.review FROM checkins c"
            " JOIN activities a ON a.id = c.activity_id AND a.community_id = ?2"
            " WHERE c.person_id = ?1 AND c.community_id = ?2 ORDER BY c.id",
            (person_id, cid),
        )
        consent = await self._one(
            "SELECT given_at FROM location_consents WHERE person_id = ? AND community_id = ?",
            (person_id, cid),
        )
        unit = await self._one(
            "SELECT u.name FROM vol_unit_members m"
            " JOIN vol_units u ON u.id = m.unit_id AND u.community_id = ?2"
            " WHERE m.person_id = ?1 AND m.community_id = ?2",
            (person_id, cid),
        )
        return {
            "signups": [dict(row) for row in signups],
            "checkins": [dict(row) for row in checkins],
            "location_consent_at": consent[0] if consent else None,
            "unit": unit[0] if unit else None,
        }

    # --- attendance ---------------------------------------------------------------------------

    async def attendance(self, activity_id: int) -> list[AttendanceRow]:
        """Everyone expected at the activity: signed up, checked in, or excused by approved
        leave (请假, whose place was freed), by name."""
        rows = await self._all(
            "SELECT s.person_id, p.display_name, s.state, c.checked_in_at, v.state, v.reason"
            " FROM signups s JOIN people p ON p.id = s.person_id"
            " LEFT JOIN checkins c ON c.activity_id = s.activity_id AND c.person_id = s.person_id"
            "   AND c.community_id = s.community_id"
            " LEFT JOIN leave_requests v ON v.kind = 'activity' AND v.target_id = s.activity_id"
            "   AND v.person_id = s.person_id AND v.community_id = s.community_id"
            " WHERE s.activity_id = ? AND s.community_id = ? AND (s.state = 'signed'"
            "   OR c.id IS NOT NULL OR v.state = 'approved') ORDER BY p.display_name, p.id",
            (activity_id, community_id()),
        )
        return [
            AttendanceRow(
                person_id=r[0],
                name=r[1],
                state=r[2],
                checked_in_at=from_db_time(r[3]) if r[3] else None,
                leave_state=r[4],
                leave_reason=r[5],
            )
            for r in rows
        ]

    # --- hours --------------------------------------------------------------------------------

    async def person_minutes(self, person_id: int, since: datetime | None) -> int:
        """Counted minutes of the person from activities starting at or after ``since``."""
        row = await self._one(
            "SELECT coalesce(sum(c.minutes), 0) FROM checkins c"
            " JOIN activities a ON a.id = c.activity_id AND a.community_id = c.community_id"
            " WHERE c.person_id = ? AND c.community_id = ?"
            " AND c.review IN ('ok', 'approved', 'adjusted') AND a.starts_at >= ?",
            (person_id, community_id(), to_db_time(since) if since else ""),
        )
        return int(row[0]) if row else 0

    async def minutes_by_person(self, since: datetime, until: datetime) -> list[HoursRow]:
        """Counted minutes per person for activities starting in [since, until), most first."""
        rows = await self._all(
            "SELECT c.person_id, coalesce(p.display_name, '—'), sum(c.minutes), count(*)"
            " FROM checkins c"
            " JOIN activities a ON a.id = c.activity_id AND a.community_id = c.community_id"
            " LEFT JOIN people p ON p.id = c.person_id"
            " WHERE c.community_id = ? AND a.starts_at >= ? AND a.starts_at < ?"
            " AND c.review IN ('ok', 'approved', 'adjusted') AND c.minutes IS NOT NULL"
            " GROUP BY c.person_id, p.display_name ORDER BY sum(c.minutes) DESC, c.person_id",
            (community_id(), to_db_time(since), to_db_time(until)),
        )
        return [HoursRow(r[0], str(r[1]), int(r[2] or 0), int(r[3])) for r in rows]

    async def minutes_by_unit(self, since: datetime, until: datetime) -> list[HoursRow]:
        """Counted minutes per unit (activities of a unit's duty) in [since, until)."""
        rows = await self._all(
            "SELECT a.unit_id, u.name, sum(c.minutes), count(*)"
            " FROM checkins c"
            " JOIN activities a ON a.id = c.activity_id AND a.community_id = c.community_id"
            " JOIN vol_units u ON u.id = a.unit_id AND u.community_id = c.community_id"
            " WHERE c.community_id = ? AND a.starts_at >= ? AND a.starts_at < ?"
            " AND c.review IN ('ok', 'approved', 'adjusted') AND c.minutes IS NOT NULL"
            " GROUP BY a.unit_id, u.name ORDER BY sum(c.minutes) DESC, a.unit_id",
            (community_id(), to_db_time(since), to_db_time(until)),
        )
        return [HoursRow(r[0], str(r[1]), int(r[2] or 0), int(r[3])) for r in rows]
