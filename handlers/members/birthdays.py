"""Party birthdays (政治生日): the joining date from /me or a member's screen of /people."""

from __future__ import annotations

from telegram import Update

from handlers.access import answer, reply, show
from handlers.context import Context
from handlers.members import callbacks as cb
from handlers.members import keyboards, texts


async def joined_pressed(update: Update, context: Context) -> None:
    """🎂 入党日期 (on /me, or on a member of /people): ask the day."""
    data = cb.SetJoined.decode(_data(update))
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    prompt = await context.services.members.birthdays.start(actor, chat.id, data.person_id or None)
    await answer(update)
    keyboard = (
        keyboards.clear_joined(actor.language, data.person_id)
        if prompt.person.party_joined_on
        else None
    )
    # A message of its own: the screen the button was on (/me, a person) stays.
    await context.bot.send_message(
        chat.id, texts.ask(actor.language, prompt.person, prompt.mine), reply_markup=keyboard
    )


async def joined_answer(update: Update, context: Context, step: str, text: str) -> None:
    """The typed joining date."""
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - private text always has a chat
    prompt = await context.services.members.birthdays.answer(actor, chat.id, text)
    await reply(update, texts.done(actor.language, prompt.person, prompt.mine))


async def clear_pressed(update: Update, context: Context) -> None:
    """🗑 清除入党日期 under the question."""
    data = cb.ClearJoined.decode(_data(update))
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    prompt = await context.services.members.birthdays.clear(actor, chat.id, data.person_id or None)
    await show(update, texts.done(actor.language, prompt.person, prompt.mine))


def _data(update: Update) -> str | None:
    return update.callback_query.data if update.callback_query else None
