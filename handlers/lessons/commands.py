"""Micro Party lessons (微党课): /newlesson, /lessons, /lessonreport, /mystudy,
/lessonexport, the buttons under pushed lessons and reminders, the grid
worker's 已送学, make-up booking and attendance, and "补课 123456" check-in.

Thin adapters: parse the update, call services.lessons (bot/lessons/), render with
handlers/lessons/views.py, reply.
"""

from __future__ import annotations

import re
from datetime import date

from telegram import InputFile, Message, Update

from bot import parsing
from bot.community.calendar import local
from bot.community.register import Role
from bot.deliberation.ledger import csv_bytes, xlsx_bytes
from bot.errors import UserFacingError
from bot.lessons.messages import lesson_messages
from bot.lessons.results import Draft
from bot.lessons.rules import FIX_FLOW, LESSON_FLOW, PHOTO_FLOW, SLOT_FLOW, WHEN_FLOW
from bot.runtime.sender import render_buttons, render_text
from handlers.access import answer, reply, show
from handlers.callbacks import StaleButton
from handlers.context import Context
from handlers.lessons import callbacks as cb
from handlers.lessons import views
from handlers.texts import local_time, plain, t

#: "补课 123456": a member checks in at a make-up slot with its code.
CHECK_IN_WORDS = re.compile(rf"^\s*补课\s*({parsing.CODE})\s*$")


def _chat_id(update: Update) -> int:
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - commands and buttons always have a chat
    return chat.id


def _number(context: Context) -> int | None:
    args = context.args or []
    return parsing.item_number(args[0]) if len(args) == 1 else None


def _data(update: Update) -> str | None:
    return update.callback_query.data if update.callback_query else None


# --- writing a lesson ----------------------------------------------------------------


async def newlesson(update: Update, context: Context) -> None:
    """/newlesson: write a lesson step by step (title, text, files, link, quiz)."""
    actor = context.require_actor()
    await context.services.lessons.writing.start(actor, _chat_id(update))
    await reply(update, t(actor.language, "lesson.ask_title"))


async def _draft_reply(update: Update, context: Context, draft: Draft) -> None:
    actor = context.require_actor()
    warn = context.services.settings.lessons.body_warn_chars
    text, keyboard = views.draft_step(actor.language, draft, warn)
    await show(update, text, keyboard)


async def lesson_text(update: Update, context: Context, step: str, text: str) -> None:
    """Typed answers of /newlesson."""
    actor = context.require_actor()
    lessons = context.services.lessons
    chat_id = _chat_id(update)
    if step == "title":
        draft = await lessons.writing.answer_title(actor, chat_id, text)
    elif step == "body":
        draft = await lessons.writing.add_body(actor, chat_id, text)
    elif step == "link":
        draft = await lessons.writing.answer_link(actor, chat_id, text)
    elif step == "quiz":
        draft = await lessons.writing.answer_question(actor, chat_id, text)
    elif step == "quiz_explain":
        draft = await lessons.writing.answer_explanation(actor, chat_id, text)
    elif step == "attach":
        await reply(update, t(actor.language, "lesson.send_file_or_next"))
        return
    else:
        await reply(update, t(actor.language, "register.use_buttons"))
        return
    await _draft_reply(update, context, draft)


async def draft_pressed(update: Update, context: Context) -> None:
    """A step button of /newlesson."""
    data = cb.LessonDraft.decode(_data(update))
    actor = context.require_actor()
    lessons = context.services.lessons
    chat_id = _chat_id(update)
    if data.action == "body_done":
        draft = await lessons.writing.body_done(actor, chat_id)
    elif data.action == "attach_done":
        draft = await lessons.writing.attachments_done(actor, chat_id)
    elif data.action == "skip_link":
        draft = await lessons.writing.answer_link(actor, chat_id, None)
    elif data.action == "no_explain":
        draft = await lessons.writing.answer_explanation(actor, chat_id, None)
    elif data.action == "finish":
        lesson = await lessons.writing.finish(actor, chat_id)
        await _when_screen(update, context, lesson.id)
        return
    else:
        raise StaleButton(data.action)
    await _draft_reply(update, context, draft)


