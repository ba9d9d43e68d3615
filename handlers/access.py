"""Cross-cutting handling: who is acting, who may do what, and errors.

- :func:`identify` runs in group -1 for every update: it resolves the sender
  to an Actor (with their language) and drops what the bot ignores.
- :func:`guarded` wraps every command and button callback: the one place
  where the declared role and chat type are checked, and where a
  :class:`UserFacingError` becomes a short reply in the person's language.
- :func:`answer` answers a pressed button, once. A handler only answers with
  what it has to say (a toast, an alert); a press nobody answered is answered
  by ``guarded`` after the handler, so a refusal raised half-way is still the
  answer to the press (an early bare answer used to swallow it: "query is too old").
- :func:`on_error` is the global error handler: it logs the update, handles
  Telegram's own refusals (blocked bot, migrated group) and apologises.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardMarkup, Message, ReplyKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import ApplicationHandlerStop

from bot.community.register import GROUP_ANONYMOUS_BOT_ID, Actor, Caller, Role
from bot.config import Language
from bot.errors import UserFacingError
from handlers.callbacks import StaleButton
from handlers.context import Context
from handlers.texts import error_text, plain, t
from storage import current_update
from storage.db import is_storage_full
from storage.runtime.inbox import UpdateDoneElsewhere

log = logging.getLogger(__name__)

Callback = Callable[[Update, Context], Coroutine[Any, Any, None]]

#: Telegram's sender for messages a linked channel posts into a group.
CHANNEL_BOT_ID = 136817688

#: The id of the callback query answered while handling the current update.
_answered: ContextVar[str | None] = ContextVar("answered_query", default=None)


class Access(StrEnum):
    """Who may use a command or button, besides holding a role."""

    ANYONE = "anyone"
    REGISTERED = "registered"


class Where(StrEnum):
    """The kind of chat a command or button works in."""

    ANY = "any"
    PRIVATE = "private"
    GROUP = "group"


def caller_of(update: Update) -> Caller | None:
    """The sending account as plain values, or None (channel posts, polls)."""
    user = update.effective_user
    if user is None:
        return None
    return Caller(
        tg_user_id=user.id,
        first_name=user.first_name,
        last_name=user.last_name,
        username=user.username,
        language_code=user.language_code,
    )


async def identify(update: Update, context: Context) -> None:
    """Group -1: resolve the sender and their language; stop updates the bot ignores."""
    if update.edited_message is not None or update.channel_post is not None:
        # Commands and answers act when sent; an edit later must not act twice.
        raise ApplicationHandlerStop
    message = update.effective_message
    user = update.effective_user
    if user is None:
        # A service message with no sender (a group upgraded, say): only the
        # chat bookkeeping handlers act on it; guarded ones need a sender.
        return
    community = context.services.community
    # Whose work this update is: the group's community, else the sender's. From here on
    # every query and every text of this update is that community's (storage/scope.py).
    chat = update.effective_chat
    found = await context.services.communities.resolve(
        chat_id=chat.id if chat is not None else None,
        private=chat is None or chat.type == ChatType.PRIVATE,
        tg_user_id=user.id,
    )
    if found is not None:
        context.services.communities.enter_for_update(found)
    if (
        message is not None
        and message.sender_chat is not None
        and user.id
        in (
            GROUP_ANONYMOUS_BOT_ID,
            CHANNEL_BOT_ID,
        )
    ):
        context.anonymous = True
        context.actor = Actor(
            tg_user_id=user.id,
            language=community.settings.default_language,
            person=None,
            configured_secretary=False,
        )
        return
    if user.is_bot:
        raise ApplicationHandlerStop
    caller = caller_of(update)
    assert caller is not None  # noqa: S101 - user is not None here
    context.actor = await community.identify(caller)


def guarded(
    callback: Callback,
    *,
    need: Role | Access,
    where: Where = Where.ANY,
) -> Callback:
    """Wrap a handler with its access rule; the only place roles are checked."""

    async def run(update: Update, context: Context) -> None:
        _answered.set(None)
        actor = context.actor
        if actor is None:
            return
        language = actor.language
        if context.anonymous:
            await reply(update, t(language, "access.anonymous"))
            return
        chat = update.effective_chat
        is_private = chat is not None and chat.type == ChatType.PRIVATE
        if where is Where.PRIVATE and not is_private:
            await reply(update, t(language, "access.private_only"))
            return
        if where is Where.GROUP and is_private:
            await reply(update, t(language, "access.group_only"))
            return
        needs_registration = need is Access.REGISTERED or (
            isinstance(need, Role) and need is not Role.SECRETARY
        )
        if needs_registration and not actor.registered:
            await reply(update, t(language, "access.not_registered"))
            return
        if isinstance(need, Role) and not actor.has(need):
            await reply(
                update, t(language, "access.needs_role", role=plain(language, f"role.{need.value}"))
            )
            return
        try:
            await callback(update, context)
        except UserFacingError as error:
            await reply(update, error_text(context.require_actor().language, error))
        except StaleButton:
            await reply(update, t(language, "access.stale_button"))
        else:
            # A press the handler had nothing to say about: stop its spinner.
            try:
                await answer(update)
            except BadRequest as error:  # answered some other way, or too late
                log.debug("press not answered: %s", error.message)

    run.__name__ = getattr(callback, "__name__", "guarded")
    run.__doc__ = callback.__doc__
    return run


async def reply(
    update: Update,
    text: str,
    keyboard: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = None,
) -> Message | None:
    """Answer the update: a reply to a message, or an alert for a pressed button.

    A press answered already (a toast before the refusal) gets the text as a
    private message instead, so it is never lost.
    """
    query = update.callback_query
    if query is not None:
        if not answered(update):
            await answer(update, _alert_text(text), alert=True)
            return None
        try:
            return await update.get_bot().send_message(query.from_user.id, text)
        except TelegramError as error:
            log.info("could not tell %s after answering their press: %r", query.from_user.id, error)
            return None
    message = update.effective_message
    if message is None:
        return None
    in_group = message.chat.type != ChatType.PRIVATE
    return await message.reply_text(text, reply_markup=keyboard, do_quote=in_group)


async def show(
    update: Update,
    text: str,
    keyboard: InlineKeyboardMarkup | None = None,
    *,
    toast: str | None = None,
) -> None:
    """Answer with a screen: edit the pressed button's message, or send a new one.

    ``toast``: a short line shown over the chat to confirm a press.
    """
    query = update.callback_query
    if query is None:
        await reply(update, text, keyboard)
        return
    await answer(update, _alert_text(toast) if toast else None)
    if query.message is not None and isinstance(query.message, Message):
        try:
            await query.message.edit_text(text, reply_markup=keyboard)
        except BadRequest as error:
            if "not modified" not in str(error).lower():
                raise
        return
    if update.effective_chat is not None:
        await update.get_bot().send_message(update.effective_chat.id, text, reply_markup=keyboard)


def answered(update: Update) -> bool:
    """Whether the update's pressed button was answered already."""
    query = update.callback_query
    return query is not None and _answered.get() == query.id


