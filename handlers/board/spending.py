"""💰 经费公开 on the public board: projects, their items and receipts, their history,
🔔 关注 a project; /project and a secretary's tools (bot/board/spending.py)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update

from bot import spoken
from bot.board.spending import FIX_FLOW, ITEM_FLOW, PROJECT_FLOW, ProjectView, Step
from bot.community.register import Role
from bot.datepicker import Needs
from handlers.access import answer, reply, show
from handlers.board import callbacks as cb
from handlers.board import spending_keyboards as keyboards
from handlers.board import spending_texts as texts
from handlers.community.keyboards import lost
from handlers.context import Context
from handlers.datepicker import picker
from handlers.texts import plain, t

#: The date picker's keys (in every day button's data) for an item's day and a correction.
ITEM_DATE_KEY = "spd"
FIX_DATE_KEY = "spf"


def _data(update: Update) -> str | None:
    return update.callback_query.data if update.callback_query else None


def _chat_id(update: Update) -> int:
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a command or a press is always in a chat
    return chat.id


async def _project_screen(context: Context, view: ProjectView) -> tuple[str, InlineKeyboardMarkup]:
    actor = context.require_actor()
    services = context.services
    today = spoken.local_date(services.clock(), services.settings.community.tz)
    following = await services.board.spending.follows.following(actor, view.project.id)
    return (
        texts.project(actor.language, view, today),
        keyboards.project(actor.language, view, actor.has(Role.SECRETARY), following),
    )


async def _show_project(update: Update, context: Context, project_id: int, note: str = "") -> None:
    actor = context.require_actor()
    view = await context.services.board.spending.view(actor, project_id)
    text, keyboard = await _project_screen(context, view)
    await show(update, f"{note}\n\n{text}" if note else text, keyboard)


# --- reading ---------------------------------------------------------------------------


async def list_pressed(update: Update, context: Context) -> None:
    """💰 经费公开: every project with its budget, spent and remaining."""
    cb.SpendingList.decode(_data(update))
    actor = context.require_actor()
    rows = await context.services.board.spending.projects(actor)
    secretary = actor.has(Role.SECRETARY)
    await show(
        update,
        texts.projects(actor.language, rows, secretary),
        keyboards.projects(actor.language, rows, secretary),
    )


async def project_pressed(update: Update, context: Context) -> None:
    """One project: budget, spent, remaining, items; receipts, history, 关注."""
    data = cb.SpendingProject.decode(_data(update))
    await _show_project(update, context, data.project_id)


async def receipts_pressed(update: Update, context: Context) -> None:
    """🧾 第N笔的收据: its photos, sent into the chat."""
    data = cb.SpendingReceipts.decode(_data(update))
    actor = context.require_actor()
    view, photos = await context.services.board.spending.receipts(actor, data.item_id)
    await answer(update)
    language = actor.language
    amount = spoken.yuan(language, view.item.amount_fen)
    for index, file_id in enumerate(photos, 1):
        caption = t(
            language,
            "spending.receipt_caption",
            name=view.project.name,
            what=view.item.what,
            amount=amount,
            index=index,
            count=len(photos),
        )
        await context.bot.send_photo(_chat_id(update), file_id, caption=caption)


async def history_pressed(update: Update, context: Context) -> None:
    """📜 变更记录: every change of the project."""
    data = cb.SpendingHistory.decode(_data(update))
    actor = context.require_actor()
    services = context.services
    project, changes = await services.board.spending.history(actor, data.project_id)
    tz = services.settings.community.tz
    today = spoken.local_date(services.clock(), tz)
    await show(
        update,
        texts.history(actor.language, project, changes, tz, today),
        keyboards.back_to(actor.language, project.id),
    )


async def follow_pressed(update: Update, context: Context) -> None:
    """🔔 关注 / 🔕 取消关注 a project: its screen again, with the other button."""
    data = cb.FollowProject.decode(_data(update))
    actor = context.require_actor()
    spending = context.services.board.spending
    on = await spending.follows.set(actor, data.project_id, data.on)
    text, keyboard = await _project_screen(context, await spending.view(actor, data.project_id))
    toast = plain(actor.language, "spending.followed" if on else "spending.unfollowed")
    await show(update, text, keyboard, toast=toast)


# --- opening a project ---------------------------------------------------------------------


async def project_command(update: Update, context: Context) -> None:
    """/project (a secretary): open a project; the name is asked."""
    actor = context.require_actor()
    await context.services.board.spending.start_project(actor, _chat_id(update))
    await reply(update, texts.ask_project(actor.language, "name"))


async def new_pressed(update: Update, context: Context) -> None:
    """➕ 新建项目 under 💰 经费公开."""
    cb.SpendingNew.decode(_data(update))
    actor = context.require_actor()
    await context.services.board.spending.start_project(actor, _chat_id(update))
    await answer(update)
    await context.bot.send_message(_chat_id(update), texts.ask_project(actor.language, "name"))


async def _ask_matter(update: Update, context: Context, *, edit: bool) -> None:
    actor = context.require_actor()
    choices = await context.services.board.spending.recent_matters()
    text = texts.ask_project(actor.language, "matter")
    markup = keyboards.matters(actor.language, choices)
    if edit:
        await show(update, text, markup)
    else:
        await reply(update, text, markup)


async def project_answer(update: Update, context: Context, step: str, text: str) -> None:
    """The typed name, budget and source."""
    actor = context.require_actor()
    if step == "matter":
        await _ask_matter(update, context, edit=False)
        return
    spending = context.services.board.spending
    result = await spending.project_answer(actor, _chat_id(update), step, text)
    if result.step == "source":
        await reply(
            update,
            texts.ask_project(actor.language, "source"),
            keyboards.skip_source(actor.language),
        )
        return
    if result.step == "matter":
        await _ask_matter(update, context, edit=False)
        return
    await reply(update, texts.ask_project(actor.language, result.step))


async def skip_source_pressed(update: Update, context: Context) -> None:
    """跳过 the source of funds."""
    cb.SpendingSkipSource.decode(_data(update))
    actor = context.require_actor()
    await context.services.board.spending.skip_source(actor, _chat_id(update))
    await _ask_matter(update, context, edit=True)


async def matter_pressed(update: Update, context: Context) -> None:
    """The matter (or 跳过): the project is opened and shown."""
    data = cb.SpendingMatter.decode(_data(update))
    actor = context.require_actor()
    view = await context.services.board.spending.choose_matter(
        actor, _chat_id(update), data.matter_id
    )
    text, keyboard = await _project_screen(context, view)
    await show(update, f"{t(actor.language, 'spending.opened')}\n\n{text}", keyboard)


# --- recording an item -----------------------------------------------------------------------


async def add_pressed(update: Update, context: Context) -> None:
    """➕ 记一笔支出: what was bought is asked."""
    data = cb.SpendingAddItem.decode(_data(update))
    actor = context.require_actor()
    project = await context.services.board.spending.start_item(
        actor, _chat_id(update), data.project_id
    )
    await answer(update)
    note = t(actor.language, "spending.adding", name=project.name)
    await context.bot.send_message(
        _chat_id(update), f"{note}\n{texts.ask_item(actor.language, 'what')}"
    )


async def _ask_item_step(update: Update, context: Context, step: Step, *, edit: bool) -> None:
    language = context.require_actor().language
    text = texts.ask_item(language, step.step)
    markup: InlineKeyboardMarkup | None = None
    if step.step == "date":
        markup = picker.keyboard(context, ITEM_DATE_PICKER)
    elif step.step == "receipts":
        markup = keyboards.receipts_done(language, 0)
    if edit:
        await show(update, text, markup)
    else:
        await reply(update, text, markup)


async def item_answer(update: Update, context: Context, step: str, text: str) -> None:
    """The typed what, amount and day."""
    actor = context.require_actor()
    if step == "receipts":
        await reply(
            update,
            t(actor.language, "spending.receipts_photo"),
            keyboards.receipts_done(actor.language, 0),
        )
        return
    result = await context.services.board.spending.item_answer(actor, _chat_id(update), step, text)
    await _ask_item_step(update, context, result, edit=False)


async def _item_date_picked(update: Update, context: Context, text: str) -> None:
    actor = context.require_actor()
    result = await context.services.board.spending.item_answer(
        actor, _chat_id(update), "date", text
    )
    await _ask_item_step(update, context, result, edit=True)


#: 📅 the days under "哪天花的？".
ITEM_DATE_PICKER = picker.register(
    picker.Target(
        ITEM_DATE_KEY,
        ITEM_FLOW,
        "date",
        Needs.PAST,
        "spending.pick_date",
        "spending.date_example",
        _item_date_picked,
    )
)


async def receipt_photo(update: Update, context: Context, step: str, message: Message) -> None:
    """A receipt's photo while recording an item."""
    actor = context.require_actor()
    if step != "receipts" or not message.photo:
        await reply(update, t(actor.language, "help.unknown_media"), lost(actor.language))
        return
    count = await context.services.board.spending.receipt(
        actor, _chat_id(update), message.photo[-1].file_id
    )
    await reply(
        update,
        texts.ask_item(actor.language, "receipts", count),
        keyboards.receipts_done(actor.language, count),
    )


