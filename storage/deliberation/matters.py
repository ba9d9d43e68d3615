"""Matters raised by residents (民提), the supports (附议) they gather, and their history."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.scope import community_id
from storage.times import from_db_time, to_db_time


@dataclass(frozen=True)
class MatterRow:
    """A matter, with how many residents support it."""

    id: int
    title: str
    details: str
    raised_by: int | None
    stage: str
    support_until: datetime
    agenda_forum: str | None
    agenda_at: datetime | None
    withdrawn_reason: str | None
    card_push_id: int | None
    created_at: datetime
    supports: int
    kind: str = "matter"
    photo_file_id: str | None = None
    merged_into: int | None = None
    resolution: str | None = None
    resolved_at: datetime | None = None
    major: bool = False
    owner_kind: str | None = None
    owner_person_id: int | None = None
    owner_name: str | None = None
    due_at: datetime | None = None
    progress: int = 0
    done_at: datetime | None = None
    comments: int = 0
    #: What people call it (#12): counted within the community, unlike ``id``.
    number: int = 0
    #: The number of the matter this one was merged into (``merged_into`` is its id).
    merged_into_number: int | None = None


@dataclass(frozen=True)
class MatterEventRow:
    """One step in a matter's history."""

    id: int
    matter_id: int
    at: datetime
    kind: str
    actor_id: int | None
    detail: dict[str, Any]


#: Who sees each step added to a matter's history, in the unit of work that adds it:
#: name -> listener(connection, event). Filled by the services that need it (the
#: public board's followers, bot/board/follows.py); storage knows nothing of them.
MatterEventListener = Callable[[aiosqlite.Connection, MatterEventRow], Awaitable[None]]
EVENT_LISTENERS: dict[str, MatterEventListener] = {}

_COLUMNS = (
    "m.*, (SELECT count(*) FROM matter_supports s WHERE s.matter_id = m.id"
    " AND s.community_id = m.community_id) AS supports,"
    " (SELECT count(*) FROM comments c WHERE c.matter_id = m.id"
    " AND c.community_id = m.community_id) AS comments,"
    " (SELECT k.number FROM matters k WHERE k.id = m.merged_into"
    " AND k.community_id = m.community_id) AS merged_into_number"
)


#: The stages of a matter still in hand, in the order /matters shows them.
UNFINISHED_STAGES = ("voting", "agenda", "raised", "passed", "in_progress", "acceptance")
_UNFINISHED = ", ".join(f"'{stage}'" for stage in UNFINISHED_STAGES)


def _optional_time(text: str | None) -> datetime | None:
    return from_db_time(text) if text else None


def _matter(row: sqlite3.Row) -> MatterRow:
    return MatterRow(
        id=row["id"],
        title=row["title"],
        details=row["details"],
        raised_by=row["raised_by"],
        stage=row["stage"],
        support_until=from_db_time(row["support_until"]),
        agenda_forum=row["agenda_forum"],
        agenda_at=_optional_time(row["agenda_at"]),
        withdrawn_reason=row["withdrawn_reason"],
        card_push_id=row["card_push_id"],
        created_at=from_db_time(row["created_at"]),
        supports=int(row["supports"]),
        kind=row["kind"],
        photo_file_id=row["photo_file_id"],
        merged_into=row["merged_into"],
        resolution=row["resolution"],
        resolved_at=_optional_time(row["resolved_at"]),
        major=bool(row["major"]),
        owner_kind=row["owner_kind"],
        owner_person_id=row["owner_person_id"],
        owner_name=row["owner_name"],
        due_at=_optional_time(row["due_at"]),
        progress=int(row["progress"]),
        done_at=_optional_time(row["done_at"]),
        comments=int(row["comments"]),
        number=int(row["number"]),
        merged_into_number=row["merged_into_number"],
    )


