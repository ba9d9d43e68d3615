"""Micro Party lessons (微党课) handlers: when and to whom a saved lesson goes — the
next Party day, a typed time, now, or a chosen audience.
"""

from __future__ import annotations

from telegram import Update

from bot.community.calendar_notes import move_note
from bot.datepicker import Needs
from bot.errors import UserFacingError
from bot.lessons.rules import WHEN_FLOW
from handlers.access import show
from handlers.callbacks import StaleButton
from handlers.context import Context
from handlers.datepicker import picker
from handlers.lessons import callbacks as cb
from handlers.lessons import keyboards, texts
from handlers.lessons.common import chat_of, data_of
from handlers.texts import local_time, t


async def when_screen(update: Update, context: Context, lesson_id: int) -> None:
    """A saved draft's preview with the choices of when and to whom (also after /newlesson)."""
    actor = context.require_actor()
    lessons = context.services.lessons
    lesson = await lessons.records.lesson(lesson_id)
    if lesson.status == "sent":
        raise UserFacingError("lesson.already_sent", number=lesson.number)
    party_at, original, _moved = lessons.sending.next_party_day()
    members = len(await lessons.sending.party_members())
    tz = context.services.settings.community.tz
    text = texts.when_screen(actor.language, lesson, members)
    await show(update, text, keyboards.when_screen(actor.language, lesson, party_at, original, tz))


async def when_pressed(update: Update, context: Context) -> None:
    """A draft's sending: the next Party day, a typed time, now, or choose the audience."""
    data = cb.LessonWhen.decode(data_of(update))
    actor = context.require_actor()
    lessons = context.services.lessons
    tz = context.services.settings.community.tz
    language = actor.language
    if data.how == "party":
        planned = await lessons.sending.schedule_party_day(actor, data.lesson_id)
        assert planned.send_at is not None  # noqa: S101 - scheduled
        moves = context.services.scheduler.calendar.moves("party_day", planned.send_at)
        key = "lesson.scheduled_party_moved" if moves else "lesson.scheduled_party"
        await show(
            update,
            t(
                language,
                key,
                number=planned.lesson.number,
                when=local_time(planned.send_at, tz, language),
                why=move_note(moves, planned.send_at.astimezone(tz).date(), language),
            ),
        )
    elif data.how == "date":
        await lessons.sending.ask_when(actor, chat_of(update), data.lesson_id)
        await show(update, t(language, "lesson.ask_when"), picker.keyboard(context, WHEN_PICKER))
    elif data.how == "now":
        planned = await lessons.sending.send_now(actor, data.lesson_id, chat_of(update))
        context.services.wake_sender()
        await show(
            update,
            t(language, "lesson.sending", number=planned.lesson.number, count=planned.recipients),
        )
    elif data.how == "audience":
        lesson = await lessons.records.lesson(data.lesson_id)
        members = await lessons.sending.party_members()
        await show(
            update,
            t(language, "lesson.ask_audience"),
            keyboards.audience_keyboard(language, lesson, members),
        )
    elif data.how == "back":
        await when_screen(update, context, data.lesson_id)
    else:
        raise StaleButton(data.how)


async def audience_pressed(update: Update, context: Context) -> None:
    """Toggle a party member in the lesson's audience (0: every party member; -1: a page)."""
    data = cb.LessonAudience.decode(data_of(update))
    actor = context.require_actor()
    lessons = context.services.lessons
    if data.person_id < 0:
        lesson = await lessons.records.lesson(data.lesson_id)
    else:
        lesson = await lessons.sending.toggle_audience(
            actor, data.lesson_id, data.person_id or None
        )
    members = await lessons.sending.party_members()
    await show(
        update,
        t(actor.language, "lesson.ask_audience"),
        keyboards.audience_keyboard(actor.language, lesson, members, data.page),
    )


async def when_text(update: Update, context: Context, step: str, text: str) -> None:
    """The typed (or picked) date and time of a lesson."""
    actor = context.require_actor()
    planned = await context.services.lessons.sending.answer_when(actor, chat_of(update), text)
    assert planned.send_at is not None  # noqa: S101 - scheduled
    tz = context.services.settings.community.tz
    await show(
        update,
        t(
            actor.language,
            "lesson.scheduled",
            number=planned.lesson.number,
            when=local_time(planned.send_at, tz, actor.language),
        ),
    )


async def _when_picked(update: Update, context: Context, text: str) -> None:
    await when_text(update, context, "at", text)


#: 🕒 选日期时间: the date picker's day and time, read as the typed "2026-12-02 19:00".
WHEN_PICKER = picker.register(
    picker.Target(
        "lw", WHEN_FLOW, "at", Needs.MOMENT, "lesson.pick_when", "lesson.when_example", _when_picked
    )
)
