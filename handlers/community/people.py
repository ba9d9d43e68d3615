"""A resident's own side of the register: /start and the registration form,
/me, /export, /forget, /lang, /cancel and /help."""

from __future__ import annotations

import json

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatType

from bot import usertext
from bot.community.register import Actor, Caller, Role
from bot.community.registration import HOME_GRID_STEP, HomePrompt, Prompt, Step
from bot.config import Language
from bot.deliberation.raising import GROUP_DRAFT_KEPT
from bot.errors import UserFacingError
from handlers.access import answer, caller_of, reply, show
from handlers.calendars import sending as calendar_files
from handlers.community import callbacks as cb
from handlers.community import joining, keyboards, texts
from handlers.context import Context
from handlers.deliberation import matters, sitting_checkin
from handlers.households import keyboards as household_keyboards
from handlers.keyboards import open_private_chat
from handlers.members import inservice as member_inservice
from handlers.members import keyboards as member_keyboards
from handlers.members import texts as member_texts
from handlers.needs import keyboards as needs_keyboards
from handlers.participation import keyboard as big_buttons
from handlers.participation import keyboards as participation_keyboards
from handlers.participation import mine as participation_mine
from handlers.street import street
from handlers.texts import grid_name, t
from handlers.volunteering import checkin as volunteering

RAISE_PAYLOAD = matters.RAISE_PAYLOAD
#: The deep-link payload of a "register" button that names no community; the buttons
#: posted in groups name theirs (``join-<id>``, handlers/community/joining.py).
JOIN_PAYLOAD = joining.BARE_JOIN_PAYLOAD
#: The deep-link payload of the "help, privately" button under /help in a group.
HELP_PAYLOAD = "help"
#: The deep-link payload of the button under /me in a group: /me, privately.
ME_PAYLOAD = "me"


def _require_caller(update: Update) -> Caller:
    caller = caller_of(update)
    if caller is None:  # guarded handlers always have a sender
        raise RuntimeError("update without a sender")
    return caller


async def start(update: Update, context: Context) -> None:
    """/start: in a group, point to the private chat; privately, begin registering."""
    actor = context.require_actor()
    chat = update.effective_chat
    if chat is not None and chat.type != ChatType.PRIVATE:
        await reply(
            update,
            t(actor.language, "start.in_group"),
            open_private_chat(actor.language, context.bot.username, joining.register_payload()),
        )
        return
    if street.is_invite_start(context.args):
        # A street administrator's link appointing a community's secretary (sec-…): first,
        # so a newcomer opening it is not asked to choose a community.
        await street.invite_start(update, context)
        return
    if await joining.enter_for_start(update, context):
        # Several communities, none known for this newcomer: they chose one first.
        return
    actor = context.require_actor()
    if volunteering.is_qr_start(context.args):
        # The QR code on an organiser's /code screen: check the scanner in.
        await volunteering.qr_start(update, context)
        return
    if sitting_checkin.is_qr_start(context.args):
        # The QR code on a secretary's sitting code screen: the resident is present.
        await sitting_checkin.qr_start(update, context)
        return
    if calendar_files.is_start(context.args):
        # A group's 📅 加到手机日历 under a sitting's agenda: the calendar file, here.
        await calendar_files.start_payload(update, context)
        return
    contact = member_inservice.is_contact_start(context.args)
    if contact and actor.registered:
        # An in-service member's contact card (联系卡): a message to them, through the bot.
        await member_inservice.contact_start(update, context)
        return
    if context.args == [HELP_PAYLOAD]:
        # From the button under /help in a group: the help, here.
        await help_command(update, context)
        return
    if context.args == [ME_PAYLOAD] and actor.registered:
        # From the button under /me in a group: /me, here.
        await me(update, context)
        return
    opened = matters.matter_of_payload(context.args)
    if opened is not None and actor.registered:
        # A matter's button under /matters or an agenda, pressed in a group: it, here.
        await matters.open_from_start(update, context, opened)
        return
    if context.args == [matters.MATTERS_PAYLOAD] and actor.registered:
        await matters.list_matters(update, context)
        return
    if context.args == [RAISE_PAYLOAD] and actor.has(Role.RESIDENT):
        # From a group's "raise privately" button: straight into the raise form.
        await matters.raise_command(update, context)
        return
    group = matters.group_of_payload(context.args)
    if group is not None and actor.has(Role.RESIDENT):
        # From the reply to "提议 …" in a group: the form with the words written there.
        if not await matters.resume_from_group(update, context, group):
            days = GROUP_DRAFT_KEPT.days
            await reply(update, t(actor.language, "raise.words_gone", days=days))
            await matters.raise_command(update, context)
        return
    if contact:
        # A contact card scanned before registering: register, then scan it again.
        await reply(update, t(actor.language, "inservice.register_first"))
    prompt = await context.services.registration.start(_require_caller(update))
    await _show_prompt(update, context, prompt)


