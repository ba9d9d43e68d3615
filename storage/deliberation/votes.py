"""Votes on matters (民决) and their ballots; the conventions register they feed.

One ballot per voter per vote is the ballots table's primary key (the voter
key is derived from the person), and a public ballot names its voter in
``person_id`` or ``paper_resident_id``, each unique per vote. In an anonymous
vote the voter key is a keyed hash (bot/deliberation/ballot_keys.py) and no column names
the voter; the vote's secret is erased at the close.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.scope import community_id
from storage.times import from_db_time, to_db_time


@dataclass(frozen=True)
class VoteRow:
    """A vote: how it is decided, when it closes, and (once closed) its result."""

    id: int
    matter_id: int
    kind: str
    options: tuple[str, ...]
    anonymous: bool
    salt: str | None
    quorum: int
    threshold: str
    opened_by: int | None
    opened_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    result: str | None
    tally: dict[str, Any] | None
    voters: int | None
    card_push_id: int | None
    schedule_id: int | None
    #: Who may vote: "all", "buildings", "grid" or "households" (voting/electorate.py).
    electorate: str = "all"
    electorate_buildings: tuple[str, ...] = ()
    electorate_grid: str | None = None

    @property
    def is_open(self) -> bool:
        """Whether ballots can still be cast or changed."""
        return self.closed_at is None


@dataclass(frozen=True)
class BallotRow:
    """One voter's ballot. ``person_id`` is None in anonymous votes."""

    voter_key: str
    person_id: int | None
    choice: tuple[int, ...]
    cast_at: datetime
    recorded_by: int | None
    proxy_reason: str | None
    paper_resident_id: int | None = None
    #: A household vote's ballot: the voter key of the member who cast it (the ballot's
    #: own key is the household's).
    caster_key: str | None = None


@dataclass(frozen=True)
class ConventionRow:
    """An entry of the community conventions register."""

    id: int
    title: str
    text: str
    matter_id: int
    vote_id: int
    adopted_at: datetime
    #: The id of the convention this one amends, and of the one that superseded it.
    amends: int | None
    superseded_by: int | None
    #: What people call it (公约 #3): counted within the community, unlike ``id``.
    number: int = 0
    #: The numbers of ``amends`` and ``superseded_by``, for showing them.
    amends_number: int | None = None
    superseded_by_number: int | None = None


def _vote(row: sqlite3.Row) -> VoteRow:
    return VoteRow(
        id=row["id"],
        matter_id=row["matter_id"],
        kind=row["kind"],
        options=tuple(json.loads(row["options"])),
        anonymous=bool(row["anonymous"]),
        salt=row["salt"],
        quorum=int(row["quorum"]),
        threshold=row["threshold"],
        opened_by=row["opened_by"],
        opened_at=from_db_time(row["opened_at"]),
        closes_at=from_db_time(row["closes_at"]),
        closed_at=from_db_time(row["closed_at"]) if row["closed_at"] else None,
        result=row["result"],
        tally=json.loads(row["tally"]) if row["tally"] else None,
        voters=row["voters"],
        card_push_id=row["card_push_id"],
        schedule_id=row["schedule_id"],
        electorate=row["electorate"],
        electorate_buildings=tuple(json.loads(row["electorate_buildings"] or "[]")),
        electorate_grid=row["electorate_grid"],
    )


# Statements shared by the async repository and the one-hop BallotBox; each takes the
# community's id last (the BallotBox is given it: context variables do not reach the
# database's thread).
_GET_VOTE = "SELECT * FROM votes WHERE id = ? AND community_id = ?"
_GET_BALLOT = "SELECT * FROM ballots WHERE vote_id = ? AND voter_key = ? AND community_id = ?"
# A ballot only goes into a vote of the community (the SELECT finds no vote otherwise);
# the upsert's WHERE keeps another community's row (same keys cannot happen: vote ids
# are global) untouched all the same.
_PUT_BALLOT = (
    "INSERT INTO ballots (vote_id, voter_key, person_id, choice, cast_at, recorded_by,"
    " proxy_reason, paper_resident_id, caster_key, community_id)"
    " SELECT id, ?, ?, ?, ?, ?, ?, ?, ?, community_id FROM votes"
    " WHERE id = ? AND community_id = ?"
    " ON CONFLICT (vote_id, voter_key) DO UPDATE SET choice = excluded.choice,"
    " cast_at = excluded.cast_at, recorded_by = excluded.recorded_by,"
    " proxy_reason = excluded.proxy_reason WHERE ballots.community_id = excluded.community_id"
)
_DELETE_BALLOT = "DELETE FROM ballots WHERE vote_id = ? AND voter_key = ? AND community_id = ?"


