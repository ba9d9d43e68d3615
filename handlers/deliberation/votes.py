"""Votes (民决): /vote N to set one up and open it, ballot buttons on its card, /closevote N,
/proxyvote N for grid workers, the resolution after the close, and /conventions."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import JobQueue

from bot import parsing
from bot.deliberation.voting.ballots import Tally
from bot.deliberation.voting.cards import vote_card
from bot.deliberation.voting.rules import MAX_QUORUM, RESOLUTION_FLOW, SETUP_FLOW, option_labels
from bot.deliberation.voting.setup import VoteSetup
from bot.errors import UserFacingError
from bot.i18n import translate
from handlers.access import answer, reply, show
from handlers.cards import edit_everywhere, edit_soon, refreshes
from handlers.community import keyboards as community_keyboards
from handlers.context import Context
from handlers.deliberation import callbacks as cb
from handlers.deliberation import keyboards, texts
from handlers.deliberation.matters import refresh_card_soon
from handlers.texts import local_time, plain, t

log = logging.getLogger(__name__)


def _number_arg(context: Context) -> int | None:
    args = context.args or []
    return parsing.item_number(args[0]) if len(args) == 1 else None


async def vote_command(update: Update, context: Context) -> None:
    """/vote N: the settings screen of a vote on matter N."""
    actor = context.require_actor()
    number = _number_arg(context)
    chat = update.effective_chat
    if number is None or chat is None:
        await reply(update, t(actor.language, "vote.usage"))
        return
    setup = await context.services.votes.setup.start_setup(
        actor, chat.id, await context.services.matters.id_of(number)
    )
    await _show_setup(update, context, setup)


async def start_pressed(update: Update, context: Context) -> None:
    """Button 发起表决 under /matter N: the settings screen of a vote on that matter."""
    data = cb.StartVote.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    setup = await context.services.votes.setup.start_setup(actor, chat.id, data.matter_id)
    await _show_setup(update, context, setup)


async def _show_setup(update: Update, context: Context, setup: VoteSetup) -> None:
    actor = context.require_actor()
    language = actor.language
    community = context.services.settings.community
    if setup.screen == "electorate":
        await show(
            update, t(language, "vote.ask_electorate"), keyboards.vote_electorate(language, setup)
        )
        return
    if setup.screen == "buildings":
        await show(
            update,
            texts.vote_buildings(language, setup),
            keyboards.vote_buildings(language, setup),
        )
        return
    if setup.screen == "grid":
        await show(
            update,
            t(language, "vote.ask_grid"),
            keyboards.vote_grids(language, community.grids, setup),
        )
        return
    closes_at = context.services.clock() + timedelta(hours=setup.close_hours)
    await show(
        update,
        texts.vote_setup(language, setup, closes_at, community.tz, community.grids),
        keyboards.vote_setup(language, setup),
    )


async def electorate_pressed(update: Update, context: Context) -> None:
    """Button: who may vote (the whole community, buildings, a grid, one per household)."""
    data = cb.VoteElectorate.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    setup = await context.services.votes.setup.choose_electorate(actor, chat.id, data.kind)
    await _show_setup(update, context, setup)


async def building_pressed(update: Update, context: Context) -> None:
    """Button: tick or untick a building whose residents may vote."""
    data = cb.VoteBuilding.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    setup = await context.services.votes.setup.toggle_building(actor, chat.id, data.index)
    await _show_setup(update, context, setup)


async def grid_pressed(update: Update, context: Context) -> None:
    """Button: the grid whose residents may vote."""
    data = cb.VoteGrid.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    setup = await context.services.votes.setup.choose_grid(actor, chat.id, data.grid)
    await _show_setup(update, context, setup)


async def setting(update: Update, context: Context) -> None:
    """Button on the settings screen: the setting moves to its next value."""
    data = cb.VoteSetting.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    setup = await context.services.votes.setup.change_setting(actor, chat.id, data.field)
    if setup.step == "options":
        await show(update, t(actor.language, "vote.ask_options"))
        return
    if setup.step == "quorum":
        await show(
            update, t(actor.language, "vote.ask_quorum", quorum=setup.quorum, most=MAX_QUORUM)
        )
        return
    await _show_setup(update, context, setup)


async def open_or_drop(update: Update, context: Context) -> None:
    """Button: open the vote as set up (its card goes out), or drop it."""
    data = cb.VoteOpen.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    if not data.start:
        await context.services.dialogs.cancel(chat.id, actor.tg_user_id)
        await show(update, t(actor.language, "vote.dropped"))
        return
    vote = await context.services.votes.setup.open(actor, chat.id)
    matter = await context.services.matters.matter(vote.matter_id)
    tz = context.services.settings.community.tz
    await show(
        update,
        t(
            actor.language,
            "vote.opened",
            number=matter.number,
            title=matter.title,
            closes=local_time(vote.closes_at, tz, actor.language),
        ),
    )
    refresh_card_soon(context, matter.id)
    context.services.wake_sender()


async def cast(update: Update, context: Context) -> None:
    """An option button on a vote card: record the ballot, say so privately, refresh the card."""
    query = update.callback_query
    data = cb.CastBallot.decode(query.data if query else None)
    actor = context.require_actor()
    try:
        result = await context.services.votes.ballots.cast(actor, data.vote_id, data.index)
    except UserFacingError as error:
        if error.key != "vote.household_unknown":
            raise  # outside the electorate, or closed: the reason, nothing recorded
        # No building or door yet: the reason, and privately the button to give them.
        await answer(update, plain(actor.language, error.key), alert=True)
        await _offer_home(context, actor)
        return
    labels = option_labels(result.vote, actor.language)
    if result.vote.kind == "multiple":
        chosen = translate(actor.language, "list_separator").join(
            labels[index] for index in result.choice
        )
        text = (
            plain(actor.language, "vote.cast_multiple", labels=chosen)
            if chosen
            else plain(actor.language, "vote.cast_none")
        )
    else:
        key = "vote.changed" if result.changed else "vote.cast"
        if result.replaced_proxy:
            key = "vote.proxy_replaced"
        text = plain(actor.language, key, label=labels[data.index])
    await answer(update, text)
    refresh_vote_card_soon(context.job_queue, result.vote.id)


async def _offer_home(context: Context, actor: Any) -> None:
    try:
        await context.bot.send_message(
            actor.tg_user_id,
            t(actor.language, "vote.household_unknown_private"),
            reply_markup=community_keyboards.home_button(actor.language),
        )
    except TelegramError as error:
        log.info("could not offer a resident to give their door: %s", error)


async def reminders_pressed(update: Update, context: Context) -> None:
    """🔕 under a reminder to vote (or 🔔 to have them again): turn them off or on."""
    query = update.callback_query
    data = cb.VoteReminders.decode(query.data if query else None)
    actor = context.require_actor()
    changed = await context.services.votes.reminders.set_reminders(actor, data.on)
    if not changed:
        await answer(update, plain(actor.language, f"vote.reminders_already_{_on_off(data.on)}"))
        return
    await answer(update)
    # A message of its own: the reminder keeps its ballot buttons. Turned off, it
    # carries the way back; turned on, there is nothing more to press.
    if update.effective_chat is not None:
        await update.get_bot().send_message(
            update.effective_chat.id,
            t(actor.language, f"vote.reminders_{_on_off(data.on)}"),
            reply_markup=None if data.on else keyboards.vote_reminders(actor.language, on=True),
        )


def _on_off(on: bool) -> str:
    return "on" if on else "off"


def refresh_vote_card_soon(job_queue: JobQueue[Any] | None, vote_id: int) -> None:
    """Edit the vote's cards (live tally, or the result once closed) within a few seconds."""
    edit_soon(job_queue, f"vote-card:{vote_id}", _refresh_vote_card, vote_id)


