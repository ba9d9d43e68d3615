"""The inbox: every Telegram update, stored before Telegram is told it arrived."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.times import to_db_time

#: Marks an update handled and drops its payload (kept only for replay).
MARK_DONE_SQL = (
    "UPDATE inbox SET done_at = ?, payload = NULL, failed = ?"
    " WHERE update_id = ? AND done_at IS NULL"
)


@dataclass(frozen=True)
class InboxRow:
    """An update that is stored and not yet done."""

    update_id: int
    payload: str


class InboxRepository:
    """Queries on ``inbox``."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def accept(self, updates: list[tuple[int, str]], now: datetime) -> list[int]:
        """Store updates (id, JSON); return the ids still to handle, in order.

        A redelivered update that is already stored keeps its row; it is
        returned only if it is not done yet.
        """
        await self._conn.executemany(
            "INSERT OR IGNORE INTO inbox (update_id, received_at, payload) VALUES (?, ?, ?)",
            [(update_id, to_db_time(now), payload) for update_id, payload in updates],
        )
        if not updates:
            return []
        ids = [update_id for update_id, _ in updates]
        marks = ",".join("?" * len(ids))
        async with self._conn.execute(
            f"SELECT update_id FROM inbox WHERE update_id IN ({marks}) AND done_at IS NULL"
            " ORDER BY update_id",
            ids,
        ) as cur:
            rows = await cur.fetchall()
        return [int(row[0]) for row in rows]

    async def pending(self) -> list[InboxRow]:
        """Every stored update not yet done, oldest first (to replay after a crash)."""
        async with self._conn.execute(
            "SELECT update_id, payload FROM inbox WHERE done_at IS NULL ORDER BY update_id"
        ) as cur:
            rows = await cur.fetchall()
        return [InboxRow(int(row[0]), str(row[1])) for row in rows]

    async def is_done(self, update_id: int) -> bool:
        """Whether the update's effect is already committed."""
        async with self._conn.execute(
            "SELECT done_at IS NOT NULL FROM inbox WHERE update_id = ?", (update_id,)
        ) as cur:
            row = await cur.fetchone()
        return bool(row and row[0])

    async def mark_done(self, update_id: int, now_text: str, *, failed: bool) -> bool:
        """Mark the update done and drop its payload (kept only for replay)."""
        cur = await self._conn.execute(MARK_DONE_SQL, (now_text, int(failed), update_id))
        return cur.rowcount > 0

    async def prune(self, done_before: datetime) -> int:
        """Delete done updates older than the given moment; returns how many."""
        cur = await self._conn.execute(
            "DELETE FROM inbox WHERE done_at IS NOT NULL AND done_at < ?",
            (to_db_time(done_before),),
        )
        return cur.rowcount

    async def counts(self) -> tuple[int, int]:
        """(pending, done) row counts."""
        async with self._conn.execute(
            "SELECT count(*) FILTER (WHERE done_at IS NULL),"
            " count(*) FILTER (WHERE done_at IS NOT NULL) FROM inbox"
        ) as cur:
            row = await cur.fetchone()
        return (int(row[0]), int(row[1])) if row else (0, 0)