async def community_chosen(update: Update, context: Context) -> None:
    """Button: a newcomer's community, from the street's list: register there."""
    data = cb.JoinCommunity.decode(_data(update))
    caller = _require_caller(update)
    services = context.services
    if context.require_actor().registered or await services.communities.of_user(caller.tg_user_id):
        await reply(update, t(context.require_actor().language, "join.already_registered"))
        return
    if services.communities.get(data.community) is None:
        await reply(update, t(context.require_actor().language, "join.no_such"))
        return
    services.communities.enter_for_update(data.community)
    context.actor = await services.community.identify(caller)
    prompt = await services.registration.start(caller)
    await _show_prompt(update, context, prompt)


async def _show_prompt(
    update: Update, context: Context, prompt: Prompt, *, fresh: bool = False
) -> None:
    """Render the next registration question, or the finished registration; ``fresh``:
    as a new message (the pressed one keeps the answer given)."""
    language = prompt.language
    community = context.services.settings.community
    if prompt.person is not None:
        key = "register.already" if prompt.already_registered else "register.done"
        # With the big buttons, by their roles (also after /start when registered already).
        context.actor = await context.services.community.identify(_require_caller(update))
        await big_buttons.say_with_keyboard(
            update, context, context.actor, t(language, key, name=prompt.person.display_name)
        )
        if not prompt.already_registered:
            # Registered to submit what they wrote in a group: the form goes on from there.
            await matters.resume_from_group(update, context, None)
        return
    if prompt.step is Step.CONSENT:
        text = t(language, "register.consent", community=community.name_in(language))
        await show(update, text, keyboards.consent(language))
    elif prompt.step is Step.NAME:
        await show(update, t(language, "register.consent_thanks"))
        name = prompt.suggested_name
        keyboard = keyboards.use_telegram_name(language, name) if name else None
        await _send(update, context, t(language, "register.ask_name"), keyboard)
    elif prompt.step is Step.BUILDING:
        await show(update, t(language, "register.ask_building"), keyboards.skip_building(language))
    elif prompt.step is Step.GRID:
        text, keyboard = (
            t(language, "register.ask_grid"),
            keyboards.grids(language, community.grids),
        )
        if fresh:
            await _send(update, context, text, keyboard)
        else:
            await show(update, text, keyboard)


async def _send(
    update: Update, context: Context, text: str, keyboard: InlineKeyboardMarkup | None = None
) -> None:
    """A new message in the current chat (used after editing a button's message)."""
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_message(chat.id, text, reply_markup=keyboard)


async def consent_language(update: Update, context: Context) -> None:
    """Button: show the consent text in the other language."""
    data = cb.RegisterLanguage.decode(_data(update))
    await joining.enter_registering(update, context)
    prompt = await context.services.registration.choose_language(
        _require_caller(update), data.language
    )
    await _show_prompt(update, context, prompt)


async def consent(update: Update, context: Context) -> None:
    """Button: accept or decline the consent text."""
    data = cb.RegisterConsent.decode(_data(update))
    await joining.enter_registering(update, context)
    caller = _require_caller(update)
    if not data.accept:
        language = await context.services.registration.decline(caller)
        await show(update, t(language, "register.declined"))
        return
    prompt = await context.services.registration.accept(caller)
    await _show_prompt(update, context, prompt)


async def use_telegram_name(update: Update, context: Context) -> None:
    """Button: keep the Telegram name as display name."""
    cb.RegisterUseTelegramName.decode(_data(update))
    await joining.enter_registering(update, context)
    prompt = await context.services.registration.answer_name(_require_caller(update), None)
    await _show_prompt(update, context, prompt)


async def skip_building(update: Update, context: Context) -> None:
    """Button: no building."""
    cb.RegisterSkipBuilding.decode(_data(update))
    await joining.enter_registering(update, context)
    prompt = await context.services.registration.answer_building(_require_caller(update), None)
    skipped = t(prompt.language, "register.skip_button")
    await _keep_answer(update, prompt.language, "register.ask_building", skipped)
    await _show_prompt(update, context, prompt, fresh=True)


