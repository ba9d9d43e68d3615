"""A sitting's attendance list, the paper voters of a vote, and a vote's paper count.

Attendees are members of the register: a registered person (kind "p") or a resident
entered on paper (kind "w"), as in proxy ballots. A paper voter row says that this
member handed in a paper ballot for this vote, never what they chose.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.deliberation.votes import VoteRow
from storage.deliberation.votes import _vote as vote_row
from storage.scope import community_id
from storage.times import from_db_time, to_db_time

PERSON = "p"
PAPER_RESIDENT = "w"
#: How an attendee came on the list: marked by the secretary, or checked in with the code.
BY_SECRETARY = "secretary"
SELF_CHECKIN = "self"


@dataclass(frozen=True)
class MemberRow:
    """A member of the register who may attend: registered resident or paper resident."""

    kind: str
    id: int
    name: str
    building: str | None


@dataclass(frozen=True)
class AttendeeRow:
    """A member marked present at a sitting (or as a paper voter of a vote)."""

    kind: str
    id: int
    name: str
    building: str | None
    marked_by: str | None
    marked_at: datetime
    #: BY_SECRETARY, or SELF_CHECKIN (then ``marked_by`` is None: nobody marked them).
    source: str = BY_SECRETARY


@dataclass(frozen=True)
class GuestsRow:
    """How many attendees not in the register came, who set it, when."""

    count: int
    set_by: str | None
    set_at: datetime


@dataclass(frozen=True)
class PaperCountRow:
    """A vote's paper ballots per option, who counted, who witnessed, who entered it."""

    vote_id: int
    sitting_id: int | None
    counts: tuple[int, ...]
    ballots: int
    counter_id: int | None
    counter: str | None
    witness_id: int | None
    witness: str | None
    entered_by: str | None
    entered_at: datetime


def _columns(kind: str) -> tuple[str, str]:
    """(this kind's column, the other one) of a table keyed by person or paper resident."""
    if kind == PERSON:
        return "person_id", "paper_resident_id"
    if kind == PAPER_RESIDENT:
        return "paper_resident_id", "person_id"
    raise ValueError(kind)


#: Name and building of the member of an attendance-like row ``a``.
_MEMBER = (
    "CASE WHEN a.person_id IS NOT NULL THEN 'p' ELSE 'w' END AS kind,"
    " coalesce(a.person_id, a.paper_resident_id) AS member_id,"
    " coalesce(p.display_name, w.display_name) AS name,"
    " coalesce(p.building, w.building) AS building,"
    " m.display_name AS marked_by_name, a.marked_at"
)
_JOINS = (
    " LEFT JOIN people p ON p.id = a.person_id"
    " LEFT JOIN paper_residents w ON w.id = a.paper_resident_id"
    " LEFT JOIN people m ON m.id = a.marked_by"
)


def _by_building(rows: list[AttendeeRow]) -> list[AttendeeRow]:
    return sorted(rows, key=lambda a: (a.building is None, a.building or "", a.name, a.kind, a.id))


def _attendee(row: sqlite3.Row) -> AttendeeRow:
    return AttendeeRow(
        kind=row["kind"],
        id=row["member_id"],
        name=row["name"],
        building=row["building"],
        marked_by=row["marked_by_name"],
        marked_at=from_db_time(row["marked_at"]),
        source=row["source"],
    )


def _paper_count(row: sqlite3.Row) -> PaperCountRow:
    return PaperCountRow(
        vote_id=row["vote_id"],
        sitting_id=row["sitting_id"],
        counts=tuple(int(count) for count in json.loads(row["counts"])),
        ballots=row["ballots"],
        counter_id=row["counter_id"],
        counter=row["counter"],
        witness_id=row["witness_id"],
        witness=row["witness"],
        entered_by=row["entered_by_name"],
        entered_at=from_db_time(row["entered_at"]),
    )


