"""/calendar: a secretary's view of their community's rhythm (the weekly session, talk
days, the Party day), and its change in the bot (bot/community/calendar_choices.py).

Community 1's calendar is the configuration's ``[calendar]`` (the street's default): it
is shown, without buttons. Each button carries its community, so a press from another
community (forged, or an old message after a move) changes nothing.
"""

from __future__ import annotations

from datetime import time

from telegram import InlineKeyboardMarkup, Update

from bot import spoken
from bot.community.calendar_choices import (
    LAST_DAY,
    MAX_TALK_DAYS,
    SESSION_TIMES,
    WEEKDAYS,
    CalendarChoices,
)
from bot.config import CalendarSettings, Language
from bot.errors import UserFacingError
from bot.i18n import translate_count_html
from handlers.access import answer, reply, show
from handlers.community import callbacks as cb
from handlers.context import Context
from handlers.keyboards import button
from handlers.texts import plain, t
from storage import community_id

#: What typing each field is asked with.
_PROMPTS = {
    "session_time": ("calendar_settings.ask_time", {}),
    "talk_days": ("calendar_settings.ask_talk_days", {"last": LAST_DAY, "most": MAX_TALK_DAYS}),
    "party_day": ("calendar_settings.ask_party_day", {"last": LAST_DAY}),
}


def _choices(context: Context) -> CalendarChoices:
    services = context.services
    return CalendarChoices(services.db, services.communities, services.settings, services.clock)


def rhythm(language: Language, cal: CalendarSettings) -> str:
    """The rhythm in one sentence: 每周四晚上7点议事；逢4、14、24日上午9点说事；…"""
    session = t(
        language,
        "calendar_settings.session",
        weekday=spoken.weekday_name(language, cal.session_weekday_number),
        at=spoken.clock(language, cal.session_time),
    )
    talk = t(
        language,
        "calendar_settings.talk",
        days=spoken.days_of_month(language, cal.talk_days),
        at=spoken.clock(language, cal.talk_day_time),
    )
    day = spoken.days_of_month(language, [cal.party_day])
    at = spoken.clock(language, cal.party_day_time)
    if cal.party_day_max_shift:
        party = translate_count_html(
            language, "calendar_settings.party_floating", cal.party_day_max_shift, day=day, at=at
        )
    else:
        party = t(language, "calendar_settings.party", day=day, at=at)
    return t(language, "calendar_settings.rhythm", session=session, talk=talk, party=party)


def _screen(context: Context) -> tuple[str, InlineKeyboardMarkup | None]:
    """The community's rhythm, and the buttons that change it."""
    language = context.require_actor().language
    community = community_id()
    choices = _choices(context)
    name = context.services.communities.name_in(community, language)
    lines = [
        t(language, "calendar_settings.title", community=name),
        rhythm(language, choices.calendar(community)),
    ]
    if not choices.editable(community):
        lines.append(t(language, "calendar_settings.in_config"))
        return "\n".join(lines), None
    lines.append(
        t(
            language,
            "calendar_settings.own" if choices.chosen(community) else "calendar_settings.street",
        )
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                button(
                    plain(language, "calendar_settings.weekday_button"),
                    cb.CalendarMenu(community, "weekday"),
                ),
                button(
                    plain(language, "calendar_settings.time_button"),
                    cb.CalendarMenu(community, "time"),
                ),
            ],
            [
                button(
                    plain(language, "calendar_settings.talk_button"),
                    cb.CalendarAsk(community, "talk_days"),
                ),
                button(
                    plain(language, "calendar_settings.party_button"),
                    cb.CalendarAsk(community, "party_day"),
                ),
            ],
        ]
    )
    return "\n".join(lines), keyboard


def _weekdays(context: Context, community: int) -> tuple[str, InlineKeyboardMarkup]:
    language = context.require_actor().language
    current = _choices(context).calendar(community).session_weekday_number
    labels = [
        ("✓ " if n == current else "") + spoken.weekday_name(language, n)
        for n in range(len(WEEKDAYS))
    ]
    days = [button(label, cb.CalendarWeekday(community, n)) for n, label in enumerate(labels)]
    back = button(plain(language, "calendar_settings.back"), cb.CalendarMenu(community, "main"))
    rows = [days[:4], days[4:], [back]]
    return t(language, "calendar_settings.pick_weekday"), InlineKeyboardMarkup(rows)


