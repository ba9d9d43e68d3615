"""One sender per bot among several workers: a PostgreSQL session-level advisory lock.

The worker that holds the lock sends the outbox (bot/runtime/sender_seat.py); the
lock lives as long as the connection that took it, which is its own (not a
pool's): when the holder dies, the server closes its connection and the lock is
free for the next worker that tries.

The key is ``(0x5061, k)``, the namespace of every advisory lock Pavilion takes,
with ``k`` derived from the bot's id and always below -1: communities' locks are
their ids (1, 2, …), the street's 0 and the migrations' -1
(storage/postgres/database.py), and advisory locks taken per session and per
transaction share one space.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib

import asyncpg

from storage.backend import Storage
from storage.postgres.database import LOCK_NAMESPACE, PostgresDatabase

#: Seconds to connect, or to hear back from the server, before giving up (for now).
CONNECT_TIMEOUT = 10.0
CHECK_TIMEOUT = 5.0


def sender_lock_key(token: str) -> int:
    """The second key of a bot's sender lock, from its id (the token's part before the
    colon; the secret part never goes into it): a number in [-2**31, -2]."""
    bot_id = token.split(":", 1)[0]
    digest = hashlib.sha256(f"pavilion-sender:{bot_id}".encode()).digest()
    return -2 - int.from_bytes(digest[:4], "big") % (2**31 - 1)


class SessionLock:
    """A session-level advisory lock on a connection of its own."""

    def __init__(self, url: str, key: int, *, namespace: int = LOCK_NAMESPACE) -> None:
        self._url = url
        self.key = key
        self._namespace = namespace
        self._conn: asyncpg.Connection | None = None
        self.held = False

    @classmethod
    def for_database(cls, db: Storage, key: int) -> SessionLock:
        """The lock ``key`` on ``db``'s server (PostgreSQL's only)."""
        if not isinstance(db, PostgresDatabase):
            raise TypeError("a session lock needs PostgreSQL")
        return cls(db.url, key)

    async def try_acquire(self) -> bool:
        """Take the lock if it is free; whether this holds it now. Connection errors are
        raised (the caller tries again later)."""
        if self.held:
            return True
        if self._conn is None or self._conn.is_closed():
            self._conn = await asyncpg.connect(
                self._url,
                timeout=CONNECT_TIMEOUT,
                server_settings={"application_name": "pavilion-sender-lock"},
            )
        got = await self._conn.fetchval(
            "SELECT pg_try_advisory_lock($1, $2)", self._namespace, self.key
        )
        self.held = bool(got)
        return self.held

    async def still_held(self) -> bool:
        """Whether the lock is still this one's: its connection answers. A connection
        that broke has lost the lock (the server freed it), and is closed."""
        if not self.held or self._conn is None or self._conn.is_closed():
            self.held = False
            return False
        try:
            await asyncio.wait_for(self._conn.fetchval("SELECT 1"), timeout=CHECK_TIMEOUT)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
            self.held = False
            self._conn.terminate()
            self._conn = None
            return False
        return True

    async def release(self) -> None:
        """Give the lock up (if held) and close the connection; safe to call twice."""
        conn, self._conn = self._conn, None
        held, self.held = self.held, False
        if conn is None or conn.is_closed():
            return
        with contextlib.suppress(Exception):
            if held:
                await asyncio.wait_for(
                    conn.fetchval("SELECT pg_advisory_unlock($1, $2)", self._namespace, self.key),
                    timeout=CHECK_TIMEOUT,
                )
        try:
            await asyncio.wait_for(conn.close(), timeout=CHECK_TIMEOUT)
        except Exception:
            conn.terminate()
