"""Activities of volunteer service (志愿者打卡): each occurrence, its card, the lists; of the
current community only (storage/scope.py)."""

from __future__ import annotations

from datetime import datetime

from storage.migrations.numbering import next_number
from storage.scope import community_id
from storage.times import to_db_time
from storage.volunteering.rows import ACTIVITY_COLUMNS, ActivityRow, Queries, activity_row


class ActivitiesRepository(Queries):
    """Queries on activities."""

    async def create_activity(
        self,
        *,
        series_id: int | None,
        title: str,
        description: str,
        place: str,
        latitude: float | None,
        longitude: float | None,
        radius_m: int,
        starts_at: datetime,
        ends_at: datetime,
        capacity: int,
        by_location: bool,
        by_code: bool,
        audience: str,
        unit_id: int | None,
        code_secret: str,
        organiser_id: int | None,
        now: datetime,
    ) -> int:
        """Add one occurrence of an activity, numbered next in its community; returns its
        id."""
        cid = community_id()
        cur = await self._conn.execute(
            "INSERT INTO activities (series_id, title, description, place, latitude, longitude,"
            " radius_m, starts_at, ends_at, capacity, by_location, by_code, audience, unit_id,"
            " code_secret, organiser_id, created_at, community_id, number)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            f" {next_number('activities')})",
            (
                series_id,
                title,
                description,
                place,
                latitude,
                longitude,
                radius_m,
                to_db_time(starts_at),
                to_db_time(ends_at),
                capacity,
                int(by_location),
                int(by_code),
                audience,
                unit_id,
                code_secret,
                organiser_id,
                to_db_time(now),
                cid,
                cid,
            ),
        )
        return int(cur.lastrowid or 0)

    async def activity(self, activity_id: int) -> ActivityRow | None:
        """One activity, or None."""
        row = await self._one(
            f"SELECT {ACTIVITY_COLUMNS} FROM activities WHERE id = ? AND community_id = ?",
            (activity_id, community_id()),
        )
        return activity_row(row) if row else None

    async def by_number(self, number: int) -> ActivityRow | None:
        """The community's activity #``number`` (as a person types it), or None."""
        row = await self._one(
            f"SELECT {ACTIVITY_COLUMNS} FROM activities WHERE community_id = ? AND number = ?",
            (community_id(), number),
        )
        return activity_row(row) if row else None

    async def set_card_push(self, activity_id: int, push_id: int) -> None:
        """Remember the push that posted the activity's card (to edit its copies)."""
        await self._conn.execute(
            "UPDATE activities SET card_push_id = ? WHERE id = ? AND community_id = ?",
            (push_id, activity_id, community_id()),
        )

    async def upcoming(self, now: datetime, limit: int) -> list[ActivityRow]:
        """Activities not yet ended, soonest first."""
        rows = await self._all(
            f"SELECT {ACTIVITY_COLUMNS} FROM activities WHERE community_id = ? AND ends_at > ?"
            " AND cancelled_at IS NULL ORDER BY starts_at, id LIMIT ?",
            (community_id(), to_db_time(now), limit),
        )
        return [activity_row(row) for row in rows]

    async def running(self, now: datetime, opens_before: datetime) -> list[ActivityRow]:
        """Activities whose check-in window is open now."""
        rows = await self._all(
            f"SELECT {ACTIVITY_COLUMNS} FROM activities WHERE community_id = ?"
            " AND starts_at <= ? AND ends_at > ? AND cancelled_at IS NULL ORDER BY starts_at, id",
            (community_id(), to_db_time(opens_before), to_db_time(now)),
        )
        return [activity_row(row) for row in rows]

    async def recent(self, since: datetime, until: datetime) -> list[ActivityRow]:
        """Activities starting between ``since`` and ``until``, latest first."""
        rows = await self._all(
            f"SELECT {ACTIVITY_COLUMNS} FROM activities WHERE community_id = ?"
            " AND starts_at >= ? AND starts_at <= ? AND cancelled_at IS NULL"
            " ORDER BY starts_at DESC, id DESC",
            (community_id(), to_db_time(since), to_db_time(until)),
        )
        return [activity_row(row) for row in rows]
