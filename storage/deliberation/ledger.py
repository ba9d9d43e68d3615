"""The committee's ledger (台账): matters, votes, public ballots, conventions, progress and
referrals of a period, as typed rows.

Anonymous votes: :meth:`LedgerRepository.public_ballots` only ever reads
ballots of votes with ``anonymous = 0``; of a secret vote's ballots only the
proxy ones are read, and of those only who recorded them, why and when
(:meth:`LedgerRepository.proxy_ballots`), so no export can show who voted
what in one.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.scope import community_id
from storage.times import from_db_time, to_db_time


def _optional(text: str | None) -> datetime | None:
    return from_db_time(text) if text else None


@dataclass(frozen=True)
class LedgerMatterRow:
    """One matter as the ledger lists it."""

    id: int
    kind: str
    title: str
    details: str
    stage: str
    raised_by: str | None
    created_at: datetime
    supports: int
    comments: int
    agenda_forum: str | None
    agenda_at: datetime | None
    resolution: str | None
    owner: str | None
    due_at: datetime | None
    progress: int
    done_at: datetime | None
    withdrawn_reason: str | None
    merged_into: int | None
    #: Who accepted it (a secretary, or the supervisors who signed it off), in order.
    accepted_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class LedgerVoteRow:
    """One vote with its result; counts only, never ballots."""

    id: int
    matter_id: int
    matter_title: str
    kind: str
    options: tuple[str, ...]
    anonymous: bool
    quorum: int
    threshold: str
    opened_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    result: str | None
    counts: tuple[int, ...] | None
    voters: int | None
    #: Who might vote, and how many at the close (None: closed before it was kept).
    electorate: str = "all"
    electorate_buildings: tuple[str, ...] = ()
    electorate_grid: str | None = None
    eligible: int | None = None


@dataclass(frozen=True)
class PublicBallotRow:
    """Who voted what in a public vote, and who recorded a proxy vote and why."""

    vote_id: int
    matter_id: int
    kind: str
    options: tuple[str, ...]
    voter: str | None
    choice: tuple[int, ...]
    cast_at: datetime
    recorded_by: str | None
    proxy_reason: str | None


@dataclass(frozen=True)
class ProxyBallotRow:
    """A ballot a grid worker or secretary recorded for someone: who, why, when; in a
    secret vote neither for whom nor what (``voter`` and ``choice`` are None)."""

    vote_id: int
    matter_id: int
    anonymous: bool
    kind: str
    options: tuple[str, ...]
    voter: str | None
    choice: tuple[int, ...] | None
    cast_at: datetime
    recorded_by: str | None
    proxy_reason: str | None


@dataclass(frozen=True)
class LedgerConventionRow:
    """A convention of the register."""

    id: int
    title: str
    text: str
    matter_id: int
    vote_id: int
    adopted_at: datetime
    amends: int | None
    superseded_by: int | None
    #: What people call it and the two it names (公约 #3): counted within the community.
    number: int = 0
    amends_number: int | None = None
    superseded_by_number: int | None = None


@dataclass(frozen=True)
class LedgerProgressRow:
    """One progress report on a matter being carried out."""

    matter_id: int
    matter_title: str
    reporter: str | None
    percent: int
    text: str | None
    at: datetime


@dataclass(frozen=True)
class LedgerReferralRow:
    """A referral to an outside department and its answer."""

    id: int
    matter_id: int
    matter_title: str
    department: str
    request: str
    referred_by: str | None
    referred_at: datetime
    due_at: datetime | None
    answer: str | None
    answered_at: datetime | None
    recorded_by: str | None


def _tally(row: sqlite3.Row) -> tuple[tuple[int, ...] | None, int | None]:
    if not row["tally"]:
        return None, row["voters"]
    tally = json.loads(row["tally"])
    counts = tuple(int(count) for count in tally.get("counts", []))
    voters = row["voters"] if row["voters"] is not None else tally.get("voters")
    return counts, voters


def _choice(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part.strip())


class LedgerRepository:
    """Read-only queries for the ledger export of the current community; periods are
    [start, end)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def _rows(self, sql: str, params: tuple[object, ...]) -> list[sqlite3.Row]:
        async with self._conn.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def matters(self, start: datetime, end: datetime) -> list[LedgerMatterRow]:
        """Matters raised in the period, or voted on in it, by number."""
        cid = community_id()
        period = (to_db_time(start), to_db_time(end))
        rows = await self._rows(
            "SELECT m.*, r.display_name AS raiser, o.display_name AS owner_person,"
            " (SELECT count(*) FROM matter_supports s WHERE s.matter_id = m.id) AS supports,"
            " (SELECT count(*) FROM comments c WHERE c.matter_id = m.id) AS comments,"
            " (SELECT group_concat(name, char(31)) FROM (SELECT p.display_name AS name"
            "   FROM acceptances a JOIN people p ON p.id = a.person_id"
            "   WHERE a.matter_id = m.id AND a.verdict = 'accepted' ORDER BY a.at))"
            " AS accepted_by"
            " FROM matters m"
            " LEFT JOIN people r ON r.id = m.raised_by"
            " LEFT JOIN people o ON o.id = m.owner_person_id"
            " WHERE m.community_id = ? AND ((m.created_at >= ? AND m.created_at < ?)"
            " OR m.id IN (SELECT matter_id FROM votes WHERE community_id = ?"
            "   AND opened_at >= ? AND opened_at < ?))"
            " ORDER BY m.id",
            (cid, *period, cid, *period),
        )
        return [
            LedgerMatterRow(
                id=row["id"],
                kind=row["kind"],
                title=row["title"],
                details=row["details"],
                stage=row["stage"],
                raised_by=row["raiser"],
                created_at=from_db_time(row["created_at"]),
                supports=int(row["supports"]),
                comments=int(row["comments"]),
                agenda_forum=row["agenda_forum"],
                agenda_at=_optional(row["agenda_at"]),
                resolution=row["resolution"],
                owner=row["owner_name"] or row["owner_person"],
                due_at=_optional(row["due_at"]),
                progress=int(row["progress"]),
                done_at=_optional(row["done_at"]),
                withdrawn_reason=row["withdrawn_reason"],
                merged_into=row["merged_into"],
                accepted_by=tuple(row["accepted_by"].split("\x1f")) if row["accepted_by"] else (),
            )
            for row in rows
        ]

    async def votes(self, start: datetime, end: datetime) -> list[LedgerVoteRow]:
        """Votes opened in the period, oldest first."""
        rows = await self._rows(
            "SELECT v.*, m.title AS matter_title FROM votes v JOIN matters m ON m.id = v.matter_id"
            " WHERE v.community_id = ? AND v.opened_at >= ? AND v.opened_at < ?"
            " ORDER BY v.opened_at, v.id",
            (community_id(), to_db_time(start), to_db_time(end)),
        )
        result = []
        for row in rows:
            counts, voters = _tally(row)
            result.append(
                LedgerVoteRow(
                    id=row["id"],
                    matter_id=row["matter_id"],
                    matter_title=row["matter_title"],
                    kind=row["kind"],
                    options=tuple(str(option) for option in json.loads(row["options"])),
                    anonymous=bool(row["anonymous"]),
                    quorum=int(row["quorum"]),
                    threshold=row["threshold"],
                    opened_at=from_db_time(row["opened_at"]),
                    closes_at=from_db_time(row["closes_at"]),
                    closed_at=_optional(row["closed_at"]),
                    result=row["result"],
                    counts=counts,
                    voters=voters,
                    electorate=row["electorate"],
                    electorate_buildings=tuple(json.loads(row["electorate_buildings"] or "[]")),
                    electorate_grid=row["electorate_grid"],
                    eligible=_eligible(row),
                )
            )
        return result

    async def public_ballots(self, start: datetime, end: datetime) -> list[PublicBallotRow]:
        """Ballots of the PUBLIC votes opened in the period; secret votes are never read."""
        rows = await self._rows(
            "SELECT b.vote_id, v.matter_id, v.kind, v.options, b.choice, b.cast_at,"
            " b.proxy_reason, coalesce(p.display_name, w.display_name) AS voter,"
            " g.display_name AS recorder"
            " FROM ballots b JOIN votes v ON v.id = b.vote_id"
            " LEFT JOIN people p ON p.id = b.person_id"
            " LEFT JOIN paper_residents w ON w.id = b.paper_resident_id"
            " LEFT JOIN people g ON g.id = b.recorded_by"
            " WHERE v.community_id = ? AND v.anonymous = 0 AND v.opened_at >= ? AND v.opened_at < ?"
            " ORDER BY v.opened_at, v.id, b.cast_at, b.voter_key",
            (community_id(), to_db_time(start), to_db_time(end)),
        )
        return [
            PublicBallotRow(
                vote_id=row["vote_id"],
                matter_id=row["matter_id"],
                kind=row["kind"],
                options=tuple(str(option) for option in json.loads(row["options"])),
                voter=row["voter"],
                choice=_choice(row["choice"]),
                cast_at=from_db_time(row["cast_at"]),
                recorded_by=row["recorder"],
                proxy_reason=row["proxy_reason"],
            )
            for row in rows
        ]

    async def proxy_ballots(self, start: datetime, end: datetime) -> list[ProxyBallotRow]:
        """Every proxy ballot of the votes opened in the period: who recorded it and why;
        for whom and what only in public votes (a secret vote's are never read)."""
        rows = await self._rows(
            "SELECT b.vote_id, v.matter_id, v.anonymous, v.kind, v.options,"
            " CASE WHEN v.anonymous = 0 THEN b.choice END AS choice, b.cast_at, b.proxy_reason,"
            " CASE WHEN v.anonymous = 0 THEN coalesce(p.display_name, w.display_name) END"
            " AS voter, g.display_name AS recorder"
            " FROM ballots b JOIN votes v ON v.id = b.vote_id"
            " LEFT JOIN people p ON p.id = b.person_id AND v.anonymous = 0"
            " LEFT JOIN paper_residents w ON w.id = b.paper_resident_id AND v.anonymous = 0"
            " LEFT JOIN people g ON g.id = b.recorded_by"
            " WHERE v.community_id = ? AND b.recorded_by IS NOT NULL"
            " AND v.opened_at >= ? AND v.opened_at < ?"
            " ORDER BY v.opened_at, v.id, g.display_name, b.cast_at",
            (community_id(), to_db_time(start), to_db_time(end)),
        )
        return [
            ProxyBallotRow(
                vote_id=row["vote_id"],
                matter_id=row["matter_id"],
                anonymous=bool(row["anonymous"]),
                kind=row["kind"],
                options=tuple(str(option) for option in json.loads(row["options"])),
                voter=row["voter"],
                choice=_choice(row["choice"]) if row["choice"] is not None else None,
                cast_at=from_db_time(row["cast_at"]),
                recorded_by=row["recorder"],
                proxy_reason=row["proxy_reason"],
            )
            for row in rows
        ]

    async def conventions(self, start: datetime, end: datetime) -> list[LedgerConventionRow]:
        """Conventions adopted in the period."""
        rows = await self._rows(
            "SELECT c.*,"
            " (SELECT a.number FROM conventions a WHERE a.id = c.amends"
            " AND a.community_id = c.community_id) AS amends_number,"
            " (SELECT b.number FROM conventions b WHERE b.id = c.superseded_by"
            " AND b.community_id = c.community_id) AS superseded_by_number"
            " FROM conventions c WHERE c.community_id = ? AND c.adopted_at >= ?"
            " AND c.adopted_at < ? ORDER BY c.number",
            (community_id(), to_db_time(start), to_db_time(end)),
        )
        return [
            LedgerConventionRow(
                id=row["id"],
                title=row["title"],
                text=row["text"],
                matter_id=row["matter_id"],
                vote_id=row["vote_id"],
                adopted_at=from_db_time(row["adopted_at"]),
                amends=row["amends"],
                superseded_by=row["superseded_by"],
                number=int(row["number"]),
                amends_number=row["amends_number"],
                superseded_by_number=row["superseded_by_number"],
            )
            for row in rows
        ]

    async def progress(self, start: datetime, end: datetime) -> list[LedgerProgressRow]:
        """Progress reports made in the period."""
        rows = await self._rows(
            "SELECT r.*, m.title AS matter_title, p.display_name AS reporter"
            " FROM progress_reports r JOIN matters m ON m.id = r.matter_id"
            " LEFT JOIN people p ON p.id = r.person_id"
            " WHERE r.community_id = ? AND r.at >= ? AND r.at < ? ORDER BY r.at, r.id",
            (community_id(), to_db_time(start), to_db_time(end)),
        )
        return [
            LedgerProgressRow(
                matter_id=row["matter_id"],
                matter_title=row["matter_title"],
                reporter=row["reporter"],
                percent=int(row["percent"]),
                text=row["text"],
                at=from_db_time(row["at"]),
            )
            for row in rows
        ]

    async def referrals(self, start: datetime, end: datetime) -> list[LedgerReferralRow]:
        """Referrals made or answered in the period."""
        period = (to_db_time(start), to_db_time(end))
        rows = await self._rows(
            "SELECT r.*, m.title AS matter_title, b.display_name AS referrer,"
            " g.display_name AS recorder FROM referrals r JOIN matters m ON m.id = r.matter_id"
            " LEFT JOIN people b ON b.id = r.referred_by"
            " LEFT JOIN people g ON g.id = r.recorded_by"
            " WHERE r.community_id = ? AND ((r.referred_at >= ? AND r.referred_at < ?)"
            " OR (r.answered_at >= ? AND r.answered_at < ?)) ORDER BY r.id",
            (community_id(), *period, *period),
        )
        return [
            LedgerReferralRow(
                id=row["id"],
                matter_id=row["matter_id"],
                matter_title=row["matter_title"],
                department=row["department"],
                request=row["request"],
                referred_by=row["referrer"],
                referred_at=from_db_time(row["referred_at"]),
                due_at=_optional(row["due_at"]),
                answer=row["answer"],
                answered_at=_optional(row["answered_at"]),
                recorded_by=row["recorder"],
            )
            for row in rows
        ]


def _eligible(row: sqlite3.Row) -> int | None:
    """The electorate's size kept in a closed vote's tally."""
    tally = json.loads(row["tally"]) if row["tally"] else {}
    eligible = tally.get("eligible")
    return int(eligible) if eligible is not None else None
