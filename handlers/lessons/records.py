"""Micro Party lessons (微党课) handlers: /lessons and a lesson's screen with the
secretary's buttons, /lessonreport, /mystudy, /studyrecord and /lessonexport.
"""

from __future__ import annotations

from datetime import date

from telegram import InputFile, Update

from bot import parsing
from bot.community.calendar import local
from bot.community.register import Role
from bot.errors import UserFacingError
from bot.spreadsheets import csv_bytes, stamped, xlsx_bytes
from handlers.access import reply, show
from handlers.callbacks import StaleButton
from handlers.context import Context
from handlers.datepicker import picker
from handlers.lessons import callbacks as cb
from handlers.lessons import keyboards, texts
from handlers.lessons.common import chat_of, data_of, number_arg
from handlers.lessons.makeup import SLOT_PICKER
from handlers.sheets import masthead
from handlers.texts import plain, t


async def lessons_command(update: Update, context: Context) -> None:
    """/lessons: the latest lessons to study at any time (secretaries: drafts too)."""
    actor = context.require_actor()
    rows = await context.services.lessons.records.recent(actor)
    tz = context.services.settings.community.tz
    keyboard = keyboards.lesson_list(actor.language, rows, tz, secretary=actor.has(Role.SECRETARY))
    await reply(update, texts.lesson_list(actor.language, rows), keyboard)


async def view_pressed(update: Update, context: Context) -> None:
    """A lesson's screen."""
    data = cb.LessonView.decode(data_of(update))
    actor = context.require_actor()
    lessons = context.services.lessons
    lesson = await lessons.records.lesson(data.lesson_id)
    secretary = actor.has(Role.SECRETARY)
    if lesson.status != "sent" and not secretary:
        raise UserFacingError("lesson.not_found", number=lesson.number)
    standing = await lessons.records.my_standing(actor, lesson.id)
    tz = context.services.settings.community.tz
    text = texts.lesson_screen(actor.language, lesson, tz, standing)
    keyboard = keyboards.lesson_screen(
        actor.language, lesson, secretary=secretary, standing=standing
    )
    await show(update, text, keyboard)


async def action_pressed(update: Update, context: Context) -> None:
    """A secretary's button on a lesson's screen: report, slots, add a slot, fix."""
    data = cb.LessonAction.decode(data_of(update))
    actor = context.require_actor()
    lessons = context.services.lessons
    tz = context.services.settings.community.tz
    language = actor.language
    if data.action == "report":
        report = await lessons.records.report(actor, data.lesson_id)
        await show(update, texts.report(language, report, tz))
    elif data.action == "slots":
        lesson = await lessons.records.lesson(data.lesson_id)
        slots = await lessons.makeup.slots(lesson.id)
        text = texts.slots_screen(language, lesson, slots, tz)
        await show(update, text, keyboards.slots_screen(language, lesson, slots, tz))
    elif data.action == "add_slot":
        await lessons.makeup.ask_slot(actor, chat_of(update), data.lesson_id)
        await show(update, t(language, "lesson.ask_slot"), picker.keyboard(context, SLOT_PICKER))
    elif data.action == "remind":
        count = await lessons.reminders.remind_now(actor, data.lesson_id)
        context.services.wake_sender()
        await reply(update, t(language, "lesson.reminded", count=count))
    elif data.action == "fix":
        lesson = await lessons.corrections.ask_fix(actor, chat_of(update), data.lesson_id)
        key = "lesson.ask_correction" if lesson.status == "sent" else "lesson.ask_edit"
        await show(update, t(language, key, number=lesson.number))
    else:
        raise StaleButton(data.action)


async def report_command(update: Update, context: Context) -> None:
    """/lessonreport N: the per-lesson report."""
    actor = context.require_actor()
    number = number_arg(context)
    if number is None:
        await reply(update, t(actor.language, "lesson.usage_report"))
        return
    report = await context.services.lessons.records.report_by_number(actor, number)
    await reply(
        update, texts.report(actor.language, report, context.services.settings.community.tz)
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
    await reply(update, texts.record(actor.language, data, tz))


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
        keyboards.record_people(actor.language, members, period, 0),
    )


async def record_pressed(update: Update, context: Context) -> None:
    """/studyrecord: a member's record, or another page of members."""
    data = cb.LessonRecord.decode(data_of(update))
    actor = context.require_actor()
    lessons = context.services.lessons
    tz = context.services.settings.community.tz
    if data.person_id < 0:
        members = await lessons.sending.party_members()
        await show(
            update,
            t(actor.language, "lesson.ask_member"),
            keyboards.record_people(actor.language, members, data.period, data.page),
        )
        return
    args = [data.period] if data.period else []
    period = _period(args, local(context.services.clock(), tz).date())
    if period is None:
        raise StaleButton(data.period)
    record = await lessons.records.member_record(actor, data.person_id, *period)
    await reply_private(update, context, texts.record(actor.language, record, tz))


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
    sheets = stamped(sheets, masthead(context, first, last))
    # Named like the ledger's files: 微党课台账-学习记录-20261101-20261130.csv.
    language = actor.language
    span = f"{first:%Y%m%d}-{last:%Y%m%d}"
    chat_id = chat_of(update)
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
