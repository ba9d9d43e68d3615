"""Check-ins of volunteer service (志愿者打卡), and the consent to check in by location.

One check-in per person per activity is the ``checkins`` table's UNIQUE
constraint. A location check-in keeps only the distance, never a
coordinate. The check-in and check-out statements are shared with
:class:`~storage.volunteering.desk.CheckinDesk`, the synchronous form used for
the hot path (``Database.run_unit``). Every query is of the current
community's rows (storage/scope.py).
"""

from __future__ import annotations

from datetime import datetime

from storage.scope import community_id
from storage.times import to_db_time
from storage.volunteering.desk import CHECK_OUT_SQL, INSERT_CHECKIN_SQL
from storage.volunteering.rows import CHECKIN_COLUMNS, CheckinRow, Queries, checkin_row


class CheckinsRepository(Queries):
    """Queries on check-ins, check-outs and location consent."""

    async def check_in(
        self,
        activity_id: int,
        person_id: int,
        now: datetime,
        method: str,
        distance_m: int | None = None,
        recorded_by: int | None = None,
    ) -> int:
        """Insert a check-in; IntegrityError if the person already has one here."""
        cur = await self._conn.execute(
            INSERT_CHECKIN_SQL,
            (
                activity_id,
                person_id,
                to_db_time(now),
                method,
                distance_m,
                recorded_by,
                community_id(),
                community_id(),
            ),
        )
        return int(cur.lastrowid or 0)

    async def checkin_of(self, activity_id: int, person_id: int) -> CheckinRow | None:
        """The person's check-in at the activity, or None."""
        row = await self._one(
            f"SELECT {CHECKIN_COLUMNS} FROM checkins WHERE activity_id = ? AND person_id = ?"
            " AND community_id = ?",
            (activity_id, person_id, community_id()),
        )
        return checkin_row(row) if row else None

    async def checkin(self, checkin_id: int) -> CheckinRow | None:
        """One check-in, or None."""
        row = await self._one(
            f"SELECT {CHECKIN_COLUMNS} FROM checkins WHERE id = ? AND community_id = ?",
            (checkin_id, community_id()),
        )
        return checkin_row(row) if row else None

    async def check_out(
        self, checkin_id: int, now: datetime, out_method: str, minutes: int, review: str
    ) -> bool:
        """Close a check-in; False if it was already closed."""
        cur = await self._conn.execute(
            CHECK_OUT_SQL,
            (to_db_time(now), out_method, minutes, review, checkin_id, community_id()),
        )
        return cur.rowcount == 1

    async def still_open(self, activity_id: int) -> list[CheckinRow]:
        """The activity's check-ins nobody checked out of."""
        rows = await self._all(
            f"SELECT {CHECKIN_COLUMNS} FROM checkins WHERE activity_id = ? AND community_id = ?"
            " AND checked_out_at IS NULL ORDER BY id",
            (activity_id, community_id()),
        )
        return [checkin_row(row) for row in rows]

    async def checkins(self, activity_id: int) -> list[tuple[CheckinRow, str]]:
        """Every check-in of the activity, with the person's name."""
        rows = await self._all(
            f"SELECT {', '.join('c.' + c.strip() for c in CHECKIN_COLUMNS.split(','))},"
            " coalesce(p.display_name, '—') AS name FROM checkins c"
            " LEFT JOIN people p ON p.id = c.person_id"
            " WHERE c.activity_id = ? AND c.community_id = ? ORDER BY c.id",
            (activity_id, community_id()),
        )
        return [(checkin_row(row), str(row["name"])) for row in rows]

    # --- consent ------------------------------------------------------------------------------

    async def has_location_consent(self, person_id: int) -> bool:
        """Whether the person agreed to check in by location."""
        return (
            await self._one(
                "SELECT 1 FROM location_consents WHERE person_id = ? AND community_id = ?",
                (person_id, community_id()),
            )
            is not None
        )

    async def give_location_consent(self, person_id: int, now: datetime) -> None:
        """Record the person's consent to check in by location."""
        await self._conn.execute(
            "INSERT OR IGNORE INTO location_consents (person_id, given_at, community_id)"
            " VALUES (?, ?, ?)",
            (person_id, to_db_time(now), community_id()),
        )
