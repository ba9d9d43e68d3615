"""/board (公开栏): the sections a resident reads privately; /boardpage for a secretary."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot import spoken
from bot.board.service import BODY_STEP
from bot.community.register import Role
from handlers.access import reply, show
from handlers.board import callbacks as cb
from handlers.board import keyboards, texts
from handlers.context import Context
from handlers.deliberation.matters import matter_screen
from handlers.members import keyboards as member_keyboards
from handlers.texts import plain, t


def _data(update: Update) -> str | None:
    return update.callback_query.data if update.callback_query else None


def _chat_id(update: Update) -> int:
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a command or a press is always in a chat
    return chat.id


async def board_command(update: Update, context: Context) -> None:
    """/board and 📌 公开栏: the sections."""
    actor = context.require_actor()
    actor.registered_person()
    name = context.services.settings.community.name_in(actor.language)
    await reply(update, texts.home(actor.language, name), keyboards.home(actor.language))


async def home_pressed(update: Update, context: Context) -> None:
    """◀ 返回公开栏."""
    cb.BoardHome.decode(_data(update))
    actor = context.require_actor()
    name = context.services.settings.community.name_in(actor.language)
    await show(update, texts.home(actor.language, name), keyboards.home(actor.language))


async def committee_pressed(update: Update, context: Context) -> None:
    """👥 社区组织."""
    cb.BoardCommittee.decode(_data(update))
    actor = context.require_actor()
    who = await context.services.board.committee.committee(actor, actor.language)
    await show(update, texts.committee(actor.language, who), keyboards.back(actor.language))


async def _pages_screen(context: Context) -> tuple[str, InlineKeyboardMarkup]:
    actor = context.require_actor()
    secretary = actor.has(Role.SECRETARY)
    rows = await context.services.board.pages.all()
    return (
        texts.pages(actor.language, rows, secretary),
        keyboards.pages(actor.language, rows, secretary),
    )


async def pages_pressed(update: Update, context: Context) -> None:
    """📋 办事流程: the titles as buttons."""
    cb.BoardPages.decode(_data(update))
    await show(update, *await _pages_screen(context))


async def boardpage_command(update: Update, context: Context) -> None:
    """/boardpage (a secretary): the pages, with ➕ 新建一页; others are refused."""
    actor = context.require_actor()
    actor.require(Role.SECRETARY, "board.secretary_only")
    await reply(update, *await _pages_screen(context))


async def page_pressed(update: Update, context: Context) -> None:
    """One page."""
    data = cb.BoardPage.decode(_data(update))
    actor = context.require_actor()
    page = await context.services.board.pages.get(data.page_id)
    await show(
        update,
        texts.page(actor.language, page),
        keyboards.page(actor.language, page.id, actor.has(Role.SECRETARY)),
    )


async def write_pressed(update: Update, context: Context) -> None:
    """➕ 新建一页 / ✏️ 修改: the title is asked."""
    data = cb.PageWrite.decode(_data(update))
    actor = context.require_actor()
    editing = await context.services.board.pages.start(actor, _chat_id(update), data.page_id)
    await show(update, texts.ask_title(actor.language, editing))


async def page_answer(update: Update, context: Context, step: str, text: str) -> None:
    """The typed title, then the typed text."""
    actor = context.require_actor()
    pages = context.services.board.pages
    chat_id = _chat_id(update)
    if step == BODY_STEP:
        page = await pages.body(actor, chat_id, text)
        saved = t(actor.language, "board.page.saved")
        await reply(
            update,
            f"{saved}\n\n{texts.page(actor.language, page)}",
            keyboards.page(actor.language, page.id, secretary=True),
        )
        return
    editing = await pages.title(actor, chat_id, text)
    await reply(update, texts.ask_body(actor.language, editing))


async def remove_pressed(update: Update, context: Context) -> None:
    """🗑 删除: asks to be sure."""
    data = cb.PageRemove.decode(_data(update))
    actor = context.require_actor()
    actor.require(Role.SECRETARY, "board.secretary_only")
    page = await context.services.board.pages.get(data.page_id)
    await show(
        update,
        t(actor.language, "board.page.remove_ask", title=page.title),
        keyboards.remove_sure(actor.language, page.id),
    )


async def remove_sure_pressed(update: Update, context: Context) -> None:
    """确定删除: gone; back to the list."""
    data = cb.PageRemoveSure.decode(_data(update))
    actor = context.require_actor()
    page = await context.services.board.pages.remove(actor, data.page_id)
    text, keyboard = await _pages_screen(context)
    removed = t(actor.language, "board.page.removed", title=page.title)
    await show(update, f"{removed}\n\n{text}", keyboard)


async def commitments_pressed(update: Update, context: Context) -> None:
    """🤝 党员承诺: each approved commitment, who made it and how to reach them."""
    cb.BoardCommitments.decode(_data(update))
    actor = context.require_actor()
    actor.registered_person()
    services = context.services
    rows = await services.members.commitments.approved()
    today = spoken.local_date(services.clock(), services.settings.community.tz)
    # 💬 评价 under each: residents rate the pledges (群众参评, handlers/members/appraisal.py).
    rate = member_keyboards.pledge_rate_rows(actor.language, rows)
    await show(
        update, texts.commitments(actor.language, rows, today), keyboards.back(actor.language, rate)
    )


async def resolutions_pressed(update: Update, context: Context) -> None:
    """📜 决议公开, one screen."""
    data = cb.BoardResolutions.decode(_data(update))
    actor = context.require_actor()
    services = context.services
    screen = await services.board.resolutions.page(actor, data.page)
    tz = services.settings.community.tz
    today = spoken.local_date(services.clock(), tz)
    await show(
        update,
        texts.resolutions(actor.language, screen, tz, today),
        keyboards.resolutions(actor.language, screen),
    )


async def follow_pressed(update: Update, context: Context) -> None:
    """🔔 关注 / 🔕 取消关注 on a matter's screen: the screen again, with the other."""
    data = cb.FollowMatter.decode(_data(update))
    actor = context.require_actor()
    on = await context.services.board.follows.set(actor, data.matter_id, data.on)
    text, keyboard = await matter_screen(context, actor, data.matter_id, private=True)
    toast = plain(actor.language, "board.followed" if on else "board.unfollowed")
    await show(update, text, keyboard, toast=toast)
