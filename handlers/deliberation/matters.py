"""Raising matters (/raise, or 提议 / 说事 followed by the matter), 附议 on their
cards, and looking at them (/matters, /matter N, and the buttons that open a
matter or start raising one under /matters and a sitting's agenda)."""

from __future__ import annotations

import logging
import re
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.ext import JobQueue

from bot import parsing, spoken
from bot.community.forums import forum_name
from bot.community.register import Actor, Role
from bot.deliberation.raising import GROUP_DRAFT_KEPT, RaiseDraft, card_message
from handlers.access import answer, reply, show
from handlers.board import keyboards as board_keyboards
from handlers.board import spending_keyboards, spending_texts
from handlers.calendars import keyboards as calendar_keyboards
from handlers.cards import edit_everywhere, edit_soon, refreshes
from handlers.context import Context
from handlers.deliberation import callbacks as cb
from handlers.deliberation import keyboards, texts
from handlers.keyboards import open_private_chat
from handlers.needs import keyboards as needs_keyboards
from handlers.texts import local_time, plain, t

log = logging.getLogger(__name__)

#: "提议 …" or "说事 …" as the first word of a message.
RAISE_WORDS = re.compile(r"^\s*(提议|说事)[\s:：，,]*(?P<title>.*)$", re.DOTALL)
#: The deep-link payload that opens the raise form in a private chat.
RAISE_PAYLOAD = "raise"
#: The payload that opens it with the words written in a group: "raise" and the group's
#: chat id. Only the presser's own words are looked up, so another's link shows nothing.
GROUP_PAYLOAD = re.compile(r"raise(-[0-9]{1,19})")


#: The deep-link payload that shows matter N privately (its button pressed in a group).
MATTER_PAYLOAD = re.compile(r"matter-([0-9]{1,9})")
#: The deep-link payload that shows /matters privately (◀ ▶ or 全部 pressed in a group).
MATTERS_PAYLOAD = "matters"


def matter_of_payload(args: list[str] | None) -> int | None:
    """The matter number in a /start payload from a matter's button in a group, or None."""
    match = MATTER_PAYLOAD.fullmatch(args[0]) if args and len(args) == 1 else None
    return int(match[1]) if match else None