def _put_ballot_params(
    vote_id: int,
    voter_key: str,
    person_id: int | None,
    choice: tuple[int, ...],
    now: datetime,
    recorded_by: int | None,
    proxy_reason: str | None,
    paper_resident_id: int | None,
    caster_key: str | None,
    community: int,
) -> tuple[object, ...]:
    return (
        voter_key,
        person_id,
        encode_choice(choice),
        to_db_time(now),
        recorded_by,
        proxy_reason,
        paper_resident_id,
        caster_key,
        vote_id,
        community,
    )


def encode_choice(choice: tuple[int, ...]) -> str:
    """Option indexes as stored: sorted, comma-separated."""
    return ",".join(str(index) for index in sorted(set(choice)))


def decode_choice(text: str) -> tuple[int, ...]:
    """Stored option indexes back as a tuple."""
    return tuple(int(part) for part in text.split(",") if part)


class VotesRepository:
    """Queries on ``votes``, ``ballots`` and ``conventions``."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def create(
        self,
        *,
        matter_id: int,
        kind: str,
        options: tuple[str, ...],
        anonymous: bool,
        salt: str | None,
        quorum: int,
        threshold: str,
        opened_by: int | None,
        closes_at: datetime,
        now: datetime,
        electorate: str = "all",
        electorate_buildings: tuple[str, ...] = (),
        electorate_grid: str | None = None,
    ) -> int:
        """Open a vote; the schema refuses a second open vote on the same matter."""
        cur = await self._conn.execute(
            "INSERT INTO votes (community_id, matter_id, kind, options, anonymous, salt, quorum,"
            " threshold, opened_by, opened_at, closes_at, electorate, electorate_buildings,"
            " electorate_grid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                community_id(),
                matter_id,
                kind,
                json.dumps(list(options), ensure_ascii=False),
                int(anonymous),
                salt,
                quorum,
                threshold,
                opened_by,
                to_db_time(now),
                to_db_time(closes_at),
                electorate,
                json.dumps(list(electorate_buildings), ensure_ascii=False)
                if electorate == "buildings"
                else None,
                electorate_grid if electorate == "grid" else None,
            ),
        )
        assert cur.lastrowid is not None  # noqa: S101 - an INSERT always has one
        return cur.lastrowid

    async def get(self, vote_id: int) -> VoteRow | None:
        """The vote, or None."""
        async with self._conn.execute(_GET_VOTE, (vote_id, community_id())) as cur:
            row = await cur.fetchone()
        return _vote(row) if row else None

    async def for_matter(self, matter_id: int) -> list[VoteRow]:
        """Every vote held on the matter, oldest first."""
        async with self._conn.execute(
            "SELECT * FROM votes WHERE matter_id = ? AND community_id = ? ORDER BY id",
            (matter_id, community_id()),
        ) as cur:
            rows = await cur.fetchall()
        return [_vote(row) for row in rows]

    async def open_votes(self) -> list[VoteRow]:
        """Every vote still open, oldest first."""
        async with self._conn.execute(
            "SELECT * FROM votes WHERE community_id = ? AND closed_at IS NULL ORDER BY id",
            (community_id(),),
        ) as cur:
            rows = await cur.fetchall()
        return [_vote(row) for row in rows]

    async def set_card_push(self, vote_id: int, push_id: int) -> None:
        """Remember the push that posted the vote's card."""
        await self._conn.execute(
            "UPDATE votes SET card_push_id = ? WHERE id = ? AND community_id = ?",
            (push_id, vote_id, community_id()),
        )

    async def set_schedule(self, vote_id: int, schedule_id: int) -> None:
        """Remember the schedule that closes the vote."""
        await self._conn.execute(
            "UPDATE votes SET schedule_id = ? WHERE id = ? AND community_id = ?",
            (schedule_id, vote_id, community_id()),
        )

    async def ballot(self, vote_id: int, voter_key: str) -> BallotRow | None:
        """A voter's ballot, or None."""
        async with self._conn.execute(_GET_BALLOT, (vote_id, voter_key, community_id())) as cur:
            row = await cur.fetchone()
        return _ballot(row) if row else None

    async def voter_keys(self, vote_id: int) -> set[str]:
        """The keys of every ballot cast in the vote (who has voted, or their keyed hashes)."""
        async with self._conn.execute(
            "SELECT voter_key FROM ballots WHERE vote_id = ? AND community_id = ?",
            (vote_id, community_id()),
        ) as cur:
            return {str(row[0]) for row in await cur.fetchall()}

    async def put_ballot(
        self,
        *,
        vote_id: int,
        voter_key: str,
        person_id: int | None,
        choice: tuple[int, ...],
        now: datetime,
        recorded_by: int | None = None,
        proxy_reason: str | None = None,
        paper_resident_id: int | None = None,
        caster_key: str | None = None,
    ) -> None:
        """Cast or change a ballot (one per voter key, by the primary key)."""
        await self._conn.execute(
            _PUT_BALLOT,
            _put_ballot_params(
                vote_id,
                voter_key,
                person_id,
                choice,
                now,
                recorded_by,
                proxy_reason,
                paper_resident_id,
                caster_key,
                community_id(),
            ),
        )

    async def delete_ballot(self, vote_id: int, voter_key: str) -> None:
        """Withdraw a ballot (a multiple-choice voter untoggled every option)."""
        await self._conn.execute(_DELETE_BALLOT, (vote_id, voter_key, community_id()))

    async def choice_counts(self, vote_id: int) -> list[tuple[tuple[int, ...], int]]:
        """Each choice made in the vote and on how many ballots (no voter), for counting:
        counted here, not a row per ballot sent over (each vote card's refresh counts)."""
        async with self._conn.execute(
            "SELECT choice, count(*) FROM ballots WHERE vote_id = ? AND community_id = ?"
            " GROUP BY choice",
            (vote_id, community_id()),
        ) as cur:
            rows = await cur.fetchall()
        return [(decode_choice(row[0]), int(row[1])) for row in rows]

    async def forget_ballot_order(self, vote_id: int) -> None:
        """Store the closed vote's ballots and poll-book rows anew, in key order, so no
        trace of the order (or the transaction) they were written in stays with them.

        SQLite keeps both tables in key order already (WITHOUT ROWID): nothing to do.
        PostgreSQL keeps a table's rows where and when they were written (their place
        and ``xmin``), and a ballot shares its transaction with its voter's poll-book
        row: each is deleted and written again, all in this (the close's) transaction.
        The old versions go at the next VACUUM (settle_checkpoints runs one).
        """
        if getattr(self._conn, "engine", "sqlite") != "postgresql":
            return
        cid = community_id()
        await self._conn.execute(
            "WITH old AS (DELETE FROM ballots WHERE vote_id = ? AND community_id = ?"
            " RETURNING *) INSERT INTO ballots SELECT * FROM old ORDER BY voter_key",
            (vote_id, cid),
        )
        await self._conn.execute(
            "WITH old AS (DELETE FROM poll_book WHERE vote_id = ? AND community_id = ?"
            " RETURNING *) INSERT INTO poll_book SELECT * FROM old ORDER BY person_id",
            (vote_id, cid),
        )

    async def close(
        self,
        vote_id: int,
        *,
        result: str,
        tally: dict[str, Any],
        voters: int,
        closed_by: int | None,
        now: datetime,
    ) -> bool:
        """Record the result and erase the salt; False if it was already closed."""
        cur = await self._conn.execute(
            "UPDATE votes SET closed_at = ?, closed_by = ?, result = ?, tally = ?, voters = ?,"
            " salt = NULL WHERE id = ? AND community_id = ? AND closed_at IS NULL",
            (
                to_db_time(now),
                closed_by,
                result,
                json.dumps(tally, sort_keys=True),
                voters,
                vote_id,
                community_id(),
            ),
        )
        return cur.rowcount > 0

    # --- conventions register ----------------------------------------------------------

    async def add_convention(
        self,
        *,
        title: str,
        text: str,
        matter_id: int,
        vote_id: int,
        amends: int | None,
        now: datetime,
    ) -> int:
        """Enter an adopted convention, numbered next in its community; an amended one is
        marked superseded by it. Returns its id."""
        cid = community_id()
        # The next number is read in the same statement, inside the caller's transaction;
        # a community's writes are serialized (one writer per community on both engines).
        cur = await self._conn.execute(
            "INSERT INTO conventions (community_id, number, title, text, matter_id, vote_id,"
            " adopted_at, amends) VALUES (?,"
            " (SELECT coalesce(max(number), 0) + 1 FROM conventions WHERE community_id = ?),"
            " ?, ?, ?, ?, ?, ?)",
            (cid, cid, title, text, matter_id, vote_id, to_db_time(now), amends),
        )
        assert cur.lastrowid is not None  # noqa: S101 - an INSERT always has one
        if amends is not None:
            await self._conn.execute(
                "UPDATE conventions SET superseded_by = ? WHERE id = ? AND community_id = ?",
                (cur.lastrowid, amends, cid),
            )
        return cur.lastrowid

    async def conventions(self) -> list[ConventionRow]:
        """The whole register, in force first, then by number."""
        async with self._conn.execute(
            f"SELECT {_CONVENTION_COLUMNS} FROM conventions c WHERE c.community_id = ?"
            " ORDER BY c.superseded_by IS NOT NULL, c.number",
            (community_id(),),
        ) as cur:
            rows = await cur.fetchall()
        return [_convention(row) for row in rows]

    async def convention(self, convention_id: int) -> ConventionRow | None:
        """One convention (by id), or None."""
        async with self._conn.execute(
            f"SELECT {_CONVENTION_COLUMNS} FROM conventions c"
            " WHERE c.id = ? AND c.community_id = ?",
            (convention_id, community_id()),
        ) as cur:
            row = await cur.fetchone()
        return _convention(row) if row else None


