"""A member's households and their visits (入户走访): /myhouseholds and 📝 记录走访.

A visit is logged with a note, on today or on an earlier day (at most a year back,
never a later one), in a short dialog: the note is asked at once, 📅 换一天 asks the
day first. ``HouseholdsService`` composes this as ``.visits``; it reads the
households, and who may see each, through the service.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from bot import parsing, usertext
from bot.clock import Clock
from bot.community.register import Actor, Role
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from bot.households.views import Household, VisitStep, place_order
from storage import Storage
from storage.session import Session

if TYPE_CHECKING:
    from bot.households.service import HouseholdsService

#: Logging a visit: the note (the day is today unless another is chosen at "day").
VISIT_FLOW = "households_visit"
MAX_VISIT = 500


class HouseholdVisits:
    """The households a member looks after, and the visits they log."""

    def __init__(self, households: HouseholdsService, db: Storage, clock: Clock) -> None:
        self._households = households
        self._db = db
        self._clock = clock

    async def mine(self, actor: Actor) -> list[Household]:
        """/myhouseholds: the households the member looks after."""
        me = actor.member(Role.PARTY_MEMBER, "households.members_only")
        async with self._db.read() as session:
            households = await self._households.load(session, write=False)
        return sorted((h for h in households if h.row.contact_id == me.id), key=place_order)

    async def start(self, actor: Actor, chat_id: int, household_id: int) -> VisitStep:
        """📝 记录走访: the note is asked; the day is today unless another is chosen."""
        me = actor.member(Role.PARTY_MEMBER, "households.members_only")
        day = self._households.today()
        async with self._db.transaction() as session:
            household, _, contact = await self._households.access(session, actor, household_id)
            if not contact:
                raise UserFacingError("households.not_yours")
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                VISIT_FLOW,
                "note",
                {"household": household.id, "day": day.isoformat(), "member": me.id},
                self._clock(),
            )
        return VisitStep(household, day, "note")

    async def _dialog(
        self, session: Session, actor: Actor, chat_id: int, step: str
    ) -> tuple[dict[str, Any], Household]:
        dialog = await expect_step(
            session, chat_id, actor.tg_user_id, VISIT_FLOW, step, "households.expired"
        )
        household, _, contact = await self._households.access(
            session, actor, int(dialog.data["household"])
        )
        if not contact:
            await session.dialogs.end(chat_id, actor.tg_user_id)
            raise UserFacingError("households.not_yours")
        return dict(dialog.data), household

    async def ask_day(self, actor: Actor, chat_id: int) -> VisitStep:
        """📅 换一天: the day is asked (the picker's earlier days, or typed)."""
        async with self._db.transaction() as session:
            data, household = await self._dialog(session, actor, chat_id, "note")
            await session.dialogs.put(
                chat_id, actor.tg_user_id, VISIT_FLOW, "day", data, self._clock()
            )
        return VisitStep(household, date.fromisoformat(str(data["day"])), "day")

    async def choose_day(self, actor: Actor, chat_id: int, text: str) -> VisitStep:
        """The day of the visit (typed, or from the picker): today or earlier."""
        day = parsing.iso_day(text) or parsing.written_day(text)
        if day is None:
            raise UserFacingError("households.day_unreadable")
        if day > self._households.today():
            raise UserFacingError("households.day_future")
        if day < self._households.today() - timedelta(days=366):
            raise UserFacingError("households.day_too_old")
        async with self._db.transaction() as session:
            data, household = await self._dialog(session, actor, chat_id, "day")
            data["day"] = day.isoformat()
            await session.dialogs.put(
                chat_id, actor.tg_user_id, VISIT_FLOW, "note", data, self._clock()
            )
        return VisitStep(household, day, "note")

    async def log(self, actor: Actor, chat_id: int, text: str) -> VisitStep:
        """The note: the visit is kept."""
        me = actor.member(Role.PARTY_MEMBER, "households.members_only")
        note = usertext.block(text)
        if not note:
            raise UserFacingError("households.empty")
        if len(note) > MAX_VISIT:
            raise UserFacingError("households.too_long", limit=MAX_VISIT, length=len(note))
        now = self._clock()
        async with self._db.transaction() as session:
            data, household = await self._dialog(session, actor, chat_id, "note")
            day = date.fromisoformat(str(data["day"]))
            if (
                day > self._households.today()
            ):  # a day chosen before midnight is fine; a later one not
                raise UserFacingError("households.day_future")
            await session.dialogs.end(chat_id, actor.tg_user_id)
            visit_id = await session.households.add_visit(household.id, me.id, day, note, now)
            await session.audit.record(
                at=now, action="household.visit", actor_id=me.id, detail=str(visit_id)
            )
        return VisitStep(household, day, "done")
