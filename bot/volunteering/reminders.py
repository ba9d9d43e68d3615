"""Reminders of a volunteer activity (志愿者打卡), sent to those signed up before the start,
with 🙋 请假 under them (approved leave frees the place, so they are not reminded again).

Each occurrence gets one ``volunteer.reminder`` schedule per configured lead
(created with the activity, bot/volunteering/activities.py); its effect is
registered here. An activity's schedules are named by its title.
"""

from __future__ import annotations

from typing import Any

from bot.config import Language
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, queue_push
from bot.runtime.scheduler import Firing
from bot.volunteering.cards import methods_text
from bot.volunteering.context import VolunteerContext
from bot.volunteering.leave import leave_callback
from storage.runtime.schedules import ScheduleRow
from storage.session import Session
from storage.times import to_db_time

REMINDER_KIND = "volunteer.reminder"


class ReminderService:
    """Sends an activity's reminders when their schedules fire."""

    def __init__(self, ctx: VolunteerContext) -> None:
        self._ctx = ctx
        ctx.scheduler.register_effect(REMINDER_KIND, self._reminder_effect)
        ctx.scheduler.register_describer(REMINDER_KIND, describe_schedule)

    async def _reminder_effect(self, firing: Firing) -> None:
        session = firing.session
        activity = await session.volunteering.activities.activity(
            int(firing.schedule.payload["activity_id"])
        )
        if activity is None or activity.cancelled_at is not None:
            return
        signed = await session.volunteering.signups.signups(activity.id, "signed")
        if not signed:
            return
        deliveries = [
            Delivery(
                s.tg_user_id,
                s.person_id,
                OutgoingMessage(
                    "vol.reminder",
                    Language(s.language),
                    {
                        "title": activity.title,
                        "when": self._ctx.local(activity.starts_at, Language(s.language)),
                        "place": activity.place,
                        "opens": self._ctx.local(
                            activity.starts_at - self._ctx.lead(), Language(s.language)
                        ),
                        "methods": methods_text(activity, Language(s.language)),
                    },
                    # Cannot come after all: 请假 (until the start); 📅 into the phone's
                    # calendar (handlers/calendars/callbacks.py CalendarActivity).
                    buttons=(
                        (ButtonSpec("vol.button.leave", leave_callback(activity.id)),),
                        (ButtonSpec("ics.button", f"ka:{activity.id}"),),
                    ),
                ),
            )
            for s in signed
        ]
        await queue_push(
            session,
            kind="activity.reminder",
            title=activity.title,
            deliveries=deliveries,
            dedupe_prefix=f"firing:{firing.schedule.id}:{to_db_time(firing.due_at)}",
            now=firing.now,
        )


async def describe_schedule(session: Session, schedule: ScheduleRow) -> dict[str, Any]:
    """An activity's schedules are named by its title."""
    activity_id = int(schedule.payload["activity_id"])
    activity = await session.volunteering.activities.activity(activity_id)
    # A gone activity has no community number to show (its id is the street's).
    return {"title": activity.title if activity is not None else "—"}