async def correct_pressed(update: Update, context: Context) -> None:
    """The right option of the question being written."""
    data = cb.LessonCorrect.decode(_data(update))
    actor = context.require_actor()
    draft = await context.services.lessons.writing.choose_correct(
        actor, _chat_id(update), data.index
    )
    await _draft_reply(update, context, draft)


async def attachment_answer(update: Update, context: Context, step: str, message: Message) -> None:
    """A photo, document, audio or video sent while writing a lesson: an attachment."""
    actor = context.require_actor()
    kind, file_id = _file_of(message)
    if step != "attach" or file_id is None:
        await reply(update, t(actor.language, "help.unknown_media"))
        return
    draft = await context.services.lessons.writing.add_attachment(
        actor, message.chat.id, kind, file_id
    )
    await _draft_reply(update, context, draft)


async def delivery_photo_answer(
    update: Update, context: Context, step: str, message: Message
) -> None:
    """A photo sent after confirming a home delivery (送学): it goes with the record."""
    actor = context.require_actor()
    if not message.photo:
        await reply(update, t(actor.language, "help.unknown_media"))
        return
    await context.services.lessons.delivery.delivery_photo(
        actor, message.chat.id, message.photo[-1].file_id
    )
    await reply(update, t(actor.language, "lesson.photo_saved"))


def _file_of(message: Message) -> tuple[str, str | None]:
    """The attachment's kind and file id (the largest size of a photo)."""
    if message.photo:
        return "photo", message.photo[-1].file_id
    if message.document:
        return "document", message.document.file_id
    if message.audio:
        return "audio", message.audio.file_id
    if message.video:
        return "video", message.video.file_id
    return "", None


# --- when and to whom ------------------------------------------------------------------


async def _when_screen(update: Update, context: Context, lesson_id: int) -> None:
    actor = context.require_actor()
    lessons = context.services.lessons
    lesson = await lessons.records.lesson(lesson_id)
    if lesson.status == "sent":
        raise UserFacingError("lesson.already_sent", number=lesson.id)
    party_at, original, _moved = lessons.sending.next_party_day()
    members = len(await lessons.sending.party_members())
    tz = context.services.settings.community.tz
    text, keyboard = views.when_screen(actor.language, lesson, party_at, original, tz, members)
    await show(update, text, keyboard)


async def when_pressed(update: Update, context: Context) -> None:
    """A draft's sending: the next Party day, a typed time, now, or choose the audience."""
    data = cb.LessonWhen.decode(_data(update))
    actor = context.require_actor()
    lessons = context.services.lessons
    tz = context.services.settings.community.tz
    language = actor.language
    if data.how == "party":
        planned = await lessons.sending.schedule_party_day(actor, data.lesson_id)
        assert planned.send_at is not None  # noqa: S101 - scheduled
        original = planned.party_original
        moved = original is not None and planned.send_at.astimezone(tz).date() != original
        key = "lesson.scheduled_party_moved" if moved else "lesson.scheduled_party"
        await show(
            update,
            t(
                language,
                key,
                number=planned.lesson.id,
                when=local_time(planned.send_at, tz),
                original=original.strftime("%m-%d") if original else "",
            ),
        )
    elif data.how == "date":
        await lessons.sending.ask_when(actor, _chat_id(update), data.lesson_id)
        await show(update, t(language, "lesson.ask_when"))
    elif data.how == "now":
        planned = await lessons.sending.send_now(actor, data.lesson_id, _chat_id(update))
        context.services.wake_sender()
        await show(
            update,
            t(language, "lesson.sending", number=planned.lesson.id, count=planned.recipients),
        )
    elif data.how == "audience":
        lesson = await lessons.records.lesson(data.lesson_id)
        members = await lessons.sending.party_members()
        await show(
            update,
            t(language, "lesson.ask_audience"),
            views.audience_keyboard(language, lesson, members),
        )
    elif data.how == "back":
        await _when_screen(update, context, data.lesson_id)
    else:
        raise StaleButton(data.how)