@refreshes("vote-card")
async def _refresh_vote_card(context: Any) -> None:
    services = context.bot_data.services
    vote, matter, tally = await services.votes.ballots.live(int(context.job.data))
    if not vote.is_open and vote.tally is not None:
        tally = Tally.from_json(vote.tally)
    eligible = await services.votes.ballots.eligible(vote)
    message = vote_card(
        vote,
        matter,
        tally,
        services.settings.community.default_language,
        services.settings.community.tz,
        eligible,
        services.settings.community.grids,
    )
    places = await services.votes.ballots.card_messages(vote)
    await edit_everywhere(context.bot, places, message, f"card of vote {vote.id}")


async def close_command(update: Update, context: Context) -> None:
    """/closevote N: close the matter's open vote now."""
    actor = context.require_actor()
    number = _number_arg(context)
    if number is None:
        await reply(update, t(actor.language, "vote.close_usage"))
        return
    closed = await context.services.votes.closing.close_now(
        actor, await context.services.matters.id_of(number)
    )
    await reply(
        update,
        t(
            actor.language,
            "vote.closed_now",
            number=closed.matter.number,
            result=plain(actor.language, f"vote.result.{closed.vote.result}"),
        ),
    )
    refresh_vote_card_soon(context.job_queue, closed.vote.id)
    refresh_card_soon(context, closed.matter.id)
    context.services.wake_sender()


async def proxy_command(update: Update, context: Context) -> None:
    """/proxyvote N: the people of the worker's grid whose ballot they may record."""
    actor = context.require_actor()
    number = _number_arg(context)
    chat = update.effective_chat
    if number is None or chat is None:
        await reply(update, t(actor.language, "vote.proxy_usage"))
        return
    screen = await context.services.votes.proxies.start_proxy(
        actor, chat.id, await context.services.matters.id_of(number)
    )
    await _show_proxy_people(update, actor.language, screen, 0)


