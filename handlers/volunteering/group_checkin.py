"""签到 / 签退 typed in a group, acknowledged without flooding it.

Telegram lets a bot send about 20 messages a minute to one group. Answering
each 签到 there, 50 volunteers checking in at the start of an activity would
wait minutes for their replies (the bot's rate limiter holds them to that
budget) and bury the group. So, in a group (the volunteers' group or any
other), a check-in or check-out by words, by code (签到 123456) or by command
(/checkin, /checkout) is answered like this:

- The person's own message gets a reaction: 👌 for a check-in, 🙏 for a
  check-out, 🤔 for a refusal. A reaction is no message: it takes nothing
  from the group's 20 a minute, only a request within Telegram's overall 30
  a second (bot/runtime/flood.py counts it there). One that fails is logged
  and forgotten; the rest still goes.
- The confirmation (the same text as in a private chat, with its buttons) and
  any refusal with its reason go to the person privately.
- The group gets one live roll-call per activity (bot/volunteering/roll_call.py):
  posted at the first check-in typed there, then edited at most every
  ``ROLL_CALL_EDIT_SECONDS`` (the cards' edit-soon mechanism, handlers/cards.py),
  naming who has checked in and who has checked out. Someone the bot cannot
  write to privately (they never opened a chat with it, or blocked it) is
  acknowledged there: their reaction and their name on the roll-call.
- What the person must answer or read and cannot get privately still comes
  in the group, as before: a refusal, or the choice between several open
  activities, that cannot be sent privately is replied to in the group.
  So do the refusals made before any check-in is tried, which concern who is
  asking rather than the activity (not registered, an anonymous
  administrator): the bot may have no private chat with such a person.

Private chats keep their replies. Pressing a button is unchanged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import Forbidden, TelegramError
from telegram.ext import JobQueue

from bot.errors import UserFacingError
from handlers.access import reply
from handlers.cards import edit_everywhere, edit_soon, refreshes
from handlers.context import Context
from handlers.texts import t

log = logging.getLogger(__name__)

#: The reaction on a 签到 done, a 签退 done, and a refused one (Telegram's reaction emoji).
CHECKED_IN = "👌"
CHECKED_OUT = "🙏"
REFUSED = "🤔"

#: The roll-call is edited at most this often: 12 edits a minute at most, so that most of
#: the group's 20 messages a minute stay for what everybody needs to see.
ROLL_CALL_EDIT_SECONDS = 5.0


def in_group(update: Update) -> bool:
    """Whether the update is a message typed in a group (not a button, not a private chat)."""
    message = update.effective_message
    return (
        update.callback_query is None
        and message is not None
        and message.chat.type != ChatType.PRIVATE
    )


async def acknowledge(
    update: Update,
    context: Context,
    text: str,
    *,
    activity_id: int,
    reaction: str,
    keyboard: InlineKeyboardMarkup | None = None,
) -> None:
    """A check-in or check-out done in a group: react, confirm privately, count it on the
    roll-call (which is the acknowledgement of someone who cannot be told privately)."""
    message = update.effective_message
    assert message is not None  # noqa: S101 - in_group() was checked
    await asyncio.gather(
        _react(update, context, reaction),
        tell_privately(update, context, text, keyboard),
    )
    await count_on_roll_call(context, activity_id, message.chat.id)


async def count_on_roll_call(context: Context, activity_id: int, chat_id: int) -> None:
    """Post the activity's roll-call in the group, or edit it soon if it is there."""
    if await context.services.volunteer.roll_call.post(activity_id, chat_id):
        context.services.wake_sender()
    else:
        roll_call_soon(context.job_queue, activity_id, chat_id)


async def tell_privately(
    update: Update,
    context: Context,
    text: str,
    keyboard: InlineKeyboardMarkup | None = None,
) -> bool:
    """Send ``text`` to the person's private chat; whether it arrived."""
    actor = context.require_actor()
    try:
        await context.bot.send_message(actor.tg_user_id, text, reply_markup=keyboard)
    except Forbidden as error:
        # Never opened a chat with the bot, or blocked it: the group acknowledges them.
        log.info("cannot confirm a group check-in privately to %s: %s", actor.tg_user_id, error)
        await context.services.community.mark_unreachable(actor.tg_user_id)
        return False
    except TelegramError as error:
        log.warning("cannot confirm a group check-in privately to %s: %r", actor.tg_user_id, error)
        return False
    return True


async def answer_privately(
    update: Update,
    context: Context,
    text: str,
    keyboard: InlineKeyboardMarkup | None = None,
    *,
    reaction: str | None = None,
) -> None:
    """Something only this person needs (a refusal, a choice): privately, else in the group."""
    if reaction is not None:
        await _react(update, context, reaction)
    if not await tell_privately(update, context, text, keyboard):
        await reply(update, text, keyboard)


@contextlib.asynccontextmanager
async def refusals_privately(update: Update, context: Context) -> AsyncIterator[None]:
    """In a group, a refused check-in is answered privately (with 🤔 on the message);
    elsewhere the refusal goes on to ``guarded``, which replies as always."""
    try:
        yield
    except UserFacingError as error:
        if not in_group(update):
            raise
        language = context.require_actor().language
        text = t(language, error.key, **error.params)
        await answer_privately(update, context, text, reaction=REFUSED)


async def _react(update: Update, context: Context, emoji: str) -> None:
    message = update.effective_message
    if message is None:
        return
    try:
        await context.bot.set_message_reaction(message.chat.id, message.message_id, emoji)
    except TelegramError as error:
        # A reaction is a courtesy: the private confirmation and the roll-call still go.
        log.info("cannot react to a check-in in chat %s: %r", message.chat.id, error)


# --- the roll-call ------------------------------------------------------------------------


def roll_call_soon(job_queue: JobQueue[Any] | None, activity_id: int, chat_id: int) -> None:
    """Edit the activity's roll-call in the group within ``ROLL_CALL_EDIT_SECONDS``."""
    edit_soon(
        job_queue,
        f"roll-call:{activity_id}:{chat_id}",
        _refresh_roll_call,
        (activity_id, chat_id),
        seconds=ROLL_CALL_EDIT_SECONDS,
    )


@refreshes("roll-call")
async def _refresh_roll_call(context: Any) -> None:
    services = context.bot_data.services
    activity_id, chat_id = context.job.data
    roll_call = await services.volunteer.roll_call.current(activity_id, chat_id)
    if roll_call.message_id is None:
        if roll_call.waiting:
            # Still on its way through the outbox: look again after the next interval.
            roll_call_soon(context.job_queue, activity_id, chat_id)
        return
    await edit_everywhere(
        context.bot,
        [(chat_id, roll_call.message_id)],
        roll_call.message,
        f"roll-call of activity {activity_id}",
    )
