"""/surveys: a secretary's list; a survey's screen, its results with a chart per question,
closing it early, and publishing the results with the committee's response."""

from __future__ import annotations

import html

from telegram import Update

from bot.charts import bar_chart, legend
from bot.community.register import Role
from bot.surveys.results import Results
from handlers.access import answer, reply, show
from handlers.context import Context
from handlers.surveys import callbacks as cb
from handlers.surveys import keyboards, texts
from handlers.texts import plain, split_message, t

#: Telegram's limit on a photo caption.
MAX_CAPTION = 1024


async def surveys_command(update: Update, context: Context) -> None:
    """/surveys: the latest surveys, a button each."""
    actor = context.require_actor()
    surveys = await context.services.surveys.results.latest(actor)
    if not surveys:
        await reply(update, t(actor.language, "survey.list_empty"))
        return
    await reply(
        update,
        t(actor.language, "survey.list_title"),
        keyboards.survey_list(actor.language, surveys),
    )


async def view_pressed(update: Update, context: Context) -> None:
    """A survey's screen: a secretary's with its buttons; a resident's once published."""
    data = cb.SurveyView.decode(update.callback_query.data if update.callback_query else None)
    await _screen(update, context, data.survey_id)


async def _screen(update: Update, context: Context, survey_id: int) -> None:
    actor = context.require_actor()
    results = await context.services.surveys.results.results(actor, survey_id)
    secretary = actor.has(Role.SECRETARY)
    tz = context.services.settings.community.tz
    text = texts.survey_screen(actor.language, results.survey, results.sent, results.answered, tz)
    more: list[str] = []
    if not secretary:
        # A resident's view, once published: the counts (no texts) after the response.
        lines = texts.results_text(actor.language, results)[1:]
        more = [html.escape(chunk) for chunk in split_message(lines)]
    keyboard = keyboards.survey_screen(actor.language, results.survey, secretary)
    await show(update, text, keyboard)
    if more and update.effective_chat is not None:
        for chunk in more:
            await update.get_bot().send_message(update.effective_chat.id, chunk)


async def action_pressed(update: Update, context: Context) -> None:
    """📊 结果, ⏹ 结束问卷, 📣 发布结果 (asks for the response), 📣 发布 (posts it)."""
    data = cb.SurveyAction.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    service = context.services.surveys.results
    if data.action == "results":
        await answer(update)
        await _send_results(update, context, await service.results(actor, data.survey_id))
    elif data.action == "close":
        survey = await service.close_now(actor, data.survey_id)
        await answer(update, plain(actor.language, "survey.closed_now", title=survey.title))
        await _screen(update, context, survey.id)
        context.services.wake_sender()
    elif data.action == "respond":
        survey = await service.start_response(actor, chat.id, data.survey_id)
        await answer(update)
        await update.get_bot().send_message(
            chat.id, t(actor.language, "survey.ask_response", title=survey.title)
        )
    elif data.action == "publish":
        survey, count = await service.publish(actor, chat.id, data.survey_id)
        await show(update, t(actor.language, "survey.published", title=survey.title, count=count))
        context.services.wake_sender()
    else:
        await answer(update, plain(actor.language, "survey.expired"))


async def response_answer(update: Update, context: Context, step: str, text: str) -> None:
    """The committee's response, typed: previewed with 📣 发布."""
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - private text always has a chat
    if step != "text":
        await reply(update, t(actor.language, "survey.use_buttons"))
        return
    survey, response = await context.services.surveys.results.set_response(actor, chat.id, text)
    await reply(
        update,
        t(actor.language, "survey.response_preview", title=survey.title, response=response),
        keyboards.publish(actor.language, survey.id),
    )


async def _send_results(update: Update, context: Context, results: Results) -> None:
    """The counts (text answers listed, no names), then a bar chart per choice or scale question."""
    actor = context.require_actor()
    language = actor.language
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    bot = update.get_bot()
    for chunk in split_message(texts.results_text(language, results)):
        await bot.send_message(chat.id, html.escape(chunk))
    font = context.services.settings.charts.font_path
    for question in results.questions:
        if question.kind == "text":
            continue
        title = f"{question.index + 1}. {question.text}"
        chart = bar_chart(
            title, list(zip(question.labels, question.counts, strict=True)), font_path=font
        )
        caption = plain(
            language, "survey.chart_caption", number=question.index + 1, text=question.text
        )
        if chart.numbered and question.kind != "scale":
            caption += "\n" + legend(question.labels)
        await bot.send_photo(chat.id, photo=chart.png, caption=html.escape(caption[:MAX_CAPTION]))
