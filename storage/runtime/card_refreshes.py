"""Card refreshes one worker asks the sending worker to make (several workers).

Street-wide, as the inbox is: the worker that sends takes every community's
(handlers/cards.py says why only it edits cards). PostgreSQL only in use; the
statements are portable.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import aiosqlite


@dataclass(frozen=True)
class CardRefresh:
    """One card to edit soon: its edit name, what its refresh reads, how soon, and the
    community it is in (None: asked outside any community)."""

    name: str
    data: object
    seconds: float
    community: int | None


class CardRefreshesRepository:
    """Queries on ``card_refreshes``."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def ask(self, refreshes: list[CardRefresh]) -> None:
        """Leave these cards for the sending worker; a card already waiting stays as it is
        (its refresh will read the latest state)."""
        await self._conn.executemany(
            "INSERT INTO card_refreshes (community_id, name, data, seconds) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (community_id, name) DO NOTHING",
            [(r.community or 0, r.name, json.dumps(r.data), float(r.seconds)) for r in refreshes],
        )

    async def take(self) -> list[CardRefresh]:
        """Every card waiting, removed as it is taken (by the one worker that sends)."""
        async with self._conn.execute(
            "DELETE FROM card_refreshes RETURNING community_id, name, data, seconds"
        ) as cur:
            rows = await cur.fetchall()
        return [
            CardRefresh(str(row[1]), json.loads(row[2]), float(row[3]), int(row[0]) or None)
            for row in rows
        ]