async def audience_pressed(update: Update, context: Context) -> None:
    """Toggle a party member in the lesson's audience (0: every party member; -1: a page)."""
    data = cb.LessonAudience.decode(_data(update))
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
        views.audience_keyboard(actor.language, lesson, members, data.page),
    )


async def when_text(update: Update, context: Context, step: str, text: str) -> None:
    """The typed date and time of a lesson."""
    actor = context.require_actor()
    planned = await context.services.lessons.sending.answer_when(actor, _chat_id(update), text)
    assert planned.send_at is not None  # noqa: S101 - scheduled
    tz = context.services.settings.community.tz
    await reply(
        update,
        t(
            actor.language,
            "lesson.scheduled",
            number=planned.lesson.id,
            when=local_time(planned.send_at, tz),
        ),
    )


# --- studying ----------------------------------------------------------------------------


async def study_pressed(update: Update, context: Context) -> None:
    """已学习: recorded at once; a quiz, if any, is sent privately for the score."""
    data = cb.LessonStudy.decode(_data(update))
    actor = context.require_actor()
    outcome = await context.services.lessons.studying.study(actor, data.lesson_id)
    if outcome.question is None:
        await answer(update, plain(actor.language, "lesson.studied", title=outcome.lesson.title))
        return
    text, keyboard = views.quiz_question(actor.language, outcome.lesson, outcome.question)
    await context.bot.send_message(actor.tg_user_id, text, reply_markup=keyboard)
    key = "lesson.studied_quiz_sent" if outcome.recorded else "lesson.quiz_sent"
    await answer(update, plain(actor.language, key, title=outcome.lesson.title))


async def quiz_pressed(update: Update, context: Context) -> None:
    """A quiz answer: the explanation, then the next question or the score."""
    data = cb.LessonQuiz.decode(_data(update))
    actor = context.require_actor()
    step = await context.services.lessons.studying.answer(
        actor, data.lesson_id, data.question, data.choice
    )
    await show(update, views.quiz_feedback(actor.language, step))
    if step.next_question is not None:
        text, keyboard = views.quiz_question(actor.language, step.lesson, step.next_question)
        await context.bot.send_message(actor.tg_user_id, text, reply_markup=keyboard)


async def open_pressed(update: Update, context: Context) -> None:
    """现在学习 / 阅读: the lesson again, privately, with its 已学习 button."""
    data = cb.LessonOpen.decode(_data(update))
    actor = context.require_actor()
    lesson = await context.services.lessons.records.lesson(data.lesson_id)
    if lesson.status != "sent" and not actor.has(Role.SECRETARY):
        raise UserFacingError("lesson.not_found", number=lesson.id)
    for message in lesson_messages(lesson, actor.language, private=True):
        markup = render_buttons(message) if lesson.status == "sent" else None
        if message.photo:
            await context.bot.send_photo(
                actor.tg_user_id, message.photo, caption=render_text(message)
            )
        else:
            await context.bot.send_message(
                actor.tg_user_id, render_text(message), reply_markup=markup
            )


async def files_pressed(update: Update, context: Context) -> None:
    """The lesson's documents, audio and video, sent privately by file id."""
    data = cb.LessonFiles.decode(_data(update))
    actor = context.require_actor()
    lesson = await context.services.lessons.records.lesson(data.lesson_id)
    bot = context.bot
    for attachment in lesson.attachments:
        if attachment.kind == "document":
            await bot.send_document(actor.tg_user_id, attachment.file_id)
        elif attachment.kind == "audio":
            await bot.send_audio(actor.tg_user_id, attachment.file_id)
        elif attachment.kind == "video":
            await bot.send_video(actor.tg_user_id, attachment.file_id)


