"""How-to pages (办事流程) a secretary writes for the public board."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.scope import community_id
from storage.times import from_db_time, to_db_time


@dataclass(frozen=True)
class PageRow:
    """One how-to page."""

    id: int
    title: str
    body: str
    created_by: int | None
    created_at: datetime
    updated_at: datetime


def _page(row: aiosqlite.Row) -> PageRow:
    return PageRow(
        id=row["id"],
        title=row["title"],
        body=row["body"],
        created_by=row["created_by"],
        created_at=from_db_time(row["created_at"]),
        updated_at=from_db_time(row["updated_at"]),
    )


class PagesRepository:
    """Queries on ``board_pages``."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def add(self, title: str, body: str, by: int | None, now: datetime) -> int:
        """A new page; returns its id."""
        cur = await self._conn.execute(
            "INSERT INTO board_pages (title, body, created_by, created_at, updated_at,"
            " community_id) VALUES (?, ?, ?, ?, ?, ?)",
            (title, body, by, to_db_time(now), to_db_time(now), community_id()),
        )
        assert cur.lastrowid is not None  # noqa: S101 - an INSERT has a row id
        return cur.lastrowid

    async def update(self, page_id: int, title: str, body: str, now: datetime) -> bool:
        """Change a page's title and text; False if it is gone."""
        cur = await self._conn.execute(
            "UPDATE board_pages SET title = ?, body = ?, updated_at = ?"
            " WHERE id = ? AND community_id = ?",
            (title, body, to_db_time(now), page_id, community_id()),
        )
        return cur.rowcount > 0

    async def delete(self, page_id: int) -> bool:
        """Remove a page; False if it was gone already."""
        cur = await self._conn.execute(
            "DELETE FROM board_pages WHERE id = ? AND community_id = ?", (page_id, community_id())
        )
        return cur.rowcount > 0

    async def get(self, page_id: int) -> PageRow | None:
        """One page, or None."""
        async with self._conn.execute(
            "SELECT * FROM board_pages WHERE id = ? AND community_id = ?", (page_id, community_id())
        ) as cur:
            row = await cur.fetchone()
        return _page(row) if row else None

    async def all(self) -> list[PageRow]:
        """Every page, in the order they were written."""
        async with self._conn.execute(
            "SELECT * FROM board_pages WHERE community_id = ? ORDER BY id", (community_id(),)
        ) as cur:
            return [_page(row) for row in await cur.fetchall()]

    async def written_by(self, person_id: int) -> list[dict[str, Any]]:
        """For /export: the pages the person wrote."""
        async with self._conn.execute(
            "SELECT id, title, created_at, updated_at FROM board_pages"
            " WHERE created_by = ? AND community_id = ? ORDER BY id",
            (person_id, community_id()),
        ) as cur:
            return [dict(row) for row in await cur.fetchall()]
