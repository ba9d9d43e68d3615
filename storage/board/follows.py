"""Who follows what (关注), to be told of each change: a matter, or a spending project.

One repository serves both: :class:`FollowsRepository` is given the table of the
follows (``matter_follows``, ``project_follows``) and the table of what is followed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.scope import community_id
from storage.times import to_db_time


@dataclass(frozen=True)
class Followed:
    """What a follows table refers to: its table, key column, and the followed table
    with the column that names a row of it (for /export)."""

    table: str
    key: str
    subjects: str
    name: str


#: 关注 a matter; 关注 a spending project (经费公开).
MATTERS = Followed("matter_follows", "matter_id", "matters", "title")
PROJECTS = Followed("project_follows", "project_id", "spending_projects", "name")


class FollowsRepository:
    """Queries on one follows table (``matter_follows`` unless told otherwise)."""

    def __init__(self, conn: aiosqlite.Connection, followed: Followed = MATTERS) -> None:
        self._conn = conn
        self._of = followed

    async def follow(self, person_id: int, subject_id: int, now: datetime) -> bool:
        """Start following; False if the person followed it already."""
        of = self._of
        cur = await self._conn.execute(
            f"INSERT INTO {of.table} (person_id, {of.key}, since, community_id)"
            f" SELECT ?, id, ?, community_id FROM {of.subjects} WHERE id = ? AND community_id = ?"
            f" ON CONFLICT (person_id, {of.key}) DO NOTHING",
            (person_id, to_db_time(now), subject_id, community_id()),
        )
        return cur.rowcount > 0

    async def unfollow(self, person_id: int, subject_id: int) -> bool:
        """Stop following; False if the person did not follow it."""
        of = self._of
        cur = await self._conn.execute(
            f"DELETE FROM {of.table} WHERE person_id = ? AND {of.key} = ? AND community_id = ?",
            (person_id, subject_id, community_id()),
        )
        return cur.rowcount > 0

    async def follows(self, person_id: int, subject_id: int) -> bool:
        """Whether the person follows it."""
        of = self._of
        async with self._conn.execute(
            f"SELECT 1 FROM {of.table} WHERE person_id = ? AND {of.key} = ? AND community_id = ?",
            (person_id, subject_id, community_id()),
        ) as cur:
            return await cur.fetchone() is not None

    async def followers(self, subject_id: int) -> list[int]:
        """The people following it, by id."""
        of = self._of
        async with self._conn.execute(
            f"SELECT person_id FROM {of.table} WHERE {of.key} = ? AND community_id = ?"
            " ORDER BY person_id",
            (subject_id, community_id()),
        ) as cur:
            return [int(row[0]) for row in await cur.fetchall()]

    async def person_record(self, person_id: int) -> list[dict[str, Any]]:
        """For /export: what the person follows (its id and name), since when."""
        of = self._of
        async with self._conn.execute(
            f"SELECT f.{of.key}, s.{of.name}, f.since FROM {of.table} f"
            f" JOIN {of.subjects} s ON s.id = f.{of.key}"
            " WHERE f.person_id = ? AND f.community_id = ?"
            f" ORDER BY f.{of.key}",
            (person_id, community_id()),
        ) as cur:
            return [dict(row) for row in await cur.fetchall()]