# --- make-up and home delivery ---------------------------------------------------------------


async def makeup_pressed(update: Update, context: Context) -> None:
    """预约补课: the lesson's slots, one button each."""
    data = cb.LessonMakeup.decode(_data(update))
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
        reply_markup=views.booking_keyboard(actor.language, open_slots, tz),
    )


async def book_pressed(update: Update, context: Context) -> None:
    """A slot chosen: booked (if there is room)."""
    data = cb.LessonBook.decode(_data(update))
    actor = context.require_actor()
    slot = await context.services.lessons.makeup.book(actor, data.slot_id)
    tz = context.services.settings.community.tz
    await show(
        update,
        t(
            actor.language,
            "lesson.booked",
            when=local_time(slot.starts_at, tz),
            place=slot.place,
        ),
    )


async def home_pressed(update: Update, context: Context) -> None:
    """送学上门: the member's grid worker gets the task."""
    data = cb.LessonHome.decode(_data(update))
    actor = context.require_actor()
    told = await context.services.lessons.delivery.ask_delivery(actor, data.lesson_id)
    context.services.wake_sender()
    names = "、".join(p.display_name for p in told)
    # The reminder becomes the confirmation: its buttons are done with.
    await show(update, t(actor.language, "lesson.delivery_asked", names=names))


async def delivered_pressed(update: Update, context: Context) -> None:
    """已送学: the grid worker confirms the visit; a photo may follow."""
    data = cb.LessonDelivered.decode(_data(update))
    actor = context.require_actor()
    member = await context.services.lessons.delivery.confirm_delivery(
        actor, _chat_id(update), data.lesson_id, data.person_id
    )
    await show(update, t(actor.language, "lesson.delivery_confirmed", name=member.display_name))


async def photo_text(update: Update, context: Context, step: str, text: str) -> None:
    """Text instead of the optional delivery photo: the confirmation stands, without one."""
    actor = context.require_actor()
    await context.services.dialogs.cancel(_chat_id(update), actor.tg_user_id)
    await reply(update, t(actor.language, "lesson.photo_skipped"))


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
            when=local_time(slot.starts_at, tz),
            place=slot.place,
        ),
    )


# --- lists, screens and records ------------------------------------------------------------------


async def lessons_command(update: Update, context: Context) -> None:
    """/lessons: the latest lessons to study at any time (secretaries: drafts too)."""
    actor = context.require_actor()
    rows = await context.services.lessons.records.recent(actor)
    tz = context.services.settings.community.tz
    text, keyboard = views.lesson_list(
        actor.language, rows, tz, secretary=actor.has(Role.SECRETARY)
    )
    await reply(update, text, keyboard)


async def view_pressed(update: Update, context: Context) -> None:
    """A lesson's screen."""
    data = cb.LessonView.decode(_data(update))
    actor = context.require_actor()
    lessons = context.services.lessons
    lesson = await lessons.records.lesson(data.lesson_id)
    secretary = actor.has(Role.SECRETARY)
    if lesson.status != "sent" and not secretary:
        raise UserFacingError("lesson.not_found", number=lesson.id)
    standing = await lessons.records.my_standing(actor, lesson.id)
    tz = context.services.settings.community.tz
    text, keyboard = views.lesson_screen(actor.language, lesson, tz, standing, secretary=secretary)
    await show(update, text, keyboard)