_PAPER_COUNT = (
    "SELECT c.vote_id, c.sitting_id, c.counts, c.ballots, c.counter_id, c.witness_id,"
    " c.entered_at, coalesce(pc.display_name, c.counter_name) AS counter,"
    " coalesce(pw.display_name, c.witness_name) AS witness, pe.display_name AS entered_by_name"
    " FROM paper_counts c LEFT JOIN people pc ON pc.id = c.counter_id"
    " LEFT JOIN people pw ON pw.id = c.witness_id LEFT JOIN people pe ON pe.id = c.entered_by"
)


def is_paper_voter(
    conn: sqlite3.Connection, community: int, vote_id: int, kind: str, member_id: int
) -> bool:
    """Whether the member handed in a paper ballot for the vote (for the ballot box's thread,
    where the current community is not known: the caller passes ``community``)."""
    column, _ = _columns(kind)
    row = conn.execute(
        f"SELECT 1 FROM paper_voters WHERE vote_id = ? AND {column} = ? AND community_id = ?",
        (vote_id, member_id, community),
    ).fetchone()
    return row is not None


class AttendanceRepository:
    """Queries on ``sitting_attendance``, ``sitting_guests``, ``paper_voters`` and
    ``paper_counts``, of the current community."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def members(self) -> list[MemberRow]:
        """Everyone in the register who may attend: residents and paper residents, by
        building and name."""
        cid = community_id()
        async with self._conn.execute(
            "SELECT 'p' AS kind, p.id, p.display_name, p.building FROM people p"
            " JOIN person_roles r ON r.person_id = p.id AND r.role = 'resident'"
            " WHERE p.community_id = ?"
            " UNION ALL SELECT 'w', w.id, w.display_name, w.building FROM paper_residents w"
            " WHERE w.community_id = ?",
            (cid, cid),
        ) as cur:
            rows = await cur.fetchall()
        members = [MemberRow(row[0], row[1], row[2], row[3]) for row in rows]
        return sorted(members, key=lambda m: (m.building is None, m.building or "", m.name, m.id))

    async def member(self, kind: str, member_id: int) -> MemberRow | None:
        """One member of the register, or None (gone, or not a resident)."""
        for member in await self.members():
            if member.kind == kind and member.id == member_id:
                return member
        return None

    async def present(self, sitting_id: int) -> list[AttendeeRow]:
        """The members marked present at the sitting, by building and name."""
        async with self._conn.execute(
            f"SELECT {_MEMBER}, a.source FROM sitting_attendance a{_JOINS}"
            " WHERE a.sitting_id = ? AND a.community_id = ?",
            (sitting_id, community_id()),
        ) as cur:
            rows = await cur.fetchall()
        return _by_building([_attendee(row) for row in rows])

    async def set_present(
        self, sitting_id: int, kind: str, member_id: int, on: bool, by: int | None, now: datetime
    ) -> None:
        """Mark the member present at the sitting, or not."""
        column, _ = _columns(kind)
        cid = community_id()
        if on:
            await self._conn.execute(
                f"INSERT OR IGNORE INTO sitting_attendance (community_id, sitting_id, {column},"
                " marked_by, marked_at) VALUES (?, ?, ?, ?, ?)",
                (cid, sitting_id, member_id, by, to_db_time(now)),
            )
        else:
            await self._conn.execute(
                f"DELETE FROM sitting_attendance WHERE sitting_id = ? AND {column} = ?"
                " AND community_id = ?",
                (sitting_id, member_id, cid),
            )

    async def check_in_self(self, sitting_id: int, person_id: int, now: datetime) -> bool:
        """The person checked in with the sitting's code; False if already on the list."""
        cur = await self._conn.execute(
            "INSERT OR IGNORE INTO sitting_attendance (community_id, sitting_id, person_id,"
            " marked_at, source) VALUES (?, ?, ?, ?, ?)",
            (community_id(), sitting_id, person_id, to_db_time(now), SELF_CHECKIN),
        )
        return cur.rowcount == 1

    async def code_secret(self, sitting_id: int) -> str | None:
        """The secret of the sitting's check-in code, if a secretary has shown it."""
        async with self._conn.execute(
            "SELECT secret FROM sitting_codes WHERE sitting_id = ? AND community_id = ?",
            (sitting_id, community_id()),
        ) as cur:
            row = await cur.fetchone()
        return str(row[0]) if row else None

    async def keep_code_secret(self, sitting_id: int, secret: str) -> str:
        """The sitting's code secret: ``secret`` if it had none yet, else the one it has."""
        await self._conn.execute(
            "INSERT OR IGNORE INTO sitting_codes (community_id, sitting_id, secret)"
            " VALUES (?, ?, ?)",
            (community_id(), sitting_id, secret),
        )
        kept = await self.code_secret(sitting_id)
        if kept is None:
            raise LookupError(f"sitting {sitting_id} is not of this community")
        return kept

    async def guests(self, sitting_id: int) -> GuestsRow | None:
        """The number of attendees not in the register, if set."""
        async with self._conn.execute(
            "SELECT g.count, g.set_at, p.display_name FROM sitting_guests g"
            " LEFT JOIN people p ON p.id = g.set_by WHERE g.sitting_id = ? AND g.community_id = ?",
            (sitting_id, community_id()),
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        return GuestsRow(row["count"], row["display_name"], from_db_time(row["set_at"]))

    async def set_guests(self, sitting_id: int, count: int, by: int | None, now: datetime) -> None:
        """Set the number of attendees not in the register."""
        await self._conn.execute(
            "INSERT INTO sitting_guests (community_id, sitting_id, count, set_by, set_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (sitting_id) DO UPDATE SET"
            " count = excluded.count, set_by = excluded.set_by, set_at = excluded.set_at"
            " WHERE sitting_guests.community_id = excluded.community_id",
            (community_id(), sitting_id, count, by, to_db_time(now)),
        )

    async def paper_voters(self, vote_id: int) -> list[AttendeeRow]:
        """The members marked as having handed in a paper ballot for the vote."""
        async with self._conn.execute(
            f"SELECT {_MEMBER}, '{BY_SECRETARY}' AS source FROM paper_voters a{_JOINS}"
            " WHERE a.vote_id = ? AND a.community_id = ?",
            (vote_id, community_id()),
        ) as cur:
            rows = await cur.fetchall()
        return _by_building([_attendee(row) for row in rows])

    async def is_paper_voter(self, vote_id: int, kind: str, member_id: int) -> bool:
        """Whether the member handed in a paper ballot for the vote."""
        column, _ = _columns(kind)
        async with self._conn.execute(
            f"SELECT 1 FROM paper_voters WHERE vote_id = ? AND {column} = ? AND community_id = ?",
            (vote_id, member_id, community_id()),
        ) as cur:
            return await cur.fetchone() is not None

    async def paper_votes_of(self, sitting_id: int, kind: str, member_id: int) -> int:
        """How many votes the member is marked as a paper voter of, at this sitting."""
        column, _ = _columns(kind)
        async with self._conn.execute(
            f"SELECT count(*) FROM paper_voters WHERE sitting_id = ? AND {column} = ?"
            " AND community_id = ?",
            (sitting_id, member_id, community_id()),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def set_paper_voter(
        self,
        vote_id: int,
        sitting_id: int,
        kind: str,
        member_id: int,
        on: bool,
        by: int | None,
        now: datetime,
    ) -> None:
        """Mark the member as having handed in a paper ballot for the vote, or not."""
        column, _ = _columns(kind)
        cid = community_id()
        if on:
            await self._conn.execute(
                f"INSERT OR IGNORE INTO paper_voters (community_id, vote_id, sitting_id, {column},"
                " marked_by, marked_at) VALUES (?, ?, ?, ?, ?, ?)",
                (cid, vote_id, sitting_id, member_id, by, to_db_time(now)),
            )
        else:
            await self._conn.execute(
                f"DELETE FROM paper_voters WHERE vote_id = ? AND {column} = ? AND community_id = ?",
                (vote_id, member_id, cid),
            )

    async def paper_count(self, vote_id: int) -> PaperCountRow | None:
        """The vote's paper count, or None."""
        async with self._conn.execute(
            f"{_PAPER_COUNT} WHERE c.vote_id = ? AND c.community_id = ?", (vote_id, community_id())
        ) as cur:
            row = await cur.fetchone()
        return _paper_count(row) if row else None

    async def paper_counts_of(self, vote_ids: list[int]) -> dict[int, PaperCountRow]:
        """The paper counts of these votes, by vote."""
        if not vote_ids:
            return {}
        marks = ",".join("?" * len(vote_ids))
        async with self._conn.execute(
            f"{_PAPER_COUNT} WHERE c.community_id = ? AND c.vote_id IN ({marks})",
            (community_id(), *vote_ids),
        ) as cur:
            rows = await cur.fetchall()
        return {row["vote_id"]: _paper_count(row) for row in rows}

    async def put_paper_count(
        self,
        *,
        vote_id: int,
        sitting_id: int | None,
        counts: tuple[int, ...],
        ballots: int,
        counter_id: int | None,
        counter_name: str | None,
        witness_id: int | None,
        witness_name: str | None,
        entered_by: int | None,
        now: datetime,
    ) -> None:
        """Record the vote's paper count, replacing an earlier one."""
        await self._conn.execute(
            "INSERT INTO paper_counts (community_id, vote_id, sitting_id, counts, ballots,"
            " counter_id, counter_name, witness_id, witness_name, entered_by, entered_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (vote_id) DO UPDATE SET"
            " sitting_id = excluded.sitting_id, counts = excluded.counts,"
            " ballots = excluded.ballots, counter_id = excluded.counter_id,"
            " counter_name = excluded.counter_name, witness_id = excluded.witness_id,"
            " witness_name = excluded.witness_name, entered_by = excluded.entered_by,"
            " entered_at = excluded.entered_at"
            # Never another community's count (a forged vote id changes nothing).
            " WHERE paper_counts.community_id = excluded.community_id",
            (
                community_id(),
                vote_id,
                sitting_id,
                json.dumps(list(counts)),
                ballots,
                counter_id,
                counter_name,
                witness_id,
                witness_name,
                entered_by,
                to_db_time(now),
            ),
        )

    async def open_sitting_id(self, now: datetime) -> int | None:
        """The sitting open at ``now`` (opened, not closed), the latest such; or None."""
        async with self._conn.execute(
            "SELECT id FROM sittings WHERE community_id = ? AND opened_at IS NOT NULL"
            " AND closed_at IS NULL AND starts_at <= ? ORDER BY starts_at DESC, id DESC LIMIT 1",
            (community_id(), to_db_time(now)),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else None

    async def open_votes(self) -> list[VoteRow]:
        """Votes still open, oldest first (paper ballots may be counted for them)."""
        async with self._conn.execute(
            "SELECT * FROM votes WHERE community_id = ? AND closed_at IS NULL ORDER BY id",
            (community_id(),),
        ) as cur:
            rows = await cur.fetchall()
        return [vote_row(row) for row in rows]

    async def counted_at(self, sitting_id: int) -> list[int]:
        """The votes whose paper count was entered at the sitting."""
        async with self._conn.execute(
            "SELECT vote_id FROM paper_counts WHERE sitting_id = ? AND community_id = ?"
            " ORDER BY vote_id",
            (sitting_id, community_id()),
        ) as cur:
            rows = await cur.fetchall()
        return [int(row[0]) for row in rows]
