"""Excused absence (请假): leave asked for a lesson, a make-up slot or a volunteer
activity, and its decision (``session.leave``).

One table serves the features: ``kind`` says what ``target_id`` is (a lesson's, a
make-up slot's or an activity's id). The features read a target's leave through
these queries (lesson standings join the table in storage/lessons/lessons.py). Every
query is scoped to the current community (storage/scope.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.migrations.numbering import next_number
from storage.scope import community_id
from storage.times import from_db_time, to_db_time

#: States that excuse: asked and not refused yet, or approved.
EXCUSING = ("requested", "approved")

_COLUMNS = (
    "v.id, v.kind, v.target_id, v.person_id, p.display_name, p.tg_user_id, p.language,"
    " v.reason, v.state, v.decided_by, d.display_name AS decided_by_name, v.decided_at,"
    " v.requested_at, v.number"
)
_FROM = (
    " FROM leave_requests v JOIN people p ON p.id = v.person_id"
    " LEFT JOIN people d ON d.id = v.decided_by"
)


@dataclass(frozen=True)
class LeaveRow:
    """One request for leave, with its person and (once decided) who decided."""

    id: int
    kind: str  # lesson | makeup | activity
    target_id: int
    person_id: int
    display_name: str
    tg_user_id: int
    language: str
    reason: str
    state: str  # requested | approved | refused
    decided_by: int | None
    decided_by_name: str | None
    decided_at: datetime | None
    requested_at: datetime
    #: What people call it (请假 #3): counted within the community, unlike ``id``.
    number: int = 0


def _row(row: Any) -> LeaveRow:
    return LeaveRow(
        id=row["id"],
        kind=row["kind"],
        target_id=row["target_id"],
        person_id=row["person_id"],
        display_name=row["display_name"],
        tg_user_id=row["tg_user_id"],
        language=row["language"],
        reason=row["reason"],
        state=row["state"],
        decided_by=row["decided_by"],
        decided_by_name=row["decided_by_name"],
        decided_at=from_db_time(row["decided_at"]) if row["decided_at"] else None,
        requested_at=from_db_time(row["requested_at"]),
        number=int(row["number"]),
    )


class LeaveRepository:
    """Requests for leave and their decisions."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def get(self, request_id: int) -> LeaveRow | None:
        """One request, or None."""
        async with self._conn.execute(
            f"SELECT {_COLUMNS}{_FROM} WHERE v.id = ? AND v.community_id = ?",
            (request_id, community_id()),
        ) as cur:
            row = await cur.fetchone()
        return _row(row) if row else None

    async def of(self, kind: str, target_id: int, person_id: int) -> LeaveRow | None:
        """The person's request for this target, in any state, or None."""
        async with self._conn.execute(
            f"SELECT {_COLUMNS}{_FROM} WHERE v.kind = ? AND v.target_id = ? AND v.person_id = ?"
            " AND v.community_id = ?",
            (kind, target_id, person_id, community_id()),
        ) as cur:
            row = await cur.fetchone()
        return _row(row) if row else None

    async def ask(
        self, kind: str, target_id: int, person_id: int, reason: str, now: datetime
    ) -> int:
        """Ask for leave (a refused request is asked anew, keeping its number); returns
        the request's id. A new request is numbered next in its community."""
        cid = community_id()
        # (kind, target_id) names a lesson, slot or activity: an id of one community.
        await self._conn.execute(
            "INSERT INTO leave_requests (kind, target_id, person_id, reason, state,"
            " requested_at, community_id, number)"
            f" VALUES (?, ?, ?, ?, 'requested', ?, ?, {next_number('leave_requests')})"
            " ON CONFLICT (kind, target_id, person_id) DO UPDATE SET reason = excluded.reason,"
            " state = 'requested', decided_by = NULL, decided_at = NULL,"
            " requested_at = excluded.requested_at"
            " WHERE leave_requests.community_id = excluded.community_id",
            (kind, target_id, person_id, reason, to_db_time(now), cid, cid),
        )
        async with self._conn.execute(
            "SELECT id FROM leave_requests WHERE kind = ? AND target_id = ? AND person_id = ?"
            " AND community_id = ?",
            (kind, target_id, person_id, cid),
        ) as cur:
            row = await cur.fetchone()
        assert row is not None  # noqa: S101 - just written
        return int(row[0])

    async def decide(self, request_id: int, approve: bool, by: int, now: datetime) -> bool:
        """Approve or refuse a request still asked; False if it was decided before."""
        cur = await self._conn.execute(
            "UPDATE leave_requests SET state = ?, decided_by = ?, decided_at = ?"
            " WHERE id = ? AND state = 'requested' AND community_id = ?",
            ("approved" if approve else "refused", by, to_db_time(now), request_id, community_id()),
        )
        return cur.rowcount == 1

    async def for_target(self, kind: str, target_id: int) -> list[LeaveRow]:
        """Every request for one target, by name."""
        async with self._conn.execute(
            f"SELECT {_COLUMNS}{_FROM} WHERE v.kind = ? AND v.target_id = ?"
            " AND v.community_id = ? ORDER BY p.display_name, v.id",
            (kind, target_id, community_id()),
        ) as cur:
            rows = await cur.fetchall()
        return [_row(row) for row in rows]

    async def person_record(self, person_id: int) -> dict[str, Any]:
        """For /export: the person's requests, and the decisions they made on others'."""

        async def rows(sql: str) -> list[dict[str, Any]]:
            async with self._conn.execute(sql, (person_id, community_id())) as cur:
                return [dict(row) for row in await cur.fetchall()]

        return {
            "leave_requests": await rows(
                "SELECT kind, target_id, reason, state, requested_at, decided_at"
                " FROM leave_requests WHERE person_id = ? AND community_id = ? ORDER BY id"
            ),
            "leave_decided": await rows(
                "SELECT kind, target_id, state, decided_at FROM leave_requests"
                " WHERE decided_by = ? AND community_id = ? ORDER BY id"
            ),
        }
