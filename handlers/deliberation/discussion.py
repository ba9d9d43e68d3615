"""Discussion (民议): a reply to a matter's card in a residents' group, or
/discuss N text, adds a comment; /thread N (or the 讨论 button) reads the
thread privately, page by page; a secretary hides a comment with a reason.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import filters

from bot.community.register import Role
from bot.errors import UserFacingError
from handlers.access import reply, show
from handlers.context import Context
from handlers.deliberation import callbacks as cb
from handlers.deliberation import keyboards, texts
from handlers.deliberation.desk import number_of
from handlers.deliberation.matters import RAISE_WORDS, refresh_card_soon
from handlers.texts import plain, t
from handlers.volunteering.checkin import CHECK_WORDS

#: Handler group of the card-reply handler: its own, so that it never takes a
#: message away from the handlers of group 0 (提议 …, and later 签到 …); it
#: acts only on a reply to a matter's card and leaves everything else alone.
CARD_REPLY_GROUP = 1

#: Group text that may be a comment: a reply, not a command, not 提议/说事 and
#: not 签到/签退 (other handlers act on those; they are no opinion on the matter).
CARD_REPLY_FILTER = (
    filters.ChatType.GROUPS
    & filters.REPLY
    & filters.TEXT
    & ~filters.COMMAND
    & ~filters.Regex(RAISE_WORDS)
    & ~filters.Regex(CHECK_WORDS)
    & filters.UpdateType.MESSAGE
)


async def card_reply(update: Update, context: Context) -> None:
    """A reply in a group: if it answers a matter's card, it joins that matter's discussion.

    Replies to anything else are ignored silently (no access check before we
    know it is a card: an unregistered person chatting must not be told off).
    """
    message = update.effective_message
    actor = context.actor
    if message is None or actor is None or message.text is None:
        return
    target = message.reply_to_message
    if target is None or target.from_user is None or target.from_user.id != context.bot.id:
        return
    discussion = context.services.discussion
    matter = await discussion.matter_of_message(message.chat.id, target.message_id)
    if matter is None:
        return
    if context.anonymous:
        await reply(update, t(actor.language, "access.anonymous"))
        return
    try:
        await discussion.comment(actor, matter.id, message.text)
    except UserFacingError as error:
        await reply(update, t(actor.language, error.key, **error.params))
        return
    # No reply on success: the card's count shows it, and the group stays quiet.
    refresh_card_soon(context, matter.id)


async def discuss_command(update: Update, context: Context) -> None:
    """/discuss N text: add a comment to matter N from anywhere."""
    actor = context.require_actor()
    message = update.effective_message
    parts = (message.text or "").split(maxsplit=2) if message else []
    number = number_of(parts[1]) if len(parts) == 3 else None
    if number is None:
        await reply(update, t(actor.language, "discuss.usage"))
        return
    result = await context.services.discussion.comment(
        actor, await context.services.matters.id_of(number), parts[2]
    )
    await reply(
        update,
        t(actor.language, "discuss.done", number=result.matter.number, position=result.position),
    )
    refresh_card_soon(context, result.matter.id)


async def thread_command(update: Update, context: Context) -> None:
    """/thread N: the first page of matter N's discussion."""
    actor = context.require_actor()
    args = context.args or []
    number = number_of(args[0]) if len(args) == 1 else None
    if number is None:
        await reply(update, t(actor.language, "discuss.thread_usage"))
        return
    text, keyboard = await _thread_screen(context, await context.services.matters.id_of(number), 0)
    await reply(update, text, keyboard)


async def thread_pressed(update: Update, context: Context) -> None:
    """Button: a page of the discussion (previous/next, or 讨论 under /matter N)."""
    data = cb.ShowThread.decode(update.callback_query.data if update.callback_query else None)
    text, keyboard = await _thread_screen(context, data.matter_id, data.page)
    await show(update, text, keyboard)


async def agree_pressed(update: Update, context: Context) -> None:
    """Button (resident): 👍 a comment, or take it back; the page again with the count."""
    data = cb.AgreeComment.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    discussion = context.services.discussion
    on, page = await discussion.agree(actor, data.comment_id)
    comment_matter = await discussion.matter_of_comment(data.comment_id)
    text, keyboard = await _thread_screen(context, comment_matter, page)
    await show(
        update,
        text,
        keyboard,
        toast=plain(actor.language, "discuss.agreed" if on else "discuss.unagreed"),
    )


async def hide_pressed(update: Update, context: Context) -> None:
    """Button (secretary): hide a comment; the reason is asked next."""
    query = update.callback_query
    data = cb.HideComment.decode(query.data if query else None)
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    comment, position = await context.services.discussion.start_hide(
        actor, chat.id, data.comment_id, data.page
    )
    author = comment.author or plain(actor.language, "discuss.former_resident")
    await context.bot.send_message(
        chat.id, t(actor.language, "discuss.ask_hide_reason", position=position, author=author)
    )


async def hide_answer(update: Update, context: Context, step: str, text: str) -> None:
    """The typed reason for hiding: hide it, then show that page of the thread again."""
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - private text always has a chat
    hidden = await context.services.discussion.answer_hide_reason(actor, chat.id, text)
    await reply(update, t(actor.language, "discuss.hidden_done", position=hidden.position))
    page_text, keyboard = await _thread_screen(context, hidden.matter_id, hidden.page)
    await reply(update, page_text, keyboard)


async def _thread_screen(
    context: Context, matter_id: int, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    actor = context.require_actor()
    thread = await context.services.discussion.page(matter_id, page)
    tz = context.services.settings.community.tz
    return (
        texts.thread_page(actor.language, thread, tz),
        keyboards.thread(actor.language, thread, actor.has(Role.SECRETARY)),
    )
