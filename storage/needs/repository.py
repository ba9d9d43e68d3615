"""Queries on ``needs``, ``need_offers`` and ``offer_claims`` (as ``session.needs``).

Every method works in the current community (:func:`storage.scope.community_id`): a
need, offer or claim number of another community finds nothing and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import aiosqlite

from storage.migrations.numbering import next_number
from storage.scope import community_id
from storage.times import from_db_time, to_db_time

_NEED_COLUMNS = (
    "n.id, n.resident_id, r.display_name, n.recorded_by, n.category, n.building, n.urgent,"
    " n.text, n.photo, n.voice, n.state, n.posted_at, n.answer_due_at, n.done_due_at,"
    " n.answered_at, n.answered_by, n.owner_id, o.display_name, n.claimed_at, n.due_on,"
    " n.activity_id, n.offer_id, n.matter_id, n.reply, n.done_at, n.solved_at, n.rating,"
    " n.rated_at, n.reopened, rec.display_name, n.number, act.number, mat.number"
)
_NEED_FROM = (
    "needs n LEFT JOIN people r ON r.id = n.resident_id LEFT JOIN people o ON o.id = n.owner_id"
    " LEFT JOIN people rec ON rec.id = n.recorded_by"
    " LEFT JOIN activities act ON act.id = n.activity_id"
    " LEFT JOIN matters mat ON mat.id = n.matter_id"
)


def _time(value: str | None) -> datetime | None:
    return from_db_time(value) if value else None


@dataclass(frozen=True)
class NeedRow:
    """One need: the resident's words, where it stands, its clocks and its rating."""

    id: int
    resident_id: int | None
    resident_name: str | None
    recorded_by: int | None
    category: str
    building: str | None
    urgent: bool
    text: str
    photo: str | None
    voice: str | None
    #: 'open' (待认领), 'claimed' (办理中), 'done' (待确认), 'solved' (已解决), 'matter'.
    state: str
    posted_at: datetime
    answer_due_at: datetime
    done_due_at: datetime
    answered_at: datetime | None
    answered_by: int | None
    owner_id: int | None
    owner_name: str | None
    claimed_at: datetime | None
    due_on: date | None
    activity_id: int | None
    offer_id: int | None
    matter_id: int | None
    reply: str | None
    done_at: datetime | None
    solved_at: datetime | None
    rating: int | None
    rated_at: datetime | None
    reopened: int
    #: Who recorded it on the resident's behalf (代录), if someone did.
    recorded_name: str | None = None
    #: What people call it (需求 #3): counted within the community, unlike ``id``.
    number: int = 0
    #: What people call its volunteer activity and its matter (志愿活动 #2, 议题 #5).
    activity_number: int | None = None
    matter_number: int | None = None

    @classmethod
    def of(cls, row: aiosqlite.Row) -> NeedRow:
        return cls(
            id=row[0],
            resident_id=row[1],
            resident_name=row[2],
            recorded_by=row[3],
            category=row[4],
            building=row[5],
            urgent=bool(row[6]),
            text=row[7],
            photo=row[8],
            voice=row[9],
            state=row[10],
            posted_at=from_db_time(row[11]),
            answer_due_at=from_db_time(row[12]),
            done_due_at=from_db_time(row[13]),
            answered_at=_time(row[14]),
            answered_by=row[15],
            owner_id=row[16],
            owner_name=row[17],
            claimed_at=_time(row[18]),
            due_on=date.fromisoformat(row[19]) if row[19] else None,
            activity_id=row[20],
            offer_id=row[21],
            matter_id=row[22],
            reply=row[23],
            done_at=_time(row[24]),
            solved_at=_time(row[25]),
            rating=row[26],
            rated_at=_time(row[27]),
            reopened=row[28],
            recorded_name=row[29],
            number=int(row[30]),
            activity_number=row[31],
            matter_number=row[32],
        )


