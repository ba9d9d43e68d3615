"""Reviewing check-ins' hours, and the records of volunteer service (志愿者打卡).

Commands: /review (approve, adjust with a reason, reject), /hours (a
volunteer's month, year and total), /volreport (a secretary's monthly report
as a table, files and a chart).
"""

from __future__ import annotations

import html
from datetime import timedelta

from telegram import Update

from bot import parsing, spoken
from bot.charts import render_chart
from bot.spreadsheets import csv_bytes, stamped, xlsx_bytes
from bot.volunteering.hours import summary_message
from bot.volunteering.sheets import vol_report_sheets
from handlers.access import reply, show
from handlers.context import Context
from handlers.sheets import masthead
from handlers.texts import plain, split_message, t
from handlers.volunteering import callbacks as cb
from handlers.volunteering import keyboards, texts
from handlers.volunteering.common import callback_data, chat_id_of

# --- review ------------------------------------------------------------------------------------


async def review_command(update: Update, context: Context) -> None:
    """/review: check-ins waiting for review, with 通过 / 调整 / 作废."""
    await _show_review(update, context)


async def review_list(update: Update, context: Context) -> None:
    """审核 under the after-activity report."""
    await _show_review(update, context)


async def _show_review(update: Update, context: Context) -> None:
    actor = context.require_actor()
    service = context.services.volunteer
    items = await service.review.to_review(actor)
    await show(
        update,
        texts.vol_review(actor.language, items, service.tz),
        keyboards.vol_review(actor.language, items),
    )


async def review_pressed(update: Update, context: Context) -> None:
    """通过 / 调整 / 作废 on one check-in."""
    data = cb.VolReview.decode(callback_data(update))
    actor = context.require_actor()
    service = context.services.volunteer
    if data.action == "adjust":
        item = await service.review.start_adjust(actor, chat_id_of(update), data.checkin_id)
        await show(
            update,
            t(
                actor.language,
                "vol.adjust_ask",
                name=item.name,
                title=item.activity.title,
                hours=spoken.duration(actor.language, item.checkin.minutes or 0),
            ),
        )
        return
    await service.review.review(actor, data.checkin_id, data.action)
    await _show_review(update, context)


async def adjust_answer(update: Update, context: Context, step: str, text: str) -> None:
    """ "90 理由": the adjusted minutes and why."""
    actor = context.require_actor()
    updated = await context.services.volunteer.review.answer_adjust(actor, chat_id_of(update), text)
    await reply(
        update,
        t(
            actor.language,
            "vol.adjusted",
            number=updated.number,
            hours=spoken.duration(actor.language, updated.minutes or 0),
        ),
    )


# --- records -------------------------------------------------------------------------------------


async def hours_command(update: Update, context: Context) -> None:
    """/hours: this month, this year, all time, milestones."""
    actor = context.require_actor()
    summary = await context.services.volunteer.hours.hours(actor)
    await reply(update, texts.vol_hours(actor.language, summary))


async def report_command(update: Update, context: Context) -> None:
    """/volreport [YYYY-MM]: the month's table, CSV and Excel files, and a bar chart."""
    actor = context.require_actor()
    args = context.args or []
    message = update.effective_message
    month = None
    if args:
        month = parsing.month(args[0]) if len(args) == 1 else None
        if month is None:
            await reply(update, t(actor.language, "vol.report_usage"))
            return
    if message is None:
        return
    service = context.services.volunteer
    report = await service.hours.monthly_report(actor, month)
    language = actor.language
    for part in split_message(texts.vol_report(language, report, service.tz).split("\n")):
        await message.reply_text(part)
    last = (report.month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    sheets = stamped(
        vol_report_sheets(language, report, service.tz), masthead(context, report.month, last)
    )
    period = f"{report.month:%Y-%m}"
    await message.reply_document(
        document=csv_bytes(sheets[0]), filename=f"{plain(language, 'vol.file')}-{period}.csv"
    )
    await message.reply_document(
        document=xlsx_bytes(sheets), filename=f"{plain(language, 'vol.file')}-{period}.xlsx"
    )
    chart = summary_message(report, language).chart
    if chart is not None:
        image = render_chart(chart, font_path=context.services.settings.charts.font_path or None)
        await message.reply_photo(image.png, caption=html.escape(str(chart["title"])))
