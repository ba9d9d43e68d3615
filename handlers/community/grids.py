"""/grids: a secretary's grids (网格) of their community, added and removed in the bot.

The first community's grids are written in the configuration (``[community] grids``);
a community created by the street keeps its own in the database
(bot/community/communities.py), and registration offers them at once.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.community.communities import FIRST_COMMUNITY, GRID_NAME_MAX
from handlers.access import answer, reply, show
from handlers.community import callbacks as cb
from handlers.context import Context
from handlers.keyboards import button
from handlers.texts import plain, t
from storage import community_id


def _screen(context: Context) -> tuple[str, InlineKeyboardMarkup | None]:
    """The list of the community's grids, and its buttons."""
    language = context.require_actor().language
    community = community_id()
    profile = context.services.communities.profile(community)
    grids = profile.grids
    lines = [t(language, "grids.title", community=profile.name_in(language))]
    lines += [f"{n}. {grid.name_in(language)}" for n, grid in enumerate(grids, 1)]
    if not grids:
        lines.append(t(language, "grids.none"))
    if community == FIRST_COMMUNITY:
        lines.append(t(language, "grids.in_config"))
        return "\n".join(lines), None
    rows = [[button(plain(language, "grids.add_button"), cb.GridAdd())]]
    rows += [
        [button(plain(language, "grids.remove_button", name=grid.name), cb.GridRemove(grid.id))]
        for grid in grids
    ]
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _chat_id(update: Update) -> int:
    chat = update.effective_chat
    if chat is None:
        raise RuntimeError("update without a chat")
    return chat.id


async def grids_command(update: Update, context: Context) -> None:
    """/grids: the community's grids."""
    text, keyboard = _screen(context)
    await reply(update, text, keyboard)


async def add_pressed(update: Update, context: Context) -> None:
    """➕ 添加网格: ask the name."""
    actor = context.require_actor()
    await context.services.communities.ask_grid_name(
        community_id(), actor.tg_user_id, _chat_id(update)
    )
    await answer(update)
    await context.bot.send_message(
        _chat_id(update), t(actor.language, "grids.ask_name", limit=GRID_NAME_MAX)
    )


async def name_answer(update: Update, context: Context, step: str, text: str) -> None:
    """The typed name: added, then the list again; a refusal keeps the question open."""
    actor = context.require_actor()
    grid = await context.services.communities.answer_grid_name(
        actor.tg_user_id, _chat_id(update), text
    )
    await reply(update, t(actor.language, "grids.added", name=grid.name))
    screen, keyboard = _screen(context)
    await context.bot.send_message(_chat_id(update), screen, reply_markup=keyboard)


async def remove_pressed(update: Update, context: Context) -> None:
    """🗑 删除: the grid goes, if nobody is registered in it."""
    actor = context.require_actor()
    query = update.callback_query
    grid_id = cb.GridRemove.decode(query.data if query else None).grid
    grid = await context.services.communities.remove_grid(community_id(), grid_id)
    await answer(update, plain(actor.language, "grids.removed", name=grid.name))
    text, keyboard = _screen(context)
    await show(update, text, keyboard)
