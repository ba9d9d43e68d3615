"""Discussion (民议): residents' comments on a matter, and hiding an abusive one.

A hidden comment stays in the table (who hid it, when, why) for the record;
it is shown to everyone as hidden, with the reason.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.scope import community_id
from storage.times import from_db_time, to_db_time


@dataclass(frozen=True)
class CommentRow:
    """One comment, with its author's display name (None once they left the register)."""

    id: int
    matter_id: int
    person_id: int | None
    author: str | None
    text: str
    created_at: datetime
    hidden_at: datetime | None
    hidden_by: int | None
    hidden_reason: str | None

    @property
    def hidden(self) -> bool:
        """Whether a secretary hid the comment."""
        return self.hidden_at is not None


def _comment(row: sqlite3.Row) -> CommentRow:
    return CommentRow(
        id=row["id"],
        matter_id=row["matter_id"],
        person_id=row["person_id"],
        author=row["author"],
        text=row["text"],
        created_at=from_db_time(row["created_at"]),
        hidden_at=from_db_time(row["hidden_at"]) if row["hidden_at"] else None,
        hidden_by=row["hidden_by"],
        hidden_reason=row["hidden_reason"],
    )


_SELECT = (
    "SELECT c.*, p.display_name AS author FROM comments c LEFT JOIN people p ON p.id = c.person_id"
)


class CommentsRepository:
    """Queries on ``comments`` and ``comment_supports``, of the current community."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def add(self, matter_id: int, person_id: int, text: str, now: datetime) -> int:
        """Record a comment; returns its id."""
        cur = await self._conn.execute(
            "INSERT INTO comments (community_id, matter_id, person_id, text, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (community_id(), matter_id, person_id, text, to_db_time(now)),
        )
        assert cur.lastrowid is not None  # noqa: S101 - an INSERT always has one
        return cur.lastrowid

    async def get(self, comment_id: int) -> CommentRow | None:
        """The comment, or None."""
        async with self._conn.execute(
            f"{_SELECT} WHERE c.id = ? AND c.community_id = ?", (comment_id, community_id())
        ) as cur:
            row = await cur.fetchone()
        return _comment(row) if row else None

    async def of_matter(self, matter_id: int) -> list[CommentRow]:
        """The matter's whole thread, oldest first."""
        async with self._conn.execute(
            f"{_SELECT} WHERE c.matter_id = ? AND c.community_id = ? ORDER BY c.id",
            (matter_id, community_id()),
        ) as cur:
            rows = await cur.fetchall()
        return [_comment(row) for row in rows]

    async def position(self, comment_id: int) -> int:
        """The comment's number in its matter's thread (1 for the first)."""
        async with self._conn.execute(
            "SELECT count(*) FROM comments c JOIN comments o ON o.matter_id = c.matter_id"
            " AND o.id <= c.id AND o.community_id = c.community_id"
            " WHERE c.id = ? AND c.community_id = ?",
            (comment_id, community_id()),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def hide(self, comment_id: int, by: int | None, reason: str, now: datetime) -> bool:
        """Hide a comment; False if it was hidden already."""
        cur = await self._conn.execute(
            "UPDATE comments SET hidden_at = ?, hidden_by = ?, hidden_reason = ?"
            " WHERE id = ? AND community_id = ? AND hidden_at IS NULL",
            (to_db_time(now), by, reason, comment_id, community_id()),
        )
        return cur.rowcount > 0

    async def toggle_support(self, comment_id: int, person_id: int, now: datetime) -> bool:
        """A resident agrees with the comment (👍), or no longer; True if they agree now."""
        cid = community_id()
        cur = await self._conn.execute(
            "DELETE FROM comment_supports WHERE comment_id = ? AND person_id = ?"
            " AND community_id = ?",
            (comment_id, person_id, cid),
        )
        if cur.rowcount:
            return False
        # Only a comment of this community can be agreed with (a forged id adds nothing).
        cur = await self._conn.execute(
            "INSERT INTO comment_supports (community_id, comment_id, person_id, at)"
            " SELECT ?, id, ?, ? FROM comments WHERE id = ? AND community_id = ?",
            (cid, person_id, to_db_time(now), comment_id, cid),
        )
        return cur.rowcount > 0

    async def support_counts(self, matter_id: int) -> dict[int, int]:
        """How many residents agree with each comment of the matter (those with any)."""
        async with self._conn.execute(
            "SELECT s.comment_id, count(*) FROM comment_supports s"
            " JOIN comments c ON c.id = s.comment_id"
            " WHERE c.matter_id = ? AND c.community_id = ? AND s.community_id = c.community_id"
            " GROUP BY s.comment_id",
            (matter_id, community_id()),
        ) as cur:
            return {int(row[0]): int(row[1]) for row in await cur.fetchall()}
