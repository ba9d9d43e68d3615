"""Secretaries' agenda controls for a matter: put it on an agenda, merge a
duplicate, withdraw it with a reason (/agenda, /merge, /withdraw, or the
buttons under /matter N), and the matter screen those buttons come back to.

After each change the matter's cards in the residents' groups are edited
(through ``refresh_card_soon``, which keeps the edit budget).
"""

from __future__ import annotations

from telegram import Update

from bot import parsing, spoken
from bot.community.forums import forum_name, forum_names
from handlers import texts
from handlers.access import reply, show
from handlers.context import Context
from handlers.deliberation import callbacks as cb
from handlers.deliberation import keyboards
from handlers.deliberation.matters import matter_screen, refresh_card_soon
from handlers.texts import t
from storage.deliberation.matters import MatterRow

#: What may follow /agenda N to choose the forum. Any day of the week names the session
#: (周三 in a community that meets on Wednesdays; 周四 as the first community says).
FORUM_WORDS = {
    "session": "session",
    **{f"周{day}": "session" for day in "一二三四五六日"},
    "议事亭": "session",
    "talk": "talk_day",
    "talk_day": "talk_day",
    "说事": "talk_day",
    "逢四": "talk_day",
}


def number_of(text: str) -> int | None:
    """A matter number as typed ("3", "#3", "＃3"), or None."""
    return parsing.item_number(text)


async def agenda_command(update: Update, context: Context) -> None:
    """/agenda N [周四|说事]: put the matter on an agenda (the usual forum if none is named)."""
    actor = context.require_actor()
    args = context.args or []
    number = number_of(args[0]) if 1 <= len(args) <= 2 else None
    forum = FORUM_WORDS.get(args[1].lower()) if len(args) == 2 else None
    if number is None or (len(args) == 2 and forum is None):
        names = forum_names(actor.language, context.services.settings.calendar)
        await reply(update, t(actor.language, "desk.agenda_usage", **names))
        return
    matter = await context.services.desk.place_on_agenda(
        actor, await context.services.matters.id_of(number), forum
    )
    await reply(update, _agenda_done(context, matter))
    refresh_card_soon(context, matter.id)


async def merge_command(update: Update, context: Context) -> None:
    """/merge N M: merge duplicate N into M."""
    actor = context.require_actor()
    args = context.args or []
    numbers = [number_of(arg) for arg in args]
    if len(numbers) != 2 or None in numbers:
        await reply(update, t(actor.language, "desk.merge_usage"))
        return
    duplicate, kept = numbers
    assert duplicate is not None and kept is not None  # noqa: S101 - checked just above
    matters = context.services.matters
    result = await context.services.desk.merge(
        actor, await matters.id_of(duplicate), await matters.id_of(kept)
    )
    await reply(
        update, _merged_done(context, result.duplicate.number, result.kept.number, result.moved)
    )
    refresh_card_soon(context, result.duplicate.id)
    refresh_card_soon(context, result.kept.id)


async def withdraw_command(update: Update, context: Context) -> None:
    """/withdraw N reason: withdraw the matter; the reason is shown on its card."""
    actor = context.require_actor()
    message = update.effective_message
    parts = (message.text or "").split(maxsplit=2) if message else []
    number = number_of(parts[1]) if len(parts) == 3 else None
    if number is None:
        await reply(update, t(actor.language, "desk.withdraw_usage"))
        return
    matter = await context.services.desk.withdraw(
        actor, await context.services.matters.id_of(number), parts[2]
    )
    await reply(
        update,
        t(
            actor.language,
            "desk.withdrawn_done",
            number=matter.number,
            reason=matter.withdrawn_reason or "",
        ),
    )
    refresh_card_soon(context, matter.id)


# --- the buttons under /matter N ------------------------------------------------------


async def view_matter(update: Update, context: Context) -> None:
    """Button: back to the matter screen."""
    data = cb.MatterView.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    text, keyboard = await matter_screen(context, actor, data.matter_id, private=True)
    await show(update, text, keyboard)


