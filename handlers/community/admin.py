"""Secretaries' side of the register: binding group chats, /status, and roles
(/grant, /revoke by reply, or /people to choose from the register)."""

from __future__ import annotations

from telegram import Chat, Update
from telegram.constants import ChatType

from bot.community.forums import talk_day_name
from bot.community.register import ChatInfo, ChatKind, Role
from bot.config import Language
from bot.errors import UserFacingError
from handlers.access import reply, show
from handlers.community import callbacks as cb
from handlers.community import keyboards, texts
from handlers.community.joining import register_payload
from handlers.context import Context
from handlers.keyboards import open_private_chat
from handlers.members import texts as member_texts
from handlers.participation.keyboard import tell_roles_changed
from handlers.texts import kind_name, plain, role_name, t
from storage import community_id

#: Words accepted for each chat kind after /bind (Latin and Chinese).
KIND_WORDS = {
    ChatKind.RESIDENTS: ("residents", "resident", "居民", "居民群"),
    ChatKind.MEMBERS: ("members", "member", "党员", "党员群"),
    ChatKind.VOLUNTEERS: ("volunteers", "volunteer", "志愿者", "志愿者群"),
}

#: Words accepted for each role after /grant and /revoke.
ROLE_WORDS = {
    Role.RESIDENT: ("resident", "居民"),
    Role.VOLUNTEER: ("volunteer", "志愿者"),
    Role.PARTY_MEMBER: ("party_member", "member", "党员"),
    Role.GRID_WORKER: ("grid_worker", "网格员"),
    Role.SUPERVISOR: ("supervisor", "监督员", "监督小组"),
    Role.SECRETARY: ("secretary", "书记"),
}


def parse_kind(word: str) -> ChatKind | None:
    """A chat kind from the word after /bind."""
    lowered = word.lower()
    return next((kind for kind, words in KIND_WORDS.items() if lowered in words), None)


def parse_role(word: str) -> Role | None:
    """A role from the word after /grant or /revoke."""
    lowered = word.lower()
    return next((role for role, words in ROLE_WORDS.items() if lowered in words), None)


async def bind(update: Update, context: Context) -> None:
    """/bind in the group to bind: three buttons; /bind residents|members|volunteers
    (or 居民/党员/志愿者) binds at once."""
    actor = context.require_actor()
    chat = update.effective_chat
    args = context.args or []
    if chat is not None and not args:
        await reply(update, t(actor.language, "bind.choose"), keyboards.bind_kinds(actor.language))
        return
    kind = parse_kind(args[0]) if len(args) == 1 else None
    if chat is None or kind is None:
        await reply(update, t(actor.language, "bind.usage"))
        return
    await reply(update, await _bind(context, chat, kind))
    await _welcome(context, chat.id, kind)


async def bind_pressed(update: Update, context: Context) -> None:
    """Button: bind this group as the kind pressed (once; a bound group says what it is)."""
    data = cb.BindChat.decode(_data(update))
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - guarded: Where.GROUP
    bound = await context.services.community.chat(chat.id)
    if bound is not None and bound.kind:
        # An alert: the message itself already says what the group became.
        await reply(
            update, t(actor.language, "bind.already", kind=kind_name(actor.language, bound.kind))
        )
        return
    text = await _bind(context, chat, data.kind)
    await show(update, text, toast=plain(actor.language, "bind.done_toast"))
    await _welcome(context, chat.id, data.kind)


async def _bind(context: Context, chat: Chat, kind: ChatKind) -> str:
    """Bind ``chat``; what to tell the secretary."""
    actor = context.require_actor()
    info = ChatInfo(chat.id, chat.title or str(chat.id), chat.type)
    previous = await context.services.community.bind_chat(actor, info, kind)
    # The group is this community's now: its updates enter it (the secretary's).
    context.services.communities.chat_joined(chat.id, community_id())
    text = t(actor.language, "bind.done", kind=kind_name(actor.language, kind), title=info.title)
    if previous is not None and previous.kind != kind.value:
        text += "\n" + t(
            actor.language, "bind.rebound", kind=kind_name(actor.language, previous.kind or kind)
        )
    return text


async def _welcome(context: Context, chat_id: int, kind: ChatKind) -> None:
    """The group's welcome for its kind, in the community's language, with a button
    to register privately."""
    settings = context.services.settings
    language = settings.community.default_language
    calendar = settings.calendar
    await context.bot.send_message(
        chat_id,
        t(
            language,
            f"bind.welcome.{kind.value}",
            community=settings.community.name_in(language),
            weekday=plain(language, f"bind.weekday.{calendar.session_weekday}"),
            days=plain(language, "bind.day_separator").join(map(str, calendar.talk_days)),
            # The practice by its Chinese name in both languages ("we talk things over
            # (逢四说事)"): what the residents call it; 说事日 on other days than 4, 14, 24.
            talk_forum=talk_day_name(Language.ZH_HANS, calendar),
        ),
        # The group's own community, named in the link: a newcomer registers there.
        reply_markup=open_private_chat(language, context.bot.username, register_payload()),
    )