async def choose_grid(update: Update, context: Context) -> None:
    """Button: a grid, or "I don't know"."""
    data = cb.RegisterGrid.decode(_data(update))
    await joining.enter_registering(update, context)
    grid = None if data.grid == "-" else data.grid
    prompt = await context.services.registration.answer_grid(_require_caller(update), grid)
    if prompt.person is not None and not prompt.already_registered:
        grids = {choice.id: choice.name for choice in context.services.settings.community.grids}
        chosen = grids.get(grid or "") or t(prompt.language, "register.grid_unknown_button")
        await _keep_answer(update, prompt.language, "register.ask_grid", chosen)
    await _show_prompt(update, context, prompt)


async def _keep_answer(update: Update, language: Language, question: str, chosen: str) -> None:
    """The pressed question keeps its answer ("您属于哪个网格？ ✅ 第一网格"), so the chat
    reads as a conversation; the next question comes as a message of its own."""
    await show(
        update, t(language, "register.answered", question=t(language, question), answer=chosen)
    )


async def registration_answer(update: Update, context: Context, step: str, text: str) -> None:
    """A typed answer to the registration form (name or building)."""
    await joining.enter_registering(update, context)
    caller = _require_caller(update)
    registration = context.services.registration
    if step == Step.NAME:
        prompt = await registration.answer_name(caller, text)
    elif step == Step.BUILDING:
        prompt = await registration.answer_building(caller, text)
    else:
        await reply(update, t(context.require_actor().language, "register.use_buttons"))
        return
    await _show_prompt(update, context, prompt)


async def me(update: Update, context: Context) -> None:
    """/me: everything the register holds about the person, privately (in a group: a
    button to the private chat, where it opens)."""
    actor = context.require_actor()
    assert actor.person is not None  # noqa: S101 - guarded: Access.REGISTERED
    if not big_buttons.is_private(update):
        link = open_private_chat(
            actor.language, context.bot.username, ME_PAYLOAD, label_key="me.button.private"
        )
        await reply(update, t(actor.language, "me.in_group"), link)
        return
    community = context.services.settings.community
    text = texts.me(actor.language, actor.person, community.grids, community.tz)
    # A Party member's joining date (入党日期), and its 🎂 button.
    today = context.services.clock().astimezone(community.tz).date()
    joined = member_texts.me_line(actor.language, actor.person, today)
    text += "\n" + joined if joined else ""
    record = participation_keyboards.open_record(
        actor.language, actor.person.id, "participation.button.open_own"
    )
    home = [keyboards.home_row(actor.language)]
    # ✏️ 改网格和门牌: the resident corrects their own grid, building and door.
    home.append(keyboards.change_row(actor.language, bool(community.grids)))
    birthday = member_keyboards.joined_rows(actor.language, actor.person)
    birthday += member_keyboards.commitments_rows(actor.language, actor.person)
    birthday += household_keyboards.me_rows(actor.language, actor.person)
    # 🙋 我有需求 (the needs list, 需求清单).
    birthday += needs_keyboards.me_rows(actor.language)
    birthday += member_keyboards.inservice_rows(actor.language, actor.person)
    if context.services.communities.several:
        # 🏠 搬到其他社区: a request to the other community's secretaries.
        birthday.append(keyboards.move_row(actor.language))
    await reply(
        update,
        text + "\n\n" + t(actor.language, "me.footer"),
        InlineKeyboardMarkup([record, *home, *birthday]),
    )


async def home_pressed(update: Update, context: Context) -> None:
    """🏠 门牌 (on /me, under a refused household ballot, or on a person of /people): ask
    the building if there is none, then the door."""
    data = cb.SetHome.decode(_data(update))
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    homes = context.services.registration.homes
    prompt = await homes.start(actor, chat.id, data.person_id or None)
    await answer(update)
    # A message of its own: the screen the button was on (/me, a person) stays.
    await context.bot.send_message(chat.id, _home_text(context, prompt))


async def home_change(update: Update, context: Context) -> None:
    """✏️ on /me: change one's own grid (big buttons, if the community has grids), then
    building, then door; 取消 at each step."""
    cb.HomeChange.decode(_data(update))
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    homes = context.services.registration.homes
    prompt = await homes.start_change(actor, chat.id)
    await answer(update)
    # A message of its own: /me stays as it was.
    text, keyboard = _home_question(context, prompt)
    await context.bot.send_message(chat.id, text, reply_markup=keyboard)


