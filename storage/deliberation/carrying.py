"""Carrying out decided matters (民办): owners and due dates, progress reports,
referrals to outside departments, residents' ratings, and the supervision
group with its acceptance sign-offs.

All tables come from migration 4; one parameterised query per intention.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.scope import community_id
from storage.times import from_db_time, to_db_time


def _optional_time(text: str | None) -> datetime | None:
    return from_db_time(text) if text else None


@dataclass(frozen=True)
class ProgressRow:
    """One progress report on a matter."""

    id: int
    matter_id: int
    person_id: int | None
    percent: int
    text: str | None
    photo_file_id: str | None
    at: datetime


@dataclass(frozen=True)
class ReferralRow:
    """A matter referred to an outside department, open until its answer is recorded."""

    id: int
    matter_id: int
    department: str
    request: str
    referred_by: int | None
    referred_at: datetime
    due_at: datetime | None
    answer: str | None
    answered_at: datetime | None
    recorded_by: int | None
    reminded_at: datetime | None
    matter_title: str


@dataclass(frozen=True)
class OverdueMatterRow:
    """An in-progress matter past its due date."""

    id: int
    title: str
    owner_person_id: int | None
    due_at: datetime
    overdue_reminded_at: datetime | None


@dataclass(frozen=True)
class TermRow:
    """A term of the resident supervision group."""

    id: int
    starts_at: datetime
    ends_at: datetime
    method: str


@dataclass(frozen=True)
class AcceptanceRow:
    """A supervisor's sign-off of a major project."""

    matter_id: int
    person_id: int | None
    verdict: str
    note: str | None
    at: datetime


def _referral(row: sqlite3.Row) -> ReferralRow:
    return ReferralRow(
        id=row["id"],
        matter_id=row["matter_id"],
        department=row["department"],
        request=row["request"],
        referred_by=row["referred_by"],
        referred_at=from_db_time(row["referred_at"]),
        due_at=_optional_time(row["due_at"]),
        answer=row["answer"],
        answered_at=_optional_time(row["answered_at"]),
        recorded_by=row["recorded_by"],
        reminded_at=_optional_time(row["reminded_at"]),
        matter_title=row["title"],
    )


def _term(row: sqlite3.Row) -> TermRow:
    return TermRow(
        id=row["id"],
        starts_at=from_db_time(row["starts_at"]),
        ends_at=from_db_time(row["ends_at"]),
        method=row["method"],
    )


_REFERRAL_COLUMNS = "r.*, m.title"


