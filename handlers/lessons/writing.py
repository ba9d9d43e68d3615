"""Micro Party lessons (微党课) handlers: writing a lesson with /newlesson (title, text,
files, link, quiz) and typing an edit or a correction.
"""

from __future__ import annotations

from telegram import Message, Update

from bot.lessons.results import Draft
from handlers.access import reply, show
from handlers.callbacks import StaleButton
from handlers.community.keyboards import lost
from handlers.context import Context
from handlers.lessons import callbacks as cb
from handlers.lessons import keyboards, texts
from handlers.lessons.common import chat_of, data_of
from handlers.lessons.sending import when_screen
from handlers.texts import t


async def newlesson(update: Update, context: Context) -> None:
    """/newlesson: write a lesson step by step (title, text, files, link, quiz)."""
    actor = context.require_actor()
    await context.services.lessons.writing.start(actor, chat_of(update))
    await reply(update, t(actor.language, "lesson.ask_title"))


async def _draft_reply(update: Update, context: Context, draft: Draft) -> None:
    actor = context.require_actor()
    warn = context.services.settings.lessons.body_warn_chars
    text = texts.draft_step(actor.language, draft, warn)
    await show(update, text, keyboards.draft_step(actor.language, draft))


async def lesson_text(update: Update, context: Context, step: str, text: str) -> None:
    """Typed answers of /newlesson."""
    actor = context.require_actor()
    lessons = context.services.lessons
    chat_id = chat_of(update)
    if step == "title":
        draft = await lessons.writing.answer_title(actor, chat_id, text)
    elif step == "body":
        draft = await lessons.writing.add_body(actor, chat_id, text)
    elif step == "link":
        draft = await lessons.writing.answer_link(actor, chat_id, text)
    elif step == "quiz":
        draft = await lessons.writing.answer_question(actor, chat_id, text)
    elif step == "quiz_explain":
        draft = await lessons.writing.answer_explanation(actor, chat_id, text)
    elif step == "attach":
        await reply(update, t(actor.language, "lesson.send_file_or_next"))
        return
    else:
        await reply(update, t(actor.language, "register.use_buttons"))
        return
    await _draft_reply(update, context, draft)


async def draft_pressed(update: Update, context: Context) -> None:
    """A step button of /newlesson."""
    data = cb.LessonDraft.decode(data_of(update))
    actor = context.require_actor()
    lessons = context.services.lessons
    chat_id = chat_of(update)
    if data.action == "body_done":
        draft = await lessons.writing.body_done(actor, chat_id)
    elif data.action == "attach_done":
        draft = await lessons.writing.attachments_done(actor, chat_id)
    elif data.action == "skip_link":
        draft = await lessons.writing.answer_link(actor, chat_id, None)
    elif data.action == "no_explain":
        draft = await lessons.writing.answer_explanation(actor, chat_id, None)
    elif data.action == "finish":
        lesson = await lessons.writing.finish(actor, chat_id)
        await when_screen(update, context, lesson.id)
        return
    else:
        raise StaleButton(data.action)
    await _draft_reply(update, context, draft)


async def correct_pressed(update: Update, context: Context) -> None:
    """The right option of the question being written."""
    data = cb.LessonCorrect.decode(data_of(update))
    actor = context.require_actor()
    draft = await context.services.lessons.writing.choose_correct(
        actor, chat_of(update), data.index
    )
    await _draft_reply(update, context, draft)


async def attachment_answer(update: Update, context: Context, step: str, message: Message) -> None:
    """A photo, document, audio or video sent while writing a lesson: an attachment."""
    actor = context.require_actor()
    kind, file_id = _file_of(message)
    if step != "attach" or file_id is None:
        await reply(update, t(actor.language, "help.unknown_media"), lost(actor.language))
        return
    draft = await context.services.lessons.writing.add_attachment(
        actor, message.chat.id, kind, file_id
    )
    await _draft_reply(update, context, draft)


def _file_of(message: Message) -> tuple[str, str | None]:
    """The attachment's kind and file id (the largest size of a photo)."""
    if message.photo:
        return "photo", message.photo[-1].file_id
    if message.document:
        return "document", message.document.file_id
    if message.audio:
        return "audio", message.audio.file_id
    if message.video:
        return "video", message.video.file_id
    return "", None


async def fix_text(update: Update, context: Context, step: str, text: str) -> None:
    """The typed edit (before sending) or correction (after)."""
    actor = context.require_actor()
    lesson, told = await context.services.lessons.corrections.answer_fix(
        actor, chat_of(update), text
    )
    context.services.wake_sender()
    key = "lesson.corrected" if lesson.status == "sent" else "lesson.edited"
    await reply(update, t(actor.language, key, number=lesson.number, count=told))