async def home_grid(update: Update, context: Context) -> None:
    """A grid pressed, the 门牌 form's first question (under the acceptance of one's
    move, or after ✏️ on /me): the question keeps its answer, then the building is
    asked. Only the current community's grids are taken (bot/community/registration.py)."""
    data = cb.HomeGrid.decode(_data(update))
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    chosen = await context.services.registration.homes.choose_grid(actor, chat.id, data.grid)
    language = actor.language
    if chosen.change:
        question = t(language, "register.ask_grid")
    else:
        community = context.services.settings.community.name_in(language)
        question = t(language, "join.move_accepted", community=community)
    grid = chosen.grid
    name = grid.name_in(language) if grid else t(language, "register.grid_unknown_button")
    await show(update, t(language, "register.answered", question=question, answer=name))
    keyboard = keyboards.home_cancel(language) if chosen.change else None
    await context.bot.send_message(chat.id, t(language, "home.ask_building"), reply_markup=keyboard)


async def home_cancel(update: Update, context: Context) -> None:
    """取消 under a question of the 门牌 form: it ends, nothing is changed."""
    cb.HomeCancel.decode(_data(update))
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    await context.services.registration.homes.cancel(actor, chat.id)
    await show(update, t(actor.language, "home.cancelled"))


async def home_answer(update: Update, context: Context, step: str, text: str) -> None:
    """The typed building or door (门牌). 取消 typed ends the form; an answer that cannot
    be taken (empty, too long) is said briefly, and the question is asked again."""
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - private text always has a chat
    homes = context.services.registration.homes
    if usertext.line(text).lower() in CANCEL_WORDS:
        await homes.cancel(actor, chat.id)
        await reply(update, t(actor.language, "home.cancelled"))
        return
    try:
        prompt = await homes.answer(actor, chat.id, step, text)
    except UserFacingError as refused:
        again = await homes.current(actor, chat.id)
        moved = again is not None and again.step == HOME_GRID_STEP and not again.change
        if refused.key not in _ASK_AGAIN or again is None or moved:
            raise  # (under a move, the grid buttons are the push's, above: said plainly)
        question, keyboard = _home_question(context, again)
        said = t(actor.language, refused.key, **refused.params)
        await reply(update, said + "\n" + question, keyboard)
        return
    question, keyboard = _home_question(context, prompt)
    await reply(update, question, keyboard)


#: Answers to the 门牌 form after which its question is asked again.
_ASK_AGAIN = frozenset({"home.empty", "home.too_long", "register.use_buttons"})
#: Typed instead of an answer: the same as 取消.
CANCEL_WORDS = frozenset({"取消", "cancel"})


def _home_question(context: Context, prompt: HomePrompt) -> tuple[str, InlineKeyboardMarkup | None]:
    """The 门牌 form's next question with its buttons (the grids; 取消 in the change
    from /me), or its confirmation."""
    language = context.require_actor().language
    if prompt.change and prompt.step is None:
        return _changed_text(context, prompt), None
    if prompt.step == HOME_GRID_STEP:
        grids = context.services.registration.homes.grids()
        return t(language, "home.ask_grid"), keyboards.home_grids(language, grids)
    keyboard = keyboards.home_cancel(language) if prompt.change else None
    return _home_text(context, prompt), keyboard


def _changed_text(context: Context, prompt: HomePrompt) -> str:
    """The change from /me saved: the new grid, building and door, plainly."""
    language = context.require_actor().language
    person = prompt.person
    grids = context.services.registration.homes.grids()
    key = "home.changed" if grids else "home.changed_nogrid"
    grid = (
        grid_name(grids, person.grid_id, language)
        if person.grid_id
        else t(language, "register.grid_unknown_button")
    )
    return t(
        language,
        key,
        grid=grid,
        building=person.building or "",
        door=person.door or "",
    )


def _home_text(context: Context, prompt: HomePrompt) -> str:
    actor = context.require_actor()
    person = prompt.person
    mine = person.id == actor.person_id
    if prompt.step is None:
        key = "home.done" if mine else "home.done_of"
    else:
        key = f"home.ask_{prompt.step}" + ("" if mine else "_of")
    return t(
        actor.language,
        key,
        name=person.display_name,
        building=person.building or "",
        door=person.door or "",
    )


async def export(update: Update, context: Context) -> None:
    """/export: the person's data as a JSON file."""
    actor = context.require_actor()
    data = await context.services.community.export(actor)
    # Their participation record (我的参与), year by year.
    data["participation"] = await context.services.participation.record.export(actor)
    payload = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    message = update.effective_message
    if message is not None:
        await message.reply_document(
            payload,
            filename="pavilion-my-data.json",
            caption=t(actor.language, "export.caption"),
        )


async def forget(update: Update, context: Context) -> None:
    """/forget: ask for confirmation before deleting the person."""
    actor = context.require_actor()
    await reply(update, t(actor.language, "forget.ask"), keyboards.confirm_forget(actor.language))


