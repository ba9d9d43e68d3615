"""The audit log: who did what, for the committee's records; each community's its own
(every query is scoped to the current community, storage/scope.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from storage.scope import community_id, current_update
from storage.times import to_db_time


class AuditRepository:
    """Queries on ``audit_log``."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def record(
        self,
        *,
        at: datetime,
        action: str,
        actor_id: int | None,
        subject_id: int | None = None,
        detail: str = "",
        update_id: int | None = None,
    ) -> None:
        """Add an entry. ``detail`` must not contain a person's name.

        ``update_id`` defaults to the Telegram update being handled, if any.
        """
        if update_id is None:
            scope = current_update.get()
            update_id = scope.update_id if scope else None
        await self._conn.execute(
            "INSERT INTO audit_log (at, actor_id, subject_id, action, detail, update_id,"
            " community_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (to_db_time(at), actor_id, subject_id, action, detail, update_id, community_id()),
        )

    async def about(self, person_id: int) -> list[dict[str, Any]]:
        """Entries in which the person acted or was acted on, for their data export."""
        async with self._conn.execute(
            "SELECT at, action, detail, actor_id = ? AS as_actor FROM audit_log"
            " WHERE (actor_id = ? OR subject_id = ?) AND community_id = ? ORDER BY id",
            (person_id, person_id, person_id, community_id()),
        ) as cur:
            rows = await cur.fetchall()
        return [
            {
                "at": row["at"],
                "action": row["action"],
                "detail": row["detail"],
                "as": "actor" if row["as_actor"] else "subject",
            }
            for row in rows
        ]

    async def count_action(self, action: str) -> int:
        """How many entries record this action."""
        async with self._conn.execute(
            "SELECT count(*) FROM audit_log WHERE action = ? AND community_id = ?",
            (action, community_id()),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0
