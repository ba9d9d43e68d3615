"""Schedules (the source of truth for timed work) and their firings.

Each schedule is a community's (its reminders, its monthly summary); the methods are
scoped to the current community, but for the two the scheduler's clock needs across
the street, named so: :meth:`SchedulesRepository.armed_everywhere` and
:meth:`SchedulesRepository.community_of`.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.scope import community_id
from storage.times import from_db_time, to_db_time


@dataclass(frozen=True)
class ScheduleRow:
    """A schedule: what to do (kind, payload), when (rule), and its next due time."""

    id: int
    key: str | None
    kind: str
    title: str
    rule: dict[str, Any]
    payload: dict[str, Any]
    owner_id: int | None
    next_due_at: datetime | None
    enabled: bool
    #: When the next due time was last set (created, fired, caught up, paused, resumed).
    updated_at: datetime | None = None
    #: The community whose schedule it is.
    community_id: int = 1


def _schedule(row: sqlite3.Row) -> ScheduleRow:
    return ScheduleRow(
        id=row["id"],
        key=row["key"],
        kind=row["kind"],
        title=row["title"],
        rule=json.loads(row["rule"]),
        payload=json.loads(row["payload"]),
        owner_id=row["owner_id"],
        next_due_at=from_db_time(row["next_due_at"]) if row["next_due_at"] else None,
        enabled=bool(row["enabled"]),
        updated_at=from_db_time(row["updated_at"]) if row["updated_at"] else None,
        community_id=row["community_id"],
    )


class SchedulesRepository:
    """Queries on ``schedules`` and ``firings``."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def create(
        self,
        *,
        key: str | None,
        kind: str,
        title: str,
        rule: dict[str, Any],
        payload: dict[str, Any],
        owner_id: int | None,
        next_due_at: datetime | None,
        now: datetime,
    ) -> int:
        """Add a schedule; returns its id."""
        cur = await self._conn.execute(
            "INSERT INTO schedules (community_id, key, kind, title, rule, payload, owner_id,"
            " next_due_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                community_id(),
                key,
                kind,
                title,
                json.dumps(rule, ensure_ascii=False, sort_keys=True),
                json.dumps(payload, ensure_ascii=False, sort_keys=True),
                owner_id,
                to_db_time(next_due_at) if next_due_at else None,
                to_db_time(now),
                to_db_time(now),
            ),
        )
        assert cur.lastrowid is not None  # noqa: S101 - an INSERT always has one
        return cur.lastrowid

    async def get(self, schedule_id: int) -> ScheduleRow | None:
        """The schedule, or None."""
        async with self._conn.execute(
            "SELECT * FROM schedules WHERE id = ? AND community_id = ?",
            (schedule_id, community_id()),
        ) as cur:
            row = await cur.fetchone()
        return _schedule(row) if row else None

    async def by_key(self, key: str) -> ScheduleRow | None:
        """The built-in schedule with this key, or None."""
        async with self._conn.execute(
            "SELECT * FROM schedules WHERE key = ? AND community_id = ?", (key, community_id())
        ) as cur:
            row = await cur.fetchone()
        return _schedule(row) if row else None

    async def by_keys(self, keys: list[str]) -> dict[str, ScheduleRow]:
        """The built-in schedules with these keys, by key (one read for a community's
        whole set at start, not one per key: 1,000 communities start in seconds)."""
        if not keys:
            return {}
        marks = ",".join("?" * len(keys))
        async with self._conn.execute(
            f"SELECT * FROM schedules WHERE community_id = ? AND key IN ({marks})",
            (community_id(), *keys),
        ) as cur:
            rows = await cur.fetchall()
        found = (_schedule(row) for row in rows)
        return {row.key: row for row in found if row.key is not None}

    async def pending_for(self, kind: str, field: str, value: int) -> list[ScheduleRow]:
        """The schedules of ``kind`` still to fire whose payload has ``field`` = ``value``
        (e.g. a vote's reminders, by its vote id)."""
        async with self._conn.execute(
            "SELECT * FROM schedules WHERE kind = ? AND next_due_at IS NOT NULL"
            # Compared as text: SQLite's json_extract gives the JSON type, PostgreSQL's text.
            " AND CAST(json_extract(payload, '$.' || ?) AS TEXT) = ? AND community_id = ?"
            " ORDER BY id",
            (kind, field, str(value), community_id()),
        ) as cur:
            rows = await cur.fetchall()
        return [_schedule(row) for row in rows]

    async def armed(self) -> list[ScheduleRow]:
        """Every enabled schedule of the community with something still to do, soonest first."""
        async with self._conn.execute(
            "SELECT * FROM schedules WHERE enabled = 1 AND next_due_at IS NOT NULL"
            " AND community_id = ? ORDER BY next_due_at, id",
            (community_id(),),
        ) as cur:
            rows = await cur.fetchall()
        return [_schedule(row) for row in rows]

    async def armed_everywhere(self) -> list[ScheduleRow]:
        """Street-wide: every community's enabled schedules with something still to do,
        soonest first (the alarms are one clock for the whole street; each row says
        whose it is, and firing it enters that community)."""
        async with self._conn.execute(
            "SELECT * FROM schedules WHERE enabled = 1 AND next_due_at IS NOT NULL"
            " ORDER BY next_due_at, id"
        ) as cur:
            rows = await cur.fetchall()
        return [_schedule(row) for row in rows]

    async def community_of(self, schedule_id: int) -> int | None:
        """Street-wide: whose schedule this is (an alarm knows only the id), or None."""
        async with self._conn.execute(
            "SELECT community_id FROM schedules WHERE id = ?", (schedule_id,)
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else None

    async def all(self) -> list[ScheduleRow]:
        """Every schedule, soonest first, finished ones last."""
        async with self._conn.execute(
            "SELECT * FROM schedules WHERE community_id = ?"
            " ORDER BY next_due_at IS NULL, next_due_at, id",
            (community_id(),),
        ) as cur:
            rows = await cur.fetchall()
        return [_schedule(row) for row in rows]

    async def set_next_due(
        self, schedule_id: int, next_due_at: datetime | None, now: datetime
    ) -> None:
        """Move the schedule on to its next due time (None: finished)."""
        await self._conn.execute(
            "UPDATE schedules SET next_due_at = ?, updated_at = ?"
            " WHERE id = ? AND community_id = ?",
            (
                to_db_time(next_due_at) if next_due_at else None,
                to_db_time(now),
                schedule_id,
                community_id(),
            ),
        )

    async def update_rule(
        self, schedule_id: int, rule: dict[str, Any], next_due_at: datetime | None, now: datetime
    ) -> None:
        """Change when a schedule fires."""
        await self._conn.execute(
            "UPDATE schedules SET rule = ?, next_due_at = ?, updated_at = ?"
            " WHERE id = ? AND community_id = ?",
            (
                json.dumps(rule, ensure_ascii=False, sort_keys=True),
                to_db_time(next_due_at) if next_due_at else None,
                to_db_time(now),
                schedule_id,
                community_id(),
            ),
        )

    async def set_enabled(
        self, schedule_id: int, enabled: bool, next_due_at: datetime | None, now: datetime
    ) -> bool:
        """Pause or resume; False if it already was in that state."""
        cur = await self._conn.execute(
            "UPDATE schedules SET enabled = ?, next_due_at = ?, updated_at = ?"
            " WHERE id = ? AND enabled != ? AND community_id = ?",
            (
                int(enabled),
                to_db_time(next_due_at) if next_due_at else None,
                to_db_time(now),
                schedule_id,
                int(enabled),
                community_id(),
            ),
        )
        return cur.rowcount > 0

    async def delete(self, schedule_id: int) -> bool:
        """Remove a schedule and its firings."""
        cur = await self._conn.execute(
            "DELETE FROM schedules WHERE id = ? AND community_id = ?", (schedule_id, community_id())
        )
        return cur.rowcount > 0

    async def record_firing(
        self, schedule_id: int, due_at: datetime, outcome: str, now: datetime
    ) -> bool:
        """Note that the firing (schedule, due time) happened; False if it already had."""
        cur = await self._conn.execute(
            "INSERT OR IGNORE INTO firings (community_id, schedule_id, due_at, fired_at, outcome)"
            " SELECT community_id, id, ?, ?, ? FROM schedules WHERE id = ? AND community_id = ?",
            (to_db_time(due_at), to_db_time(now), outcome, schedule_id, community_id()),
        )
        return cur.rowcount > 0

    async def redo_missed(self, schedule_id: int, due_at: datetime, now: datetime) -> bool:
        """Turn a missed firing into one done late, now; False unless it was still missed."""
        cur = await self._conn.execute(
            "UPDATE firings SET outcome = 'late', fired_at = ?"
            " WHERE schedule_id = ? AND due_at = ? AND outcome = 'missed' AND community_id = ?",
            (to_db_time(now), schedule_id, to_db_time(due_at), community_id()),
        )
        return cur.rowcount > 0

    async def last_firing(self, schedule_id: int) -> datetime | None:
        """The due time of the schedule's latest firing (done, late or missed), or None."""
        async with self._conn.execute(
            "SELECT MAX(due_at) FROM firings WHERE schedule_id = ? AND community_id = ?",
            (schedule_id, community_id()),
        ) as cur:
            row = await cur.fetchone()
        return from_db_time(row[0]) if row and row[0] else None

    async def firings(self, schedule_id: int) -> list[tuple[datetime, str]]:
        """(due time, outcome) of every firing of a schedule, oldest first."""
        async with self._conn.execute(
            "SELECT due_at, outcome FROM firings WHERE schedule_id = ? AND community_id = ?"
            " ORDER BY due_at",
            (schedule_id, community_id()),
        ) as cur:
            rows = await cur.fetchall()
        return [(from_db_time(row[0]), str(row[1])) for row in rows]
