"""Sign-up (报名) and cancellation of a volunteer activity (志愿者打卡), and one's sign-ups.

A full activity takes a waitlist; a cancellation promotes the first waiting
person, who is told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.community.register import Actor, Role
from bot.config import Language
from bot.errors import UserFacingError
from bot.i18n import translate
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, queue_push
from bot.volunteering.context import VolunteerContext
from storage.community.people import PersonRow
from storage.session import Session
from storage.times import to_db_time
from storage.volunteering.rows import ActivityRow, SignupRow


@dataclass(frozen=True)
class SignupResult:
    """What a 报名 press did: signed (with a place) or waiting (with a waitlist position)."""

    activity: ActivityRow
    state: str
    position: int


@dataclass(frozen=True)
class CancelResult:
    """What a cancellation did, and whom it promoted from the waitlist."""

    activity: ActivityRow
    promoted: SignupRow | None


class SignupService:
    """报名 / 取消报名, the waitlist and a person's sign-ups."""

    def __init__(self, ctx: VolunteerContext) -> None:
        self._ctx = ctx

    async def my_signups(self, actor: Actor) -> list[tuple[ActivityRow, str]]:
        """The person's sign-ups to activities not yet ended."""
        person = actor.registered_person()
        async with self._ctx.db.read() as session:
            return await session.volunteering.signups.person_signups(person.id, self._ctx.clock())

    async def sign_up(self, actor: Actor, activity_id: int) -> SignupResult:
        """报名: a place if there is one, else the waitlist."""
        person = actor.registered_person()
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            activity = await self._open_activity(session, activity_id, now)
            _may_join(actor, activity)
            if activity.audience == "unit" and not actor.has(Role.SECRETARY):
                await _in_unit(session, person, activity)
            existing = await session.volunteering.signups.signup(activity.id, person.id)
            if existing is not None and existing.state == "signed":
                raise UserFacingError("vol.already_signed", title=activity.title)
            if existing is not None and existing.state == "waiting":
                raise UserFacingError("vol.already_waiting", title=activity.title)
            signed, waiting, _ = await session.volunteering.signups.counts(activity.id)
            state = "signed" if signed < activity.capacity else "waiting"
            await session.volunteering.signups.put_signup(activity.id, person.id, state, now)
        return SignupResult(activity, state, waiting + 1 if state == "waiting" else 0)

    async def cancel(self, actor: Actor, activity_id: int) -> CancelResult:
        """取消报名: frees the place; the first person waiting gets it and is told."""
        person = actor.registered_person()
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            activity = await self._open_activity(session, activity_id, now)
            existing = await session.volunteering.signups.signup(activity.id, person.id)
            if existing is None or existing.state == "cancelled":
                raise UserFacingError("vol.not_signed", title=activity.title)
            if await session.volunteering.checkins.checkin_of(activity.id, person.id) is not None:
                raise UserFacingError("vol.cancel_checked_in")
            await session.volunteering.signups.set_signup_state(
                activity.id, person.id, "cancelled", now
            )
            promoted = None
            if existing.state == "signed":
                promoted = await self.promote(session, activity, now)
        return CancelResult(activity, promoted)

    async def promote(
        self, session: Session, activity: ActivityRow, now: datetime
    ) -> SignupRow | None:
        """A place was freed (a cancellation, approved leave): the first person waiting
        gets it and is told, in this unit of work. Returns them, or None."""
        waiting = await session.volunteering.signups.signups(activity.id, "waiting")
        if not waiting:
            return None
        first = waiting[0]
        await session.volunteering.signups.set_signup_state(
            activity.id, first.person_id, "signed", now
        )
        language = Language(first.language)
        message = OutgoingMessage(
            "vol.promoted",
            language,
            {
                "title": activity.title,
                "when": self._ctx.local(activity.starts_at, language),
                "place": activity.place,
            },
            # 📅 into the phone's calendar (handlers/calendars/callbacks.py CalendarActivity).
            buttons=((ButtonSpec("ics.button", f"ka:{activity.id}"),),),
        )
        await queue_push(
            session,
            kind="activity.promoted",
            title=activity.title,
            deliveries=[Delivery(first.tg_user_id, first.person_id, message)],
            dedupe_prefix=f"activity-promoted:{activity.id}:{first.person_id}:{to_db_time(now)}",
            now=now,
        )
        return first

    async def _open_activity(
        self, session: Session, activity_id: int, now: datetime
    ) -> ActivityRow:
        activity = await session.volunteering.activities.activity(activity_id)
        if activity is None or activity.cancelled_at is not None:
            raise UserFacingError("vol.not_found")
        if activity.ends_at <= now:
            raise UserFacingError("vol.ended", title=activity.title)
        return activity


def _may_join(actor: Actor, activity: ActivityRow) -> None:
    role = Role.PARTY_MEMBER if activity.audience == "party_members" else Role.VOLUNTEER
    if not actor.has(role):
        raise UserFacingError(
            "vol.audience_only", role=translate(actor.language, f"role.{role.value}")
        )


async def _in_unit(session: Session, person: PersonRow, activity: ActivityRow) -> None:
    """A unit's activity (its duty) is for the unit's members and its contact."""
    unit = await session.volunteering.rota.unit(activity.unit_id) if activity.unit_id else None
    if unit is None:
        return
    if (
        unit.contact_id == person.id
        or await session.volunteering.rota.unit_of(person.id) == unit.id
    ):
        return
    raise UserFacingError("vol.unit_only", unit=unit.name)
