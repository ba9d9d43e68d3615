"""Micro Party lessons (微党课) handlers: make-up sessions (补课) — booking a slot from
the reminder, a secretary's typed slot and attendance list, and "补课 123456"
check-in.
"""

from __future__ import annotations

import re

from telegram import Update

from bot import parsing
from bot.datepicker import Needs
from bot.errors import UserFacingError
from bot.lessons.rules import SLOT_FLOW
from handlers.access import reply, show
from handlers.context import Context
from handlers.datepicker import picker
from handlers.lessons import callbacks as cb
from handlers.lessons import keyboards, texts
from handlers.lessons.common import chat_of, data_of
from handlers.texts import local_time, t

#: "补课 123456": a member checks in at a make-up slot with its code.
CHECK_IN_WORDS = re.compile(rf"^\s*补课\s*({parsing.CODE})\s*$")


async def makeup_pressed(update: Update, context: Context) -> None:
    """预约补课: the lesson's slots, one button each."""
    data = cb.LessonMakeup.decode(data_of(update))
    actor = context.require_actor()
    slots = await context.services.lessons.makeup.slots(data.lesson_id)
    now = context.services.clock()
    open_slots = [s for s in slots if s.starts_at > now]
    if not open_slots:
        raise UserFacingError("lesson.no_slots")
    tz = context.services.settings.community.tz
    await context.bot.send_message(
        actor.tg_user_id,
        t(actor.language, "lesson.ask_slot_choice"),
        reply_markup=keyboards.booking_keyboard(actor.language, open_slots, tz),
    )


async def book_pressed(update: Update, context: Context) -> None:
    """A slot chosen: booked (if there is room)."""
    data = cb.LessonBook.decode(data_of(update))
    actor = context.require_actor()
    slot = await context.services.lessons.makeup.book(actor, data.slot_id)
    tz = context.services.settings.community.tz
    await show(
        update,
        t(
            actor.language,
            "lesson.booked",
            when=local_time(slot.starts_at, tz, actor.language),
            place=slot.place,
        ),
        keyboards.booked_keyboard(actor.language, slot),
    )


async def slot_text(update: Update, context: Context, step: str, text: str) -> None:
    """The typed make-up slot: "11-20 19:00 党群服务中心 10" (or, after the time was
    picked with buttons, "党群服务中心 10")."""
    actor = context.require_actor()
    makeup = context.services.lessons.makeup
    if step == "place":
        slot = await makeup.answer_place(actor, chat_of(update), text)
    else:
        slot = await makeup.answer_slot(actor, chat_of(update), text)
    tz = context.services.settings.community.tz
    await reply(
        update,
        t(
            actor.language,
            "lesson.slot_added",
            label=texts.slot_label(actor.language, slot, tz),
            code=slot.code,
        ),
    )


async def roster_pressed(update: Update, context: Context) -> None:
    """A make-up slot's attendance list."""
    data = cb.LessonRoster.decode(data_of(update))
    actor = context.require_actor()
    slot, bookings = await context.services.lessons.makeup.roster(actor, data.slot_id)
    tz = context.services.settings.community.tz
    text = texts.roster_screen(actor.language, slot, bookings, tz)
    await show(update, text, keyboards.roster_screen(slot, bookings))


async def attend_pressed(update: Update, context: Context) -> None:
    """A booked member marked present (or not) by the secretary."""
    data = cb.LessonAttend.decode(data_of(update))
    actor = context.require_actor()
    slot, bookings = await context.services.lessons.makeup.toggle_attendance(
        actor, data.slot_id, data.person_id
    )
    tz = context.services.settings.community.tz
    text = texts.roster_screen(actor.language, slot, bookings, tz)
    await show(update, text, keyboards.roster_screen(slot, bookings))


async def check_in_words(update: Update, context: Context) -> None:
    """ "补课 123456" in a private chat: attendance at a make-up slot by its code."""
    actor = context.require_actor()
    message = update.effective_message
    match = CHECK_IN_WORDS.match(message.text or "") if message else None
    if match is None:
        return
    slot = await context.services.lessons.makeup.check_in(actor, match.group(1))
    tz = context.services.settings.community.tz
    await reply(
        update,
        t(
            actor.language,
            "lesson.checked_in",
            when=local_time(slot.starts_at, tz, actor.language),
            place=slot.place,
        ),
    )


async def _slot_time_picked(update: Update, context: Context, text: str) -> None:
    """The slot's day and time from the date picker; the place and places are typed next."""
    actor = context.require_actor()
    at = await context.services.lessons.makeup.pick_time(actor, chat_of(update), text)
    tz = context.services.settings.community.tz
    await show(update, t(actor.language, "lesson.ask_slot_place", when=local_time(at, tz)))


#: 添加补课时段: the date picker's day and time, read as the typed "2026-12-02 19:00".
SLOT_PICKER = picker.register(
    picker.Target(
        "ms",
        SLOT_FLOW,
        "slot",
        Needs.MOMENT,
        "lesson.pick_slot",
        "lesson.slot_example",
        _slot_time_picked,
    )
)
