"""Micro Party lessons (微党课) handlers: the buttons under a pushed lesson and its
reminder — 已学习, the quiz, reading it again, its files.
"""

from __future__ import annotations

from telegram import Update

from bot.community.register import Role
from bot.errors import UserFacingError
from bot.lessons.messages import lesson_messages
from bot.runtime.sender import render_buttons, render_text
from handlers.access import answer, show
from handlers.context import Context
from handlers.lessons import callbacks as cb
from handlers.lessons import keyboards, texts
from handlers.lessons.common import data_of
from handlers.texts import plain


async def study_pressed(update: Update, context: Context) -> None:
    """已学习: recorded at once; a quiz, if any, is sent privately for the score."""
    data = cb.LessonStudy.decode(data_of(update))
    actor = context.require_actor()
    outcome = await context.services.lessons.studying.study(actor, data.lesson_id)
    if outcome.question is None:
        await answer(update, plain(actor.language, "lesson.studied", title=outcome.lesson.title))
        return
    text = texts.quiz_question(actor.language, outcome.lesson, outcome.question)
    keyboard = keyboards.quiz_question(outcome.lesson, outcome.question)
    await context.bot.send_message(actor.tg_user_id, text, reply_markup=keyboard)
    key = "lesson.studied_quiz_sent" if outcome.recorded else "lesson.quiz_sent"
    await answer(update, plain(actor.language, key, title=outcome.lesson.title))


async def quiz_pressed(update: Update, context: Context) -> None:
    """A quiz answer: the explanation, then the next question or the score."""
    data = cb.LessonQuiz.decode(data_of(update))
    actor = context.require_actor()
    step = await context.services.lessons.studying.answer(
        actor, data.lesson_id, data.question, data.choice
    )
    await show(update, texts.quiz_feedback(actor.language, step))
    if step.next_question is not None:
        text = texts.quiz_question(actor.language, step.lesson, step.next_question)
        keyboard = keyboards.quiz_question(step.lesson, step.next_question)
        await context.bot.send_message(actor.tg_user_id, text, reply_markup=keyboard)


async def open_pressed(update: Update, context: Context) -> None:
    """现在学习 / 阅读: the lesson again, privately, with its 已学习 button."""
    data = cb.LessonOpen.decode(data_of(update))
    actor = context.require_actor()
    lesson = await context.services.lessons.records.lesson(data.lesson_id)
    if lesson.status != "sent" and not actor.has(Role.SECRETARY):
        raise UserFacingError("lesson.not_found", number=lesson.number)
    for message in lesson_messages(lesson, actor.language, private=True):
        markup = render_buttons(message) if lesson.status == "sent" else None
        if message.photo:
            await context.bot.send_photo(
                actor.tg_user_id, message.photo, caption=render_text(message)
            )
        else:
            await context.bot.send_message(
                actor.tg_user_id, render_text(message), reply_markup=markup
            )


async def files_pressed(update: Update, context: Context) -> None:
    """The lesson's documents, audio and video, sent privately by file id."""
    data = cb.LessonFiles.decode(data_of(update))
    actor = context.require_actor()
    lesson = await context.services.lessons.records.lesson(data.lesson_id)
    bot = context.bot
    for attachment in lesson.attachments:
        if attachment.kind == "document":
            await bot.send_document(actor.tg_user_id, attachment.file_id)
        elif attachment.kind == "audio":
            await bot.send_audio(actor.tg_user_id, attachment.file_id)
        elif attachment.kind == "video":
            await bot.send_video(actor.tg_user_id, attachment.file_id)