async def answer(
    update: Update, text: str | None = None, *, alert: bool = False, url: str | None = None
) -> None:
    """Answer the pressed button once: a toast, an alert, or (no text) just stop its spinner;
    ``url``: a t.me/<bot>?start=… link the person's app opens (the private chat).

    A second answer would fail at Telegram; it is skipped (use :func:`reply`
    for a refusal, which falls back to a message).
    """
    query = update.callback_query
    if query is None or answered(update):
        return
    _answered.set(query.id)
    try:
        await query.answer(text, show_alert=alert, url=url)
    except BadRequest as error:
        if "query is too old" not in error.message.lower():
            raise
        # Answered after Telegram's window (a press replayed after a restart, or handled
        # late after an outage): the effect stands; the spinner has long stopped.
        log.info("a button press was answered too late for Telegram: %s", error.message)


def _alert_text(html_text: str) -> str:
    """Alerts show plain text of at most 200 characters."""
    plain_text = html.unescape(re.sub(r"<[^>]+>", "", html_text))
    return plain_text if len(plain_text) <= 200 else plain_text[:199] + "…"


async def on_error(update: object, context: Context) -> None:
    """Global error handler: log with the update, keep data, tell the person."""
    error = context.error
    if isinstance(error, UpdateDoneElsewhere):
        # Another worker handled it after this one's lease ran out: its effect was
        # rolled back here, and the person already has the other worker's answer.
        log.warning("update %s was handled by another worker meanwhile", error.update_id)
        return
    scope = current_update.get()
    if scope is not None:
        scope.failed = True
    if is_storage_full(error):
        # Nothing was written; one line a minute for the operator (bot/logs.py), no
        # traceback, and a short "try again later" for the person.
        log.error(
            "database or disk is full: an update was answered 'try again later'",
            extra={"storage_full": True},
        )
        if isinstance(update, Update):
            await _apologise(update, context, "error.storage_full")
        return
    if not isinstance(update, Update):
        log.error("error outside an update: %r", error, exc_info=error)
        return
    summary = _describe_update(update)
    chat = update.effective_chat
    if isinstance(error, Forbidden):
        # The person blocked the bot, or the bot was removed from the group.
        if chat is not None and chat.type == ChatType.PRIVATE:
            await context.services.community.mark_unreachable(chat.id)
        log.info("cannot reply to %s: %s", summary, error.message)
        return
    if isinstance(error, ChatMigrated) and chat is not None:
        await context.services.community.chat_migrated(chat.id, error.new_chat_id)
        log.info("chat %s migrated to %s while replying", chat.id, error.new_chat_id)
        return
    if isinstance(error, RetryAfter | NetworkError) and not isinstance(error, BadRequest):
        log.warning("Telegram error while handling %s: %r", summary, error)
    else:
        log.error("unexpected error while handling %s", summary, exc_info=error)
    await _apologise(update, context)


async def _apologise(update: Update, context: Context, key: str = "error.apology") -> None:
    language = context.actor.language if context.actor else Language.ZH_HANS
    try:
        if update.callback_query is not None:
            await reply(update, t(language, key))
        elif update.effective_message is not None:
            await update.effective_message.reply_text(t(language, key))
    except Exception as error:
        log.warning("could not apologise for a failed update: %r", error)


def _describe_update(update: Update) -> str:
    """A log line for an update: ids and kind, never message text or names."""
    parts: dict[str, Any] = {"update_id": update.update_id}
    if update.effective_chat is not None:
        parts["chat"] = update.effective_chat.id
    if update.effective_user is not None:
        parts["user"] = update.effective_user.id
    if update.callback_query is not None:
        parts["callback"] = update.callback_query.data
    elif update.effective_message is not None and update.effective_message.text:
        # The command only: the first word of a plain message may be a name or an address.
        first = update.effective_message.text.split(maxsplit=1)[0][:40]
        if re.fullmatch(r"/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{1,32})?", first):
            parts["command"] = first
        else:
            parts["kind"] = "text"
    return " ".join(f"{key}={value}" for key, value in parts.items())
