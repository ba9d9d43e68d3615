"""The people a proxy ballot can be recorded for: /addresident (a resident without
Telegram, consent on paper, entered by their grid worker or a secretary) and /askproxy (a
registered resident asks their grid worker to record their ballots)."""

from __future__ import annotations

from telegram import Update

from bot.community.registration import PaperEntry
from handlers import texts
from handlers.access import reply, show
from handlers.context import Context
from handlers.deliberation import callbacks as cb
from handlers.deliberation import keyboards
from handlers.texts import plain, t


async def add_resident(update: Update, context: Context) -> None:
    """/addresident: enter a resident without Telegram, step by step."""
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - commands always come in a chat
    await context.services.paper.start(actor, chat.id)
    await reply(update, t(actor.language, "paper.ask_name"))


async def text_answer(update: Update, context: Context, step: str, text: str) -> None:
    """The resident's name or building, typed."""
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - private text always has a chat
    entry = await context.services.paper.answer(actor, chat.id, step, text)
    await _next_question(update, context, entry)


async def door_skipped(update: Update, context: Context) -> None:
    """Button: the resident's door (门牌) is not known."""
    cb.PaperSkipDoor.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    entry = await context.services.paper.skip_door(actor, chat.id)
    await _next_question(update, context, entry)


async def grid_chosen(update: Update, context: Context) -> None:
    """Button: a secretary chose the resident's grid."""
    data = cb.PaperGrid.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    entry = await context.services.paper.choose_grid(actor, chat.id, data.grid)
    await _next_question(update, context, entry)


async def _next_question(update: Update, context: Context, entry: PaperEntry) -> None:
    actor = context.require_actor()
    language = actor.language
    if entry.step == "building":
        await show(update, t(language, "paper.ask_building", name=entry.name))
    elif entry.step == "door":
        await show(
            update,
            t(language, "paper.ask_door", name=entry.name),
            keyboards.paper_skip_door(language),
        )
    elif entry.step == "grid":
        await show(
            update,
            t(language, "paper.ask_grid", name=entry.name),
            keyboards.paper_grids(context.services.settings.community.grids, language),
        )
    else:
        grid = texts.grid_name(context.services.settings.community.grids, entry.grid, language)
        await show(
            update,
            t(
                language,
                "paper.ask_confirm",
                name=entry.name,
                building=entry.building,
                door=entry.door or plain(language, "me.unknown"),
                grid=grid,
            ),
            keyboards.paper_confirm(language),
        )


async def confirmed(update: Update, context: Context) -> None:
    """Button: the paper consent form is signed (the resident is entered), or cancel."""
    data = cb.PaperConfirm.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    entry = await context.services.paper.confirm(actor, chat.id, data.accept)
    if entry.resident is None:
        await show(update, t(actor.language, "paper.dropped"))
        return
    await show(update, t(actor.language, "paper.entered", name=entry.resident.display_name))


async def paper_residents(update: Update, context: Context) -> None:
    """/paperresidents: the residents without Telegram of my grid, each removable."""
    actor = context.require_actor()
    rows = await context.services.paper.listed(actor)
    if not rows:
        await reply(update, t(actor.language, "paper.list_empty"))
        return
    grids = context.services.settings.community.grids
    lines = "\n".join(
        t(
            actor.language,
            "paper.list_line",
            name=row.display_name,
            building=row.building,
            grid=texts.grid_name(grids, row.grid_id, actor.language),
        )
        for row in rows
    )
    await reply(
        update,
        # The lines are escaped already.
        plain(actor.language, "paper.list", lines=lines),
        keyboards.paper_residents(actor.language, rows),
    )


async def remove_pressed(update: Update, context: Context) -> None:
    """Button: remove a resident without Telegram (after a confirmation)."""
    data = cb.PaperRemove.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    if not data.confirm:
        rows = {row.id: row for row in await context.services.paper.listed(actor)}
        row = rows.get(data.resident)
        if row is None:
            await show(update, t(actor.language, "paper.gone"))
            return
        await show(
            update,
            t(actor.language, "paper.remove_ask", name=row.display_name, building=row.building),
            keyboards.paper_remove_confirm(actor.language, row.id),
        )
        return
    removed = await context.services.paper.remove(actor, data.resident)
    await show(update, t(actor.language, "paper.removed", name=removed.display_name))


async def ask_proxy(update: Update, context: Context) -> None:
    """/askproxy: whether my grid worker may record my ballots, with a button to change it."""
    actor = context.require_actor()
    asked = await context.services.paper.ask_proxy(actor)
    key = "proxy_ask.on" if asked else "proxy_ask.off"
    await reply(update, t(actor.language, key), keyboards.ask_proxy(actor.language, asked))


async def ask_proxy_pressed(update: Update, context: Context) -> None:
    """Button: ask for a proxy, or withdraw the request."""
    data = cb.AskProxy.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    asked = await context.services.paper.ask_proxy(actor, data.asked)
    key = "proxy_ask.asked" if asked else "proxy_ask.withdrawn"
    await show(update, t(actor.language, key), keyboards.ask_proxy(actor.language, asked))
