"""The participation record (我的参与): /myrecord [year], 🗂 under /me and on the person
screen of /people, ◀ ▶ between years; the community's table, /participation [year]."""

from __future__ import annotations

from datetime import date

from telegram import Update

from bot.errors import UserFacingError
from bot.participation.sheets import participation_sheets
from bot.spreadsheets import stamped, xlsx_bytes
from handlers.access import show
from handlers.context import Context
from handlers.participation import callbacks as cb
from handlers.participation import keyboards, texts
from handlers.sheets import masthead
from handlers.texts import plain


def _year_argument(args: list[str]) -> int | None:
    """The year typed after the command (2026 or 2026年), or None for the current one."""
    if not args:
        return None
    word = args[0].removesuffix("年")
    if len(args) > 1 or not word.isdigit() or len(word) != 4:
        raise UserFacingError("participation.bad_year")
    return int(word)


async def _show_record(
    update: Update, context: Context, person_id: int | None, year: int | None
) -> None:
    actor = context.require_actor()
    service = context.services.participation.record
    shown = await service.of(actor, person_id, year)
    own = shown.person.id == actor.person_id
    await show(
        update,
        texts.record(actor.language, shown, own=own),
        keyboards.record(actor.language, shown, service.current_year()),
    )


async def myrecord(update: Update, context: Context) -> None:
    """/myrecord [year]: the person's own record (the current year by default)."""
    await _show_record(update, context, None, _year_argument(context.args or []))


async def record_pressed(update: Update, context: Context) -> None:
    """🗂 我的参与 under /me, 🗂 参与记录 on /people's person screen, ◀ ▶."""
    data = cb.RecordYear.decode(update.callback_query.data if update.callback_query else None)
    await _show_record(update, context, data.person_id, data.year or None)


async def participation(update: Update, context: Context) -> None:
    """/participation [year]: the community's totals and the workbook (secretaries)."""
    actor = context.require_actor()
    year = _year_argument(context.args or [])
    services = context.services
    table = await services.participation.record.table(actor, year)
    community = services.settings.community
    sheets = stamped(
        participation_sheets(table, actor.language),
        masthead(context, date(table.year, 1, 1), date(table.year, 12, 31)),
    )
    message = update.effective_message
    if message is None:
        return
    caption = texts.totals(actor.language, table, community.name_in(actor.language))
    name = plain(actor.language, "participation.table.file", year=table.year)
    await message.reply_document(
        document=xlsx_bytes(sheets), filename=f"{name}.xlsx", caption=caption
    )