def _in_group(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type != ChatType.PRIVATE


def _deep_link(context: Context, payload: str) -> str:
    return f"https://t.me/{context.bot.username}?start={payload}"


def group_payload(group_chat_id: int) -> str:
    """The deep-link payload of the words kept from ``group_chat_id``."""
    return f"{RAISE_PAYLOAD}{group_chat_id}"


def group_of_payload(args: list[str] | None) -> int | None:
    """The group chat id in a /start payload from a group's raise reply, or None."""
    match = GROUP_PAYLOAD.fullmatch(args[0]) if args and len(args) == 1 else None
    return int(match[1]) if match else None


async def raise_command(update: Update, context: Context) -> None:
    """/raise: start the form (privately; from a group, a button leads there)."""
    actor = context.require_actor()
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE:
        await _point_to_private(update, context, "raise.in_group", RAISE_PAYLOAD)
        return
    draft = await context.services.matters.start(actor, chat.id)
    await _show_draft(update, actor, draft)


async def raise_words(update: Update, context: Context) -> None:
    """提议 / 说事 followed by the matter: the form starts from these words.

    In a group the words are kept for the writer, and the reply's button opens
    the private chat at the step they reach (registering first if need be).
    """
    message = update.effective_message
    match = RAISE_WORDS.match(message.text or "") if message else None
    if match is None:
        return
    actor = context.require_actor()
    chat = update.effective_chat
    words = match.group("title")
    if chat is None or chat.type != ChatType.PRIVATE:
        kept = chat is not None and await context.services.matters.keep_group_draft(
            actor, chat.id, words
        )
        if not kept or chat is None:
            await _point_to_private(update, context, "raise.in_group", RAISE_PAYLOAD)
        elif actor.registered:
            await _point_to_private(update, context, "raise.in_group_kept", group_payload(chat.id))
        else:
            await _point_to_private(
                update, context, "raise.in_group_register", group_payload(chat.id)
            )
        return
    if not actor.registered:
        await reply(update, t(actor.language, "access.not_registered"))
        return
    draft = await context.services.matters.start(actor, chat.id, words)
    await _show_draft(update, actor, draft)


async def _point_to_private(update: Update, context: Context, key: str, payload: str) -> None:
    """The reply in a group: a button to the private chat, named for what it does there."""
    actor = context.require_actor()
    if not actor.registered:
        button = "start.open_private_button"  # registering comes first
    elif payload == RAISE_PAYLOAD:
        button = "raise.open_private_button"
    else:
        button = "raise.open_private_submit_button"
    await reply(
        update,
        t(actor.language, key, days=GROUP_DRAFT_KEPT.days),
        open_private_chat(actor.language, context.bot.username, payload, label_key=button),
    )


async def resume_from_group(update: Update, context: Context, group_chat_id: int | None) -> bool:
    """Privately: the form with the words the person wrote in a group (that group's, or
    their latest); False if there are none, and nothing is said."""
    actor = context.require_actor()
    chat = update.effective_chat
    if chat is None:
        return False
    draft = await context.services.matters.resume_group_draft(actor, chat.id, group_chat_id)
    if draft is None:
        return False
    await _show_draft(update, actor, draft)
    return True


async def _show_draft(update: Update, actor: Actor, draft: RaiseDraft) -> None:
    """The form at its step: the question still open, or the preview to confirm."""
    language = actor.language
    lines = [t(language, draft.note, **dict(draft.note_params))] if draft.note else []
    keyboard = None
    if draft.step == "confirm":
        lines.append(
            texts.raise_preview(
                language, draft.title or "", draft.details or "", draft.similar, draft.photo
            )
        )
        if draft.voice:
            lines.append(t(language, "raise.voice_attached"))
        keyboard = keyboards.confirm_raise(language)
    elif draft.step == "details":
        lines.append(t(language, "raise.ask_details", title=draft.title or ""))
    elif draft.details:
        lines.append(t(language, "raise.ask_title_again"))
    else:
        lines.append(t(language, "raise.ask_title"))
    chat = update.effective_chat
    if update.callback_query is not None and chat is not None:
        await update.get_bot().send_message(chat.id, "\n".join(lines), reply_markup=keyboard)
        return
    await reply(update, "\n".join(lines), keyboard)


async def text_answer(update: Update, context: Context, step: str, text: str) -> None:
    """A typed answer to the raise form: the title, then what and where."""
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - private text always has a chat
    matters = context.services.matters
    if step == "title":
        await _show_draft(update, actor, await matters.answer_title(actor, chat.id, text))
    elif step == "details":
        await _show_draft(update, actor, await matters.answer_details(actor, chat.id, text))
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


async def voice_answer(update: Update, context: Context, step: str, message: Message) -> None:
    """A voice note while the form asks what and where: it is the details (（语音说明）)
    and goes to the residents' groups right after the card."""
    actor = context.require_actor()
    chat = update.effective_chat
    if step not in ("details", "confirm") or message.voice is None or chat is None:
        await reply(update, t(actor.language, "raise.voice_when"))
        return
    # The matter's details are read by everyone: in the community's language.
    placeholder = plain(context.services.settings.community.default_language, "raise.voice_details")
    draft = await context.services.matters.attach_voice(
        actor, chat.id, message.voice.file_id, placeholder
    )
    await _show_draft(update, actor, draft)


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
            number=matter.number,
            threshold=context.services.matters.threshold,
        ),
    )
    context.services.wake_sender()


async def edit_pressed(update: Update, context: Context) -> None:
    """Button at the confirm step: type the title (or the details) again."""
    data = cb.RaiseEdit.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    draft = await context.services.matters.edit(actor, chat.id, data.field)
    key = "raise.ask_title_again" if draft.step == "title" else "raise.ask_details"
    await show(update, t(actor.language, key, title=draft.title or ""))


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
            when=local_time(matter.agenda_at, tz, actor.language),
            forum=forum_name(actor.language, matter.agenda_forum),
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


@refreshes("card")
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
    """/matters: open matters by stage, a button for each, ✏️ 我要提议 (paged)."""
    text, keyboard = await _matters_screen(context, 0, private=not _in_group(update))
    await reply(update, text, keyboard)


async def _matters_screen(
    context: Context, page_number: int, *, private: bool
) -> tuple[str, InlineKeyboardMarkup]:
    actor = context.require_actor()
    matters = context.services.matters
    page = await matters.open_matters_page(page_number)
    tz = context.services.settings.community.tz
    rows = keyboards.matter_list(actor.language, page)
    if private:
        # Privately: 📅 the next Thursday pavilion into one's phone calendar.
        calendar = calendar_keyboards.next_session(context, actor.language)
        rows.extend(list(row) for row in calendar.inline_keyboard)
    text = texts.matters(actor.language, page, matters.threshold, tz)
    return text, InlineKeyboardMarkup(rows)