class BallotBox:
    """The ballot statements, synchronous, for a unit of work run in one hop to the
    writer's thread (``Database.run_unit``): casting a ballot is the hottest write.

    ``community`` is the community's id, captured by the async caller (the storage
    scope's context variable does not reach the database's thread)."""

    def __init__(self, conn: sqlite3.Connection, community: int) -> None:
        self._conn = conn
        self._community = community

    def vote(self, vote_id: int) -> VoteRow | None:
        """The vote, or None (also for another community's)."""
        row = self._conn.execute(_GET_VOTE, (vote_id, self._community)).fetchone()
        return _vote(row) if row else None

    def ballot(self, vote_id: int, voter_key: str) -> BallotRow | None:
        """A voter's ballot, or None."""
        row = self._conn.execute(_GET_BALLOT, (vote_id, voter_key, self._community)).fetchone()
        return _ballot(row) if row else None

    def put_ballot(
        self,
        vote_id: int,
        voter_key: str,
        person_id: int | None,
        choice: tuple[int, ...],
        now: datetime,
        caster_key: str | None = None,
    ) -> None:
        """Cast or change a ballot cast by the voter themselves."""
        self._conn.execute(
            _PUT_BALLOT,
            _put_ballot_params(
                vote_id,
                voter_key,
                person_id,
                choice,
                now,
                None,
                None,
                None,
                caster_key,
                self._community,
            ),
        )

    def delete_ballot(self, vote_id: int, voter_key: str) -> None:
        """Withdraw a ballot."""
        self._conn.execute(_DELETE_BALLOT, (vote_id, voter_key, self._community))


def _ballot(row: sqlite3.Row) -> BallotRow:
    return BallotRow(
        voter_key=row["voter_key"],
        person_id=row["person_id"],
        choice=decode_choice(row["choice"]),
        cast_at=from_db_time(row["cast_at"]),
        recorded_by=row["recorded_by"],
        proxy_reason=row["proxy_reason"],
        paper_resident_id=row["paper_resident_id"],
        caster_key=row["caster_key"],
    )


#: A convention with the numbers of the ones it amends and that superseded it.
_CONVENTION_COLUMNS = (
    "c.id, c.title, c.text, c.matter_id, c.vote_id, c.adopted_at, c.amends, c.superseded_by,"
    " c.number,"
    " (SELECT a.number FROM conventions a WHERE a.id = c.amends"
    " AND a.community_id = c.community_id) AS amends_number,"
    " (SELECT b.number FROM conventions b WHERE b.id = c.superseded_by"
    " AND b.community_id = c.community_id) AS superseded_by_number"
)


def _convention(row: sqlite3.Row) -> ConventionRow:
    return ConventionRow(
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
