"""After a volunteer activity (志愿者打卡): auto-close, no-shows, review of the hours.

At the end plus ``checkout_grace_minutes`` (the ``volunteer.close`` schedule
each occurrence gets, registered here) a forgotten check-out is closed at the
scheduled end and flagged; the organiser hears of no-shows and of records to
review, and approves, adjusts (with a reason) or rejects them; every change
is kept in ``checkin_changes``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from bot import spoken, usertext
from bot.community.register import Actor
from bot.config import Language
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from bot.i18n import translate
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, queue_push
from bot.runtime.scheduler import Firing
from bot.volunteering.attendance import attendance_of
from bot.volunteering.context import VolunteerContext
from bot.volunteering.reminders import describe_schedule
from bot.volunteering.rules import MAX_REASON, manages
from storage.community.people import PersonRow
from storage.session import Session
from storage.times import to_db_time
from storage.volunteering.rows import ActivityRow, CheckinRow, SignupRow

ADJUST_FLOW = "adjust_hours"
CLOSE_KIND = "volunteer.close"


@dataclass(frozen=True)
class ReviewItem:
    """A check-in waiting for review, with its person and activity."""

    checkin: CheckinRow
    name: str
    activity: ActivityRow


class ReviewService:
    """The closing of an activity, its no-shows, and reviewing check-ins' hours."""

    def __init__(self, ctx: VolunteerContext) -> None:
        self._ctx = ctx
        ctx.scheduler.register_effect(CLOSE_KIND, self._close_effect)
        ctx.scheduler.register_describer(CLOSE_KIND, describe_schedule)

    async def _close_effect(self, firing: Firing) -> None:
        session = firing.session
        activity = await session.volunteering.activities.activity(
            int(firing.schedule.payload["activity_id"])
        )
        if activity is None or activity.cancelled_at is not None:
            return
        for checkin in await session.volunteering.checkins.still_open(activity.id):
            minutes = self._ctx.count(checkin.checked_in_at, activity.ends_at, activity)
            await session.volunteering.checkins.check_out(
                checkin.id, activity.ends_at, "auto", minutes, "flagged"
            )
            await session.volunteering.records.add_change(
                checkin.id,
                at=firing.now,
                by_id=None,
                action="auto_close",
                old_minutes=None,
                new_minutes=minutes,
                reason=None,
            )
        if activity.organiser_id is None:
            return
        organiser = await session.people.by_id(activity.organiser_id)
        if organiser is None:
            return
        no_shows = await session.volunteering.signups.no_shows(activity.id)
        flagged = await session.volunteering.records.flagged([activity.id])
        _, _, checked = await session.volunteering.signups.counts(activity.id)
        attendance = await attendance_of(session, activity, self._ctx.late_after())
        language = Language(organiser.language)
        none = translate(language, "vol.none")
        excused = spoken.names(
            language,
            (
                translate(language, "vol.leave.name", name=row.name, reason=row.leave_reason or "")
                for row in attendance.of("excused")
            ),
        )
        message = OutgoingMessage(
            "vol.after",
            language,
            {
                "title": activity.title,
                "when": self._ctx.local(activity.starts_at, language),
                "checked": checked,
                "attendance": translate(language, "vol.attendance_counts", **attendance.counts()),
                "excused": excused or none,
                "no_shows": spoken.names(language, (s.display_name for s in no_shows)) or none,
                "flagged": len(flagged),
            },
            buttons=((ButtonSpec("vol.button.review", callback_data="wrl"),),) if flagged else (),
        )
        await queue_push(
            session,
            kind="activity.after",
            title=activity.title,
            deliveries=[Delivery(organiser.tg_user_id, organiser.id, message)],
            dedupe_prefix=f"firing:{firing.schedule.id}:{to_db_time(firing.due_at)}",
            now=firing.now,
        )

    async def no_shows(self, actor: Actor, activity_id: int) -> list[SignupRow]:
        """Who signed up and did not check in (the organiser's list)."""
        person = actor.registered_person()
        async with self._ctx.db.read() as session:
            activity = await session.volunteering.activities.activity(activity_id)
            if activity is None or not manages(actor, person, activity):
                raise UserFacingError("vol.not_organiser")
            return await session.volunteering.signups.no_shows(activity_id)

    async def to_review(self, actor: Actor) -> list[ReviewItem]:
        """Flagged check-ins of the activities the actor runs (secretaries: all)."""
        person = actor.registered_person()
        async with self._ctx.db.read() as session:
            items = []
            for checkin, name in await session.volunteering.records.flagged():
                activity = await session.volunteering.activities.activity(checkin.activity_id)
                if activity is not None and manages(actor, person, activity):
                    items.append(ReviewItem(checkin, name, activity))
        return items

    async def review(
        self,
        actor: Actor,
        checkin_id: int,
        action: str,
        minutes: int | None = None,
        reason: str | None = None,
    ) -> CheckinRow:
        """Approve, adjust (new minutes, with a reason) or reject a check-in's hours."""
        person = actor.registered_person()
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            return await self._review(
                session, actor, person, checkin_id, action, minutes, reason, now
            )

    async def _review(
        self,
        session: Session,
        actor: Actor,
        person: PersonRow,
        checkin_id: int,
        action: str,
        minutes: int | None,
        reason: str | None,
        now: datetime,
    ) -> CheckinRow:
        checkin = await session.volunteering.checkins.checkin(checkin_id)
        if checkin is None:
            raise UserFacingError("vol.not_found")
        activity = await session.volunteering.activities.activity(checkin.activity_id)
        if activity is None or not manages(actor, person, activity):
            raise UserFacingError("vol.not_organiser")
        if checkin.checked_out_at is None:
            raise UserFacingError("vol.review_open")
        if action == "approve":
            if checkin.review != "flagged":
                raise UserFacingError("vol.review_done")
            new_minutes, review = checkin.minutes, "approved"
        elif action == "reject":
            if checkin.review == "rejected":
                raise UserFacingError("vol.review_done")
            new_minutes, review = 0, "rejected"
        elif action == "adjust":
            limit = int((activity.ends_at - activity.starts_at).total_seconds() // 60)
            if minutes is None or not 0 <= minutes <= limit:
                raise UserFacingError("vol.adjust_range", most=limit)
            if not reason:
                raise UserFacingError("vol.adjust_reason")
            new_minutes, review = minutes, "adjusted"
        else:
            raise UserFacingError("vol.review_done")
        await session.volunteering.records.set_review(checkin.id, review, new_minutes)
        await session.volunteering.records.add_change(
            checkin.id,
            at=now,
            by_id=person.id,
            action=action,
            old_minutes=checkin.minutes,
            new_minutes=new_minutes,
            reason=reason,
        )
        updated = await session.volunteering.checkins.checkin(checkin.id)
        assert updated is not None  # noqa: S101 - read just above
        return updated

    async def start_adjust(self, actor: Actor, chat_id: int, checkin_id: int) -> ReviewItem:
        """调整: ask the organiser for the minutes and a reason."""
        person = actor.registered_person()
        async with self._ctx.db.transaction() as session:
            checkin = await session.volunteering.checkins.checkin(checkin_id)
            activity = (
                await session.volunteering.activities.activity(checkin.activity_id)
                if checkin
                else None
            )
            if checkin is None or activity is None:
                raise UserFacingError("vol.not_found")
            if not manages(actor, person, activity):
                raise UserFacingError("vol.not_organiser")
            who = await session.people.by_id(checkin.person_id) if checkin.person_id else None
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                ADJUST_FLOW,
                "minutes",
                {"checkin_id": checkin_id},
                self._ctx.clock(),
            )
        return ReviewItem(checkin, who.display_name if who else "—", activity)

    async def answer_adjust(self, actor: Actor, chat_id: int, text: str) -> CheckinRow:
        """ "90 忘记签退，实际10:30离开": the minutes, then the reason."""
        person = actor.registered_person()
        match = re.match(
            r"^\s*([0-9]{1,4})\s*(?:分钟|min|minutes)?\s*[,，:：]?\s*(.*)$", text, re.S
        )
        if match is None:
            raise UserFacingError("vol.adjust_usage")
        minutes, reason = int(match[1]), usertext.line(match[2])
        if not reason:
            raise UserFacingError("vol.adjust_reason")
        if len(reason) > MAX_REASON:
            raise UserFacingError("vol.adjust_reason_long", limit=MAX_REASON)
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, ADJUST_FLOW, "minutes", "vol.new.expired"
            )
            updated = await self._review(
                session,
                actor,
                person,
                int(dialog.data["checkin_id"]),
                "adjust",
                minutes,
                reason,
                now,
            )
            await session.dialogs.end(chat_id, actor.tg_user_id)
        return updated
