"""Paper ballots at the pavilion: /attendance (who is present, who handed in a paper
ballot) and /paperballots N (the count per option, with counter and witness)."""

from __future__ import annotations

from telegram import Update

from bot import parsing
from bot.deliberation.attendance import GUESTS_FLOW, AttendanceScreen
from bot.deliberation.voting.paper import PAPER_COUNT_FLOW, CountState
from handlers.access import reply, show
from handlers.context import Context
from handlers.deliberation import callbacks as cb
from handlers.deliberation.attendance_screens import (
    attendance_keyboard,
    attendance_text,
    count_keyboard,
    count_text,
)
from handlers.deliberation.votes import refresh_vote_card_soon
from handlers.texts import t


def _chat_id(update: Update) -> int:
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - commands and buttons always come in a chat
    return chat.id


def _data(update: Update) -> str | None:
    return update.callback_query.data if update.callback_query else None


async def _show(update: Update, context: Context, screen: AttendanceScreen, page: int) -> None:
    actor = context.require_actor()
    tz = context.services.settings.community.tz
    await show(
        update,
        attendance_text(actor.language, screen, tz),
        attendance_keyboard(actor.language, screen, page),
    )


async def attendance_command(update: Update, context: Context) -> None:
    """/attendance: the sitting's attendance list, by building."""
    actor = context.require_actor()
    screen = await context.services.sittings.attendance.open_screen(actor)
    await _show(update, context, screen, 0)


async def view_pressed(update: Update, context: Context) -> None:
    """Button: a building's residents, the buildings again, or a vote's paper voters."""
    data = cb.AttendanceView.decode(_data(update))
    actor = context.require_actor()
    screen = await context.services.sittings.attendance.screen(
        actor, data.sitting, data.vote, data.building
    )
    await _show(update, context, screen, data.page)


async def toggle_pressed(update: Update, context: Context) -> None:
    """Button: a resident is present (or not); for a vote, handed in a paper ballot (or not)."""
    data = cb.AttendanceToggle.decode(_data(update))
    actor = context.require_actor()
    attendance = context.services.sittings.attendance
    if data.vote:
        await context.services.votes.paper.toggle_voter(
            actor, data.sitting, data.vote, data.kind, data.subject
        )
        screen = await attendance.screen(actor, data.sitting, data.vote, data.building)
    else:
        screen = await attendance.toggle_present(
            actor, data.sitting, data.kind, data.subject, data.building
        )
    await _show(update, context, screen, data.page)


async def guests_pressed(update: Update, context: Context) -> None:
    """Button: −/+ the attendees not in the register, or type their number."""
    data = cb.AttendanceGuests.decode(_data(update))
    actor = context.require_actor()
    attendance = context.services.sittings.attendance
    if data.delta == 0:
        count = await attendance.ask_guests(actor, _chat_id(update), data.sitting)
        await show(update, t(actor.language, "attendance.ask_guests", count=count))
        return
    screen = await attendance.step_guests(actor, data.sitting, data.delta)
    await _show(update, context, screen, 0)


async def guests_answer(update: Update, context: Context, step: str, text: str) -> None:
    """The typed number of attendees not in the register."""
    actor = context.require_actor()
    screen = await context.services.sittings.attendance.answer_guests(actor, _chat_id(update), text)
    await _show(update, context, screen, 0)


# --- the paper count ------------------------------------------------------------------------


async def _ask(update: Update, context: Context, state: CountState) -> None:
    actor = context.require_actor()
    tz = context.services.settings.community.tz
    name = actor.person.display_name if actor.person else ""
    await show(
        update,
        count_text(actor.language, state, tz),
        count_keyboard(actor.language, state, name),
    )


async def paper_ballots_command(update: Update, context: Context) -> None:
    """/paperballots N: enter the paper ballots of matter N's open vote."""
    actor = context.require_actor()
    args = context.args or []
    number = parsing.item_number(args[0]) if len(args) == 1 else None
    if number is None:
        await reply(update, t(actor.language, "paper_ballot.usage"))
        return
    state = await context.services.votes.paper.start_count(
        actor, _chat_id(update), matter_id=await context.services.matters.id_of(number)
    )
    await _ask(update, context, state)


async def count_pressed(update: Update, context: Context) -> None:
    """Button 录入纸质票数 on a vote's attendance list."""
    data = cb.PaperCountStart.decode(_data(update))
    actor = context.require_actor()
    state = await context.services.votes.paper.start_count(
        actor, _chat_id(update), vote_id=data.vote
    )
    await _ask(update, context, state)


async def count_answer(update: Update, context: Context, step: str, text: str) -> None:
    """A typed number of ballots, or the counter's or witness's name."""
    actor = context.require_actor()
    state = await context.services.votes.paper.answer(actor, _chat_id(update), step, text)
    await _ask(update, context, state)


async def counter_pressed(update: Update, context: Context) -> None:
    """Button: I counted."""
    actor = context.require_actor()
    state = await context.services.votes.paper.choose(actor, _chat_id(update), "counter", None)
    await _ask(update, context, state)


async def witness_pressed(update: Update, context: Context) -> None:
    """Button: this registered attendee witnessed the count."""
    data = cb.PaperWitness.decode(_data(update))
    actor = context.require_actor()
    state = await context.services.votes.paper.choose(
        actor, _chat_id(update), "witness", data.person_id
    )
    await _ask(update, context, state)


async def confirm_pressed(update: Update, context: Context) -> None:
    """Button: record the paper count (the card follows), or drop it."""
    data = cb.PaperCountConfirm.decode(_data(update))
    actor = context.require_actor()
    state = await context.services.votes.paper.confirm(actor, _chat_id(update), data.accept)
    if state is None:
        await show(update, t(actor.language, "paper_ballot.dropped"))
        return
    await show(
        update,
        t(
            actor.language,
            "paper_ballot.saved",
            number=state.matter.number,
            title=state.matter.title,
            ballots=state.ballots or 0,
        ),
    )
    refresh_vote_card_soon(context.job_queue, state.vote.id)


#: Typed answers of this module's guided conversations (flow name -> handler).
TEXT_ANSWERS = {GUESTS_FLOW: guests_answer, PAPER_COUNT_FLOW: count_answer}
