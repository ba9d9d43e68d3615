"""/street and its buttons: the communities, creating and renaming one, the link that
appoints a community's secretary, and the street view (as messages, a workbook and a
chart). Street administrators only (checked by ``Street.require_admin``); the link's
opener is anyone who has it."""

from __future__ import annotations

import html
from datetime import date

from telegram import Update

from bot.charts import render_chart
from bot.community.communities import NAME_MAX
from bot.community.register import Caller
from bot.spreadsheets import xlsx_bytes
from bot.street.invites import INVITE_LIFETIME, Opening, token_of
from bot.street.overview import chart_spec
from bot.street.period import Period, Span
from bot.street.service import RENAME_STEP
from bot.street.sheets import street_sheets
from handlers.access import answer, caller_of, reply, show
from handlers.context import Context
from handlers.participation import keyboard as big_buttons
from handlers.street import callbacks as cb
from handlers.street import keyboards, texts
from handlers.texts import local_time, plain, t


def _caller(update: Update) -> Caller:
    caller = caller_of(update)
    if caller is None:  # guarded handlers always have a sender
        raise RuntimeError("update without a sender")
    return caller


def _chat_id(update: Update) -> int:
    chat = update.effective_chat
    if chat is None:
        raise RuntimeError("update without a chat")
    return chat.id


async def street_command(update: Update, context: Context) -> None:
    """/street: the communities with their buttons."""
    await _show_listing(update, context)


async def _show_listing(update: Update, context: Context, *, fresh: bool = False) -> None:
    actor = context.require_actor()
    services = context.services
    lines = await services.street.listing(actor.tg_user_id)
    language = actor.language
    names = {line.id: services.communities.name_in(line.id, language) for line in lines}
    text = texts.listing(language, texts.street_name(services.settings, language), lines, names)
    keyboard = keyboards.listing(
        language, lines, names, services.street.overviews.today_period(Span.MONTH)
    )
    if fresh:
        await context.bot.send_message(_chat_id(update), text, reply_markup=keyboard)
    else:
        await show(update, text, keyboard)


async def new_pressed(update: Update, context: Context) -> None:
    """➕ 新建社区: ask the name."""
    actor = context.require_actor()
    await context.services.street.ask_name(actor.tg_user_id, _chat_id(update), None)
    await answer(update)
    await context.bot.send_message(
        _chat_id(update), t(actor.language, "street.ask_new_name", limit=NAME_MAX)
    )


async def rename_pressed(update: Update, context: Context) -> None:
    """✏️ 改名: ask the community's new name."""
    actor = context.require_actor()
    community = cb.StreetRename.decode(_data(update)).community
    await context.services.street.ask_name(actor.tg_user_id, _chat_id(update), community)
    name = context.services.communities.name_in(community, actor.language)
    await answer(update)
    await context.bot.send_message(
        _chat_id(update), t(actor.language, "street.ask_rename", name=name, limit=NAME_MAX)
    )


async def name_answer(update: Update, context: Context, step: str, text: str) -> None:
    """The typed name: created or renamed, then the list again; a refusal is a short
    reply and the question stays open."""
    actor = context.require_actor()
    named = await context.services.street.answer_name(
        actor.tg_user_id, _chat_id(update), step, text
    )
    name = context.services.communities.name_in(named.community.id, actor.language)
    key = "street.renamed" if step == RENAME_STEP else "street.created"
    await reply(update, t(actor.language, key, name=name))
    await _show_listing(update, context, fresh=True)


async def invite_pressed(update: Update, context: Context) -> None:
    """👤 指定书记: a link to forward to the community's secretary."""
    actor = context.require_actor()
    services = context.services
    services.street.require_admin(actor.tg_user_id)
    community = cb.StreetInvite.decode(_data(update)).community
    invite = await services.street.invites.make(actor.tg_user_id, community)
    language = actor.language
    link = f"https://t.me/{context.bot.username}?start={invite.payload}"
    until = local_time(invite.expires_at, services.settings.first_community.tz, language)
    await answer(update)
    await context.bot.send_message(
        _chat_id(update),
        t(
            language,
            "street.invite_made",
            name=services.communities.name_in(community, language),
            days=INVITE_LIFETIME.days,
            until=until,
            link=link,
        ),
    )


