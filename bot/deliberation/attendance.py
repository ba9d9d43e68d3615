"""Who is present at a sitting (the pavilion's in-person attendance list).

The secretary keeps it privately with /attendance: the register's residents by
building, each a button that marks them present (or not), and the number of
attendees who are not in the register (−/+ or typed). Each mark keeps who made it
and when. The list goes into the minutes and the ledger; for a vote, the same list
marks who handed in a paper ballot (bot/deliberation/voting/paper.py), which is the
guard against counting a registered resident twice.

The sitting is the one open now, or else the one that started last; /attendance is
refused when there has been none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot import parsing
from bot.clock import Clock, system_clock
from bot.community.register import Actor, Role
from bot.config import Settings
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from storage import Storage
from storage.deliberation.attendance import AttendeeRow, GuestsRow, MemberRow, PaperCountRow
from storage.deliberation.matters import MatterRow
from storage.deliberation.sittings import SittingRow
from storage.deliberation.votes import VoteRow
from storage.session import Session

#: The typed number of attendees not in the register.
GUESTS_FLOW = "attendance_guests"
MAX_GUESTS = 10_000
#: The building index that means "the list of buildings".
ALL_BUILDINGS = -1


@dataclass(frozen=True)
class Building:
    """One building of the register: how many of its residents are present."""

    name: str | None
    present: int
    total: int


@dataclass(frozen=True)
class Attendance:
    """A sitting's attendance as the minutes and the ledger show it."""

    present: tuple[AttendeeRow, ...]
    guests: GuestsRow | None

    @property
    def registered(self) -> int:
        """How many members of the register were present."""
        return len(self.present)

    @property
    def unregistered(self) -> int:
        """How many attendees not in the register came."""
        return self.guests.count if self.guests else 0

    @property
    def total(self) -> int:
        """Everyone present."""
        return self.registered + self.unregistered


@dataclass(frozen=True)
class PaperVoting:
    """The vote whose paper voters the list marks, and what is marked so far."""

    vote: VoteRow
    matter: MatterRow
    voters: frozenset[tuple[str, int]]
    count: PaperCountRow | None


@dataclass(frozen=True)
class AttendanceScreen:
    """The secretary's attendance screen: the buildings, or one building's residents."""

    sitting: SittingRow
    attendance: Attendance
    buildings: tuple[Building, ...]
    #: The building shown (an index of ``buildings``), or ALL_BUILDINGS.
    building: int
    members: tuple[MemberRow, ...]
    present: frozenset[tuple[str, int]]
    #: Open votes, each a button that turns the list into its paper voters' list.
    open_votes: tuple[tuple[VoteRow, MatterRow], ...]
    paper: PaperVoting | None


def _buildings(members: list[MemberRow], present: set[tuple[str, int]]) -> list[Building]:
    names: list[str | None] = []
    for member in members:
        if member.building not in names:
            names.append(member.building)
    return [
        Building(
            name,
            sum(1 for m in members if m.building == name and (m.kind, m.id) in present),
            sum(1 for m in members if m.building == name),
        )
        for name in names
    ]


async def current_sitting(session: Session, now: datetime) -> SittingRow:
    """The sitting open now, else the latest one started; refused when there is none."""
    sitting_id = await session.attendance.open_sitting_id(now)
    sitting = await session.sittings.get(sitting_id) if sitting_id is not None else None
    if sitting is None:
        sitting = await session.sittings.latest_started(now)
    if sitting is None:
        raise UserFacingError("attendance.no_sitting")
    return sitting


async def attendance_of(session: Session, sitting_id: int) -> Attendance:
    """Who was present at the sitting."""
    present = await session.attendance.present(sitting_id)
    return Attendance(tuple(present), await session.attendance.guests(sitting_id))


