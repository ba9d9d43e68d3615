"""Guided conversations: the step each person has reached, per chat.

Street-wide by design: a conversation is a Telegram account's, not a community's data
(a street administrator creating a community is in no community yet), so these
queries are not scoped; whatever a step does to a community's records runs in the
community its update entered.

Kept in the database (not in memory) so that a step and its effect commit
together, and a conversation survives a restart. Conversations run in private
chats; the one row kept under a group's chat id is a matter written there with
"提议 …", waiting for its writer to confirm it privately.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.times import to_db_time


@dataclass(frozen=True)
class DialogRow:
    """Where a person is in a guided conversation, and what they have answered so far."""

    chat_id: int
    user_id: int
    flow: str
    step: str
    data: dict[str, Any]


class DialogsRepository:
    """Queries on ``dialogs``."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def get(self, chat_id: int, user_id: int) -> DialogRow | None:
        """The person's open conversation in this chat, or None."""
        async with self._conn.execute(
            "SELECT flow, step, data FROM dialogs WHERE chat_id = ? AND user_id = ?",
            (chat_id, user_id),
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        return DialogRow(chat_id, user_id, row["flow"], row["step"], json.loads(row["data"]))

    async def put(
        self,
        chat_id: int,
        user_id: int,
        flow: str,
        step: str,
        data: dict[str, Any],
        now: datetime,
    ) -> None:
        """Start or advance a conversation."""
        await self._conn.execute(
            "INSERT INTO dialogs (chat_id, user_id, flow, step, data, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (chat_id, user_id) DO UPDATE SET flow = excluded.flow,"
            " step = excluded.step, data = excluded.data, updated_at = excluded.updated_at",
            (chat_id, user_id, flow, step, json.dumps(data, ensure_ascii=False), to_db_time(now)),
        )

    async def end(self, chat_id: int, user_id: int) -> bool:
        """End the person's conversation in this chat; False if there was none."""
        cur = await self._conn.execute(
            "DELETE FROM dialogs WHERE chat_id = ? AND user_id = ?", (chat_id, user_id)
        )
        return cur.rowcount > 0

    async def latest_of(
        self, user_id: int, flow: str, step: str, since: datetime, *, chat_id: int | None = None
    ) -> DialogRow | None:
        """The user's latest conversation at ``step`` of ``flow`` touched since ``since``
        (in ``chat_id`` only, if given), or None."""
        async with self._conn.execute(
            "SELECT chat_id, data FROM dialogs WHERE user_id = ? AND flow = ? AND step = ?"
            " AND updated_at >= ? AND (?5 IS NULL OR chat_id = ?5)"
            " ORDER BY updated_at DESC LIMIT 1",
            (user_id, flow, step, to_db_time(since), chat_id),
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        return DialogRow(row["chat_id"], user_id, flow, step, json.loads(row["data"]))

    async def end_stale(self, flow: str, step: str, before: datetime) -> int:
        """End every conversation at ``step`` of ``flow`` untouched since ``before``."""
        cur = await self._conn.execute(
            "DELETE FROM dialogs WHERE flow = ? AND step = ? AND updated_at < ?",
            (flow, step, to_db_time(before)),
        )
        return cur.rowcount

    async def end_all_of(self, user_id: int) -> int:
        """End every conversation of this user (when they leave the register)."""
        cur = await self._conn.execute("DELETE FROM dialogs WHERE user_id = ?", (user_id,))
        return cur.rowcount
