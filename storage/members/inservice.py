"""In-service Party members reporting to the community (在职党员报到): their records, and
the messages residents send them through the contact card (with the replies).

Every method is scoped to the current community (storage/scope.py) but one:
:meth:`InserviceRepository.street_wide_community_of_token`. A contact card is posted in
a residents' group and may be passed on, so its link can be opened by a resident of
another community of the street; the token (random, globally unique) is then looked up
street-wide for its community only, and the service enters that community to find the
member and keep the message (bot/members/inservice.py). A relayed message is the
member's community's row; it names its writer, who may be of another community, so the
resident's side of a message (their name, their community) is read without the scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.scope import community_id
from storage.times import from_db_time, to_db_time

_COLUMNS = (
    "m.person_id, p.display_name, m.employer, m.party_org, m.org_contact_name, m.org_contact,"
    " m.post, m.building, m.commitment_id, m.token, m.registered_at"
)
_FROM = "inservice_members m JOIN people p ON p.id = m.person_id"


@dataclass(frozen=True)
class InserviceRow:
    """One in-service member: where they work, the post and building they took here."""

    person_id: int
    name: str
    employer: str
    party_org: str
    org_contact_name: str
    org_contact: str
    #: The post's name as configured (Chinese), e.g. 楼栋长.
    post: str
    building: str | None
    commitment_id: int | None
    token: str
    registered_at: datetime

    @classmethod
    def of(cls, row: aiosqlite.Row) -> InserviceRow:
        return cls(
            person_id=row[0],
            name=row[1],
            employer=row[2],
            party_org=row[3],
            org_contact_name=row[4],
            org_contact=row[5],
            post=row[6],
            building=row[7],
            commitment_id=row[8],
            token=row[9],
            registered_at=from_db_time(row[10]),
        )


@dataclass(frozen=True)
class RelayedRow:
    """A resident's message to a member, and the member's reply if any."""

    id: int
    member_id: int
    member_name: str
    resident_id: int
    resident_name: str
    #: The community the resident is registered in (another one if they opened a card
    #: passed on from this community's group): the reply is queued in theirs.
    resident_community: int
    text: str
    sent_at: datetime
    reply: str | None
    replied_at: datetime | None


@dataclass(frozen=True)
class ServedRow:
    """A volunteer activity the member served at, with its counted minutes."""

    title: str
    starts_at: datetime
    minutes: int


class InserviceRepository:
    """Queries on ``inservice_members`` and ``inservice_messages``."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def _many(self, where: str, *args: Any) -> list[InserviceRow]:
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM {_FROM} WHERE m.community_id = ? AND ({where})"
            " ORDER BY m.registered_at, m.person_id",
            (community_id(), *args),
        ) as cur:
            return [InserviceRow.of(row) for row in await cur.fetchall()]

    async def of_person(self, person_id: int) -> InserviceRow | None:
        rows = await self._many("m.person_id = ?", person_id)
        return rows[0] if rows else None

    async def by_token(self, token: str) -> InserviceRow | None:
        """The member whose contact card has ``token``, in the current community."""
        rows = await self._many("m.token = ?", token)
        return rows[0] if rows else None

    async def street_wide_community_of_token(self, token: str) -> int | None:
        """The community whose member's contact card has ``token``, whichever it is (the
        one unscoped lookup: a card's link opened by a resident of another community);
        None if no card has it. Only the community is returned: the caller enters it
        and reads the member with :meth:`by_token`."""
        async with self._conn.execute(
            "SELECT community_id FROM inservice_members WHERE token = ?", (token,)
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else None

    async def every(self) -> list[InserviceRow]:
        """Every in-service member, in the order they reported in."""
        return await self._many("1 = 1")

    async def put(
        self,
        person_id: int,
        *,
        employer: str,
        party_org: str,
        org_contact_name: str,
        org_contact: str,
        post: str,
        building: str | None,
        commitment_id: int | None,
        token: str,
        now: datetime,
    ) -> None:
        """Register the member (again: the answers replaced, the card's token kept)."""
        await self._conn.execute(
            "INSERT INTO inservice_members (person_id, employer, party_org, org_contact_name,"
            " org_contact, post, building, commitment_id, token, registered_at, community_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (person_id) DO UPDATE SET"
            " employer = excluded.employer, party_org = excluded.party_org,"
            " org_contact_name = excluded.org_contact_name, org_contact = excluded.org_contact,"
            " post = excluded.post, building = excluded.building,"
            " commitment_id = coalesce(excluded.commitment_id, inservice_members.commitment_id)"
            " WHERE inservice_members.community_id = excluded.community_id",
            (
                person_id,
                employer,
                party_org,
                org_contact_name,
                org_contact,
                post,
                building,
                commitment_id,
                token,
                to_db_time(now),
                community_id(),
            ),
        )

    async def remove(self, person_id: int) -> bool:
        """Take the member off the list; False if they were not on it."""
        cur = await self._conn.execute(
            "DELETE FROM inservice_members WHERE person_id = ? AND community_id = ?",
            (person_id, community_id()),
        )
        return cur.rowcount > 0

    async def contacts_given(self, person_id: int) -> list[str]:
        """The employer's contact (phone or e-mail) the person gave (for /forget's scrub)."""
        async with self._conn.execute(
            "SELECT org_contact FROM inservice_members WHERE person_id = ? AND community_id = ?",
            (person_id, community_id()),
        ) as cur:
            return [str(row[0]) for row in await cur.fetchall() if row[0]]

    # --- relayed messages ----------------------------------------------------------------

    async def add_message(self, member_id: int, resident_id: int, text: str, now: datetime) -> int:
        cur = await self._conn.execute(
            "INSERT INTO inservice_messages (member_id, resident_id, text, sent_at, community_id)"
            " VALUES (?, ?, ?, ?, ?)",
            (member_id, resident_id, text, to_db_time(now), community_id()),
        )
        assert cur.lastrowid is not None  # noqa: S101 - an INSERT has one
        return cur.lastrowid

    async def message(self, message_id: int) -> RelayedRow | None:
        async with self._conn.execute(
            "SELECT x.id, x.member_id, m.display_name, x.resident_id, r.display_name, x.text,"
            " x.sent_at, x.reply, x.replied_at, r.community_id FROM inservice_messages x"
            " JOIN people m ON m.id = x.member_id JOIN people r ON r.id = x.resident_id"
            " WHERE x.id = ? AND x.community_id = ?",
            (message_id, community_id()),
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        return RelayedRow(
            id=row[0],
            member_id=row[1],
            member_name=row[2],
            resident_id=row[3],
            resident_name=row[4],
            resident_community=int(row[9]),
            text=row[5],
            sent_at=from_db_time(row[6]),
            reply=row[7],
            replied_at=from_db_time(row[8]) if row[8] else None,
        )

    async def set_reply(self, message_id: int, reply: str, now: datetime) -> None:
        """The member's reply (a later one replaces it: the latest is kept)."""
        await self._conn.execute(
            "UPDATE inservice_messages SET reply = ?, replied_at = ?"
            " WHERE id = ? AND community_id = ?",
            (reply, to_db_time(now), message_id, community_id()),
        )

    async def message_counts(
        self, member_id: int, since: datetime, until: datetime
    ) -> tuple[int, int]:
        """Messages the member got in [since, until), and how many of them they answered."""
        async with self._conn.execute(
            "SELECT count(*), count(replied_at) FROM inservice_messages"
            " WHERE member_id = ? AND community_id = ? AND sent_at >= ? AND sent_at < ?",
            (member_id, community_id(), to_db_time(since), to_db_time(until)),
        ) as cur:
            row = await cur.fetchone()
        return (int(row[0]), int(row[1])) if row else (0, 0)

    async def served(self, person_id: int, since: datetime, until: datetime) -> list[ServedRow]:
        """The volunteer activities starting in [since, until) with the person's counted
        minutes (the reviews /hours counts: ok, approved, adjusted), by start."""
        async with self._conn.execute(
            "SELECT a.title, a.starts_at, c.minutes FROM checkins c"
            " JOIN activities a ON a.id = c.activity_id AND a.community_id = c.community_id"
            " WHERE c.person_id = ? AND c.community_id = ?"
            " AND c.review IN ('ok', 'approved', 'adjusted') AND c.minutes IS NOT NULL"
            " AND a.starts_at >= ? AND a.starts_at < ? ORDER BY a.starts_at, a.id",
            (person_id, community_id(), to_db_time(since), to_db_time(until)),
        ) as cur:
            rows = await cur.fetchall()
        return [ServedRow(str(r[0]), from_db_time(r[1]), int(r[2])) for r in rows]

    async def person_record(self, person_id: int) -> dict[str, Any]:
        """For /export: the in-service record, the messages residents sent them and the
        messages they sent to members through a contact card (with the replies).

        The messages they sent are theirs wherever they are kept: one sent through a card
        of another community is that community's row, and is listed too (it can only be
        the person's own: ``resident_id`` is their register id)."""
        async with self._conn.execute(
            "SELECT employer, party_org, org_contact_name, org_contact, post, building,"
            " commitment_id, registered_at FROM inservice_members"
            " WHERE person_id = ? AND community_id = ?",
            (person_id, community_id()),
        ) as cur:
            row = await cur.fetchone()
        record = dict(row) if row else None
        async with self._conn.execute(
            "SELECT x.id, r.display_name AS resident, x.text, x.sent_at, x.reply, x.replied_at"
            " FROM inservice_messages x JOIN people r ON r.id = x.resident_id"
            " WHERE x.member_id = ? AND x.community_id = ? ORDER BY x.id",
            (person_id, community_id()),
        ) as cur:
            received = [dict(r) for r in await cur.fetchall()]
        async with self._conn.execute(
            "SELECT x.id, m.display_name AS member, x.text, x.sent_at, x.reply, x.replied_at"
            " FROM inservice_messages x JOIN people m ON m.id = x.member_id"
            " WHERE x.resident_id = ? ORDER BY x.id",
            (person_id,),
        ) as cur:
            sent = [dict(r) for r in await cur.fetchall()]
        return {
            "inservice": record,
            "inservice_messages_received": received,
            "inservice_messages_sent": sent,
        }