def is_invite_start(args: list[str] | None) -> bool:
    """Whether ``/start`` carries a secretary invite (``sec-<token>``)."""
    return token_of(args) is not None


async def invite_start(update: Update, context: Context) -> None:
    """``/start sec-<token>``: the secretary role at once for someone registered in the
    community; for a newcomer the consent text first, with ✅ / 不同意."""
    actor = context.require_actor()
    token = token_of(context.args)
    if token is None:
        return
    opening = await context.services.street.invites.open(token, _caller(update))
    if opening.person is not None:
        await _appointed(update, context, opening)
        return
    name = context.services.communities.name_in(opening.community_id, actor.language)
    await reply(
        update,
        t(actor.language, "street.invite_consent", community=name),
        keyboards.invite_answer(actor.language, opening.invite_id),
    )


async def invite_answer_pressed(update: Update, context: Context) -> None:
    """✅ 同意并担任书记: registered and appointed; 不同意: nothing kept."""
    actor = context.require_actor()
    data = cb.StreetInviteAnswer.decode(_data(update))
    if not data.accept:
        await show(update, t(actor.language, "street.invite_declined"))
        return
    opening = await context.services.street.invites.accept(data.invite, _caller(update))
    await answer(update)
    query = update.callback_query
    if query is not None and query.message is not None:
        await context.bot.edit_message_reply_markup(
            _chat_id(update), query.message.message_id, reply_markup=None
        )
    await _appointed(update, context, opening)


async def _appointed(update: Update, context: Context, opening: Opening) -> None:
    """Tell the new secretary, with the big buttons of their roles now."""
    services = context.services
    community = opening.community_id
    # The rest of the update is the new secretary's community's work.
    services.communities.enter_for_update(community)
    with services.communities.enter(community):
        context.actor = await services.community.identify(_caller(update))
        language = context.actor.language
        name = services.communities.name_in(community, language)
        await big_buttons.say_with_keyboard(
            update, context, context.actor, t(language, "street.appointed", community=name)
        )
    # Their own command menu, with the secretaries' commands (an administrator keeps theirs).
    from bot.app import set_own_menu  # the composition root's; imported late (it imports us)
    from handlers import SECRETARY_MENU, STREET_MENU

    extra = SECRETARY_MENU
    if services.communities.is_street_admin(context.actor.tg_user_id):
        extra = extra + STREET_MENU
    await set_own_menu(context.bot, language, context.actor.tg_user_id, extra)


async def view_pressed(update: Update, context: Context) -> None:
    """📊 街道总览 (and ◀ ▶ 按月 按年): the messages, the workbook and the chart."""
    actor = context.require_actor()
    services = context.services
    services.street.require_admin(actor.tg_user_id)
    data = cb.StreetView.decode(_data(update))
    period = Period(data.span, date(data.year, data.month or 1, 1))
    language = actor.language
    overview = await services.street.overviews.build(period, language)
    street = texts.street_name(services.settings, language)
    await answer(update)
    chat_id = _chat_id(update)
    bot = context.bot
    pages = texts.overview_pages(language, street, overview)
    for index, page in enumerate(pages):
        last = index == len(pages) - 1
        await bot.send_message(
            chat_id, page, reply_markup=keyboards.view(language, period) if last else None
        )
    tz = services.settings.first_community.tz
    made_by = actor.person.display_name if actor.person else str(actor.tg_user_id)
    sheets = street_sheets(language, overview, street=street, made_by=made_by, tz=tz)
    await bot.send_document(
        chat_id,
        document=xlsx_bytes(sheets),
        filename=plain(language, "street.filename", period=period.label),
    )
    chart = chart_spec(language, overview)
    image = render_chart(chart, font_path=services.settings.charts.font_path or None)
    await bot.send_photo(chat_id, photo=image.png, caption=html.escape(str(chart["title"])))


def _data(update: Update) -> str | None:
    query = update.callback_query
    return query.data if query is not None else None