class CarryingRepository:
    """Queries on carrying out: matters' owners and progress, referrals, ratings,
    supervision terms and acceptances; all of the current community."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    # --- owner, due date, progress -----------------------------------------------

    async def assign(
        self,
        matter_id: int,
        *,
        owner_kind: str,
        owner_person_id: int | None,
        owner_name: str | None,
        due_at: datetime,
        now: datetime,
    ) -> None:
        """Give the matter its owner and due date; it is now being carried out."""
        await self._conn.execute(
            "UPDATE matters SET owner_kind = ?, owner_person_id = ?, owner_name = ?, due_at = ?,"
            " stage = 'in_progress', overdue_reminded_at = NULL, updated_at = ?"
            " WHERE id = ? AND community_id = ?",
            (
                owner_kind,
                owner_person_id,
                owner_name,
                to_db_time(due_at),
                to_db_time(now),
                matter_id,
                community_id(),
            ),
        )

    async def add_progress(
        self,
        matter_id: int,
        *,
        person_id: int | None,
        percent: int,
        text: str | None,
        photo_file_id: str | None,
        now: datetime,
    ) -> int:
        """Record a progress report and the matter's new percentage; returns the report's id."""
        cid = community_id()
        cur = await self._conn.execute(
            "INSERT INTO progress_reports (community_id, matter_id, person_id, percent, text,"
            " photo_file_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (cid, matter_id, person_id, percent, text, photo_file_id, to_db_time(now)),
        )
        await self._conn.execute(
            "UPDATE matters SET progress = ?, updated_at = ? WHERE id = ? AND community_id = ?",
            (percent, to_db_time(now), matter_id, cid),
        )
        assert cur.lastrowid is not None  # noqa: S101 - an INSERT always has one
        return cur.lastrowid

    async def progress_reports(self, matter_id: int) -> list[ProgressRow]:
        """The matter's progress reports, oldest first."""
        async with self._conn.execute(
            "SELECT * FROM progress_reports WHERE matter_id = ? AND community_id = ? ORDER BY id",
            (matter_id, community_id()),
        ) as cur:
            rows = await cur.fetchall()
        return [
            ProgressRow(
                id=row["id"],
                matter_id=row["matter_id"],
                person_id=row["person_id"],
                percent=row["percent"],
                text=row["text"],
                photo_file_id=row["photo_file_id"],
                at=from_db_time(row["at"]),
            )
            for row in rows
        ]

    async def mark_done(self, matter_id: int, now: datetime) -> None:
        """The matter is done."""
        await self._conn.execute(
            "UPDATE matters SET stage = 'done', done_at = ?, updated_at = ?"
            " WHERE id = ? AND community_id = ?",
            (to_db_time(now), to_db_time(now), matter_id, community_id()),
        )

    async def set_major(self, matter_id: int, major: bool, now: datetime) -> None:
        """Mark the matter as a major project (its acceptance needs the supervisors) or not."""
        await self._conn.execute(
            "UPDATE matters SET major = ?, updated_at = ? WHERE id = ? AND community_id = ?",
            (int(major), to_db_time(now), matter_id, community_id()),
        )

    async def overdue_matters(self, now: datetime) -> list[OverdueMatterRow]:
        """In-progress matters whose due date has passed, oldest due first."""
        async with self._conn.execute(
            "SELECT id, title, owner_person_id, due_at, overdue_reminded_at FROM matters"
            " WHERE community_id = ? AND stage = 'in_progress' AND due_at IS NOT NULL"
            " AND due_at < ? ORDER BY due_at, id",
            (community_id(), to_db_time(now)),
        ) as cur:
            rows = await cur.fetchall()
        return [
            OverdueMatterRow(
                id=row["id"],
                title=row["title"],
                owner_person_id=row["owner_person_id"],
                due_at=from_db_time(row["due_at"]),
                overdue_reminded_at=_optional_time(row["overdue_reminded_at"]),
            )
            for row in rows
        ]

    async def awaiting_acceptance(self) -> list[int]:
        """The numbers of major projects waiting for the supervisors' sign-off."""
        async with self._conn.execute(
            "SELECT id FROM matters WHERE community_id = ? AND stage = 'acceptance' AND major = 1"
            " ORDER BY id",
            (community_id(),),
        ) as cur:
            rows = await cur.fetchall()
        return [int(row[0]) for row in rows]

    async def mark_overdue_reminded(self, matter_id: int, now: datetime) -> None:
        """Remember that the owner and secretaries were reminded of the matter today."""
        await self._conn.execute(
            "UPDATE matters SET overdue_reminded_at = ? WHERE id = ? AND community_id = ?",
            (to_db_time(now), matter_id, community_id()),
        )

    async def supporter_ids(self, matter_id: int) -> list[int]:
        """Everyone who supported the matter (附议), in order of support."""
        async with self._conn.execute(
            "SELECT person_id FROM matter_supports WHERE matter_id = ? AND community_id = ?"
            " ORDER BY at, person_id",
            (matter_id, community_id()),
        ) as cur:
            rows = await cur.fetchall()
        return [int(row[0]) for row in rows]

    # --- referrals ------------------------------------------------------------------

    async def refer(
        self,
        matter_id: int,
        *,
        department: str,
        request: str,
        referred_by: int | None,
        due_at: datetime | None,
        now: datetime,
    ) -> int:
        """Record a referral to an outside department; returns its id."""
        cur = await self._conn.execute(
            "INSERT INTO referrals (community_id, matter_id, department, request, referred_by,"
            " referred_at, due_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                community_id(),
                matter_id,
                department,
                request,
                referred_by,
                to_db_time(now),
                to_db_time(due_at) if due_at else None,
            ),
        )
        assert cur.lastrowid is not None  # noqa: S101 - an INSERT always has one
        return cur.lastrowid

    async def referral(self, referral_id: int) -> ReferralRow | None:
        """One referral, or None."""
        async with self._conn.execute(
            f"SELECT {_REFERRAL_COLUMNS} FROM referrals r JOIN matters m ON m.id = r.matter_id"
            " WHERE r.id = ? AND r.community_id = ?",
            (referral_id, community_id()),
        ) as cur:
            row = await cur.fetchone()
        return _referral(row) if row else None

    async def open_referrals(self) -> list[ReferralRow]:
        """Referrals still waiting for the department's answer, oldest first."""
        async with self._conn.execute(
            f"SELECT {_REFERRAL_COLUMNS} FROM referrals r JOIN matters m ON m.id = r.matter_id"
            " WHERE r.community_id = ? AND r.answered_at IS NULL ORDER BY r.id",
            (community_id(),),
        ) as cur:
            rows = await cur.fetchall()
        return [_referral(row) for row in rows]

    async def referrals_of(self, matter_id: int) -> list[ReferralRow]:
        """Every referral of one matter, answered or not, oldest first."""
        async with self._conn.execute(
            f"SELECT {_REFERRAL_COLUMNS} FROM referrals r JOIN matters m ON m.id = r.matter_id"
            " WHERE r.matter_id = ? AND r.community_id = ? ORDER BY r.id",
            (matter_id, community_id()),
        ) as cur:
            rows = await cur.fetchall()
        return [_referral(row) for row in rows]

    async def answer_referral(
        self, referral_id: int, *, answer: str, recorded_by: int | None, now: datetime
    ) -> bool:
        """Record the department's answer; False if it was already answered."""
        cur = await self._conn.execute(
            "UPDATE referrals SET answer = ?, answered_at = ?, recorded_by = ?"
            " WHERE id = ? AND community_id = ? AND answered_at IS NULL",
            (answer, to_db_time(now), recorded_by, referral_id, community_id()),
        )
        return cur.rowcount > 0

    async def overdue_referrals(self, now: datetime) -> list[ReferralRow]:
        """Open referrals past their due date."""
        async with self._conn.execute(
            f"SELECT {_REFERRAL_COLUMNS} FROM referrals r JOIN matters m ON m.id = r.matter_id"
            " WHERE r.community_id = ? AND r.answered_at IS NULL AND r.due_at IS NOT NULL"
            " AND r.due_at < ? ORDER BY r.due_at, r.id",
            (community_id(), to_db_time(now)),
        ) as cur:
            rows = await cur.fetchall()
        return [_referral(row) for row in rows]

    async def mark_referral_reminded(self, referral_id: int, now: datetime) -> None:
        """Remember that secretaries were reminded of the referral today."""
        await self._conn.execute(
            "UPDATE referrals SET reminded_at = ? WHERE id = ? AND community_id = ?",
            (to_db_time(now), referral_id, community_id()),
        )

    # --- ratings (民意测评) -------------------------------------------------------------

    async def rate(self, matter_id: int, person_id: int, rating: str, now: datetime) -> bool:
        """Record a person's rating; False if they had already rated the matter."""
        cur = await self._conn.execute(
            "INSERT OR IGNORE INTO ratings (community_id, matter_id, person_id, rating, at)"
            " VALUES (?, ?, ?, ?, ?)",
            (community_id(), matter_id, person_id, rating, to_db_time(now)),
        )
        return cur.rowcount > 0

    async def rating_counts(self, matter_id: int) -> dict[str, int]:
        """How many residents gave each rating."""
        async with self._conn.execute(
            "SELECT rating, count(*) FROM ratings WHERE matter_id = ? AND community_id = ?"
            " GROUP BY rating",
            (matter_id, community_id()),
        ) as cur:
            rows = await cur.fetchall()
        return {str(row[0]): int(row[1]) for row in rows}

    # --- the supervision group -------------------------------------------------------

    async def create_term(
        self,
        *,
        starts_at: datetime,
        ends_at: datetime,
        method: str,
        created_by: int | None,
        now: datetime,
    ) -> int:
        """Start a term of the supervision group; returns its id."""
        cur = await self._conn.execute(
            "INSERT INTO supervision_terms (community_id, starts_at, ends_at, method, created_by,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                community_id(),
                to_db_time(starts_at),
                to_db_time(ends_at),
                method,
                created_by,
                to_db_time(now),
            ),
        )
        assert cur.lastrowid is not None  # noqa: S101 - an INSERT always has one
        return cur.lastrowid

    async def end_term(self, term_id: int, now: datetime) -> None:
        """End a term early (a new one starts)."""
        await self._conn.execute(
            "UPDATE supervision_terms SET ends_at = ? WHERE id = ? AND community_id = ?"
            " AND ends_at > ?",
            (to_db_time(now), term_id, community_id(), to_db_time(now)),
        )

    async def add_supervisor(self, term_id: int, person_id: int) -> None:
        """Make the person a member of the term."""
        cid = community_id()
        # Only into a term of this community (a forged id adds nothing).
        await self._conn.execute(
            "INSERT OR IGNORE INTO supervisors (community_id, term_id, person_id)"
            " SELECT ?, id, ? FROM supervision_terms WHERE id = ? AND community_id = ?",
            (cid, person_id, term_id, cid),
        )

    async def current_term(self, now: datetime) -> TermRow | None:
        """The term running at ``now``, or None."""
        async with self._conn.execute(
            "SELECT * FROM supervision_terms WHERE community_id = ? AND starts_at <= ?"
            " AND ends_at > ? ORDER BY id DESC LIMIT 1",
            (community_id(), to_db_time(now), to_db_time(now)),
        ) as cur:
            row = await cur.fetchone()
        return _term(row) if row else None

    async def latest_term(self) -> TermRow | None:
        """The most recently started term, running or not."""
        async with self._conn.execute(
            "SELECT * FROM supervision_terms WHERE community_id = ? ORDER BY id DESC LIMIT 1",
            (community_id(),),
        ) as cur:
            row = await cur.fetchone()
        return _term(row) if row else None

    async def term_members(self, term_id: int) -> list[int]:
        """The ids of the term's members."""
        async with self._conn.execute(
            "SELECT person_id FROM supervisors WHERE term_id = ? AND community_id = ?"
            " ORDER BY person_id",
            (term_id, community_id()),
        ) as cur:
            rows = await cur.fetchall()
        return [int(row[0]) for row in rows]

    async def sign_off(self, matter_id: int, person_id: int, verdict: str, now: datetime) -> bool:
        """Record a supervisor's verdict; False if they had already signed this matter off."""
        cur = await self._conn.execute(
            "INSERT OR IGNORE INTO acceptances (community_id, matter_id, person_id, verdict, at)"
            " VALUES (?, ?, ?, ?, ?)",
            (community_id(), matter_id, person_id, verdict, to_db_time(now)),
        )
        return cur.rowcount > 0

    async def set_acceptance_note(self, matter_id: int, person_id: int, note: str) -> bool:
        """Add the supervisor's note to their sign-off; False if there is no sign-off."""
        cur = await self._conn.execute(
            "UPDATE acceptances SET note = ? WHERE matter_id = ? AND person_id = ?"
            " AND community_id = ?",
            (note, matter_id, person_id, community_id()),
        )
        return cur.rowcount > 0

    async def acceptances(self, matter_id: int) -> list[AcceptanceRow]:
        """The sign-offs of the matter's current acceptance round."""
        async with self._conn.execute(
            "SELECT * FROM acceptances WHERE matter_id = ? AND community_id = ? ORDER BY at",
            (matter_id, community_id()),
        ) as cur:
            rows = await cur.fetchall()
        return [
            AcceptanceRow(
                matter_id=row["matter_id"],
                person_id=row["person_id"],
                verdict=row["verdict"],
                note=row["note"],
                at=from_db_time(row["at"]),
            )
            for row in rows
        ]

    async def clear_acceptances(self, matter_id: int) -> None:
        """Start a fresh acceptance round after rework (the history keeps the old verdicts)."""
        await self._conn.execute(
            "DELETE FROM acceptances WHERE matter_id = ? AND community_id = ?",
            (matter_id, community_id()),
        )
