"""The persistent keyboard of big buttons in a private chat: ONE declarative table.

Each :class:`Key` names its label (catalog key ``participation.key.<name>``), the
command it runs and the role it needs (None: every registered person). A press
sends the label as text; :func:`label_pressed` runs the same handler as the command,
with the command's own access rule. A press while a guided conversation waits for a
typed answer ENDS that conversation (the person is told) and runs the command: the
buttons are the way out of any form, as /cancel is.

The keyboard is sent on registration, /start and /lang (labels in the person's
language), and to a person whose roles a secretary changed (:func:`tell_roles_changed`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from telegram import KeyboardButton, Message, ReplyKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import filters

from bot.community.register import Actor, Role
from bot.config import Language
from bot.i18n import parse_language
from handlers.access import Callback, answer, reply, show
from handlers.context import Context
from handlers.texts import plain, t
from storage.community.people import PersonRow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Key:
    """One big button: its label's catalog name, the command it runs, the role it needs."""

    name: str
    command: str
    role: Role | None = None


#: The keyboard, row by row; a row shows the keys the person may use.
KEYS: tuple[tuple[Key, ...], ...] = (
    (Key("mine", "mine"), Key("raise", "raise", Role.RESIDENT), Key("need", "need", Role.RESIDENT)),
    (Key("record", "myrecord"), Key("board", "board"), Key("help", "help")),
    (Key("study", "lessons", Role.PARTY_MEMBER),),
    (
        Key("checkin", "checkin", Role.VOLUNTEER),
        Key("checkout", "checkout", Role.VOLUNTEER),
        Key("hours", "hours", Role.VOLUNTEER),
    ),
    (Key("stats", "participation", Role.SECRETARY), Key("people", "people", Role.SECRETARY)),
)


def label(language: Language, key: Key) -> str:
    """The key's label in ``language``."""
    return plain(language, f"participation.key.{key.name}")


def _labels() -> dict[str, Key]:
    """Every label, in every language -> its key."""
    return {label(language, key): key for row in KEYS for key in row for language in Language}


#: Private text that is exactly one of the labels.
LABEL_FILTER = (
    filters.ChatType.PRIVATE
    & filters.UpdateType.MESSAGE
    & filters.Text(sorted({text for text in _labels()}))
)


def keyboard_for(language: Language, holds: Callable[[Role], bool]) -> ReplyKeyboardMarkup:
    """The keys of someone holding the roles ``holds`` says, labelled in ``language``."""
    rows = [
        [KeyboardButton(label(language, key)) for key in row if key.role is None or holds(key.role)]
        for row in KEYS
    ]
    return ReplyKeyboardMarkup(
        [row for row in rows if row], resize_keyboard=True, is_persistent=True
    )


def keyboard(actor: Actor, language: Language | None = None) -> ReplyKeyboardMarkup | None:
    """The actor's keyboard (None for someone not registered)."""
    if not actor.registered:
        return None
    return keyboard_for(language or actor.language, actor.has)


def is_private(update: Update) -> bool:
    """Whether the update came from a private chat (the only place for the keyboard)."""
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


async def say_with_keyboard(
    update: Update, context: Context, actor: Actor, text: str, language: Language | None = None
) -> None:
    """Answer with ``text`` carrying the actor's keyboard, labelled in ``language`` (by
    default theirs). A reply keyboard comes only with a new message: a pressed button's
    message loses its buttons and the text follows it."""
    markup = keyboard(actor, language) if is_private(update) else None
    query = update.callback_query
    if markup is None or query is None:
        await show(update, text) if markup is None else await reply(update, text, markup)
        return
    await answer(update)
    if isinstance(query.message, Message):
        try:
            await query.message.edit_reply_markup(None)
        except BadRequest as error:
            log.debug("pressed message kept its buttons: %s", error.message)
    await context.bot.send_message(query.from_user.id, text, reply_markup=markup)


async def tell_roles_changed(context: Context, person: PersonRow) -> None:
    """A secretary changed the person's roles: a short note with their new keyboard.

    Sent at once, after the change committed (not through the outbox: one message,
    and the next /start sends the keyboard again if this one is lost)."""
    language = parse_language(person.language)
    configured = context.services.community.is_configured_secretary(person.tg_user_id)

    def holds(role: Role) -> bool:
        return role.value in person.roles or (role is Role.SECRETARY and configured)

    try:
        await context.bot.send_message(
            person.tg_user_id,
            t(language, "participation.keyboard.roles_changed"),
            reply_markup=keyboard_for(language, holds),
        )
    except TelegramError as error:
        log.info("could not send the new keyboard to person %s: %r", person.id, error)


def label_pressed(commands: dict[str, Callback]) -> Callback:
    """The handler of a press: ``commands`` are the guarded command handlers, by name."""
    by_label = _labels()

    async def pressed(update: Update, context: Context) -> None:
        message = update.effective_message
        key = by_label.get(message.text or "") if message else None
        if key is None or message is None:
            return
        actor = context.require_actor()
        # (Someone not registered, with a keyboard left from before /forget, keeps the
        # registration form: the command will refuse them anyway.)
        dialogs = context.services.dialogs
        if actor.registered and await dialogs.cancel(message.chat.id, actor.tg_user_id):
            await reply(update, t(actor.language, "participation.keyboard.form_left"))
        context.args = []
        await commands[key.command](update, context)

    return pressed