async def forget_confirmed(update: Update, context: Context) -> None:
    """Button: delete the person, or keep them."""
    data = cb.ConfirmForget.decode(_data(update))
    actor = context.require_actor()
    if not data.confirm:
        await show(update, t(actor.language, "forget.kept"))
        return
    await context.services.community.forget(actor)
    await show(update, t(actor.language, "forget.done"))


async def lang(update: Update, context: Context) -> None:
    """/lang [zh|en]: choose the language the bot speaks to the person."""
    actor = context.require_actor()
    chosen = _language_argument(context.args or [])
    if chosen is None:
        await reply(update, t(actor.language, "lang.choose"), keyboards.languages())
        return
    await context.services.community.set_language(actor, chosen)
    # The big buttons' labels follow the language.
    await reply(update, t(chosen, "lang.done"), big_buttons.keyboard(actor, chosen))


async def lang_chosen(update: Update, context: Context) -> None:
    """Button: a language."""
    data = cb.ChooseLanguage.decode(_data(update))
    actor = context.require_actor()
    await context.services.community.set_language(actor, data.language)
    await big_buttons.say_with_keyboard(
        update, context, actor, t(data.language, "lang.done"), data.language
    )


def _language_argument(args: list[str]) -> Language | None:
    if not args:
        return None
    word = args[0].lower()
    if word in ("zh", "cn", "中文", "zh_hans", "zh-hans"):
        return Language.ZH_HANS
    if word in ("en", "english"):
        return Language.EN
    return None


async def cancel(update: Update, context: Context) -> None:
    """/cancel: leave the current guided conversation."""
    actor = context.require_actor()
    chat = update.effective_chat
    ended = chat is not None and await context.services.dialogs.cancel(chat.id, actor.tg_user_id)
    await reply(update, t(actor.language, "cancel.done" if ended else "cancel.nothing"))


async def help_command(update: Update, context: Context) -> None:
    """/help: a few lines for the person's roles, with buttons for the next step; the
    full list of commands is one tap further (📖 全部功能). In a group: a button to the
    private chat, where the help is."""
    actor = context.require_actor()
    language = actor.language
    if not big_buttons.is_private(update):
        link = open_private_chat(
            language, context.bot.username, HELP_PAYLOAD, label_key="help.button.private"
        )
        await reply(update, t(language, "help.short.group"), link)
        return
    if not actor.registered:
        link = open_private_chat(
            language,
            context.bot.username,
            joining.register_payload(),
            label_key="help.button.register",
        )
        await reply(update, t(language, "help.short.unregistered"), link)
        return
    lines = [t(language, "help.short.title")]
    resident = actor.has(Role.RESIDENT)
    lines.append(t(language, "help.short.resident" if resident else "help.short.registered"))
    for role, key in (
        (Role.PARTY_MEMBER, "help.short.member"),
        (Role.VOLUNTEER, "help.short.volunteer"),
        (Role.SECRETARY, "help.short.secretary"),
    ):
        if actor.has(role):
            lines.append(t(language, key))
    lines.append(t(language, "help.short.footer"))
    await reply(update, "\n".join(lines), keyboards.help_steps(language, resident))


def full_help(actor: Actor) -> str:
    """Every command the person may use, by their roles (📖 全部功能)."""
    lines = [t(actor.language, "help.everyone")]
    if not actor.registered:
        lines.append(t(actor.language, "help.unregistered"))
    if actor.registered:
        lines.append(t(actor.language, "help.matters.everyone"))
        lines.append(t(actor.language, "help.vol.everyone"))
        lines.append(t(actor.language, "participation.help.everyone"))
    if actor.has(Role.SECRETARY):
        lines.append(t(actor.language, "help.secretary"))
        lines.append(t(actor.language, "help.matters.secretary"))
        lines.append(t(actor.language, "help.vol.secretary"))
        lines.append(t(actor.language, "participation.help.secretary"))
    return "\n\n".join(lines)


async def help_step(update: Update, context: Context) -> None:
    """A button under the short /help (我的待办, 提议, or the full list in its place), or
    under "I did not understand" (帮助)."""
    data = cb.HelpStep.decode(_data(update))
    actor = context.require_actor()
    if data.step == "mine":
        await participation_mine.mine(update, context)
    elif data.step == "help":
        await answer(update)
        await help_command(update, context)
    elif data.step == "raise" and actor.has(Role.RESIDENT):
        await answer(update)
        await matters.raise_command(update, context)
    else:
        await show(update, full_help(actor))


def _data(update: Update) -> str | None:
    return update.callback_query.data if update.callback_query else None
