"""Street invites (migration 37): a link a street administrator forwards to appoint a
community's first secretary. A street-level table: every row names its community
explicitly, and lookups are by token or id across the street (the opener is not in
the community yet)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.times import from_db_time, to_db_time


@dataclass(frozen=True)
class InviteRow:
    """One invite link."""

    id: int
    token: str
    community_id: int
    created_by: int
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None


def _invite(row: sqlite3.Row) -> InviteRow:
    return InviteRow(
        id=row["id"],
        token=row["token"],
        community_id=row["community_id"],
        created_by=row["created_by"],
        created_at=from_db_time(row["created_at"]),
        expires_at=from_db_time(row["expires_at"]),
        used_at=from_db_time(row["used_at"]) if row["used_at"] else None,
    )


class InvitesRepository:
    """Queries on ``street_invites``."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def create(
        self, token: str, community_id: int, created_by: int, now: datetime, expires_at: datetime
    ) -> int:
        """A new invite into ``community_id``; its id."""
        cur = await self._conn.execute(
            "INSERT INTO street_invites (token, community_id, created_by, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (token, community_id, created_by, to_db_time(now), to_db_time(expires_at)),
        )
        assert cur.lastrowid is not None  # noqa: S101 - an INSERT has a row id
        return cur.lastrowid

    async def by_token(self, token: str) -> InviteRow | None:
        """The invite of this token, or None."""
        async with self._conn.execute(
            "SELECT * FROM street_invites WHERE token = ?", (token,)
        ) as cur:
            row = await cur.fetchone()
        return _invite(row) if row else None

    async def get(self, invite_id: int) -> InviteRow | None:
        """The invite, or None."""
        async with self._conn.execute(
            "SELECT * FROM street_invites WHERE id = ?", (invite_id,)
        ) as cur:
            row = await cur.fetchone()
        return _invite(row) if row else None

    async def use(self, invite_id: int, now: datetime) -> bool:
        """Mark the invite used, if it was not and has not expired; False otherwise (a
        second opener, a late one)."""
        cur = await self._conn.execute(
            "UPDATE street_invites SET used_at = ?"
            " WHERE id = ? AND used_at IS NULL AND expires_at > ?",
            (to_db_time(now), invite_id, to_db_time(now)),
        )
        return cur.rowcount > 0
