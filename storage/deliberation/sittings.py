"""Held sittings (Thursday pavilions and talk days) and what their minutes are made of."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.deliberation.matters import _COLUMNS as MATTER_COLUMNS
from storage.deliberation.matters import MatterRow
from storage.deliberation.matters import _matter as matter_row
from storage.scope import community_id
from storage.times import from_db_time, to_db_time


@dataclass(frozen=True)
class SittingRow:
    """One session or talk day and the moments of its life."""

    id: int
    forum: str
    starts_at: datetime
    agenda_posted_at: datetime | None
    opened_at: datetime | None
    closed_at: datetime | None
    notes: str | None
    minutes_posted_at: datetime | None


@dataclass(frozen=True)
class ClosedVoteRow:
    """The outcome of a closed vote, as counted at its close."""

    id: int
    matter_id: int
    kind: str
    options: tuple[str, ...]
    anonymous: bool
    result: str | None
    counts: tuple[int, ...]
    voters: int
    closed_at: datetime
    #: How many might vote (the electorate at the close; None for votes closed before).
    eligible: int | None = None
    electorate: str = "all"
    electorate_buildings: tuple[str, ...] = ()
    electorate_grid: str | None = None
    #: The paper part of ``counts`` and ``voters`` (bot/deliberation/voting/paper.py).
    paper: tuple[int, ...] = ()
    paper_voters: int = 0
    #: The vote's quorum (法定人数; 0: none).
    quorum: int = 0


def _optional(text: str | None) -> datetime | None:
    return from_db_time(text) if text else None


def _sitting(row: sqlite3.Row) -> SittingRow:
    return SittingRow(
        id=row["id"],
        forum=row["forum"],
        starts_at=from_db_time(row["starts_at"]),
        agenda_posted_at=_optional(row["agenda_posted_at"]),
        opened_at=_optional(row["opened_at"]),
        closed_at=_optional(row["closed_at"]),
        notes=row["notes"],
        minutes_posted_at=_optional(row["minutes_posted_at"]),
    )


def closed_vote(row: sqlite3.Row) -> ClosedVoteRow:
    """A ``votes`` row (closed) as a :class:`ClosedVoteRow`."""
    tally = json.loads(row["tally"]) if row["tally"] else {}
    options = tuple(str(option) for option in json.loads(row["options"]))
    counts = tuple(int(count) for count in tally.get("counts", [0] * len(options)))
    voters = row["voters"] if row["voters"] is not None else tally.get("voters", 0)
    return ClosedVoteRow(
        id=row["id"],
        matter_id=row["matter_id"],
        kind=row["kind"],
        options=options,
        anonymous=bool(row["anonymous"]),
        result=row["result"],
        counts=counts,
        voters=int(voters),
        closed_at=from_db_time(row["closed_at"]),
        eligible=int(tally["eligible"]) if tally.get("eligible") is not None else None,
        electorate=row["electorate"],
        electorate_buildings=tuple(json.loads(row["electorate_buildings"] or "[]")),
        electorate_grid=row["electorate_grid"],
        paper=tuple(int(count) for count in tally.get("paper", ())),
        paper_voters=int(tally.get("paper_voters", 0)),
        quorum=int(row["quorum"] or 0),
    )


class SittingsRepository:
    """Queries on ``sittings``, and the matters and votes their minutes show."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def ensure(self, forum: str, starts_at: datetime) -> SittingRow:
        """The sitting of ``forum`` starting at ``starts_at``, created if new."""
        cid = community_id()
        await self._conn.execute(
            "INSERT OR IGNORE INTO sittings (community_id, forum, starts_at) VALUES (?, ?, ?)",
            (cid, forum, to_db_time(starts_at)),
        )
        async with self._conn.execute(
            "SELECT * FROM sittings WHERE community_id = ? AND forum = ? AND starts_at = ?",
            (cid, forum, to_db_time(starts_at)),
        ) as cur:
            row = await cur.fetchone()
        assert row is not None  # noqa: S101 - inserted just above
        return _sitting(row)

    async def get(self, sitting_id: int) -> SittingRow | None:
        """The sitting, or None."""
        async with self._conn.execute(
            "SELECT * FROM sittings WHERE id = ? AND community_id = ?", (sitting_id, community_id())
        ) as cur:
            row = await cur.fetchone()
        return _sitting(row) if row else None

    async def mark_agenda_posted(self, sitting_id: int, now: datetime) -> None:
        """Record when the agenda went out (the first time only)."""
        await self._conn.execute(
            "UPDATE sittings SET agenda_posted_at = coalesce(agenda_posted_at, ?)"
            " WHERE id = ? AND community_id = ?",
            (to_db_time(now), sitting_id, community_id()),
        )

    async def mark_opened(self, sitting_id: int, now: datetime) -> None:
        """Record when the sitting opened (the first time only)."""
        await self._conn.execute(
            "UPDATE sittings SET opened_at = coalesce(opened_at, ?)"
            " WHERE id = ? AND community_id = ?",
            (to_db_time(now), sitting_id, community_id()),
        )

    async def mark_closed(self, sitting_id: int, now: datetime) -> None:
        """Record the close and the minutes going out (the first time only)."""
        await self._conn.execute(
            "UPDATE sittings SET closed_at = coalesce(closed_at, ?),"
            " minutes_posted_at = coalesce(minutes_posted_at, ?) WHERE id = ? AND community_id = ?",
            (to_db_time(now), to_db_time(now), sitting_id, community_id()),
        )

    async def set_notes(self, sitting_id: int, notes: str | None) -> None:
        """Replace the secretary's notes on the minutes."""
        await self._conn.execute(
            "UPDATE sittings SET notes = ? WHERE id = ? AND community_id = ?",
            (notes, sitting_id, community_id()),
        )

    async def starting_between(self, start: datetime, end: datetime) -> list[SittingRow]:
        """Sittings starting in [start, end), earliest first."""
        async with self._conn.execute(
            "SELECT * FROM sittings WHERE community_id = ? AND starts_at >= ? AND starts_at < ?"
            " ORDER BY starts_at, id",
            (community_id(), to_db_time(start), to_db_time(end)),
        ) as cur:
            rows = await cur.fetchall()
        return [_sitting(row) for row in rows]

    async def latest_started(self, now: datetime) -> SittingRow | None:
        """The sitting that started most recently, at or before ``now``."""
        async with self._conn.execute(
            "SELECT * FROM sittings WHERE community_id = ? AND starts_at <= ?"
            " ORDER BY starts_at DESC, id DESC LIMIT 1",
            (community_id(), to_db_time(now)),
        ) as cur:
            row = await cur.fetchone()
        return _sitting(row) if row else None

    async def previous(self, sitting: SittingRow) -> SittingRow | None:
        """The sitting (of any forum) that started last before ``sitting``."""
        async with self._conn.execute(
            "SELECT * FROM sittings WHERE community_id = ? AND starts_at < ?"
            " ORDER BY starts_at DESC, id DESC LIMIT 1",
            (community_id(), to_db_time(sitting.starts_at)),
        ) as cur:
            row = await cur.fetchone()
        return _sitting(row) if row else None

    async def agenda(self, forum: str, starts_at: datetime) -> list[MatterRow]:
        """The matters put on the agenda of that sitting, by number."""
        async with self._conn.execute(
            f"SELECT {MATTER_COLUMNS} FROM matters m"
            " WHERE m.community_id = ? AND m.agenda_forum = ? AND m.agenda_at = ?"
            " ORDER BY m.number",
            (community_id(), forum, to_db_time(starts_at)),
        ) as cur:
            rows = await cur.fetchall()
        return [matter_row(row) for row in rows]

    async def raised_between(self, start: datetime, end: datetime) -> list[MatterRow]:
        """Matters raised in [start, end), by number (withdrawn and merged ones left out)."""
        async with self._conn.execute(
            f"SELECT {MATTER_COLUMNS} FROM matters m WHERE m.community_id = ?"
            " AND m.created_at >= ? AND m.created_at < ?"
            " AND m.stage NOT IN ('withdrawn', 'merged') ORDER BY m.number",
            (community_id(), to_db_time(start), to_db_time(end)),
        ) as cur:
            rows = await cur.fetchall()
        return [matter_row(row) for row in rows]

    async def last_closed_vote(self, matter_id: int) -> ClosedVoteRow | None:
        """The matter's most recently closed vote, or None."""
        async with self._conn.execute(
            "SELECT * FROM votes WHERE matter_id = ? AND community_id = ? AND closed_at IS NOT NULL"
            " ORDER BY closed_at DESC, id DESC LIMIT 1",
            (matter_id, community_id()),
        ) as cur:
            row = await cur.fetchone()
        return closed_vote(row) if row else None
