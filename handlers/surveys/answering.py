"""A resident answers a survey privately: one tap, toggles and 提交, 1–5, or a typed text;
🔕 under a reminder; 📝 sends the questions still open again."""

from __future__ import annotations

from telegram import Message, Update

from bot.config import Language
from bot.runtime.sender import render_buttons, render_text
from bot.surveys.answering import Answered
from bot.surveys.building import question_message
from handlers.access import answer, reply
from handlers.context import Context
from handlers.surveys import callbacks as cb
from handlers.surveys import keyboards
from handlers.texts import plain, t


def _done_text(language: Language, result: Answered) -> str:
    total = len(result.survey.questions)
    key = "survey.answer_changed" if result.changed else "survey.answer_kept"
    if result.done >= total and not result.changed:
        key = "survey.answer_all_done"
    return plain(language, key, number=result.question + 1, done=result.done, total=total)


async def pick_pressed(update: Update, context: Context) -> None:
    """A single-choice option or a scale point: the answer is kept (or changed)."""
    data = cb.SurveyPick.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    result = await context.services.surveys.answering.pick(
        actor, data.survey_id, data.question, data.index
    )
    await answer(update, _done_text(actor.language, result))


async def toggle_pressed(update: Update, context: Context) -> None:
    """A multiple-choice option: toggled on the message; kept only at 提交."""
    query = update.callback_query
    data = cb.SurveyToggle.decode(query.data if query else None)
    actor = context.require_actor()
    survey = await context.services.surveys.answering.toggled(
        actor, data.survey_id, data.question, data.index
    )
    mask = data.mask ^ (1 << data.index)
    await answer(update)
    if query is not None and isinstance(query.message, Message):
        await query.message.edit_reply_markup(
            keyboards.question(survey, data.question, mask, actor.language)
        )


async def submit_pressed(update: Update, context: Context) -> None:
    """提交 under a multiple-choice question: the options toggled on are kept."""
    data = cb.SurveySubmit.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    result = await context.services.surveys.answering.submit(
        actor, data.survey_id, data.question, data.mask
    )
    await answer(update, _done_text(actor.language, result))


async def write_pressed(update: Update, context: Context) -> None:
    """✏️ 写回答: ask for the text; the next message is the answer."""
    data = cb.SurveyWrite.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    text = await context.services.surveys.answering.start_text(
        actor, chat.id, data.survey_id, data.question
    )
    await answer(update)
    await update.get_bot().send_message(
        chat.id, t(actor.language, "survey.ask_text_answer", number=data.question + 1, text=text)
    )


async def text_answer(update: Update, context: Context, step: str, text: str) -> None:
    """The typed answer to a text question."""
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - private text always has a chat
    result = await context.services.surveys.answering.text(actor, chat.id, text)
    await reply(
        update, t(actor.language, "survey.text_kept") + "\n" + _done_text(actor.language, result)
    )


async def resend_pressed(update: Update, context: Context) -> None:
    """📝 under a reminder: the questions not answered yet, again."""
    data = cb.SurveyResend.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    survey, missing = await context.services.surveys.answering.unanswered(actor, data.survey_id)
    if not missing:
        await answer(update, plain(actor.language, "survey.nothing_missing"))
        return
    await answer(update)
    for index in missing:
        message = question_message(survey, index, actor.language)
        await update.get_bot().send_message(
            chat.id, render_text(message), reply_markup=render_buttons(message)
        )


async def reminders_pressed(update: Update, context: Context) -> None:
    """🔕 under a reminder to answer (or 🔔 to have them again)."""
    data = cb.SurveyReminders.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    state = "on" if data.on else "off"
    if not await context.services.surveys.reminders.set_reminders(actor, data.on):
        await answer(update, plain(actor.language, f"survey.reminders_already_{state}"))
        return
    await answer(update)
    if update.effective_chat is not None:
        await update.get_bot().send_message(
            update.effective_chat.id,
            t(actor.language, f"survey.reminders_{state}"),
            reply_markup=None if data.on else keyboards.reminders_on(actor.language),
        )
