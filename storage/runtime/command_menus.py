"""The command menus set for people with their own (secretaries, street administrators).

Street-wide, as the inbox is: a person's menu is the bot's, whichever community
appointed them. Read at start so that a menu Telegram already has is not set again.
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage.times import to_db_time


class CommandMenusRepository:
    """Queries on ``command_menus``."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def digests(self) -> dict[int, str]:
        """Every person's last menu digest, by their chat id."""
        async with self._conn.execute("SELECT chat_id, digest FROM command_menus") as cur:
            rows = await cur.fetchall()
        return {int(row[0]): str(row[1]) for row in rows}

    async def record(self, chat_id: int, digest: str, now: datetime) -> None:
        """The menu with ``digest`` was set for ``chat_id``."""
        await self._conn.execute(
            "INSERT INTO command_menus (chat_id, digest, set_at) VALUES (?, ?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET digest = excluded.digest,"
            " set_at = excluded.set_at",
            (chat_id, digest, to_db_time(now)),
        )

    async def forget(self, chat_id: int) -> None:
        """A person leaves the register: what was set for them goes too (set again, from
        the start, should they be appointed once more)."""
        await self._conn.execute("DELETE FROM command_menus WHERE chat_id = ?", (chat_id,))
