"""What a sitting's minutes add to the record: its chair and recorder, the opinions quoted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.scope import community_id
from storage.times import to_db_time

#: The roles a sitting's minutes name.
OFFICER_ROLES = ("chair", "recorder")


@dataclass(frozen=True)
class OfficerRow:
    """Who chaired or recorded: a person of the register (their name now), or a typed name."""

    role: str
    person_id: int | None
    name: str | None


class MinutesRepository:
    """Queries on ``sitting_officers`` and ``minutes_excerpts``, of the current community."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def officers(self, sitting_id: int) -> dict[str, OfficerRow]:
        """The sitting's chair and recorder as set (a role not set is missing)."""
        async with self._conn.execute(
            "SELECT o.role, o.person_id, coalesce(p.display_name, o.name) AS name"
            " FROM sitting_officers o LEFT JOIN people p ON p.id = o.person_id"
            " WHERE o.sitting_id = ? AND o.community_id = ?",
            (sitting_id, community_id()),
        ) as cur:
            rows = await cur.fetchall()
        return {row["role"]: OfficerRow(row["role"], row["person_id"], row["name"]) for row in rows}

    async def set_officer(
        self,
        sitting_id: int,
        role: str,
        person_id: int | None,
        name: str | None,
        by: int | None,
        now: datetime,
    ) -> None:
        """Set (replace) who chaired or recorded the sitting."""
        await self._conn.execute(
            "INSERT INTO sitting_officers (community_id, sitting_id, role, person_id, name,"
            " set_by, set_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sitting_id, role)"
            " DO UPDATE SET person_id = excluded.person_id, name = excluded.name,"
            " set_by = excluded.set_by, set_at = excluded.set_at"
            " WHERE sitting_officers.community_id = excluded.community_id",
            (community_id(), sitting_id, role, person_id, name, by, to_db_time(now)),
        )

    async def excerpts(self, sitting_id: int) -> set[int]:
        """The comments chosen to be quoted in the sitting's minutes."""
        async with self._conn.execute(
            "SELECT comment_id FROM minutes_excerpts WHERE sitting_id = ? AND community_id = ?",
            (sitting_id, community_id()),
        ) as cur:
            return {int(row[0]) for row in await cur.fetchall()}

    async def toggle_excerpt(
        self, sitting_id: int, comment_id: int, by: int | None, now: datetime
    ) -> bool:
        """Choose the comment for the minutes, or drop it; True if it is chosen now."""
        cid = community_id()
        cur = await self._conn.execute(
            "DELETE FROM minutes_excerpts WHERE sitting_id = ? AND comment_id = ?"
            " AND community_id = ?",
            (sitting_id, comment_id, cid),
        )
        if cur.rowcount:
            return False
        # Only a comment of this community can be quoted (a forged id adds nothing).
        cur = await self._conn.execute(
            "INSERT INTO minutes_excerpts (community_id, sitting_id, comment_id, chosen_by,"
            " chosen_at) SELECT ?, ?, id, ?, ? FROM comments WHERE id = ? AND community_id = ?",
            (cid, sitting_id, by, to_db_time(now), comment_id, cid),
        )
        return cur.rowcount > 0