async def done_pressed(update: Update, context: Context) -> None:
    """✅ 完成 / 没有收据: the item is recorded; the project shown."""
    cb.SpendingItemDone.decode(_data(update))
    actor = context.require_actor()
    view = await context.services.board.spending.finish_item(actor, _chat_id(update))
    text, keyboard = await _project_screen(context, view)
    await show(update, f"{t(actor.language, 'spending.recorded')}\n\n{text}", keyboard)
    context.services.wake_sender()


# --- corrections, removal, closing -----------------------------------------------------------


async def item_pressed(update: Update, context: Context) -> None:
    """✏️ 第N笔: what a secretary can change."""
    data = cb.SpendingItem.decode(_data(update))
    actor = context.require_actor()
    view = await context.services.board.spending.item(actor, data.item_id)
    today = spoken.local_date(context.services.clock(), context.services.settings.community.tz)
    await show(
        update,
        texts.item_screen(actor.language, view, today),
        keyboards.item(actor.language, view.item.id, view.project.id),
    )


async def fix_pressed(update: Update, context: Context) -> None:
    """✏️ 改内容 / 改金额 / 📅 改日期: the new value is asked."""
    data = cb.SpendingFix.decode(_data(update))
    actor = context.require_actor()
    view = await context.services.board.spending.start_fix(
        actor, _chat_id(update), data.item_id, data.field
    )
    today = spoken.local_date(context.services.clock(), context.services.settings.community.tz)
    markup = picker.keyboard(context, FIX_DATE_PICKER) if data.field == "date" else None
    await show(update, texts.ask_fix(actor.language, view, data.field, today), markup)


