"""Group chats the bot is in, and what each is bound to, each chat one community's.

A chat belongs to the community it was first seen in (the adder's, when known) or
bound in; every query here is scoped to the current community (storage/scope.py), so
another community's chat is unknown here. Which community a chat belongs to is the
street-wide lookup of storage/community/communities.py.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.scope import community_id
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
    """Queries on ``chats``, scoped to the current community."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def get(self, chat_id: int) -> ChatRow | None:
        """The chat, or None if the bot has never seen it in this community."""
        async with self._conn.execute(
            "SELECT * FROM chats WHERE chat_id = ? AND community_id = ?",
            (chat_id, community_id()),
        ) as cur:
            row = await cur.fetchone()
        return _chat(row) if row else None

    async def seen(
        self, chat_id: int, title: str, chat_type: str, is_member: bool, now: datetime
    ) -> None:
        """Record the chat's current title and whether the bot is in it (a chat new to the
        bot becomes this community's; another community's chat is left as it is)."""
        await self._conn.execute(
            "INSERT INTO chats (chat_id, title, type, is_member, updated_at, community_id)"
            " VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET title = excluded.title,"
            " type = excluded.type, is_member = excluded.is_member,"
            " updated_at = excluded.updated_at"
            " WHERE chats.community_id = excluded.community_id",
            (chat_id, title, chat_type, int(is_member), to_db_time(now), community_id()),
        )

    async def bind(self, chat_id: int, kind: str, bound_by: int | None, now: datetime) -> None:
        """Bind the chat to a kind (it must have been ``seen`` first)."""
        await self._conn.execute(
            "UPDATE chats SET kind = ?, bound_at = ?, bound_by = ?, updated_at = ?"
            " WHERE chat_id = ? AND community_id = ?",
            (kind, to_db_time(now), bound_by, to_db_time(now), chat_id, community_id()),
        )

    async def unbind(self, chat_id: int, now: datetime) -> bool:
        """Forget what the chat was bound to; False if it was not bound."""
        cur = await self._conn.execute(
            "UPDATE chats SET kind = NULL, bound_at = NULL, bound_by = NULL, updated_at = ?"
            " WHERE chat_id = ? AND community_id = ? AND kind IS NOT NULL",
            (to_db_time(now), chat_id, community_id()),
        )
        return cur.rowcount > 0

    async def move(self, old_chat_id: int, new_chat_id: int, now: datetime) -> bool:
        """A group became a supergroup with a new id: keep its row under the new id."""
        cid = community_id()
        await self._conn.execute(
            "DELETE FROM chats WHERE chat_id = ? AND kind IS NULL AND community_id = ? AND"
            " EXISTS (SELECT 1 FROM chats WHERE chat_id = ? AND community_id = ?)",
            (new_chat_id, cid, old_chat_id, cid),
        )
        cur = await self._conn.execute(
            # Unless the new id has a row of its own already (it is bound itself).
            "UPDATE chats SET chat_id = ?, type = 'supergroup', updated_at = ?"
            " WHERE chat_id = ? AND community_id = ?"
            " AND NOT EXISTS (SELECT 1 FROM chats WHERE chat_id = ?)",
            (new_chat_id, to_db_time(now), old_chat_id, cid, new_chat_id),
        )
        return cur.rowcount > 0

    async def posting(self, kind: str) -> list[ChatRow]:
        """The bound chats of ``kind`` the bot is still in: where its posts for them go."""
        async with self._conn.execute(
            "SELECT * FROM chats WHERE kind = ? AND is_member = 1 AND community_id = ?"
            " ORDER BY title",
            (kind, community_id()),
        ) as cur:
            rows = await cur.fetchall()
        return [_chat(row) for row in rows]

    async def bound(self) -> list[ChatRow]:
        """Every bound chat, by kind then title."""
        async with self._conn.execute(
            "SELECT * FROM chats WHERE kind IS NOT NULL AND community_id = ? ORDER BY kind, title",
            (community_id(),),
        ) as cur:
            rows = await cur.fetchall()
        return [_chat(row) for row in rows]