async def action_pressed(update: Update, context: Context) -> None:
    """A secretary's button on a lesson's screen: report, slots, add a slot, fix."""
    data = cb.LessonAction.decode(_data(update))
    actor = context.require_actor()
    lessons = context.services.lessons
    tz = context.services.settings.community.tz
    language = actor.language
    if data.action == "report":
        report = await lessons.records.report(actor, data.lesson_id)
        await show(update, views.report(language, report, tz))
    elif data.action == "slots":
        lesson = await lessons.records.lesson(data.lesson_id)
        slots = await lessons.makeup.slots(lesson.id)
        text, keyboard = views.slots_screen(language, lesson, slots, tz)
        await show(update, text, keyboard)
    elif data.action == "add_slot":
        await lessons.makeup.ask_slot(actor, _chat_id(update), data.lesson_id)
        await show(update, t(language, "lesson.ask_slot"))
    elif data.action == "remind":
        count = await lessons.reminders.remind_now(actor, data.lesson_id)
        context.services.wake_sender()
        await reply(update, t(language, "lesson.reminded", count=count))
    elif data.action == "fix":
        lesson = await lessons.corrections.ask_fix(actor, _chat_id(update), data.lesson_id)
        key = "lesson.ask_correction" if lesson.status == "sent" else "lesson.ask_edit"
        await show(update, t(language, key, number=lesson.id))
    else:
        raise StaleButton(data.action)


async def slot_text(update: Update, context: Context, step: str, text: str) -> None:
    """The typed make-up slot: "11-20 19:00 党群服务中心 10"."""
    actor = context.require_actor()
    slot = await context.services.lessons.makeup.answer_slot(actor, _chat_id(update), text)
    tz = context.services.settings.community.tz
    await reply(
        update,
        t(
            actor.language,
            "lesson.slot_added",
            label=views.slot_label(actor.language, slot, tz),
            code=slot.code,
        ),
    )


async def fix_text(update: Update, context: Context, step: str, text: str) -> None:
    """The typed edit (before sending) or correction (after)."""
    actor = context.require_actor()
    lesson, told = await context.services.lessons.corrections.answer_fix(
        actor, _chat_id(update), text
    )
    context.services.wake_sender()
    key = "lesson.corrected" if lesson.status == "sent" else "lesson.edited"
    await reply(update, t(actor.language, key, number=lesson.id, count=told))


async def roster_pressed(update: Update, context: Context) -> None:
    """A make-up slot's attendance list."""
    data = cb.LessonRoster.decode(_data(update))
    actor = context.require_actor()
    slot, bookings = await context.services.lessons.makeup.roster(actor, data.slot_id)
    tz = context.services.settings.community.tz
    text, keyboard = views.roster_screen(actor.language, slot, bookings, tz)
    await show(update, text, keyboard)


async def attend_pressed(update: Update, context: Context) -> None:
    """A booked member marked present (or not) by the secretary."""
    data = cb.LessonAttend.decode(_data(update))
    actor = context.require_actor()
    slot, bookings = await context.services.lessons.makeup.toggle_attendance(
        actor, data.slot_id, data.person_id
    )
    tz = context.services.settings.community.tz
    text, keyboard = views.roster_screen(actor.language, slot, bookings, tz)
    await show(update, text, keyboard)


async def report_command(update: Update, context: Context) -> None:
    """/lessonreport N: the per-lesson report."""
    actor = context.require_actor()
    number = _number(context)
    if number is None:
        await reply(update, t(actor.language, "lesson.usage_report"))
        return
    report = await context.services.lessons.records.report(actor, number)
    await reply(
        update, views.report(actor.language, report, context.services.settings.community.tz)
    )


def _period(args: list[str], today: date) -> tuple[date, date] | None:
    """No argument: this year; "2026": that year; "2026-11": that month."""
    if not args:
        return date(today.year, 1, 1), date(today.year, 12, 31)
    if len(args) != 1:
        return None
    return parsing.period(args[0])


async def mystudy_command(update: Update, context: Context) -> None:
    """/mystudy [2026 | 2026-11]: my study record for a year or a month."""
    actor = context.require_actor()
    tz = context.services.settings.community.tz
    period = _period(context.args or [], local(context.services.clock(), tz).date())
    if period is None:
        await reply(update, t(actor.language, "lesson.usage_mystudy"))
        return
    data = await context.services.lessons.records.member_record(actor, None, *period)
    await reply(update, views.record(actor.language, data, tz))