async def _fixed(update: Update, context: Context, field: str, text: str, *, edit: bool) -> None:
    actor = context.require_actor()
    view = await context.services.board.spending.fix_answer(actor, _chat_id(update), field, text)
    screen, keyboard = await _project_screen(context, view)
    body = f"{t(actor.language, 'spending.corrected')}\n\n{screen}"
    if edit:
        await show(update, body, keyboard)
    else:
        await reply(update, body, keyboard)
    context.services.wake_sender()


async def fix_answer(update: Update, context: Context, step: str, text: str) -> None:
    """The typed correction."""
    await _fixed(update, context, step, text, edit=False)


async def _fix_date_picked(update: Update, context: Context, text: str) -> None:
    await _fixed(update, context, "date", text, edit=True)


#: 📅 the days under "改成哪天？".
FIX_DATE_PICKER = picker.register(
    picker.Target(
        FIX_DATE_KEY,
        FIX_FLOW,
        "date",
        Needs.PAST,
        "spending.pick_date",
        "spending.date_example",
        _fix_date_picked,
    )
)


async def remove_pressed(update: Update, context: Context) -> None:
    """🗑 删除这笔: asks to be sure."""
    data = cb.SpendingRemove.decode(_data(update))
    actor = context.require_actor()
    view = await context.services.board.spending.item(actor, data.item_id)
    await show(
        update,
        t(
            actor.language,
            "spending.remove_ask",
            what=view.item.what,
            amount=spoken.yuan(actor.language, view.item.amount_fen),
        ),
        keyboards.sure(
            actor.language,
            "spending.remove_sure_button",
            cb.SpendingRemoveSure(view.item.id),
            view.project.id,
        ),
    )


async def remove_sure_pressed(update: Update, context: Context) -> None:
    """确定删除: it no longer counts; the history keeps it."""
    data = cb.SpendingRemoveSure.decode(_data(update))
    actor = context.require_actor()
    view = await context.services.board.spending.remove_item(actor, data.item_id)
    text, keyboard = await _project_screen(context, view)
    await show(update, f"{t(actor.language, 'spending.removed')}\n\n{text}", keyboard)
    context.services.wake_sender()


async def close_pressed(update: Update, context: Context) -> None:
    """✅ 结项: asks to be sure."""
    data = cb.SpendingClose.decode(_data(update))
    actor = context.require_actor()
    actor.require(Role.SECRETARY, "spending.secretary_only")
    view = await context.services.board.spending.view(actor, data.project_id)
    await show(
        update,
        t(actor.language, "spending.close_ask", name=view.project.name),
        keyboards.sure(
            actor.language,
            "spending.close_sure_button",
            cb.SpendingCloseSure(view.project.id),
            view.project.id,
        ),
    )


async def close_sure_pressed(update: Update, context: Context) -> None:
    """确定结项: closed, once; followers told."""
    data = cb.SpendingCloseSure.decode(_data(update))
    actor = context.require_actor()
    view = await context.services.board.spending.close(actor, data.project_id)
    text, keyboard = await _project_screen(context, view)
    await show(update, f"{t(actor.language, 'spending.closed_done')}\n\n{text}", keyboard)
    context.services.wake_sender()


#: Typed answers of 经费公开's forms (flow name -> handler).
TEXT_ANSWERS = {PROJECT_FLOW: project_answer, ITEM_FLOW: item_answer, FIX_FLOW: fix_answer}
#: Photos answering a form: an item's receipts.
MEDIA_ANSWERS = {ITEM_FLOW: receipt_photo}