async def unbind(update: Update, context: Context) -> None:
    """/unbind, in a bound group."""
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - guarded: Where.GROUP
    await context.services.community.unbind_chat(actor, chat.id)
    await reply(update, t(actor.language, "bind.unbound"))


async def status(update: Update, context: Context) -> None:
    """/status: the community, its chats and people per role."""
    actor = context.require_actor()
    state = await context.services.community.status()
    await reply(update, texts.status(actor.language, state))


async def grant(update: Update, context: Context) -> None:
    """/grant ROLE as a reply to someone's message; /grant alone opens the register."""
    await _change_role(update, context, granting=True)


async def revoke(update: Update, context: Context) -> None:
    """/revoke ROLE as a reply to someone's message; /revoke alone opens the register."""
    await _change_role(update, context, granting=False)


async def _change_role(update: Update, context: Context, *, granting: bool) -> None:
    actor = context.require_actor()
    language = actor.language
    message = update.effective_message
    args = context.args or []
    target_message = message.reply_to_message if message else None
    if target_message is None:
        if args:
            await reply(update, t(language, "roles.usage"))
            return
        await _show_people(update, context, 0)
        return
    role = parse_role(args[0]) if len(args) == 1 else None
    if role is None:
        await reply(update, t(language, "roles.usage"))
        return
    target = target_message.from_user
    if target is None or target.is_bot or target_message.sender_chat is not None:
        raise UserFacingError("roles.target_not_person")
    community = context.services.community
    person = await community.person_by_telegram_id(target.id)
    if granting:
        changed = await community.grant(actor, person.id, role)
        key = "roles.granted" if changed else "roles.already_has"
    else:
        changed = await community.revoke(actor, person.id, role)
        key = "roles.revoked" if changed else "roles.did_not_have"
    await reply(update, t(language, key, name=person.display_name, role=role_name(language, role)))
    if changed:
        # Their big buttons follow their roles.
        await tell_roles_changed(context, await community.person(person.id))


async def people(update: Update, context: Context) -> None:
    """/people: choose a registered person to manage their roles."""
    await _show_people(update, context, 0)


async def _show_people(update: Update, context: Context, page_number: int) -> None:
    actor = context.require_actor()
    chat = update.effective_chat
    if chat is not None and chat.type != ChatType.PRIVATE:
        # The register holds names: it is shown only in a private chat.
        await reply(update, t(actor.language, "people.private_only"))
        return
    page = await context.services.community.people_page(page_number)
    if not page.people:
        await show(update, t(actor.language, "people.empty"))
        return
    text = t(actor.language, "people.title", page=page.page + 1, pages=page.pages)
    await show(update, text, keyboards.people(actor.language, page))


async def people_page(update: Update, context: Context) -> None:
    """Button: another page of the register."""
    data = cb.PeopleListPage.decode(_data(update))
    await _show_people(update, context, data.page)


async def show_person(update: Update, context: Context) -> None:
    """Button: one person with a toggle for each role."""
    data = cb.ShowPerson.decode(_data(update))
    await _show_person(update, context, data.person_id)


async def _show_person(update: Update, context: Context, person_id: int) -> None:
    actor = context.require_actor()
    person = await context.services.community.person(person_id)
    grids = context.services.settings.community.grids
    card = texts.person_card(actor.language, person, grids)
    # A member's joining date (入党日期): above the role buttons' line.
    joined = member_texts.person_line(actor.language, person)
    if joined:
        head, _, last = card.rpartition("\n\n")
        card = f"{head}\n{joined}\n\n{last}" if head else f"{card}\n{joined}"
    await show(update, card, keyboards.person_roles(actor.language, person, 0))


async def toggle_role(update: Update, context: Context) -> None:
    """Button: grant or revoke one role."""
    data = cb.ToggleRole.decode(_data(update))
    community = context.services.community
    await community.toggle_role(context.require_actor(), data.person_id, data.role)
    await _show_person(update, context, data.person_id)
    # Their big buttons follow their roles.
    await tell_roles_changed(context, await community.person(data.person_id))


async def remove_person(update: Update, context: Context) -> None:
    """Button: ask to remove a person from the register, then do it."""
    data = cb.RemovePerson.decode(_data(update))
    actor = context.require_actor()
    community = context.services.community
    if not data.confirmed:
        person = await community.person(data.person_id)
        await show(
            update,
            t(actor.language, "people.remove_ask", name=person.display_name),
            keyboards.confirm_remove(actor.language, person.id),
        )
        return
    removed = await community.remove(actor, data.person_id)
    await show(update, t(actor.language, "people.removed", name=removed.display_name))


def _data(update: Update) -> str | None:
    return update.callback_query.data if update.callback_query else None
