"""/survey: a secretary builds a survey step by step (buttons where possible) and sends it."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot import spoken
from bot.datepicker import Needs
from bot.surveys.building import Draft
from bot.surveys.rules import BUILD_FLOW
from handlers.access import reply, show
from handlers.context import Context
from handlers.datepicker import picker
from handlers.surveys import callbacks as cb
from handlers.surveys import keyboards, texts
from handlers.texts import local_time, t


async def survey_command(update: Update, context: Context) -> None:
    """/survey: a new survey at its title, or the draft under way where it stopped."""
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - guarded: Where.PRIVATE
    draft = await context.services.surveys.building.start(actor, chat.id)
    await _show_step(update, context, draft, fresh=True)


async def build_pressed(update: Update, context: Context) -> None:
    """A builder button: subject, question kind or 完成, audience, anonymity, closing days."""
    data = cb.SurveyBuild.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    draft = await context.services.surveys.building.pressed(actor, chat.id, data.step, data.value)
    await _show_step(update, context, draft)


async def text_answer(update: Update, context: Context, step: str, text: str) -> None:
    """A typed answer to the builder: title, subject, question, options, closing date."""
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - private text always has a chat
    draft = await context.services.surveys.building.typed(actor, chat.id, step, text)
    await _show_step(update, context, draft, fresh=True)


async def send_pressed(update: Update, context: Context) -> None:
    """📤 发送 (the survey goes out; progress follows) or 放弃."""
    data = cb.SurveySend.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    if not data.send:
        await context.services.dialogs.cancel(chat.id, actor.tg_user_id)
        await show(update, t(actor.language, "survey.dropped"))
        return
    sent = await context.services.surveys.building.send(actor, chat.id)
    tz = context.services.settings.community.tz
    await show(
        update,
        t(
            actor.language,
            "survey.sent",
            number=sent.survey.number,
            title=sent.survey.title,
            count=spoken.count(actor.language, "residents", sent.recipients),
            closes=local_time(sent.survey.closes_at, tz, actor.language),
        ),
    )
    context.services.wake_sender()


async def _show_step(
    update: Update, context: Context, draft: Draft, *, fresh: bool = False
) -> None:
    actor = context.require_actor()
    language = actor.language
    settings = context.services.settings
    keyboard: InlineKeyboardMarkup | None = None
    if draft.step == "subject":
        keyboard = keyboards.subjects(language)
    elif draft.step == "kind":
        keyboard = keyboards.kinds(language, len(draft.questions))
    elif draft.step == "audience":
        keyboard = keyboards.audiences(
            language, list(draft.data.get("buildings") or []), settings.community.grids
        )
    elif draft.step == "anonymous":
        keyboard = keyboards.anonymity(language)
    elif draft.step == "closes":
        keyboard = keyboards.closing(language)
    elif draft.step == "preview":
        keyboard = keyboards.preview(language)
    text = texts.step_prompt(language, draft, settings.community.tz)
    if fresh:
        await reply(update, text, keyboard)
    else:
        await show(update, text, keyboard)


async def _closing_day_picked(update: Update, context: Context, text: str) -> None:
    """The closing day from the date picker, read as the typed 2026-12-15 (closes at 20:00)."""
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    draft = await context.services.surveys.building.typed(actor, chat.id, "closes", text)
    await _show_step(update, context, draft)


#: 📅 选日子 under 什么时候截止.
CLOSES_PICKER = picker.register(
    picker.Target(
        keyboards.CLOSES_PICKER_KEY,
        BUILD_FLOW,
        "closes",
        Needs.DATE,
        "survey.pick_closes",
        "survey.closes_example",
        _closing_day_picked,
    )
)