class AttendanceService:
    """/attendance: the list, presence toggles, the number not in the register."""

    def __init__(self, db: Storage, settings: Settings, clock: Clock = system_clock) -> None:
        self._db = db
        self._settings = settings
        self._clock = clock

    def _secretary(self, actor: Actor) -> int:
        return actor.member(Role.SECRETARY, "attendance.secretaries_only").id

    async def open_screen(self, actor: Actor) -> AttendanceScreen:
        """/attendance: the current sitting's list of buildings."""
        self._secretary(actor)
        async with self._db.read() as session:
            sitting = await current_sitting(session, self._clock())
            return await self._screen(session, sitting, 0, ALL_BUILDINGS)

    async def screen(
        self, actor: Actor, sitting_id: int, vote_id: int, building: int
    ) -> AttendanceScreen:
        """The screen again: a building's residents, or (for a vote) its paper voters."""
        self._secretary(actor)
        async with self._db.read() as session:
            sitting = await self._sitting(session, sitting_id)
            return await self._screen(session, sitting, vote_id, building)

    async def toggle_present(
        self, actor: Actor, sitting_id: int, kind: str, member_id: int, building: int
    ) -> AttendanceScreen:
        """Mark a member of the register present, or not (not while they hold a paper mark)."""
        person_id = self._secretary(actor)
        now = self._clock()
        async with self._db.transaction() as session:
            sitting = await self._sitting(session, sitting_id)
            member = await session.attendance.member(kind, member_id)
            if member is None:
                raise UserFacingError("attendance.not_in_register")
            present = {(a.kind, a.id) for a in await session.attendance.present(sitting.id)}
            on = (kind, member_id) not in present
            if not on and await session.attendance.paper_votes_of(sitting.id, kind, member_id):
                raise UserFacingError("attendance.has_paper_ballot", name=member.name)
            await session.attendance.set_present(sitting.id, kind, member_id, on, person_id, now)
            await session.audit.record(
                at=now,
                action="sitting.present" if on else "sitting.absent",
                actor_id=person_id,
                subject_id=member_id if kind == "p" else None,
                detail=f"{sitting.id}:{kind}{member_id}",
            )
            return await self._screen(session, sitting, 0, building)

    async def step_guests(self, actor: Actor, sitting_id: int, delta: int) -> AttendanceScreen:
        """−/+ the number of attendees not in the register."""
        person_id = self._secretary(actor)
        now = self._clock()
        async with self._db.transaction() as session:
            sitting = await self._sitting(session, sitting_id)
            guests = await session.attendance.guests(sitting.id)
            count = min(max((guests.count if guests else 0) + delta, 0), MAX_GUESTS)
            await self._set_guests(session, sitting, count, person_id, now)
            return await self._screen(session, sitting, 0, ALL_BUILDINGS)

    async def ask_guests(self, actor: Actor, chat_id: int, sitting_id: int) -> int:
        """The number not in the register will be typed; the current number."""
        self._secretary(actor)
        async with self._db.transaction() as session:
            sitting = await self._sitting(session, sitting_id)
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                GUESTS_FLOW,
                "count",
                {"sitting_id": sitting.id},
                self._clock(),
            )
            guests = await session.attendance.guests(sitting.id)
        return guests.count if guests else 0

    async def answer_guests(self, actor: Actor, chat_id: int, text: str) -> AttendanceScreen:
        """The typed number of attendees not in the register."""
        person_id = self._secretary(actor)
        count = parsing.number(text, high=MAX_GUESTS)
        if count is None:
            raise UserFacingError("attendance.guests_bad", most=MAX_GUESTS)
        now = self._clock()
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, GUESTS_FLOW, "count", "vote.setup_expired"
            )
            sitting = await self._sitting(session, int(dialog.data["sitting_id"]))
            await self._set_guests(session, sitting, count, person_id, now)
            await session.dialogs.end(chat_id, actor.tg_user_id)
            return await self._screen(session, sitting, 0, ALL_BUILDINGS)

    async def _set_guests(
        self, session: Session, sitting: SittingRow, count: int, person_id: int, now: datetime
    ) -> None:
        if count < await self._paper_floor(session, sitting):
            raise UserFacingError("attendance.guests_below_paper")
        await session.attendance.set_guests(sitting.id, count, person_id, now)
        await session.audit.record(
            at=now, action="sitting.guests", actor_id=person_id, detail=f"{sitting.id}:{count}"
        )

    async def _paper_floor(self, session: Session, sitting: SittingRow) -> int:
        """The fewest unregistered attendees the paper counts entered at this sitting allow."""
        floor = 0
        for vote_id in await session.attendance.counted_at(sitting.id):
            count = await session.attendance.paper_count(vote_id)
            if count is not None:
                voters = len(await session.attendance.paper_voters(vote_id))
                floor = max(floor, count.ballots - voters)
        return floor

    async def _sitting(self, session: Session, sitting_id: int) -> SittingRow:
        sitting = await session.sittings.get(sitting_id)
        if sitting is None:
            raise UserFacingError("attendance.no_sitting")
        return sitting

    async def _screen(
        self, session: Session, sitting: SittingRow, vote_id: int, building: int
    ) -> AttendanceScreen:
        members = await session.attendance.members()
        attendance = await attendance_of(session, sitting.id)
        present = {(a.kind, a.id) for a in attendance.present}
        buildings = _buildings(members, present)
        if not 0 <= building < len(buildings):
            building = ALL_BUILDINGS
        shown = (
            tuple(m for m in members if m.building == buildings[building].name)
            if building != ALL_BUILDINGS
            else ()
        )
        open_votes = []
        for vote in await session.attendance.open_votes():
            matter = await session.matters.get(vote.matter_id)
            if matter is not None:
                open_votes.append((vote, matter))
        paper = None
        for vote, matter in open_votes:
            if vote.id == vote_id:
                voters = await session.attendance.paper_voters(vote.id)
                paper = PaperVoting(
                    vote,
                    matter,
                    frozenset((a.kind, a.id) for a in voters),
                    await session.attendance.paper_count(vote.id),
                )
        return AttendanceScreen(
            sitting=sitting,
            attendance=attendance,
            buildings=tuple(buildings),
            building=building,
            members=shown,
            present=frozenset(present),
            open_votes=tuple(open_votes),
            paper=paper,
        )
