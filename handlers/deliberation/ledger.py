"""/ledger [FROM [TO]]: a secretary receives the period's ledger (台账) as CSV and Excel files."""

from __future__ import annotations

from telegram import Update

from bot import spoken
from bot.deliberation.ledger import ledger_sheets
from bot.deliberation.sittings import parse_day
from bot.spreadsheets import csv_bytes, stamped, xlsx_bytes
from handlers.access import reply
from handlers.context import Context
from handlers.sheets import masthead
from handlers.texts import plain, t


async def ledger(update: Update, context: Context) -> None:
    """/ledger [FROM [TO]]: matters and votes as CSV, and the whole workbook (privately)."""
    actor = context.require_actor()
    service = context.services.ledger
    args = context.args or []
    message = update.effective_message
    if len(args) > 2 or message is None:
        await reply(update, t(actor.language, "ledger.usage"))
        return
    today = service.today()
    days = [parse_day(arg, today) for arg in args]
    first = days[0] if days else None
    last = days[1] if len(days) > 1 else None
    book = await service.build(actor, first, last)
    language = actor.language
    sheets = stamped(
        ledger_sheets(book, language, service.tz), masthead(context, book.first, book.last)
    )
    period = f"{book.first:%Y%m%d}-{book.last:%Y%m%d}"
    by_key = {sheet.key: sheet for sheet in sheets}
    for key in ("matters", "votes"):
        name = plain(language, f"ledger.file_{key}")
        await message.reply_document(
            document=csv_bytes(by_key[key]), filename=f"{name}-{period}.csv"
        )
    caption = t(
        language,
        "ledger.caption",
        first=spoken.day(language, book.first, year=True),
        last=spoken.day(language, book.last, year=True),
        matters=spoken.count(language, "matters", len(book.matters)),
        votes=spoken.count(language, "votes", len(book.votes)),
    )
    await message.reply_document(
        document=xlsx_bytes(sheets),
        filename=f"{plain(language, 'ledger.file_workbook')}-{period}.xlsx",
        caption=caption,
    )
