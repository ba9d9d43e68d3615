"""Matters raised by residents (民提) and the supports (附议) they gather."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.times import from_db_time, to_db_time


@dataclass(frozen=True)
class MatterRow:
    """A matter, with how many residents support it."""

    id: int
    title: str
    details: str
    raised_by: int | None
    stage: str
    support_until: datetime
    agenda_forum: str | None
    agenda_at: datetime | None
    withdrawn_reason: str | None
    card_push_id: int | None
    created_at: datetime
    supports: int


_COLUMNS = "m.*, (SELECT count(*) FROM matter_supports s WHERE s.matter_id = m.id) AS supports"


def _matter(row: sqlite3.Row) -> MatterRow:
    return MatterRow(
        id=row["id"],
        title=row["title"],
        details=row["details"],
        raised_by=row["raised_by"],
        stage=row["stage"],
        support_until=from_db_time(row["support_until"]),
        agenda_forum=row["agenda_forum"],
        agenda_at=from_db_time(row["agenda_at"]) if row["agenda_at"] else None,
        withdrawn_reason=row["withdrawn_reason"],
        card_push_id=row["card_push_id"],
        created_at=from_db_time(row["created_at"]),
        supports=int(row["supports"]),
    )


class MattersRepository:
    """Queries on ``matters`` and ``matter_supports``."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def create(
        self,
        *,
        title: str,
        details: str,
        raised_by: int | None,
        support_until: datetime,
        now: datetime,
    ) -> int:
        """Record a raised matter; returns its number."""
        cur = await self._conn.execute(
            "INSERT INTO matters (title, details, raised_by, support_until, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                title,
                details,
                raised_by,
                to_db_time(support_until),
                to_db_time(now),
                to_db_time(now),
            ),
        )
        assert cur.lastrowid is not None  # noqa: S101 - an INSERT always has one
        return cur.lastrowid

    async def get(self, matter_id: int) -> MatterRow | None:
        """The matter, or None."""
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM matters m WHERE m.id = ?", (matter_id,)
        ) as cur:
            row = await cur.fetchone()
        return _matter(row) if row else None

    async def open(self) -> list[MatterRow]:
        """Matters not withdrawn, by stage (agenda first) then number."""
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM matters m WHERE m.stage != 'withdrawn'"
            " ORDER BY m.stage = 'raised', m.id"
        ) as cur:
            rows = await cur.fetchall()
        return [_matter(row) for row in rows]

    async def support(self, matter_id: int, person_id: int, now: datetime) -> bool:
        """Add a person's support; False if they had already supported it."""
        cur = await self._conn.execute(
            "INSERT OR IGNORE INTO matter_supports (matter_id, person_id, at) VALUES (?, ?, ?)",
            (matter_id, person_id, to_db_time(now)),
        )
        return cur.rowcount > 0

    async def has_supported(self, matter_id: int, person_id: int) -> bool:
        """Whether the person supports the matter."""
        async with self._conn.execute(
            "SELECT 1 FROM matter_supports WHERE matter_id = ? AND person_id = ?",
            (matter_id, person_id),
        ) as cur:
            return await cur.fetchone() is not None

    async def put_on_agenda(
        self, matter_id: int, forum: str, agenda_at: datetime, now: datetime
    ) -> None:
        """Move the matter onto the agenda of a session or talk day."""
        await self._conn.execute(
            "UPDATE matters SET stage = 'agenda', agenda_forum = ?, agenda_at = ?,"
            " updated_at = ? WHERE id = ?",
            (forum, to_db_time(agenda_at), to_db_time(now), matter_id),
        )

    async def set_card_push(self, matter_id: int, push_id: int) -> None:
        """Remember the push that posted the matter's card."""
        await self._conn.execute(
            "UPDATE matters SET card_push_id = ? WHERE id = ?", (push_id, matter_id)
        )
