"""Telegram adapters: parse the update, call a service, render, reply. No SQL here.

:func:`register_handlers` is the one ordered list of handlers; each command
and button declares who may use it (role) and where (chat type), and
handlers/access.py checks that in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.community import Role
from bot.deliberation import FLOW as RAISE_FLOW
from bot.notices import FLOW as NOTICE_FLOW
from bot.registration import FLOW as REGISTRATION_FLOW
from handlers import admin, callbacks, carrying, chats, dialogs, matters, notices, people, schedules
from handlers.access import Access, Callback, Where, guarded, identify, on_error


@dataclass(frozen=True)
class Command:
    """A slash command: its handler, who may use it, where, and if it is in the menu."""

    name: str
    callback: Callback
    need: Role | Access
    where: Where
    menu: Where | None = None  # which command menu lists it (None: not listed)


#: Every command, in the order menus show them. Descriptions: "command.<name>".
COMMANDS: tuple[Command, ...] = (
    Command("start", people.start, Access.ANYONE, Where.ANY, Where.PRIVATE),
    Command("me", people.me, Access.REGISTERED, Where.PRIVATE, Where.PRIVATE),
    Command("lang", people.lang, Access.REGISTERED, Where.PRIVATE, Where.PRIVATE),
    Command("help", people.help_command, Access.ANYONE, Where.ANY, Where.ANY),
    Command("cancel", people.cancel, Access.ANYONE, Where.ANY, Where.PRIVATE),
    Command("raise", matters.raise_command, Role.RESIDENT, Where.ANY, Where.ANY),
    Command("matters", matters.list_matters, Access.REGISTERED, Where.ANY, Where.ANY),
    Command("matter", matters.show_matter, Access.REGISTERED, Where.ANY, None),
    Command("export", people.export, Access.REGISTERED, Where.PRIVATE, Where.PRIVATE),
    Command("forget", people.forget, Access.REGISTERED, Where.PRIVATE, Where.PRIVATE),
    Command("status", admin.status, Role.SECRETARY, Where.ANY, None),
    Command("bind", admin.bind, Role.SECRETARY, Where.GROUP, None),
    Command("unbind", admin.unbind, Role.SECRETARY, Where.GROUP, None),
    Command("people", admin.people, Role.SECRETARY, Where.PRIVATE, None),
    Command("grant", admin.grant, Role.SECRETARY, Where.ANY, None),
    Command("revoke", admin.revoke, Role.SECRETARY, Where.ANY, None),
    Command("upcoming", schedules.upcoming, Role.SECRETARY, Where.PRIVATE, None),
    Command("notify", notices.notify, Role.SECRETARY, Where.PRIVATE, None),
    # Carrying out, referrals, supervision (helper B).
    Command("assign", carrying.assign_command, Role.SECRETARY, Where.ANY, None),
    Command("progress", carrying.progress_command, Access.REGISTERED, Where.PRIVATE, None),
    Command("refer", carrying.refer_command, Role.SECRETARY, Where.PRIVATE, None),
    Command("referrals", carrying.referrals_command, Role.SECRETARY, Where.ANY, None),
    Command("answer", carrying.answer_command, Role.SECRETARY, Where.PRIVATE, None),
    Command("major", carrying.major_command, Role.SECRETARY, Where.ANY, None),
    Command("supervision", carrying.supervision_command, Role.SECRETARY, Where.PRIVATE, None),
)

#: Commands a secretary sees in their own menu, besides everyone's.
SECRETARY_MENU: tuple[str, ...] = (
    "status",
    "people",
    "notify",
    "upcoming",
    "grant",
    "revoke",
    "bind",
    "unbind",
    # Helper B: carrying out, referrals, supervision.
    "assign",
    "refer",
    "referrals",
    "answer",
    "major",
    "supervision",
)


@dataclass(frozen=True)
class Button:
    """An inline button kind: its handler, who may press it, where."""

    kind: type[callbacks.Callback]
    callback: Callback
    need: Role | Access
    where: Where = Where.PRIVATE


BUTTONS: tuple[Button, ...] = (
    Button(callbacks.RegisterLanguage, people.consent_language, Access.ANYONE),
    Button(callbacks.RegisterConsent, people.consent, Access.ANYONE),
    Button(callbacks.RegisterUseTelegramName, people.use_telegram_name, Access.ANYONE),
    Button(callbacks.RegisterSkipBuilding, people.skip_building, Access.ANYONE),
    Button(callbacks.RegisterGrid, people.choose_grid, Access.ANYONE),
    Button(callbacks.ChooseLanguage, people.lang_chosen, Access.REGISTERED),
    Button(callbacks.ConfirmForget, people.forget_confirmed, Access.REGISTERED),
    Button(callbacks.PeopleListPage, admin.people_page, Role.SECRETARY),
    Button(callbacks.ShowPerson, admin.show_person, Role.SECRETARY),
    Button(callbacks.ToggleRole, admin.toggle_role, Role.SECRETARY),
    Button(callbacks.RemovePerson, admin.remove_person, Role.SECRETARY),
    Button(callbacks.SetScheduleEnabled, schedules.set_enabled, Role.SECRETARY),
    Button(callbacks.NotifyAudience, notices.audience_chosen, Role.SECRETARY),
    Button(callbacks.NotifyConfirm, notices.confirmed, Role.SECRETARY),
    Button(callbacks.RaiseConfirm, matters.confirmed, Role.RESIDENT),
    Button(callbacks.SupportMatter, matters.support, Role.RESIDENT, Where.ANY),
    # Carrying out, referrals, supervision, ratings (helper B).
    Button(callbacks.AssignOwnerKind, carrying.owner_kind_chosen, Role.SECRETARY),
    Button(callbacks.AssignPeoplePage, carrying.owner_page, Role.SECRETARY),
    Button(callbacks.AssignPerson, carrying.owner_person_chosen, Role.SECRETARY),
    Button(callbacks.ChooseDue, carrying.due_chosen, Role.SECRETARY),
    Button(callbacks.ProgressPercent, carrying.percent_chosen, Access.REGISTERED),
    Button(callbacks.PickReferral, carrying.referral_picked, Role.SECRETARY),
    Button(callbacks.RateMatter, carrying.rate_pressed, Access.REGISTERED),
    Button(callbacks.AcceptanceVerdict, carrying.verdict_pressed, Role.SUPERVISOR),
    Button(callbacks.SupervisionMethod, carrying.supervision_method, Role.SECRETARY),
    Button(callbacks.SupervisionPage, carrying.supervision_page, Role.SECRETARY),
    Button(callbacks.SupervisionToggle, carrying.supervision_toggle, Role.SECRETARY),
    Button(callbacks.SupervisionConfirm, carrying.supervision_confirm, Role.SECRETARY),
    Button(callbacks.AssignMatter, carrying.assign_pressed, Role.SECRETARY, Where.ANY),
)

#: Typed answers of each guided conversation (flow name -> handler).
TEXT_ANSWERS: dict[str, dialogs.TextAnswer] = {
    REGISTRATION_FLOW: people.registration_answer,
    NOTICE_FLOW: notices.text_answer,
    RAISE_FLOW: matters.text_answer,
    # Carrying out, referrals, supervision (helper B).
    **carrying.TEXT_ANSWERS,
}


def register_handlers(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add every handler, in order. Group -1 runs first for every update."""
    # Who is acting, in which language; drops edits, channel posts, other bots.
    app.add_handler(TypeHandler(Update, identify), group=-1)

    # Group bookkeeping: the bot added/removed, a group upgraded to a supergroup.
    app.add_handler(ChatMemberHandler(chats.my_membership, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, chats.migrated))

    # Slash commands, each with its access rule. Only new messages: an edited
    # command does not run again. "/cmd@otherbot" is left to the other bot.
    for command in COMMANDS:
        app.add_handler(
            CommandHandler(
                command.name,
                guarded(command.callback, need=command.need, where=command.where),
                filters=filters.UpdateType.MESSAGE,
            )
        )

    # Inline buttons, each kind matched by its callback-data prefix.
    for button in BUTTONS:
        app.add_handler(
            CallbackQueryHandler(
                guarded(button.callback, need=button.need, where=button.where),
                pattern=button.kind.pattern(),
            )
        )
    # A button of a kind this version no longer has.
    app.add_handler(
        CallbackQueryHandler(guarded(_stale_button, need=Access.ANYONE, where=Where.ANY))
    )

    # "提议 …" / "说事 …": raising a matter in plain words (commands are Latin only).
    app.add_handler(
        MessageHandler(
            filters.Regex(matters.RAISE_WORDS) & filters.UpdateType.MESSAGE,
            guarded(matters.raise_words, need=Role.RESIDENT, where=Where.ANY),
        )
    )

    # A photo in a private chat: a progress report's photo (helper B).
    app.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & filters.PHOTO & filters.UpdateType.MESSAGE,
            guarded(carrying.photo_answer, need=Access.REGISTERED, where=Where.PRIVATE),
        )
    )

    # Typed answers to a guided conversation, in a private chat.
    dialogs.TEXT_ANSWERS.update(TEXT_ANSWERS)
    app.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGE,
            guarded(dialogs.private_text, need=Access.ANYONE, where=Where.PRIVATE),
        )
    )

    app.add_error_handler(on_error)


async def _stale_button(update: Update, context: Any) -> None:
    raise callbacks.StaleButton(update.callback_query.data if update.callback_query else None)