async def matters_page_pressed(update: Update, context: Context) -> None:
    """◀ / ▶ under /matters (or 全部 under an agenda): that page, in place; pressed in a
    group, the private chat opens with the list."""
    data = cb.MattersPage.decode(update.callback_query.data if update.callback_query else None)
    if _in_group(update):
        await answer(update, url=_deep_link(context, MATTERS_PAYLOAD))
        return
    context.require_actor().registered_person()
    text, keyboard = await _matters_screen(context, data.page, private=True)
    await show(update, text, keyboard)


async def open_pressed(update: Update, context: Context) -> None:
    """A matter's button under /matters or an agenda: the screen /matter N shows, as a
    new message (the list stays); pressed in a group, the private chat opens with it."""
    data = cb.MatterOpen.decode(update.callback_query.data if update.callback_query else None)
    if _in_group(update):
        await answer(update, url=_deep_link(context, f"matter-{data.matter_id}"))
        return
    actor = context.require_actor()
    actor.registered_person()
    text, keyboard = await matter_screen(context, actor, data.matter_id, private=True)
    await answer(update)
    await context.bot.send_message(actor.tg_user_id, text, reply_markup=keyboard)


async def open_from_start(update: Update, context: Context, matter_id: int) -> None:
    """/start matter-N (a matter's button pressed in a group): its screen, here."""
    actor = context.require_actor()
    text, keyboard = await matter_screen(context, actor, matter_id, private=True)
    await reply(update, text, keyboard)


async def raise_pressed(update: Update, context: Context) -> None:
    """✏️ 我要提议 under /matters or an agenda: the raise form (from a group, privately;
    someone not registered yet registers first)."""
    actor = context.require_actor()
    if _in_group(update):
        await answer(update, url=_deep_link(context, RAISE_PAYLOAD))
        return
    if not actor.has(Role.RESIDENT):
        await reply(update, t(actor.language, "access.not_registered"))
        return
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    draft = await context.services.matters.start(actor, chat.id)
    await answer(update)
    await _show_draft(update, actor, draft)


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
    matter_id = await context.services.matters.id_of(number)
    text, keyboard = await matter_screen(context, actor, matter_id, private=private)
    await reply(update, text, keyboard)


async def matter_screen(
    context: Context, actor: Actor, matter_id: int, *, private: bool
) -> tuple[str, InlineKeyboardMarkup | None]:
    """A matter with its history, and (in a private chat) its discussion and controls."""
    services = context.services
    history = await services.desk.history(matter_id)
    tz = services.settings.community.tz
    today = spoken.local_date(services.clock(), tz)
    text = texts.matter_page(actor.language, history, services.matters.threshold, tz, today)
    extra = [
        texts.vote_summary(actor.language, vote, tz)
        for vote in await services.votes.resolutions.votes_of(matter_id)
    ]
    extra.append(
        texts.carrying_status(
            actor.language, await services.carrying.ratings.status(matter_id), tz, today
        )
    )
    # 经费公开: what the projects carrying it out spent (bot/board/spending.py).
    projects = await services.board.spending.of_matter(matter_id)
    extra.append(spending_texts.matter_line(actor.language, projects))
    extra = [part for part in extra if part]
    if extra:
        text = "\n\n".join([text, *extra])
    if not private:
        return text, None
    actions = keyboards.matter_actions(actor.language, history.matter, actor.has(Role.SECRETARY))
    if not actor.registered:
        return text, actions
    # The public board's 🔔 关注 / 🔕 取消关注 (bot/board/follows.py).
    following = await services.board.follows.following(actor, matter_id)
    follow = board_keyboards.follow_row(actor.language, matter_id, following)
    spent = [spending_keyboards.project_button(actor.language, row) for row in projects]
    rows = [*actions.inline_keyboard, follow, *spent]
    # A matter that came from a resident's need (需求): ↩ 转回需求, for a secretary.
    need = await services.needs.of_matter(matter_id) if actor.has(Role.SECRETARY) else None
    if need is not None:
        rows.append(needs_keyboards.matter_row(actor.language, matter_id, need.number))
    return text, InlineKeyboardMarkup(rows)
