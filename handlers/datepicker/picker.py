"""The date picker's presses, and the flow steps it serves.

A press is honoured only while the person's conversation is still at the step
the picker belongs to; otherwise (pressed twice, or after the form finished or
was cancelled) a short alert, and nothing is recorded. The final choice is
handed to the flow as the text a secretary would have typed, so the flow's own
rules decide (past dates, holidays …) and give the same refusals.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, time, timedelta

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot import parsing
from bot.datepicker import (
    FIRST_DAYS,
    Needs,
    clock_label,
    day_title,
    first_days,
    times_on,
    typed_clock,
    typed_day,
    week_days,
)
from bot.errors import UserFacingError
from handlers.access import show
from handlers.callbacks import StaleButton
from handlers.context import Context
from handlers.datepicker import keyboards
from handlers.datepicker.callbacks import DatePick
from handlers.texts import t

#: What the flow does with the choice: (update, context, the typed form of it).
Complete = Callable[[Update, Context, str], Awaitable[None]]


@dataclass(frozen=True)
class Target:
    """A flow step that asks for a date: where the picker's choice goes."""

    #: Short and unique (it is in every button's data).
    key: str
    #: The conversation and step the picker answers.
    flow: str
    step: str
    needs: Needs
    #: Catalog key of the short question over the days ("活动哪天？").
    question: str
    #: Catalog key of an example of the typed form ("11-28 09:00-11:00").
    example: str
    complete: Complete


#: Every flow step with a picker, by key; filled by :func:`register`.
TARGETS: dict[str, Target] = {}


def register(target: Target) -> Target:
    """Add a flow step's picker; two steps with one key would answer each other's presses."""
    taken = TARGETS.get(target.key)
    if taken is not None and (taken.flow, taken.step) != (target.flow, target.step):
        raise TypeError(f"date picker key {target.key!r} is taken by {taken.flow}/{taken.step}")
    TARGETS[target.key] = target
    return target


def keyboard(context: Context, target: Target) -> InlineKeyboardMarkup:
    """The first screen of days, for the flow's own question."""
    language = context.require_actor().language
    calendar = context.services.scheduler.calendar
    choices = first_days(context.services.clock(), calendar, target.needs)
    return keyboards.days(language, target.key, choices, 0, past=target.needs is Needs.PAST)


def ask_day_text(context: Context, target: Target) -> str:
    """The days screen's text when the picker itself shows it (◀ 返回)."""
    language = context.require_actor().language
    return t(
        language,
        "picker.ask_day",
        question=t(language, target.question),
        example=t(language, target.example),
    )


def _day(number: int) -> date:
    day = parsing.calendar_day(number // 10000, number // 100 % 100, number % 100)
    if day is None:
        raise StaleButton(str(number))
    return day


def _clock(number: int) -> time:
    try:
        return time(number // 100, number % 100)
    except ValueError:
        raise StaleButton(str(number)) from None


def _week_of(day: date, today: date) -> int:
    """The page a day was on: 0 for the coming days, else weeks after this one."""
    if day < today + timedelta(days=FIRST_DAYS):
        return 0
    return (
        (day - timedelta(days=day.weekday())) - (today - timedelta(days=today.weekday()))
    ).days // 7


async def pressed(update: Update, context: Context) -> None:
    """A press anywhere in a date picker."""
    data = DatePick.decode(update.callback_query.data if update.callback_query else None)
    target = TARGETS.get(data.target)
    if target is None:
        raise StaleButton(data.target)
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    dialog = await context.services.dialogs.current(chat.id, actor.tg_user_id)
    if dialog is None or (dialog.flow, dialog.step) != (target.flow, target.step):
        raise UserFacingError("picker.expired")
    language = actor.language
    now = context.services.clock()
    calendar = context.services.scheduler.calendar
    today = now.astimezone(calendar.tz).date()
    example = t(language, target.example)
    query = update.callback_query
    if data.screen in ("w", "b"):
        week = max(0, data.day)
        past = target.needs is Needs.PAST
        choices = (
            first_days(now, calendar, target.needs)
            if week == 0
            else week_days(now, calendar, week, past=past)
        )
        markup = keyboards.days(language, target.key, choices, week, past=past)
        if data.screen == "w" and query is not None and query.message is not None:
            try:
                await query.edit_message_reply_markup(markup)  # the flow's own text stays
            except BadRequest as error:  # the same page pressed twice
                if "not modified" not in str(error).lower():
                    raise
        else:
            await show(update, ask_day_text(context, target), markup)
    elif data.screen == "x":
        await show(
            update,
            t(language, "picker.ask_typed", example=example),
            keyboards.typing_screen(language, target.key),
        )
    elif data.screen == "d":
        day = _day(data.day)
        if target.needs in (Needs.DATE, Needs.PAST):
            await target.complete(update, context, typed_day(day))
            return
        ask = "picker.ask_start" if target.needs is Needs.SPAN else "picker.ask_time"
        await show(
            update,
            t(language, ask, day=day_title(day, today, language), example=example),
            keyboards.times(
                language, target.key, day, times_on(day, now, calendar), _week_of(day, today)
            ),
        )
    elif data.screen == "t":
        day, start = _day(data.day), _clock(data.start)
        moment = f"{typed_day(day)} {typed_clock(start)}"
        if target.needs is Needs.MOMENT:
            await target.complete(update, context, moment)
            return
        await show(
            update,
            t(
                language,
                "picker.ask_end",
                day=day_title(day, today, language),
                start=clock_label(start, language),
                example=example,
            ),
            keyboards.ends(language, target.key, day, start),
        )
    elif data.screen == "e":
        day, start, end = _day(data.day), _clock(data.start), _clock(data.end)
        await target.complete(
            update, context, f"{typed_day(day)} {typed_clock(start)}-{typed_clock(end)}"
        )
    else:
        raise StaleButton(data.screen)
