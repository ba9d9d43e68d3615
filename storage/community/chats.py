"""Group chats the bot is in, and what each is bound to."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.times import from_db_time, to_db_time


@dataclass(frozen=True)
class ChatRow:
    """A group chat: its kind (residents, members, volunteers) once a secretary binds it."""

    chat_id: int
    title: str
    type: str
    kind: str | None
    bound_at: datetime | None
    is_member: bool


def _chat(row: sqlite3.Row) -> ChatRow:
    return ChatRow(
        chat_id=row["chat_id"],
        title=row["title"],
        type=row["type"],
        kind=row["kind"],
        bound_at=from_db_time(row["bound_at"]) if row["bound_at"] else None,
        is_member=bool(row["is_member"]),
    )


class ChatsRepository:
    """Queries on ``chats``."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def get(self, chat_id: int) -> ChatRow | None:
        """The chat, or None if the bot has never seen it."""
        async with self._conn.execute("SELECT * FROM chats WHERE chat_id = ?", (chat_id,)) as cur:
            row = await cur.fetchone()
        return _chat(row) if row else None

    async def seen(
        self, chat_id: int, title: str, chat_type: str, is_member: bool, now: datetime
    ) -> None:
        """Record the chat's current title and whether the bot is in it."""
        await self._conn.execute(
            "INSERT INTO chats (chat_id, title, type, is_member, updated_at)"
            " VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET title = excluded.title,"
            " type = excluded.type, is_member = excluded.is_member,"
            " updated_at = excluded.updated_at",
            (chat_id, title, chat_type, int(is_member), to_db_time(now)),
        )

    async def bind(self, chat_id: int, kind: str, bound_by: int | None, now: datetime) -> None:
        """Bind the chat to a kind (it must have been ``seen`` first)."""
        await self._conn.execute(
            "UPDATE chats SET kind = ?, bound_at = ?, bound_by = ?, updated_at = ?"
            " WHERE chat_id = ?",
            (kind, to_db_time(now), bound_by, to_db_time(now), chat_id),
        )

    async def unbind(self, chat_id: int, now: datetime) -> bool:
        """Forget what the chat was bound to; False if it was not bound."""
        cur = await self._conn.execute(
            "UPDATE chats SET kind = NULL, bound_at = NULL, bound_by = NULL, updated_at = ?"
            " WHERE chat_id = ? AND kind IS NOT NULL",
            (to_db_time(now), chat_id),
        )
        return cur.rowcount > 0

    async def move(self, old_chat_id: int, new_chat_id: int, now: datetime) -> bool:
        """A group became a supergroup with a new id: keep its row under the new id."""
        await self._conn.execute(
            "DELETE FROM chats WHERE chat_id = ? AND kind IS NULL AND"
            " EXISTS (SELECT 1 FROM chats WHERE chat_id = ?)",
            (new_chat_id, old_chat_id),
        )
        cur = await self._conn.execute(
            "UPDATE OR IGNORE chats SET chat_id = ?, type = 'supergroup', updated_at = ?"
            " WHERE chat_id = ?",
            (new_chat_id, to_db_time(now), old_chat_id),
        )
        return cur.rowcount > 0

    async def posting(self, kind: str) -> list[ChatRow]:
        """The bound chats of ``kind`` the bot is still in: where its posts for them go."""
        async with self._conn.execute(
            "SELECT * FROM chats WHERE kind = ? AND is_member = 1 ORDER BY title", (kind,)
        ) as cur:
            rows = await cur.fetchall()
        return [_chat(row) for row in rows]

    async def bound(self) -> list[ChatRow]:
        """Every bound chat, by kind then title."""
        async with self._conn.execute(
            "SELECT * FROM chats WHERE kind IS NOT NULL ORDER BY kind, title"
        ) as cur:
            rows = await cur.fetchall()
        return [_chat(row) for row in rows]
