"""Party birthdays (政治生日): a member's joining date, and the greeting cards sent."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import aiosqlite

from storage.scope import community_id
from storage.times import to_db_time


class BirthdaysRepository:
    """Queries on ``people.party_joined_on`` and ``party_birthday_cards``."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def set_joined(self, person_id: int, joined: date | None) -> bool:
        """Set (or, with None, clear) the day the person joined the Party; False if gone."""
        cur = await self._conn.execute(
            "UPDATE people SET party_joined_on = ? WHERE id = ? AND community_id = ?",
            (joined.isoformat() if joined else None, person_id, community_id()),
        )
        return cur.rowcount > 0

    async def record_card(self, person_id: int, year: int, years: int, at: datetime) -> bool:
        """Note this year's card for the person; False if they have had it already (or
        are not of the current community)."""
        cur = await self._conn.execute(
            "INSERT INTO party_birthday_cards (person_id, year, years, queued_at, community_id)"
            " SELECT id, ?, ?, ?, community_id FROM people WHERE id = ? AND community_id = ?"
            " ON CONFLICT (person_id, year) DO NOTHING",
            (year, years, to_db_time(at), person_id, community_id()),
        )
        return cur.rowcount > 0

    async def cards_of_year(self, year: int) -> set[int]:
        """Who has been sent the year's card (register ids)."""
        async with self._conn.execute(
            "SELECT person_id FROM party_birthday_cards WHERE year = ? AND community_id = ?",
            (year, community_id()),
        ) as cur:
            return {int(row[0]) for row in await cur.fetchall()}

    async def person_record(self, person_id: int) -> dict[str, Any]:
        """For /export: the greeting cards the person was sent, by year."""
        async with self._conn.execute(
            "SELECT year, years, queued_at FROM party_birthday_cards"
            " WHERE person_id = ? AND community_id = ? ORDER BY year",
            (person_id, community_id()),
        ) as cur:
            rows = await cur.fetchall()
        return {"birthday_cards": [dict(row) for row in rows]}