async def agenda_pressed(update: Update, context: Context) -> None:
    """Button: put the matter on the chosen forum's agenda."""
    data = cb.DeskAgenda.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    matter = await context.services.desk.place_on_agenda(actor, data.matter_id, data.forum)
    done = _agenda_done(context, matter)
    await _show_matter_with(update, context, data.matter_id, done)
    refresh_card_soon(context, matter.id)


async def merge_menu(update: Update, context: Context) -> None:
    """Button: which matter should this duplicate be merged into?"""
    data = cb.DeskMergeMenu.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    desk = context.services.desk
    matter = await context.services.matters.matter(data.matter_id)
    targets = await desk.merge_targets(data.matter_id)
    if not targets:
        await reply(update, t(actor.language, "desk.no_targets"))
        return
    await show(
        update,
        t(actor.language, "desk.choose_target", number=matter.number, title=matter.title),
        keyboards.merge_targets(actor.language, matter.id, targets),
    )


async def merge_pressed(update: Update, context: Context) -> None:
    """Button: merge the duplicate into the chosen matter, once confirmed."""
    data = cb.DeskMerge.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    if not data.confirmed:
        matters = context.services.matters
        duplicate, kept = await matters.matter(data.matter_id), await matters.matter(data.into)
        await show(
            update,
            t(
                actor.language,
                "desk.confirm_merge",
                number=duplicate.number,
                title=duplicate.title,
                into=kept.number,
                into_title=kept.title,
            ),
            keyboards.confirm_merge(actor.language, duplicate.id, kept.id),
        )
        return
    result = await context.services.desk.merge(actor, data.matter_id, data.into)
    done = _merged_done(context, result.duplicate.number, result.kept.number, result.moved)
    await _show_matter_with(update, context, data.matter_id, done)
    refresh_card_soon(context, result.duplicate.id)
    refresh_card_soon(context, result.kept.id)


async def withdraw_pressed(update: Update, context: Context) -> None:
    """Button: withdraw the matter; the reason is asked next."""
    query = update.callback_query
    data = cb.DeskWithdraw.decode(query.data if query else None)
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    matter = await context.services.desk.start_withdraw(actor, chat.id, data.matter_id)
    await context.bot.send_message(
        chat.id, t(actor.language, "desk.ask_reason", number=matter.number, title=matter.title)
    )


async def withdraw_answer(update: Update, context: Context, step: str, text: str) -> None:
    """The typed reason for withdrawing: withdraw, then show the matter again."""
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - private text always has a chat
    matter = await context.services.desk.answer_withdraw_reason(actor, chat.id, text)
    done = t(
        actor.language,
        "desk.withdrawn_done",
        number=matter.number,
        reason=matter.withdrawn_reason or "",
    )
    await _show_matter_with(update, context, matter.id, done)
    refresh_card_soon(context, matter.id)


async def _show_matter_with(update: Update, context: Context, matter_id: int, done: str) -> None:
    actor = context.require_actor()
    text, keyboard = await matter_screen(context, actor, matter_id, private=True)
    await show(update, f"{done}\n\n{text}", keyboard)


def _agenda_done(context: Context, matter: MatterRow) -> str:
    actor = context.require_actor()
    tz = context.services.settings.community.tz
    assert matter.agenda_at is not None  # noqa: S101 - a matter on an agenda has its time
    return t(
        actor.language,
        "desk.agenda_done",
        number=matter.number,
        when=texts.local_time(matter.agenda_at, tz, actor.language),
        forum=forum_name(actor.language, matter.agenda_forum),
    )


def _merged_done(context: Context, duplicate: int, kept: int, moved: int) -> str:
    return t(
        context.require_actor().language,
        "desk.merged_done",
        number=duplicate,
        into=kept,
        moved=spoken.count(context.require_actor().language, "supports", moved),
    )