async def proxy_page(update: Update, context: Context) -> None:
    """Button: another page of the people in /proxyvote."""
    data = cb.ProxyPage.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    screen = await context.services.votes.proxies.proxy_list(actor, chat.id)
    await _show_proxy_people(update, actor.language, screen, data.page)


async def _show_proxy_people(update: Update, language: Any, screen: Any, page: int) -> None:
    matter = screen.matter
    if not screen.people:
        await show(
            update, t(language, "vote.proxy_nobody", number=matter.number, title=matter.title)
        )
        return
    await show(
        update,
        t(language, "vote.proxy_ask_person", number=matter.number, title=matter.title),
        keyboards.proxy_people(language, screen.people, page),
    )


async def proxy_person(update: Update, context: Context) -> None:
    """Button: the person whose ballot is recorded; then their option."""
    data = cb.ProxyPerson.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    vote, person = await context.services.votes.proxies.proxy_person(
        actor, chat.id, data.kind, data.subject
    )
    await show(
        update,
        t(actor.language, "vote.proxy_ask_choice", name=person.name),
        keyboards.proxy_choices(actor.language, option_labels(vote, actor.language)),
    )


async def proxy_choice(update: Update, context: Context) -> None:
    """Button: the option the grid worker records; a registered resident is told."""
    data = cb.ProxyBallot.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    result = await context.services.votes.proxies.proxy_choice(actor, chat.id, data.index)
    vote = result.cast.vote
    label = option_labels(vote, actor.language)[data.index]
    if result.candidate.kind == "w":
        told = "vote.proxy_paper"
    elif result.candidate.tg_user_id is not None:
        told = "vote.proxy_told"
    else:
        told = "vote.proxy_unreachable"
    await show(
        update,
        t(actor.language, "vote.proxy_recorded", name=result.candidate.name, label=label)
        + "\n"
        + t(actor.language, told),
    )
    if result.notice is not None:
        # An anonymous vote's notice is sent at once and kept nowhere (bot/deliberation/voting.py).
        notice = result.notice
        try:
            await context.bot.send_message(
                notice.chat_id,
                t(notice.message.language, notice.message.key, **notice.message.params),
            )
        except TelegramError as error:
            log.info("could not tell a resident of their proxy ballot: %s", error)
    context.services.wake_sender()
    refresh_vote_card_soon(context.job_queue, vote.id)


async def accept_draft(update: Update, context: Context) -> None:
    """Button: the bot's draft becomes the resolution."""
    data = cb.AcceptDraftResolution.decode(
        update.callback_query.data if update.callback_query else None
    )
    actor = context.require_actor()
    matter = await context.services.votes.resolutions.accept_draft(
        actor, data.matter_id, data.vote_id
    )
    await _resolution_recorded(update, context, matter.id, matter.kind)


async def write_resolution(update: Update, context: Context) -> None:
    """Button: the secretary types the resolution."""
    data = cb.WriteResolution.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    matter = await context.services.votes.resolutions.start_resolution(
        actor, chat.id, data.matter_id, data.vote_id
    )
    await show(
        update, t(actor.language, "resolution.ask_text", number=matter.number, title=matter.title)
    )


async def _resolution_recorded(update: Update, context: Context, matter_id: int, kind: str) -> None:
    actor = context.require_actor()
    votes = await context.services.votes.resolutions.votes_of(matter_id)
    passed = bool(votes) and votes[-1].result == "passed"
    adopted = kind == "convention" and passed
    key = "resolution.recorded_convention" if adopted else "resolution.recorded"
    # A passed matter is carried out next: offer to give it an owner at once.
    keyboard = keyboards.assign_matter(actor.language, matter_id) if passed else None
    number = await context.services.matters.number(matter_id)
    await show(update, t(actor.language, key, number=number), keyboard)


async def text_answer(update: Update, context: Context, step: str, text: str) -> None:
    """Typed answers: the options of a vote, a resolution (a proxy is chosen by buttons)."""
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - private text always has a chat
    dialog = await context.services.dialogs.current(chat.id, actor.tg_user_id)
    flow = dialog.flow if dialog else ""
    votes = context.services.votes
    if flow == SETUP_FLOW and step == "options":
        setup = await votes.setup.answer_options(actor, chat.id, text)
        await _show_setup(update, context, setup)
    elif flow == SETUP_FLOW and step == "quorum":
        setup = await votes.setup.answer_quorum(actor, chat.id, text)
        await _show_setup(update, context, setup)
    elif flow == RESOLUTION_FLOW and step == "text":
        matter = await votes.resolutions.answer_resolution(actor, chat.id, text)
        await _resolution_recorded(update, context, matter.id, matter.kind)
    else:
        await reply(update, t(actor.language, "register.use_buttons"))


async def conventions(update: Update, context: Context) -> None:
    """/conventions: the community conventions register."""
    actor = context.require_actor()
    rows = await context.services.votes.resolutions.conventions()
    tz = context.services.settings.community.tz
    await reply(update, texts.conventions(actor.language, rows, tz))
