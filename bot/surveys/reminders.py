"""Reminders to answer: before a survey closes, recipients who have not answered hear of it.

When a survey is sent, :func:`schedule_reminders` adds one ``survey.remind``
schedule for each of ``[surveys] reminder_hours`` that still lies ahead.
Each firing reminds privately every recipient who can be reached, has not
answered every question and has not turned these reminders off, with a
button that sends the questions still open again and 🔕. A firing is done
once and each message is queued once (its outbox key), so nobody is reminded
twice for one moment. The close stops the reminders still to come.

Anonymous surveys: who has answered is found by recomputing each
recipient's answer key (bot/surveys/answering.py); nothing is written about
who was reminded beyond the queued message itself.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.community.register import Actor, Role
from bot.config import Language
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, queue_push
from bot.runtime.scheduler import Firing
from bot.runtime.scheduler.before import schedule_before, stop_before
from bot.runtime.scheduler.titles import lead_time, spoken_time
from bot.surveys.rules import (
    OPT_OUT_KIND,
    REMIND_KIND,
    SurveyContext,
    reminders_callback,
    resend_callback,
)
from storage.runtime.schedules import ScheduleRow
from storage.session import Session
from storage.surveys.surveys import SurveyRow


async def schedule_reminders(
    ctx: SurveyContext, session: Session, survey: SurveyRow, now: datetime
) -> list[tuple[int, datetime]]:
    """Add the survey's reminders in the sending's unit of work; returns (id, due) to arm."""
    return await schedule_before(
        ctx.scheduler,
        session,
        kind=REMIND_KIND,
        title=f"survey {survey.id} reminder",
        moment=survey.closes_at,
        hours=ctx.settings.surveys.reminder_hours,
        field="survey_id",
        value=survey.id,
        owner_id=survey.created_by,
        now=now,
    )


async def describe_schedule(session: Session, schedule: ScheduleRow) -> dict[str, Any]:
    """A survey's closing and reminders are named by its number in the community
    (问卷 #3), not its id."""
    survey = await session.surveys.get(int(schedule.payload["survey_id"]))
    # A gone survey has no community number to show (its id is the street's).
    return {"number": survey.number if survey is not None else "—"}


async def stop_reminders(session: Session, survey_id: int, now: datetime) -> list[int]:
    """Finish the survey's reminders still to come (it closed); returns their ids to disarm."""
    return await stop_before(session, REMIND_KIND, "survey_id", survey_id, now)


class SurveyReminderService:
    """The reminder firings, and a resident turning reminders off or on."""

    def __init__(self, ctx: SurveyContext) -> None:
        self._ctx = ctx
        ctx.scheduler.register_effect(REMIND_KIND, self._remind_effect)
        ctx.scheduler.register_describer(REMIND_KIND, describe_schedule)

    async def set_reminders(self, actor: Actor, on: bool) -> bool:
        """The resident's 🔕 / 🔔 button; False if they were already so."""
        person = actor.member(Role.RESIDENT, "survey.need_resident")
        async with self._ctx.db.transaction() as session:
            return await session.people.set_reminders(
                person.id, OPT_OUT_KIND, on, self._ctx.clock()
            )

    async def _remind_effect(self, firing: Firing) -> None:
        session = firing.session
        survey = await session.surveys.get(int(firing.schedule.payload["survey_id"]))
        if survey is None or not survey.is_open or firing.now >= survey.closes_at:
            return
        minutes = int(firing.schedule.payload["minutes"])
        answered = await session.surveys.answered_counts(survey.id)
        off = await session.people.reminders_off(OPT_OUT_KIND)
        total = len(survey.questions)
        deliveries = []
        for person_id in await session.surveys.recipients(survey.id):
            person = await session.people.by_id(person_id)
            if person is None or not person.reachable or person.id in off:
                continue
            if answered.get(self._ctx.respondent(survey, person.id), 0) >= total:
                continue
            language = Language(person.language)
            deliveries.append(
                Delivery(person.tg_user_id, person.id, self._message(survey, minutes, language))
            )
        if deliveries:
            await queue_push(
                session,
                kind=REMIND_KIND,
                title=survey.title,
                deliveries=deliveries,
                dedupe_prefix=f"survey-remind:{survey.id}:{minutes}",
                now=firing.now,
            )

    def _message(self, survey: SurveyRow, minutes: int, language: Language) -> OutgoingMessage:
        return OutgoingMessage(
            "survey.reminder",
            language,
            {
                "title": survey.title,
                "closes": spoken_time(survey.closes_at, self._ctx.tz, language),
                "lead": lead_time(language, minutes),
            },
            buttons=(
                (ButtonSpec("survey.resend_button", callback_data=resend_callback(survey.id)),),
                (
                    ButtonSpec(
                        "survey.reminders_off_button", callback_data=reminders_callback(False)
                    ),
                ),
            ),
        )
