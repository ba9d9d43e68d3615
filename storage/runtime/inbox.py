"""The inbox: every Telegram update, stored before Telegram is told it arrived.

With several workers on one PostgreSQL database (bot/runtime/claims.py), an update
is also claimed by one worker for a lease: :meth:`InboxRepository.store`,
:meth:`~InboxRepository.claim`, :meth:`~InboxRepository.renew` and
:meth:`~InboxRepository.release` are PostgreSQL's only (the lease is the
server's ``now()``, and claiming skips rows another worker is claiming).
"""

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

#: Claims the oldest updates nobody holds whose turn it is: not done, not leased
#: (or the lease ran out: its worker died), and no earlier update of the same
#: person (or chat) still in the way: not done, or done but still in its worker's
#: hands (its reply on the way; the worker clears its claim when the update is
#: finished, see :meth:`InboxRepository.finish`). Rows another worker is claiming
#: right now are skipped, not waited for. PostgreSQL only.
CLAIM_SQL = """
    UPDATE inbox SET claimed_by = ?, lease_until = now() + ? * interval '1 second'
    WHERE update_id IN (
        SELECT i.update_id FROM inbox AS i
        WHERE i.done_at IS NULL
          AND (i.lease_until IS NULL OR i.lease_until < now())
          AND NOT EXISTS (
              SELECT 1 FROM inbox AS e
              WHERE e.order_key = i.order_key AND e.update_id < i.update_id
                AND (e.done_at IS NULL
                     OR (e.claimed_by IS NOT NULL AND e.lease_until > now())))
        ORDER BY i.update_id NULLS FIRST  -- (written out: none is NULL)
        LIMIT ?
        FOR UPDATE SKIP LOCKED)
    RETURNING update_id, payload
"""


class UpdateDoneElsewhere(RuntimeError):
    """The update's effect was about to commit, but the update is done already: another
    worker handled it after this one's lease ran out. The effect is rolled back, so the
    update is applied once."""

    def __init__(self, update_id: int) -> None:
        super().__init__(f"update {update_id} was done by another worker; rolled back")
        self.update_id = update_id


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

    async def store(self, updates: list[tuple[int, str, str | None]], now: datetime) -> None:
        """Store updates (id, JSON, order key) for the workers to claim; one already stored
        (a redelivery) is left as it is."""
        await self._conn.executemany(
            "INSERT OR IGNORE INTO inbox (update_id, received_at, payload, order_key)"
            " VALUES (?, ?, ?, ?)",
            [(uid, to_db_time(now), payload, key) for uid, payload, key in updates],
        )

    async def claim(self, worker: str, lease_seconds: float, limit: int) -> list[InboxRow]:
        """Claim for ``worker`` up to ``limit`` updates whose turn it is (see
        :data:`CLAIM_SQL`), leased for ``lease_seconds``; oldest first. PostgreSQL only."""
        if limit <= 0:
            return []
        async with self._conn.execute(CLAIM_SQL, (worker, float(lease_seconds), limit)) as cur:
            rows = await cur.fetchall()
        return sorted(
            (InboxRow(int(row[0]), str(row[1])) for row in rows), key=lambda r: r.update_id
        )

    async def renew(self, worker: str, update_ids: list[int], lease_seconds: float) -> list[int]:
        """Extend ``worker``'s leases of the given updates (those still its own; one done
        but not finished keeps the person's next waiting); returns the ids renewed.
        PostgreSQL only."""
        if not update_ids:
            return []
        marks = ",".join("?" * len(update_ids))
        async with self._conn.execute(
            "UPDATE inbox SET lease_until = now() + ? * interval '1 second'"
            f" WHERE claimed_by = ? AND update_id IN ({marks}) RETURNING update_id",
            (float(lease_seconds), worker, *update_ids),
        ) as cur:
            rows = await cur.fetchall()
        return sorted(int(row[0]) for row in rows)

    async def finish(self, worker: str, update_ids: list[int]) -> None:
        """``worker`` is finished with these updates (reply sent): the person's next
        update is anybody's now. PostgreSQL only."""
        if not update_ids:
            return
        marks = ",".join("?" * len(update_ids))
        await self._conn.execute(
            "UPDATE inbox SET claimed_by = NULL, lease_until = NULL"
            f" WHERE claimed_by = ? AND update_id IN ({marks})",
            (worker, *update_ids),
        )

    async def release(self, worker: str) -> int:
        """Give up all of ``worker``'s claims (a graceful stop): what it did not finish
        another worker takes at once; returns how many were not done."""
        async with self._conn.execute(
            "UPDATE inbox SET claimed_by = NULL, lease_until = NULL"
            " WHERE claimed_by = ? RETURNING done_at",
            (worker,),
        ) as cur:
            rows = await cur.fetchall()
        return sum(1 for row in rows if row[0] is None)

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

    async def done_by_another_transaction(self, update_id: int) -> bool:
        """Whether the update is done, and not by this unit of work itself (a person's
        erasure marks their stored updates done as it scrubs them). PostgreSQL only: a
        row this transaction changed carries its id as ``xmin``."""
        async with self._conn.execute(
            "SELECT done_at IS NOT NULL"
            " AND CAST(xmin AS text) <> CAST(txid_current() % 4294967296 AS text)"
            " FROM inbox WHERE update_id = ?",
            (update_id,),
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
