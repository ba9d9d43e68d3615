"""Raising matters (/raise, or 提议 / 说事 followed by the matter), 附议 on their
cards, and looking at them (/matters, /matter N)."""

from __future__ import annotations

import logging
import re
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.ext import JobQueue

from bot import parsing
from bot.community import Actor, Role
from bot.deliberation import card_message
from handlers import callbacks as cb
from handlers import keyboards, texts
from handlers.access import answer, reply, show
from handlers.cards import edit_everywhere, edit_soon
from handlers.context import Context
from handlers.texts import plain, t

log = logging.getLogger(__name__)

#: "提议 …" or "说事 …" as the first word of a message.
RAISE_WORDS = re.compile(r"^\s*(提议|说事)[\s:：，,]*(?P<title>.*)$", re.DOTALL)
#: The deep-link payload that opens the raise form in a private chat.
RAISE_PAYLOAD = "raise"


async def raise_command(update: Update, context: Context) -> None:
    """/raise: start the form (privately; from a group, a button leads there)."""
    await _start(update, context, None)


async def raise_words(update: Update, context: Context) -> None:
    """提议 / 说事 followed by the matter: the same as /raise, with the title given."""
    message = update.effective_message
    match = RAISE_WORDS.match(message.text or "") if message else None
    if match is None:
        return
    await _start(update, context, match.group("title").strip() or None)


async def _start(update: Update, context: Context, title: str | None) -> None:
    actor = context.require_actor()
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE:
        await reply(
            update,
            t(actor.language, "raise.in_group"),
            keyboards.open_private_chat(actor.language, context.bot.username, RAISE_PAYLOAD),
        )
        return
    draft = await context.services.matters.start(actor, chat.id, title)
    key = "raise.ask_details" if draft.step == "details" else "raise.ask_title"
    await reply(update, t(actor.language, key, title=draft.title or ""))


async def text_answer(update: Update, context: Context, step: str, text: str) -> None:
    """A typed answer to the raise form: the title, then what and where."""
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - private text always has a chat
    matters = context.services.matters
    if step == "title":
        draft = await matters.answer_title(actor, chat.id, text)
        await reply(update, t(actor.language, "raise.ask_details", title=draft.title or ""))
    elif step == "details":
        draft = await matters.answer_details(actor, chat.id, text)
        await reply(
            update,
            texts.raise_preview(
                actor.language, draft.title or "", draft.details or "", draft.similar
            ),
            keyboards.confirm_raise(actor.language),
        )
    else:
        await reply(update, t(actor.language, "register.use_buttons"))


async def photo_answer(update: Update, context: Context, step: str, message: Message) -> None:
    """A photo sent while raising a matter: attached at the confirm step (what and where)."""
    actor = context.require_actor()
    chat = update.effective_chat
    if step != "confirm" or not message.photo or chat is None:
        await reply(update, t(actor.language, "raise.photo_when"))
        return
    draft = await context.services.matters.attach_photo(actor, chat.id, message.photo[-1].file_id)
    await reply(
        update,
        texts.raise_preview(
            actor.language, draft.title or "", draft.details or "", draft.similar, draft.photo
        ),
        keyboards.confirm_raise(actor.language),
    )


async def confirmed(update: Update, context: Context) -> None:
    """Button: submit the matter (its card goes to the residents' groups), or drop it."""
    data = cb.RaiseConfirm.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    if not data.submit:
        await context.services.dialogs.cancel(chat.id, actor.tg_user_id)
        await show(update, t(actor.language, "raise.dropped"))
        return
    matter = await context.services.matters.confirm(actor, chat.id)
    await show(
        update,
        t(
            actor.language,
            "raise.done",
            number=matter.id,
            threshold=context.services.matters.threshold,
        ),
    )
    context.services.wake_sender()


async def support(update: Update, context: Context) -> None:
    """Button 附议 on a card: count the support, say so, refresh the card soon."""
    query = update.callback_query
    data = cb.SupportMatter.decode(query.data if query else None)
    actor = context.require_actor()
    matters = context.services.matters
    result = await matters.support(actor, data.matter_id)
    matter = result.matter
    if result.reached_agenda and matter.agenda_at is not None:
        tz = context.services.settings.community.tz
        text = plain(
            actor.language,
            "matter.supported_agenda",
            when=texts.local_time(matter.agenda_at, tz),
            forum=plain(actor.language, f"matter.forum.{matter.agenda_forum}"),
        )
    else:
        text = plain(
            actor.language,
            "matter.supported",
            supports=matter.supports,
            threshold=matters.threshold,
        )
    await answer(update, text)
    refresh_card_soon(context, matter.id)


def refresh_card_soon(context: Context, matter_id: int) -> None:
    """Edit the matter's cards within a few seconds, once for however many presses."""
    refresh_matter_card_soon(context.job_queue, matter_id)


def refresh_matter_card_soon(job_queue: JobQueue[Any] | None, matter_id: int) -> None:
    """The same, from where there is only the job queue (a schedule's effect)."""
    edit_soon(job_queue, f"card:{matter_id}", _refresh_card, matter_id)


async def _refresh_card(context: Any) -> None:
    services = context.bot_data.services
    matter_id = int(context.job.data)
    matters = services.matters
    matter = await matters.matter(matter_id)
    message = card_message(
        matter,
        matters.threshold,
        services.settings.community.default_language,
        services.settings.community.tz,
        merged=await services.desk.merged_from(matter_id),
    )
    places = await matters.card_messages(matter)
    await edit_everywhere(context.bot, places, message, f"card of matter {matter_id}")


async def list_matters(update: Update, context: Context) -> None:
    """/matters: open matters by stage."""
    actor = context.require_actor()
    rows = await context.services.matters.open_matters()
    tz = context.services.settings.community.tz
    threshold = context.services.matters.threshold
    await reply(update, texts.matters(actor.language, rows, threshold, tz))


async def show_matter(update: Update, context: Context) -> None:
    """/matter N: one matter with its whole history; privately, its buttons."""
    actor = context.require_actor()
    args = context.args or []
    number = parsing.item_number(args[0]) if len(args) == 1 else None
    if number is None:
        await reply(update, t(actor.language, "matter.usage"))
        return
    chat = update.effective_chat
    private = chat is not None and chat.type == ChatType.PRIVATE
    text, keyboard = await matter_screen(context, actor, number, private=private)
    await reply(update, text, keyboard)


async def matter_screen(
    context: Context, actor: Actor, matter_id: int, *, private: bool
) -> tuple[str, InlineKeyboardMarkup | None]:
    """A matter with its history, and (in a private chat) its discussion and controls."""
    services = context.services
    history = await services.desk.history(matter_id)
    tz = services.settings.community.tz
    text = texts.matter_page(actor.language, history, services.matters.threshold, tz)
    extra = [
        texts.vote_summary(actor.language, vote, tz)
        for vote in await services.votes.votes_of(matter_id)
    ]
    extra.append(
        texts.carrying_status(actor.language, await services.carrying.status(matter_id), tz)
    )
    extra = [part for part in extra if part]
    if extra:
        text = "\n\n".join([text, *extra])
    if not private:
        return text, None
    return text, keyboards.matter_actions(actor.language, history.matter, actor.has(Role.SECRETARY))