def _period_arg(context: Context) -> str | None:
    """The period argument as given ("" for this year), if it reads as one."""
    args = context.args or []
    if _period(args, date(2000, 1, 1)) is None:
        return None
    return args[0] if args else ""


async def studyrecord_command(update: Update, context: Context) -> None:
    """/studyrecord [2026 | 2026-11]: a secretary picks a party member to see their record."""
    actor = context.require_actor()
    period = _period_arg(context)
    if period is None:
        await reply(update, t(actor.language, "lesson.usage_studyrecord"))
        return
    members = await context.services.lessons.sending.party_members()
    if not members:
        await reply(update, t(actor.language, "lesson.no_members"))
        return
    await reply(
        update,
        t(actor.language, "lesson.ask_member"),
        views.record_people(actor.language, members, period, 0),
    )


async def record_pressed(update: Update, context: Context) -> None:
    """/studyrecord: a member's record, or another page of members."""
    data = cb.LessonRecord.decode(_data(update))
    actor = context.require_actor()
    lessons = context.services.lessons
    tz = context.services.settings.community.tz
    if data.person_id < 0:
        members = await lessons.sending.party_members()
        await show(
            update,
            t(actor.language, "lesson.ask_member"),
            views.record_people(actor.language, members, data.period, data.page),
        )
        return
    args = [data.period] if data.period else []
    period = _period(args, local(context.services.clock(), tz).date())
    if period is None:
        raise StaleButton(data.period)
    record = await lessons.records.member_record(actor, data.person_id, *period)
    await reply_private(update, context, views.record(actor.language, record, tz))


async def reply_private(update: Update, context: Context, text: str) -> None:
    """A new message in the actor's private chat (the list stays for the next pick)."""
    actor = context.require_actor()
    await context.bot.send_message(actor.tg_user_id, text)


async def export_command(update: Update, context: Context) -> None:
    """/lessonexport [2026 | 2026-11]: the study records as CSV files and an Excel workbook."""
    actor = context.require_actor()
    tz = context.services.settings.community.tz
    period = _period(context.args or [], local(context.services.clock(), tz).date())
    if period is None:
        await reply(update, t(actor.language, "lesson.usage_export"))
        return
    sheets = await context.services.lessons.records.export_sheets(actor, *period, actor.language)
    first, last = period
    # Named like the ledger's files: 微党课台账-学习记录-20261101-20261130.csv.
    language = actor.language
    span = f"{first:%Y%m%d}-{last:%Y%m%d}"
    chat_id = _chat_id(update)
    for sheet in sheets:
        name = plain(language, f"lesson.export.file_{sheet.key}")
        await context.bot.send_document(
            chat_id, InputFile(csv_bytes(sheet), filename=f"{name}-{span}.csv")
        )
    workbook = plain(language, "lesson.export.file_workbook")
    await context.bot.send_document(
        chat_id,
        InputFile(xlsx_bytes(sheets), filename=f"{workbook}-{span}.xlsx"),
        caption=plain(
            actor.language, "lesson.exported", first=first.isoformat(), last=last.isoformat()
        ),
    )


async def buttons_only(update: Update, context: Context, step: str, text: str) -> None:
    """A typed answer where buttons are expected."""
    actor = context.require_actor()
    await reply(update, t(actor.language, "register.use_buttons"))


#: Typed answers of this area's guided conversations.
TEXT_ANSWERS = {
    LESSON_FLOW: lesson_text,
    WHEN_FLOW: when_text,
    SLOT_FLOW: slot_text,
    FIX_FLOW: fix_text,
    PHOTO_FLOW: photo_text,
}

#: Photos and files answering this area's guided conversations.
MEDIA_ANSWERS = {
    LESSON_FLOW: attachment_answer,
    PHOTO_FLOW: delivery_photo_answer,
}