def _times(context: Context, community: int) -> tuple[str, InlineKeyboardMarkup]:
    language = context.require_actor().language
    times = [
        button(spoken.clock(language, at), cb.CalendarTime(community, at.strftime("%H%M")))
        for at in SESSION_TIMES
    ]
    rows = [
        times[:2],
        times[2:],
        [
            button(
                plain(language, "calendar_settings.type_time"),
                cb.CalendarAsk(community, "session_time"),
            )
        ],
        [button(plain(language, "calendar_settings.back"), cb.CalendarMenu(community, "main"))],
    ]
    return t(language, "calendar_settings.pick_time"), InlineKeyboardMarkup(rows)


def _chat_id(update: Update) -> int:
    chat = update.effective_chat
    if chat is None:
        raise RuntimeError("update without a chat")
    return chat.id


def _data(update: Update) -> str | None:
    query = update.callback_query
    return query.data if query else None


def _same_community(community: int) -> None:
    """A press of another community's button (forged, or from before a move)."""
    if community != community_id():
        raise UserFacingError("calendar_settings.elsewhere")


async def calendar_command(update: Update, context: Context) -> None:
    """/calendar: the community's rhythm and its buttons."""
    text, keyboard = _screen(context)
    await reply(update, text, keyboard)


async def menu_pressed(update: Update, context: Context) -> None:
    """📅 议事日 / 🕖 议事时间 / ↩️ 返回: a part of the screen."""
    press = cb.CalendarMenu.decode(_data(update))
    _same_community(press.community)
    if not CalendarChoices.editable(press.community):
        raise UserFacingError("calendar_settings.first_in_config")
    if press.part == "weekday":
        text, keyboard = _weekdays(context, press.community)
    elif press.part == "time":
        text, keyboard = _times(context, press.community)
    else:
        text, main = _screen(context)
        await show(update, text, main)
        return
    await show(update, text, keyboard)


async def _changed(update: Update, context: Context, changed: bool) -> None:
    language = context.require_actor().language
    text, keyboard = _screen(context)
    toast = plain(
        language, "calendar_settings.changed" if changed else "calendar_settings.unchanged"
    )
    await show(update, text, keyboard, toast=toast)


async def weekday_pressed(update: Update, context: Context) -> None:
    """周一 … 周日: the session's new day."""
    press = cb.CalendarWeekday.decode(_data(update))
    changed = await _choices(context).choose_weekday(press.community, press.weekday)
    await _changed(update, context, changed)


async def time_pressed(update: Update, context: Context) -> None:
    """晚上7点 …: the session's new time."""
    press = cb.CalendarTime.decode(_data(update))
    if len(press.at) != 4 or not press.at.isdigit():
        raise UserFacingError("calendar_settings.gone")
    hour, minute = int(press.at[:2]), int(press.at[2:])
    if hour > 23 or minute > 59:
        raise UserFacingError("calendar_settings.gone")
    changed = await _choices(context).choose_session_time(press.community, time(hour, minute))
    await _changed(update, context, changed)


async def ask_pressed(update: Update, context: Context) -> None:
    """🗓 说事日 / 🎗 党日 / ⌨️ 其他时间: the next message is the new value."""
    actor = context.require_actor()
    press = cb.CalendarAsk.decode(_data(update))
    await _choices(context).ask(press.community, press.field, actor.tg_user_id, _chat_id(update))
    key, params = _PROMPTS[press.field]
    await answer(update)
    await context.bot.send_message(_chat_id(update), t(actor.language, key, **params))


async def typed_answer(update: Update, context: Context, step: str, text: str) -> None:
    """The typed value: stored, then the screen again; a refusal keeps the question open."""
    actor = context.require_actor()
    changed = await _choices(context).answer(actor.tg_user_id, _chat_id(update), step, text)
    key = "calendar_settings.changed" if changed else "calendar_settings.unchanged"
    await reply(update, t(actor.language, key))
    screen, keyboard = _screen(context)
    await context.bot.send_message(_chat_id(update), screen, reply_markup=keyboard)