@dataclass(frozen=True)
class OfferRow:
    """A service offered (服务): what, on which day (None: 长期), for how many."""

    id: int
    person_id: int
    person_name: str
    what: str
    available_on: date | None
    capacity: int
    state: str
    created_at: datetime
    #: How many claims were agreed.
    taken: int
    #: Its number in the community (服务 #N; the id is street-wide).
    number: int = 0


@dataclass(frozen=True)
class OfferClaimRow:
    """A resident's claim of a service, waiting for the offerer or decided."""

    id: int
    offer_id: int
    claimed_by: int | None
    for_person: int | None
    for_name: str | None
    state: str
    asked_at: datetime
    need_id: int | None


class NeedsRepository:
    """One parameterised query per intention."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    # --- needs ----------------------------------------------------------------------

    async def _needs(self, where: str, *args: Any, tail: str = "ORDER BY n.id") -> list[NeedRow]:
        async with self._conn.execute(
            f"SELECT {_NEED_COLUMNS} FROM {_NEED_FROM} WHERE n.community_id = ? AND ({where})"
            f" {tail}",
            (community_id(), *args),
        ) as cur:
            return [NeedRow.of(row) for row in await cur.fetchall()]

    async def create(
        self,
        *,
        resident_id: int | None,
        recorded_by: int | None,
        category: str,
        building: str | None,
        urgent: bool,
        text: str,
        photo: str | None,
        voice: str | None,
        answer_due_at: datetime,
        done_due_at: datetime,
        now: datetime,
    ) -> int:
        """A new need, open, numbered next in its community; its id."""
        cid = community_id()
        cur = await self._conn.execute(
            "INSERT INTO needs (community_id, resident_id, recorded_by, category, building,"
            " urgent, text, photo, voice, posted_at, answer_due_at, done_due_at, number)"
            f" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, {next_number('needs')})",
            (
                cid,
                resident_id,
                recorded_by,
                category,
                building,
                int(urgent),
                text,
                photo,
                voice,
                to_db_time(now),
                to_db_time(answer_due_at),
                to_db_time(done_due_at),
                cid,
            ),
        )
        assert cur.lastrowid is not None  # noqa: S101 - an INSERT always has one
        return cur.lastrowid

    async def by_id(self, need_id: int) -> NeedRow | None:
        rows = await self._needs("n.id = ?", need_id)
        return rows[0] if rows else None

    async def by_matter(self, matter_id: int) -> NeedRow | None:
        rows = await self._needs("n.matter_id = ?", matter_id)
        return rows[0] if rows else None

    async def open_page(self, offset: int, limit: int) -> tuple[list[NeedRow], int]:
        """Open needs, urgent first then oldest; and how many there are."""
        rows = await self._needs(
            "n.state = 'open'",
            limit,
            offset,
            tail="ORDER BY n.urgent DESC, n.posted_at, n.id LIMIT ? OFFSET ?",
        )
        async with self._conn.execute(
            "SELECT count(*) FROM needs WHERE community_id = ? AND state = 'open'",
            (community_id(),),
        ) as cur:
            row = await cur.fetchone()
        return rows, int(row[0]) if row else 0

    async def of_resident(self, person_id: int) -> list[NeedRow]:
        return await self._needs("n.resident_id = ?", person_id, tail="ORDER BY n.id DESC")

    async def owned_by(self, person_id: int) -> list[NeedRow]:
        """Needs the person carries out (claimed, waiting for the resident)."""
        return await self._needs(
            "n.owner_id = ? AND n.state IN ('claimed', 'done')", person_id, tail="ORDER BY n.id"
        )

    async def posted_between(self, start: datetime, end: datetime) -> list[NeedRow]:
        return await self._needs(
            "n.posted_at >= ? AND n.posted_at < ?", to_db_time(start), to_db_time(end)
        )

    async def claim(
        self, need_id: int, owner_id: int, due_on: date, done_due_at: datetime, now: datetime
    ) -> bool:
        """Open → claimed by ``owner_id``; the first answer if none yet. False if taken."""
        cur = await self._conn.execute(
            "UPDATE needs SET state = 'claimed', owner_id = ?, claimed_at = ?, due_on = ?,"
            " done_due_at = ?, answered_at = coalesce(answered_at, ?),"
            " answered_by = coalesce(answered_by, ?)"
            " WHERE id = ? AND community_id = ? AND state = 'open'",
            (
                owner_id,
                to_db_time(now),
                due_on.isoformat(),
                to_db_time(done_due_at),
                to_db_time(now),
                owner_id,
                need_id,
                community_id(),
            ),
        )
        return cur.rowcount > 0

    async def answer(self, need_id: int, by: int, reply: str, now: datetime) -> bool:
        """A reply to the resident: the first answer stops the clock (kept once)."""
        cur = await self._conn.execute(
            "UPDATE needs SET reply = ?, answered_at = coalesce(answered_at, ?),"
            " answered_by = coalesce(answered_by, ?) WHERE id = ? AND community_id = ?",
            (reply, to_db_time(now), by, need_id, community_id()),
        )
        return cur.rowcount > 0

    async def set_due(self, need_id: int, due_on: date, done_due_at: datetime) -> bool:
        cur = await self._conn.execute(
            "UPDATE needs SET due_on = ?, done_due_at = ?"
            " WHERE id = ? AND community_id = ? AND state = 'claimed'",
            (due_on.isoformat(), to_db_time(done_due_at), need_id, community_id()),
        )
        return cur.rowcount > 0

    async def set_activity(self, need_id: int, activity_id: int) -> None:
        await self._conn.execute(
            "UPDATE needs SET activity_id = ? WHERE id = ? AND community_id = ?",
            (activity_id, need_id, community_id()),
        )

    async def set_offer(self, need_id: int, offer_id: int) -> None:
        await self._conn.execute(
            "UPDATE needs SET offer_id = ? WHERE id = ? AND community_id = ?",
            (offer_id, need_id, community_id()),
        )

    async def finish(self, need_id: int, owner_id: int, now: datetime) -> bool:
        """Claimed → done (待确认), by its owner."""
        cur = await self._conn.execute(
            "UPDATE needs SET state = 'done', done_at = ?"
            " WHERE id = ? AND community_id = ? AND owner_id = ? AND state = 'claimed'",
            (to_db_time(now), need_id, community_id(), owner_id),
        )
        return cur.rowcount > 0

    async def confirm(self, need_id: int, now: datetime) -> bool:
        """Done → solved (the resident said so)."""
        cur = await self._conn.execute(
            "UPDATE needs SET state = 'solved', solved_at = ?"
            " WHERE id = ? AND community_id = ? AND state = 'done'",
            (to_db_time(now), need_id, community_id()),
        )
        return cur.rowcount > 0

    async def reopen(self, need_id: int) -> bool:
        """Done → open again (not solved): the owner goes, the deadline stays."""
        cur = await self._conn.execute(
            "UPDATE needs SET state = 'open', owner_id = NULL, claimed_at = NULL,"
            " done_at = NULL, due_on = NULL, activity_id = NULL, reopened = reopened + 1"
            " WHERE id = ? AND community_id = ? AND state = 'done'",
            (need_id, community_id()),
        )
        return cur.rowcount > 0

    async def rate(self, need_id: int, stars: int, now: datetime) -> bool:
        """The resident's rating of a solved need, once."""
        cur = await self._conn.execute(
            "UPDATE needs SET rating = ?, rated_at = ?"
            " WHERE id = ? AND community_id = ? AND state = 'solved' AND rating IS NULL",
            (stars, to_db_time(now), need_id, community_id()),
        )
        return cur.rowcount > 0

    async def to_matter(self, need_id: int, matter_id: int, by: int | None, now: datetime) -> bool:
        """The need became a raised matter (已转为议题): the matter answers it."""
        cur = await self._conn.execute(
            "UPDATE needs SET state = 'matter', matter_id = ?,"
            " answered_at = coalesce(answered_at, ?), answered_by = coalesce(answered_by, ?)"
            " WHERE id = ? AND community_id = ? AND state IN ('open', 'claimed')",
            (matter_id, to_db_time(now), by, need_id, community_id()),
        )
        return cur.rowcount > 0

    async def back_from_matter(self, need_id: int) -> bool:
        """The matter was withdrawn: the need is open again (the link to it kept)."""
        cur = await self._conn.execute(
            "UPDATE needs SET state = 'open', owner_id = NULL, claimed_at = NULL, due_on = NULL"
            " WHERE id = ? AND community_id = ? AND state = 'matter'",
            (need_id, community_id()),
        )
        return cur.rowcount > 0

    async def mark_pushed(self, need_id: int, which: str, now: datetime) -> bool:
        """Note the unanswered / overdue push to the secretaries; False if sent already."""
        column = {"unanswered": "unanswered_pushed_at", "overdue": "overdue_pushed_at"}[which]
        cur = await self._conn.execute(
            f"UPDATE needs SET {column} = ? WHERE id = ? AND community_id = ? AND {column} IS NULL",
            (to_db_time(now), need_id, community_id()),
        )
        return cur.rowcount > 0

    # --- services offered --------------------------------------------------------------

    async def add_offer(
        self, person_id: int, what: str, available_on: date | None, capacity: int, now: datetime
    ) -> int:
        cur = await self._conn.execute(
            "INSERT INTO need_offers"
            " (community_id, person_id, what, available_on, capacity, created_at, number)"
            f" VALUES (?, ?, ?, ?, ?, ?, {next_number('need_offers')})",
            (
                community_id(),
                person_id,
                what,
                available_on.isoformat() if available_on else None,
                capacity,
                to_db_time(now),
                community_id(),
            ),
        )
        assert cur.lastrowid is not None  # noqa: S101 - an INSERT always has one
        return cur.lastrowid

    async def _offers(self, where: str, *args: Any, tail: str = "") -> list[OfferRow]:
        async with self._conn.execute(
            "SELECT f.id, f.person_id, p.display_name, f.what, f.available_on, f.capacity,"
            " f.state, f.created_at, (SELECT count(*) FROM offer_claims c"
            " WHERE c.offer_id = f.id AND c.community_id = f.community_id"
            " AND c.state = 'agreed'), f.number"
            " FROM need_offers f JOIN people p ON p.id = f.person_id"
            f" WHERE f.community_id = ? AND ({where}) ORDER BY f.id {tail}",
            (community_id(), *args),
        ) as cur:
            rows = await cur.fetchall()
        return [
            OfferRow(
                id=row[0],
                person_id=row[1],
                person_name=row[2],
                what=row[3],
                available_on=date.fromisoformat(row[4]) if row[4] else None,
                capacity=row[5],
                state=row[6],
                created_at=from_db_time(row[7]),
                taken=row[8],
                number=int(row[9]),
            )
            for row in rows
        ]

    async def offer(self, offer_id: int) -> OfferRow | None:
        rows = await self._offers("f.id = ?", offer_id)
        return rows[0] if rows else None

    async def open_offers(self, today: date, offset: int, limit: int) -> list[OfferRow]:
        """Offers still open (long-term, or on a day not past), oldest first."""
        return await self._offers(
            "f.state = 'open' AND (f.available_on IS NULL OR f.available_on >= ?)",
            today.isoformat(),
            limit,
            offset,
            tail="LIMIT ? OFFSET ?",
        )

    async def offers_between(self, start: datetime, end: datetime) -> list[OfferRow]:
        return await self._offers(
            "f.created_at >= ? AND f.created_at < ?", to_db_time(start), to_db_time(end)
        )

    async def close_offer(self, offer_id: int) -> None:
        await self._conn.execute(
            "UPDATE need_offers SET state = 'closed' WHERE id = ? AND community_id = ?",
            (offer_id, community_id()),
        )

    async def add_claim(
        self, offer_id: int, claimed_by: int, for_person: int, now: datetime
    ) -> int | None:
        """A claim of the offer for ``for_person``; None if one is waiting already."""
        cid = community_id()
        async with self._conn.execute(
            "SELECT 1 FROM offer_claims WHERE community_id = ? AND offer_id = ?"
            " AND for_person = ? AND state = 'asked'",
            (cid, offer_id, for_person),
        ) as cur:
            if await cur.fetchone() is not None:
                return None
        cur = await self._conn.execute(
            "INSERT INTO offer_claims (community_id, offer_id, claimed_by, for_person, asked_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (cid, offer_id, claimed_by, for_person, to_db_time(now)),
        )
        return cur.lastrowid

    async def claim_of_offer(self, claim_id: int) -> OfferClaimRow | None:
        async with self._conn.execute(
            "SELECT c.id, c.offer_id, c.claimed_by, c.for_person, p.display_name, c.state,"
            " c.asked_at, c.need_id FROM offer_claims c LEFT JOIN people p"
            " ON p.id = c.for_person WHERE c.id = ? AND c.community_id = ?",
            (claim_id, community_id()),
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        return OfferClaimRow(
            row[0], row[1], row[2], row[3], row[4], row[5], from_db_time(row[6]), row[7]
        )

    async def decide_claim(
        self, claim_id: int, agreed: bool, need_id: int | None, now: datetime
    ) -> bool:
        cur = await self._conn.execute(
            "UPDATE offer_claims SET state = ?, decided_at = ?, need_id = ?"
            " WHERE id = ? AND community_id = ? AND state = 'asked'",
            (
                "agreed" if agreed else "declined",
                to_db_time(now),
                need_id,
                claim_id,
                community_id(),
            ),
        )
        return cur.rowcount > 0

    # --- /export -------------------------------------------------------------------

    async def person_record(self, person_id: int) -> dict[str, Any]:
        """Their needs (with ratings), the needs they carried out or recorded, their
        offers and their claims of others' offers."""
        cid = community_id()

        async def rows(sql: str, *args: Any) -> list[dict[str, Any]]:
            async with self._conn.execute(sql, (*args, cid)) as cur:
                return [dict(row) for row in await cur.fetchall()]

        fields = (
            "id, category, building, urgent, text, photo, voice, state, posted_at,"
            " answered_at, claimed_at, due_on, done_at, solved_at, rating, rated_at"
        )
        # Each query ends with "AND community_id = ?" (rows() passes the community last).
        return {
            "needs": await rows(
                f"SELECT {fields} FROM needs WHERE resident_id = ? AND community_id = ?"
                " ORDER BY id",
                person_id,
            ),
            "needs_recorded": await rows(
                "SELECT id, posted_at FROM needs WHERE recorded_by = ? AND community_id = ?"
                " ORDER BY id",
                person_id,
            ),
            "needs_answered": await rows(
                "SELECT id, answered_at, reply FROM needs"
                " WHERE answered_by = ? AND community_id = ? ORDER BY id",
                person_id,
            ),
            "needs_claimed": await rows(
                "SELECT id, state, claimed_at, due_on, done_at, rating FROM needs"
                " WHERE owner_id = ? AND community_id = ? ORDER BY id",
                person_id,
            ),
            "offers": await rows(
                "SELECT id, what, available_on, capacity, state, created_at FROM need_offers"
                " WHERE person_id = ? AND community_id = ? ORDER BY id",
                person_id,
            ),
            "offer_claims": await rows(
                "SELECT id, offer_id, state, asked_at, decided_at, need_id FROM offer_claims"
                " WHERE (claimed_by = ? OR for_person = ?) AND community_id = ? ORDER BY id",
                person_id,
                person_id,
            ),
        }