class MattersRepository:
    """Queries on ``matters`` and ``matter_supports``."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def create(
        self,
        *,
        title: str,
        details: str,
        raised_by: int | None,
        support_until: datetime,
        now: datetime,
        photo_file_id: str | None = None,
    ) -> int:
        """Record a raised matter, numbered next in its community; returns its id."""
        cid = community_id()
        cur = await self._conn.execute(
            "INSERT INTO matters (community_id, number, title, details, raised_by,"
            " support_until, created_at, updated_at, photo_file_id) VALUES (?,"
            " (SELECT coalesce(max(number), 0) + 1 FROM matters WHERE community_id = ?),"
            " ?, ?, ?, ?, ?, ?, ?)",
            (
                cid,
                cid,
                title,
                details,
                raised_by,
                to_db_time(support_until),
                to_db_time(now),
                to_db_time(now),
                photo_file_id,
            ),
        )
        assert cur.lastrowid is not None  # noqa: S101 - an INSERT always has one
        return cur.lastrowid

    async def get(self, matter_id: int) -> MatterRow | None:
        """The matter, or None."""
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM matters m WHERE m.id = ? AND m.community_id = ?",
            (matter_id, community_id()),
        ) as cur:
            row = await cur.fetchone()
        return _matter(row) if row else None

    async def by_number(self, number: int) -> MatterRow | None:
        """The community's matter #``number`` (as a person types it), or None."""
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM matters m WHERE m.community_id = ? AND m.number = ?",
            (community_id(), number),
        ) as cur:
            row = await cur.fetchone()
        return _matter(row) if row else None

    async def numbers(self, matter_ids: list[int]) -> dict[int, int]:
        """The number of each of these matters (by id); ids of no matter here are left out."""
        if not matter_ids:
            return {}
        marks = ", ".join("?" for _ in matter_ids)
        async with self._conn.execute(
            f"SELECT id, number FROM matters WHERE community_id = ? AND id IN ({marks})",
            (community_id(), *matter_ids),
        ) as cur:
            return {int(row[0]): int(row[1]) for row in await cur.fetchall()}

    async def open(self) -> list[MatterRow]:
        """Matters still gathering support or on an agenda, agenda first, then by number."""
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM matters m WHERE m.community_id = ?"
            " AND m.stage IN ('raised', 'agenda') ORDER BY m.stage = 'raised', m.number",
            (community_id(),),
        ) as cur:
            rows = await cur.fetchall()
        return [_matter(row) for row in rows]

    async def support(self, matter_id: int, person_id: int, now: datetime) -> bool:
        """Add a person's support; False if they had already supported it."""
        cur = await self._conn.execute(
            "INSERT OR IGNORE INTO matter_supports (community_id, matter_id, person_id, at)"
            " SELECT ?, id, ?, ? FROM matters WHERE id = ? AND community_id = ?",
            (community_id(), person_id, to_db_time(now), matter_id, community_id()),
        )
        return cur.rowcount > 0

    async def has_supported(self, matter_id: int, person_id: int) -> bool:
        """Whether the person supports the matter."""
        async with self._conn.execute(
            "SELECT 1 FROM matter_supports WHERE matter_id = ? AND person_id = ?"
            " AND community_id = ?",
            (matter_id, person_id, community_id()),
        ) as cur:
            return await cur.fetchone() is not None

    async def put_on_agenda(
        self, matter_id: int, forum: str, agenda_at: datetime, now: datetime
    ) -> None:
        """Move the matter onto the agenda of a session or talk day."""
        await self._conn.execute(
            "UPDATE matters SET stage = 'agenda', agenda_forum = ?, agenda_at = ?,"
            " updated_at = ? WHERE id = ? AND community_id = ?",
            (forum, to_db_time(agenda_at), to_db_time(now), matter_id, community_id()),
        )

    async def set_card_push(self, matter_id: int, push_id: int) -> None:
        """Remember the push that posted the matter's card."""
        await self._conn.execute(
            "UPDATE matters SET card_push_id = ? WHERE id = ? AND community_id = ?",
            (push_id, matter_id, community_id()),
        )

    async def set_stage(self, matter_id: int, stage: str, now: datetime) -> None:
        """Move the matter to ``stage`` (the schema refuses an unknown one)."""
        await self._conn.execute(
            "UPDATE matters SET stage = ?, updated_at = ? WHERE id = ? AND community_id = ?",
            (stage, to_db_time(now), matter_id, community_id()),
        )

    async def add_event(
        self,
        matter_id: int,
        kind: str,
        *,
        actor_id: int | None,
        now: datetime,
        **detail: Any,
    ) -> None:
        """Append a step to the matter's history; ``detail`` must be JSON-serialisable.

        Every :data:`EVENT_LISTENERS` entry then sees the step in the same unit of work
        (the public board tells the matter's followers, bot/board/follows.py)."""
        cur = await self._conn.execute(
            "INSERT INTO matter_events (community_id, matter_id, at, kind, actor_id, detail)"
            " SELECT ?, id, ?, ?, ?, ? FROM matters WHERE id = ? AND community_id = ?",
            (
                community_id(),
                to_db_time(now),
                kind,
                actor_id,
                json.dumps(detail, ensure_ascii=False),
                matter_id,
                community_id(),
            ),
        )
        if cur.rowcount <= 0:
            return  # no such matter in this community: nothing to record
        assert cur.lastrowid is not None  # noqa: S101 - an INSERT has a row id
        event = MatterEventRow(cur.lastrowid, matter_id, now, kind, actor_id, detail)
        for listener in EVENT_LISTENERS.values():
            await listener(self._conn, event)

    async def resolved(self, offset: int, limit: int) -> list[MatterRow]:
        """Matters with a resolution (决议), the latest first (the public board)."""
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM matters m WHERE m.community_id = ?"
            " AND m.resolution IS NOT NULL"
            " ORDER BY m.resolved_at DESC, m.id DESC LIMIT ? OFFSET ?",
            (community_id(), limit, offset),
        ) as cur:
            return [_matter(row) for row in await cur.fetchall()]

    async def count_resolved(self) -> int:
        """How many matters have a resolution."""
        async with self._conn.execute(
            "SELECT count(*) FROM matters WHERE community_id = ? AND resolution IS NOT NULL",
            (community_id(),),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def events(self, matter_id: int) -> list[MatterEventRow]:
        """The matter's history, oldest first."""
        async with self._conn.execute(
            "SELECT * FROM matter_events WHERE matter_id = ? AND community_id = ? ORDER BY id",
            (matter_id, community_id()),
        ) as cur:
            rows = await cur.fetchall()
        return [
            MatterEventRow(
                id=row["id"],
                matter_id=row["matter_id"],
                at=from_db_time(row["at"]),
                kind=row["kind"],
                actor_id=row["actor_id"],
                detail=json.loads(row["detail"]),
            )
            for row in rows
        ]

    async def set_kind(self, matter_id: int, kind: str, now: datetime) -> None:
        """Mark the matter an ordinary matter or a convention (社区公约) proposal."""
        await self._conn.execute(
            "UPDATE matters SET kind = ?, updated_at = ? WHERE id = ? AND community_id = ?",
            (kind, to_db_time(now), matter_id, community_id()),
        )

    async def set_resolution(self, matter_id: int, resolution: str, now: datetime) -> None:
        """Record the resolution written after the matter's vote."""
        await self._conn.execute(
            "UPDATE matters SET resolution = ?, resolved_at = ?, updated_at = ?"
            " WHERE id = ? AND community_id = ?",
            (resolution, to_db_time(now), to_db_time(now), matter_id, community_id()),
        )

    # --- secretary controls and card lookups  ----------------------------

    async def by_card_push(self, push_id: int) -> MatterRow | None:
        """The matter whose card was posted by push ``push_id``, or None."""
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM matters m WHERE m.card_push_id = ? AND m.community_id = ?",
            (push_id, community_id()),
        ) as cur:
            row = await cur.fetchone()
        return _matter(row) if row else None

    async def withdraw(self, matter_id: int, reason: str, now: datetime) -> None:
        """Withdraw the matter with a reason (shown on its card and in /matter N)."""
        await self._conn.execute(
            "UPDATE matters SET stage = 'withdrawn', withdrawn_reason = ?, updated_at = ?"
            " WHERE id = ? AND community_id = ?",
            (reason, to_db_time(now), matter_id, community_id()),
        )

    async def merge_into(self, matter_id: int, kept_id: int, now: datetime) -> int:
        """Merge a duplicate into ``kept_id``; returns how many supports moved over.

        The duplicate's supporters become supporters of the kept matter where
        they were not already (its raiser excepted: one does not second oneself;
        supports of people who left the register stay with the duplicate).
        """
        cid = community_id()
        cur = await self._conn.execute(
            "INSERT OR IGNORE INTO matter_supports (community_id, matter_id, person_id, at)"
            " SELECT ?, k.id, s.person_id, ? FROM matter_supports s"
            " JOIN matters k ON k.id = ? AND k.community_id = ?"
            " WHERE s.matter_id = ? AND s.community_id = ? AND s.person_id IS NOT NULL"
            " AND s.person_id IS NOT k.raised_by",
            (cid, to_db_time(now), kept_id, cid, matter_id, cid),
        )
        moved = max(cur.rowcount, 0)
        await self._conn.execute(
            "UPDATE matters SET stage = 'merged', merged_into = ?, updated_at = ?"
            " WHERE id = ? AND community_id = ?"
            " AND EXISTS (SELECT 1 FROM matters k WHERE k.id = ? AND k.community_id = ?)",
            (kept_id, to_db_time(now), matter_id, cid, kept_id, cid),
        )
        return moved

    async def merged_from(self, matter_id: int) -> list[int]:
        """The numbers (#) of the duplicates merged into this matter."""
        async with self._conn.execute(
            "SELECT number FROM matters WHERE merged_into = ? AND community_id = ? ORDER BY number",
            (matter_id, community_id()),
        ) as cur:
            rows = await cur.fetchall()
        return [int(row[0]) for row in rows]

    async def unfinished(self) -> list[MatterRow]:
        """Every matter still in hand (raised up to being accepted), by number."""
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM matters m WHERE m.community_id = ?"
            f" AND m.stage IN ({_UNFINISHED}) ORDER BY m.number",
            (community_id(),),
        ) as cur:
            rows = await cur.fetchall()
        return [_matter(row) for row in rows]

    async def person_record(self, person_id: int) -> dict[str, Any]:
        """What deliberation holds about a person (for /export): matters raised and
        supported, comments, ballots of public votes (anonymous ones cannot be told
        apart, by design), ratings and progress reports."""

        cid = community_id()

        async def rows(sql: str) -> list[dict[str, Any]]:
            async with self._conn.execute(sql, (person_id, cid)) as cur:
                return [dict(row) for row in await cur.fetchall()]

        return {
            "matters_raised": await rows(
                "SELECT id, number, title, stage, created_at FROM matters"
                " WHERE raised_by = ? AND community_id = ? ORDER BY id"
            ),
            "supports": await rows(
                "SELECT s.matter_id, m.number AS matter_number, s.at FROM matter_supports s"
                " JOIN matters m ON m.id = s.matter_id"
                " WHERE s.person_id = ? AND s.community_id = ? ORDER BY s.at"
            ),
            "comments": await rows(
                "SELECT c.matter_id, m.number AS matter_number, c.text, c.created_at, c.hidden_at"
                " FROM comments c"
                " JOIN matters m ON m.id = c.matter_id"
                " WHERE c.person_id = ? AND c.community_id = ? ORDER BY c.id"
            ),
            "public_ballots": await rows(
                "SELECT b.vote_id, v.matter_id, m.number AS matter_number, b.choice, b.cast_at,"
                " b.recorded_by"
                " FROM ballots b JOIN votes v ON v.id = b.vote_id"
                " JOIN matters m ON m.id = v.matter_id"
                " WHERE b.person_id = ? AND b.community_id = ? AND v.anonymous = 0"
                " ORDER BY b.cast_at"
            ),
            "ratings": await rows(
                "SELECT r.matter_id, m.number AS matter_number, r.rating, r.at FROM ratings r"
                " JOIN matters m ON m.id = r.matter_id"
                " WHERE r.person_id = ? AND r.community_id = ? ORDER BY r.at"
            ),
            "progress_reports": await rows(
                "SELECT p.matter_id, m.number AS matter_number, p.percent, p.text, p.at"
                " FROM progress_reports p"
                " JOIN matters m ON m.id = p.matter_id"
                " WHERE p.person_id = ? AND p.community_id = ? ORDER BY p.id"
            ),
        }
