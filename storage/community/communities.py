"""The street's communities (街道下属社区): the one street-level table, not scoped to a
community, and the lookups that find which community a chat or a person belongs to."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import aiosqlite

from storage.times import from_db_time, to_db_time


@dataclass(frozen=True)
class GridRow:
    """One grid (网格) of a community created in the bot (community 1's are configured)."""

    id: str
    name: str
    name_en: str | None = None


@dataclass(frozen=True)
class CommunityRow:
    """One community of the street."""

    id: int
    name: str
    name_en: str | None
    grids: tuple[GridRow, ...]
    created_at: datetime
    renamed_at: datetime | None
    #: The calendar fields the community chose itself (the street's for the others).
    calendar: dict[str, Any] = field(default_factory=dict)


def _grids(text: str) -> tuple[GridRow, ...]:
    raw: Any = json.loads(text or "[]")
    return tuple(
        GridRow(id=str(g["id"]), name=str(g["name"]), name_en=g.get("name_en")) for g in raw
    )


def _community(row: sqlite3.Row) -> CommunityRow:
    return CommunityRow(
        id=row["id"],
        name=row["name"],
        name_en=row["name_en"],
        grids=_grids(row["grids"]),
        created_at=from_db_time(row["created_at"]),
        renamed_at=from_db_time(row["renamed_at"]) if row["renamed_at"] else None,
        calendar=_calendar(row["calendar"]),
    )


def _calendar(text: str | None) -> dict[str, Any]:
    raw: Any = json.loads(text or "{}")
    return dict(raw) if isinstance(raw, dict) else {}


class CommunitiesRepository:
    """Queries on ``communities``, and the street-wide lookups of a chat's or a user's
    community (the only queries allowed to look across communities)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def all(self) -> list[CommunityRow]:
        """Every community, in the order they were created."""
        async with self._conn.execute("SELECT * FROM communities ORDER BY id") as cur:
            rows = await cur.fetchall()
        return [_community(row) for row in rows]

    async def get(self, community_id: int) -> CommunityRow | None:
        """The community, or None."""
        async with self._conn.execute(
            "SELECT * FROM communities WHERE id = ?", (community_id,)
        ) as cur:
            row = await cur.fetchone()
        return _community(row) if row else None

    async def by_name(self, name: str) -> CommunityRow | None:
        """The community of this exact name, or None."""
        async with self._conn.execute("SELECT * FROM communities WHERE name = ?", (name,)) as cur:
            row = await cur.fetchone()
        return _community(row) if row else None

    async def create(
        self, name: str, name_en: str | None, created_by: int | None, now: datetime
    ) -> int:
        """A new community; its id."""
        cur = await self._conn.execute(
            "INSERT INTO communities (name, name_en, created_by, created_at) VALUES (?, ?, ?, ?)",
            (name, name_en, created_by, to_db_time(now)),
        )
        assert cur.lastrowid is not None  # noqa: S101 - an INSERT has a row id
        return cur.lastrowid

    async def rename(
        self, community_id: int, name: str, name_en: str | None, now: datetime | None
    ) -> None:
        """Give the community a new name (``now`` None: not a rename, the configured name)."""
        await self._conn.execute(
            "UPDATE communities SET name = ?, name_en = ?,"
            " renamed_at = coalesce(?, renamed_at) WHERE id = ?",
            (name, name_en, to_db_time(now) if now else None, community_id),
        )

    async def set_grids(self, community_id: int, grids: list[GridRow]) -> None:
        """Replace the community's grids."""
        text = json.dumps(
            [{"id": g.id, "name": g.name, "name_en": g.name_en} for g in grids],
            ensure_ascii=False,
        )
        await self._conn.execute(
            "UPDATE communities SET grids = ? WHERE id = ?", (text, community_id)
        )

    async def set_calendar(self, community_id: int, choices: dict[str, Any]) -> None:
        """Replace the community's own calendar choices (JSON of plain values)."""
        await self._conn.execute(
            "UPDATE communities SET calendar = ? WHERE id = ?",
            (json.dumps(choices, ensure_ascii=False, sort_keys=True), community_id),
        )

    async def of_chat(self, chat_id: int) -> int | None:
        """The community a group chat belongs to (once seen in one), or None."""
        async with self._conn.execute(
            "SELECT community_id FROM chats WHERE chat_id = ?", (chat_id,)
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else None

    async def secretary_accounts(self) -> list[int]:
        """The Telegram accounts of every community's secretaries (street-wide: each gets
        the secretaries' command menu, whichever community appointed them)."""
        async with self._conn.execute(
            "SELECT DISTINCT p.tg_user_id FROM people p JOIN person_roles r"
            " ON r.person_id = p.id AND r.community_id = p.community_id"
            " WHERE r.role = 'secretary' ORDER BY p.tg_user_id"
        ) as cur:
            rows = await cur.fetchall()
        return [int(row[0]) for row in rows]

    async def of_user(self, tg_user_id: int) -> int | None:
        """The community a Telegram user is registered in, or None."""
        async with self._conn.execute(
            "SELECT community_id FROM people WHERE tg_user_id = ?", (tg_user_id,)
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else None


def community_of_user(conn: sqlite3.Connection, tg_user_id: int) -> int | None:
    """The community a Telegram user is registered in, synchronously: for
    ``Database.run_read``, since every update in a street of several communities asks."""
    row = conn.execute(
        "SELECT community_id FROM people WHERE tg_user_id = ?", (tg_user_id,)
    ).fetchone()
    return int(row[0]) if row else None
