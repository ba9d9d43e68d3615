"""Leave (请假) from a volunteer activity (志愿者打卡).

A volunteer signed up for an activity who cannot come asks for leave with a reason
before it starts (🙋 请假 under /my or the reminder). The request goes to the
activity's organiser (to the secretaries when it has none); the organiser or a
secretary approves or refuses it, once. Approved, the place is freed as a
cancellation frees it (the first person waiting moves up and is told), so the
reminders skip them, and they are counted 请假, not as a no-show (缺席). Refused,
nothing changes. The shared rules are bot/community/leave.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot import spoken
from bot.community import leave as rules
from bot.community.register import Actor, secretaries_to_tell
from bot.config import Language
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from bot.i18n import translate
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, queue_push
from bot.volunteering.context import VolunteerContext
from bot.volunteering.rules import manages
from bot.volunteering.signup import SignupService
from storage.community.leave import LeaveRow
from storage.session import Session
from storage.volunteering.rows import ActivityRow, SignupRow

LEAVE_FLOW = "vol_leave"


def leave_callback(activity_id: int) -> str:
    """🙋 请假 (decoded by handlers/volunteering/callbacks.py VolLeave)."""
    return f"wlv:{activity_id}"


def decision_callback(request_id: int, approve: bool) -> str:
    """批准 / 不批准 (decoded by handlers/volunteering/callbacks.py VolLeaveDecision)."""
    return f"wld:{request_id}:{approve}"


def leave_what(language: Language, activity: ActivityRow, tz: ZoneInfo) -> str:
    """The activity the leave is for: its name and start."""
    return translate(
        language,
        "vol.leave.what",
        title=activity.title,
        when=spoken.moment(language, activity.starts_at, tz),
    )


@dataclass(frozen=True)
class VolunteerLeaveItem:
    """A request for leave, its activity, and who moved up from the waitlist (approved)."""

    request: LeaveRow
    activity: ActivityRow
    promoted: SignupRow | None = None


class LeaveService:
    """Leave from activities: asked by volunteers, decided by organisers (or secretaries)."""

    def __init__(self, ctx: VolunteerContext, signup: SignupService) -> None:
        self._ctx = ctx
        self._signup = signup

    async def _may_ask(self, session: Session, person_id: int, activity_id: int) -> ActivityRow:
        """The activity the person may still ask leave from, or a short refusal."""
        activity = await session.volunteering.activities.activity(activity_id)
        if activity is None or activity.cancelled_at is not None:
            raise UserFacingError("vol.not_found")
        signup = await session.volunteering.signups.signup(activity.id, person_id)
        if signup is None or signup.state != "signed":
            raise UserFacingError("vol.leave.not_signed", title=activity.title)
        if await session.volunteering.checkins.checkin_of(activity.id, person_id) is not None:
            raise UserFacingError("vol.leave.checked_in", title=activity.title)
        if activity.starts_at <= self._ctx.clock():
            raise UserFacingError("vol.leave.too_late", title=activity.title)
        await rules.may_ask(session, "activity", activity.id, person_id)
        return activity

    async def start(self, actor: Actor, chat_id: int, activity_id: int) -> ActivityRow:
        """🙋 请假 pressed: the reason is typed next."""
        person = actor.registered_person()
        async with self._ctx.db.transaction() as session:
            activity = await self._may_ask(session, person.id, activity_id)
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                LEAVE_FLOW,
                "reason",
                {"activity_id": activity.id},
                self._ctx.clock(),
            )
        return activity

    async def answer(self, actor: Actor, chat_id: int, text: str) -> VolunteerLeaveItem:
        """The typed reason: the request goes to the organiser (else the secretaries)."""
        person = actor.registered_person()
        reason = rules.reason_of(text)
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, LEAVE_FLOW, "reason", "vol.leave.expired"
            )
            # The conversation ends here even if the request is refused (too late, say).
            await session.dialogs.end(chat_id, actor.tg_user_id)
        async with self._ctx.db.transaction() as session:
            activity = await self._may_ask(session, person.id, int(dialog.data["activity_id"]))
            request = await rules.ask(session, "activity", activity.id, person.id, reason, now)
            organiser = (
                await session.people.by_id(activity.organiser_id)
                if activity.organiser_id is not None
                else None
            )
            deciders = (
                [organiser]
                if organiser is not None and organiser.reachable
                else await secretaries_to_tell(session, self._ctx.settings.community)
            )
            await queue_push(
                session,
                kind="activity.leave",
                title=activity.title,
                deliveries=[
                    Delivery(d.tg_user_id, d.id, self._request(request, activity, d.language))
                    for d in deciders
                ],
                dedupe_prefix=f"activity-leave:{request.id}:{request.requested_at.isoformat()}",
                now=now,
            )
        return VolunteerLeaveItem(request, activity)

    def _request(self, request: LeaveRow, activity: ActivityRow, language: str) -> OutgoingMessage:
        lang = Language(language)
        return OutgoingMessage(
            "vol.leave.request",
            lang,
            {
                "name": request.display_name,
                "what": leave_what(lang, activity, self._ctx.tz),
                "reason": request.reason,
            },
            buttons=(
                (
                    ButtonSpec("vol.button.approve", decision_callback(request.id, True)),
                    ButtonSpec("vol.button.refuse", decision_callback(request.id, False)),
                ),
            ),
        )

    async def decide(self, actor: Actor, request_id: int, approve: bool) -> VolunteerLeaveItem:
        """批准 / 不批准 by the organiser or a secretary, once; the volunteer is told.
        Approved: the place is freed and the first person waiting moves up."""
        person = actor.registered_person()
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            found = await session.leave.get(request_id)
            if found is None or found.kind != "activity":
                raise UserFacingError("leave.not_found")
            activity = await session.volunteering.activities.activity(found.target_id)
            if activity is None:
                raise UserFacingError("vol.not_found")
            if not manages(actor, person, activity):
                raise UserFacingError("vol.not_organiser")
            request = await rules.decide(session, request_id, approve, person.id, now)
            promoted = None
            if approve:
                signup = await session.volunteering.signups.signup(activity.id, request.person_id)
                if signup is not None and signup.state in ("signed", "waiting"):
                    await session.volunteering.signups.set_signup_state(
                        activity.id, request.person_id, "cancelled", now
                    )
                    if signup.state == "signed":
                        promoted = await self._signup.promote(session, activity, now)
            language = Language(request.language)
            await queue_push(
                session,
                kind="activity.leave",
                title=activity.title,
                deliveries=[
                    Delivery(
                        request.tg_user_id,
                        request.person_id,
                        OutgoingMessage(
                            "vol.leave.approved" if approve else "vol.leave.refused",
                            language,
                            {
                                "what": leave_what(language, activity, self._ctx.tz),
                                "by": person.display_name,
                            },
                        ),
                    )
                ],
                dedupe_prefix=f"activity-leave-decided:{request.id}:{now.isoformat()}",
                now=now,
            )
        return VolunteerLeaveItem(request, activity, promoted)
