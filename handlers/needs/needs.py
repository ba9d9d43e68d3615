"""The needs list (需求清单): /need and 🙋 我有需求, /needs, one need's buttons, the
resident's answer and rating, a matter turned back, the monthly report."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, InputFile, Message, Update

from bot import spoken
from bot.community.register import Role
from bot.datepicker import Needs
from bot.needs import rules
from bot.needs.report import report_sheet, report_text
from bot.needs.service import Step
from bot.spreadsheets import xlsx_bytes
from handlers.access import answer, reply, show
from handlers.context import Context
from handlers.datepicker import picker
from handlers.needs import callbacks as cb
from handlers.needs import keyboards, texts
from handlers.texts import t


def _chat_id(update: Update) -> int:
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - always in a chat
    return chat.id


def _data(update: Update) -> str | None:
    return update.callback_query.data if update.callback_query else None


def _claimer(context: Context) -> bool:
    actor = context.require_actor()
    return any(actor.has(Role(role)) for role in rules.CLAIMER_ROLES)


# --- posting --------------------------------------------------------------------------


async def _ask(update: Update, context: Context, step: Step, *, edit: bool) -> None:
    language = context.require_actor().language
    settings = context.services.settings.needs
    markup: InlineKeyboardMarkup | None = None
    if step.step == "category":
        text, markup = t(language, "needs.ask_category"), keyboards.categories(language, settings)
    elif step.step == "building":
        text = t(language, "needs.ask_building")
        markup = keyboards.buildings(language, list(step.data.get("buildings", [])))
    elif step.step == "urgency":
        text, markup = t(language, "needs.ask_urgency"), keyboards.urgency(language)
    else:
        text = t(language, "needs.ask_text")
    if edit:
        await show(update, text, markup)
    else:
        await reply(update, text, markup)


async def need_command(update: Update, context: Context) -> None:
    """/need (and the 🙋 我有需求 key): post a need."""
    actor = context.require_actor()
    step = await context.services.needs.start(actor, _chat_id(update))
    await _ask(update, context, step, edit=False)


async def start_pressed(update: Update, context: Context) -> None:
    """🙋 我有需求 on /me."""
    actor = context.require_actor()
    await context.services.needs.start(actor, _chat_id(update))
    await answer(update)
    # A message of its own: /me stays as it was.
    await context.bot.send_message(
        _chat_id(update),
        t(actor.language, "needs.ask_category"),
        reply_markup=keyboards.categories(actor.language, context.services.settings.needs),
    )


async def category_pressed(update: Update, context: Context) -> None:
    data = cb.NeedCategory.decode(_data(update))
    step = await context.services.needs.choose_category(
        context.require_actor(), _chat_id(update), data.key
    )
    await _ask(update, context, step, edit=True)


async def building_pressed(update: Update, context: Context) -> None:
    data = cb.NeedBuilding.decode(_data(update))
    step = await context.services.needs.choose_building(
        context.require_actor(), _chat_id(update), data.index
    )
    await _ask(update, context, step, edit=True)


async def urgency_pressed(update: Update, context: Context) -> None:
    data = cb.NeedUrgency.decode(_data(update))
    step = await context.services.needs.choose_urgency(
        context.require_actor(), _chat_id(update), bool(data.urgent)
    )
    await _ask(update, context, step, edit=True)


async def _posted(update: Update, context: Context, text: str, **media: str | None) -> None:
    actor = context.require_actor()
    service = context.services.needs
    need = await service.describe(actor, _chat_id(update), text, **media)
    language = actor.language
    await reply(
        update,
        t(
            language,
            "needs.receipt",
            number=need.number,
            category=service.category_name(need.category, language),
            hours=spoken.duration(language, service.answer_hours(need) * 60),
        ),
    )
    context.services.wake_sender()


async def text_answer(update: Update, context: Context, step: str, text: str) -> None:
    """A typed answer while posting: the building, or the need itself."""
    actor = context.require_actor()
    if step == "building":
        result = await context.services.needs.type_building(actor, _chat_id(update), text)
        await _ask(update, context, result, edit=False)
    elif step == "text":
        await _posted(update, context, text)
    else:
        await reply(update, t(actor.language, "needs.use_buttons"))


async def media_answer(update: Update, context: Context, step: str, message: Message) -> None:
    """A photo (its caption the text) as the need."""
    actor = context.require_actor()
    if step != "text" or not message.photo:
        await reply(update, t(actor.language, "needs.ask_text"))
        return
    await _posted(update, context, message.caption or "", photo=message.photo[-1].file_id)


async def voice_answer(update: Update, context: Context, step: str, message: Message) -> None:
    """A voice note as the need."""
    actor = context.require_actor()
    if step != "text" or message.voice is None:
        await reply(update, t(actor.language, "needs.ask_text"))
        return
    await _posted(update, context, message.caption or "", voice=message.voice.file_id)


# --- the open list and one need ---------------------------------------------------------------


async def _list(update: Update, context: Context, page: int) -> None:
    actor = context.require_actor()
    service = context.services.needs
    listing = await service.open_page(actor, page)
    language = actor.language
    if listing.needs:
        text = t(language, "needs.list_title", page=listing.page + 1, pages=listing.pages)
    else:
        text = t(language, "needs.list_empty")
    await show(
        update,
        text,
        keyboards.open_list(
            language,
            context.services.settings.needs,
            listing.needs,
            listing.page,
            listing.pages,
            actor.has(Role.SECRETARY),
        ),
    )


async def needs_command(update: Update, context: Context) -> None:
    """/needs: the open needs (/needs report: the month's report)."""
    if context.args and context.args[0] in ("report", "报告"):
        await _report(update, context)
        return
    await _list(update, context, 0)


async def page_pressed(update: Update, context: Context) -> None:
    await _list(update, context, cb.NeedsPage.decode(_data(update)).page)


async def _screen(update: Update, context: Context, need_id: int, note: str = "") -> None:
    actor = context.require_actor()
    service = context.services.needs
    need = await service.need(actor, need_id)
    number = await context.services.matters.number(need.matter_id) if need.matter_id else None
    text = texts.need_screen(actor.language, service, need, number)
    if note:
        text = note + "\n\n" + text
    markup = keyboards.need_actions(actor.language, need, actor.person_id, _claimer(context))
    query = update.callback_query
    pressed = query.message if query is not None else None
    if isinstance(pressed, Message) and pressed.text is None:
        # Pressed under a photo or a voice note (the need's own): a screen of its own.
        await answer(update)
        await context.bot.send_message(_chat_id(update), text, reply_markup=markup)
        return
    await show(update, text, markup)


async def open_pressed(update: Update, context: Context) -> None:
    await _screen(update, context, cb.NeedOpen.decode(_data(update)).need_id)


async def claim_pressed(update: Update, context: Context) -> None:
    """🙋 我来认领."""
    data = cb.NeedClaim.decode(_data(update))
    actor = context.require_actor()
    need = await context.services.needs.claim(actor, data.need_id)
    due = (
        spoken.day(actor.language, need.due_on, context.services.needs.today())
        if need.due_on
        else ""
    )
    note = t(actor.language, "needs.claimed_done", number=need.number, due=due)
    await _screen(update, context, need.id, note)
    context.services.wake_sender()


async def activity_pressed(update: Update, context: Context) -> None:
    """🤝 组织志愿活动: when (the date picker)."""
    data = cb.NeedActivity.decode(_data(update))
    actor = context.require_actor()
    await context.services.needs.start_activity(actor, _chat_id(update), data.need_id)
    await answer(update)
    await context.bot.send_message(
        _chat_id(update),
        t(actor.language, "needs.activity_ask"),
        reply_markup=picker.keyboard(context, ACTIVITY_PICKER),
    )


async def _organise(update: Update, context: Context, text: str) -> None:
    actor = context.require_actor()
    need, activity_id = await context.services.needs.organise(actor, _chat_id(update), text)
    state = await context.services.volunteer.activities.state(activity_id)
    await show(
        update,
        t(actor.language, "needs.activity_done", number=need.number, title=state.activity.title),
        keyboards.need_actions(actor.language, need, actor.person_id, _claimer(context)),
    )
    context.services.wake_sender()


async def activity_text(update: Update, context: Context, step: str, text: str) -> None:
    await _organise(update, context, text)


ACTIVITY_PICKER = picker.register(
    picker.Target(
        keyboards.ACTIVITY_PICKER_KEY,
        rules.ACTIVITY_FLOW,
        "when",
        Needs.SPAN,
        "needs.activity_question",
        "needs.activity_example",
        _organise,
    )
)


async def due_pressed(update: Update, context: Context) -> None:
    """📅 改期限."""
    data = cb.NeedDue.decode(_data(update))
    actor = context.require_actor()
    await context.services.needs.start_due(actor, _chat_id(update), data.need_id)
    await answer(update)
    await context.bot.send_message(
        _chat_id(update),
        t(actor.language, "needs.due_ask"),
        reply_markup=picker.keyboard(context, DUE_PICKER),
    )


async def _due(update: Update, context: Context, text: str) -> None:
    actor = context.require_actor()
    need = await context.services.needs.set_due(actor, _chat_id(update), text)
    due = (
        spoken.day(actor.language, need.due_on, context.services.needs.today())
        if need.due_on
        else ""
    )
    await show(update, t(actor.language, "needs.due_done", number=need.number, due=due))


async def due_text(update: Update, context: Context, step: str, text: str) -> None:
    await _due(update, context, text)


DUE_PICKER = picker.register(
    picker.Target(
        keyboards.DUE_PICKER_KEY,
        rules.DUE_FLOW,
        "due",
        Needs.DATE,
        "needs.due_question",
        "needs.due_example",
        _due,
    )
)


async def reply_pressed(update: Update, context: Context) -> None:
    """💬 回复居民."""
    data = cb.NeedReply.decode(_data(update))
    actor = context.require_actor()
    await context.services.needs.start_reply(actor, _chat_id(update), data.need_id)
    await answer(update)
    await context.bot.send_message(_chat_id(update), t(actor.language, "needs.reply_ask"))


async def reply_text(update: Update, context: Context, step: str, text: str) -> None:
    actor = context.require_actor()
    need = await context.services.needs.reply(actor, _chat_id(update), text)
    await reply(update, t(actor.language, "needs.reply_done", number=need.number))
    context.services.wake_sender()


async def done_pressed(update: Update, context: Context) -> None:
    """✅ 已办好 (the owner): the resident is asked."""
    data = cb.NeedDone.decode(_data(update))
    actor = context.require_actor()
    need = await context.services.needs.finish(actor, data.need_id)
    await show(update, t(actor.language, "needs.done_done", number=need.number))
    context.services.wake_sender()


async def solved_pressed(update: Update, context: Context) -> None:
    """The resident's ✅ 已解决 (then the stars) / ❌ 没有解决."""
    data = cb.NeedSolved.decode(_data(update))
    actor = context.require_actor()
    need = await context.services.needs.confirm(actor, data.need_id, bool(data.solved))
    if data.solved:
        await show(
            update,
            t(actor.language, "needs.rate_ask", number=need.number),
            keyboards.stars(actor.language, need.id),
        )
    else:
        await show(update, t(actor.language, "needs.unsolved_done", number=need.number))
        context.services.wake_sender()


async def rate_pressed(update: Update, context: Context) -> None:
    data = cb.NeedRate.decode(_data(update))
    actor = context.require_actor()
    need = await context.services.needs.rate(actor, data.need_id, data.stars)
    await show(
        update,
        t(actor.language, "needs.rated", number=need.number, stars="⭐" * (need.rating or 0)),
    )


async def to_matter_pressed(update: Update, context: Context) -> None:
    """🏛 转为议题."""
    data = cb.NeedToMatter.decode(_data(update))
    actor = context.require_actor()
    need, matter = await context.services.needs.to_matter(actor, data.need_id)
    await show(
        update, t(actor.language, "needs.to_matter_done", number=need.number, matter=matter.number)
    )
    context.services.wake_sender()


async def back_pressed(update: Update, context: Context) -> None:
    """↩ 转回需求 on a matter's screen."""
    data = cb.MatterToNeed.decode(_data(update))
    actor = context.require_actor()
    need = await context.services.needs.back_from_matter(actor, data.matter_id)
    await show(
        update,
        t(
            actor.language,
            "needs.back_done",
            number=need.number,
            matter=await context.services.matters.number(data.matter_id),
        ),
    )
    context.services.wake_sender()


# --- the report ------------------------------------------------------------------------------


async def _report(update: Update, context: Context) -> None:
    actor = context.require_actor()
    reports = context.services.needs.reports
    report = await reports.report(actor)
    settings = context.services.settings
    language = actor.language
    await reply(update, report_text(language, report, settings))
    if not report.total.posted:
        return
    content = xlsx_bytes([report_sheet(language, report, settings)])
    chat = _chat_id(update)
    await context.bot.send_document(
        chat, InputFile(content, filename=t(language, "needs.report_file") + ".xlsx")
    )


async def report_pressed(update: Update, context: Context) -> None:
    """📊 本月报告 under /needs."""
    context.require_actor().require(Role.SECRETARY)
    await answer(update)
    await _report(update, context)


#: Typed answers of the needs' forms (flow -> handler).
TEXT_ANSWERS = {
    rules.FLOW: text_answer,
    rules.ACTIVITY_FLOW: activity_text,
    rules.DUE_FLOW: due_text,
    rules.REPLY_FLOW: reply_text,
}
#: A photo answering the need's last step; a voice note too.
MEDIA_ANSWERS = {rules.FLOW: media_answer}
VOICE_ANSWERS = {rules.FLOW: voice_answer}
