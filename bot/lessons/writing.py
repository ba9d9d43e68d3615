"""Micro Party lessons (微党课): writing a lesson in /newlesson — title, text in
several messages, attachments, an optional link and quiz — kept as a guided
conversation until the draft is saved.
"""

from __future__ import annotations

from typing import Any

from bot import usertext
from bot.community.register import Actor, Role
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from bot.lessons.context import LessonContext
from bot.lessons.results import Draft
from bot.lessons.rules import (
    ATTACHMENT_KINDS,
    LESSON_FLOW,
    LINK,
    MAX_ATTACHMENTS,
    MAX_BODY,
    MAX_EXPLANATION,
    MAX_LINK,
    MAX_OPTION,
    MAX_OPTIONS,
    MAX_QUESTION,
    MAX_QUESTIONS,
    MAX_TITLE,
    REFUSALS,
    clean,
)
from storage.lessons.rows import Attachment, LessonRow, QuizQuestion
from storage.session import Session


class LessonWriting:
    """A secretary's draft, step by step, from the title to the saved lesson."""

    def __init__(self, ctx: LessonContext) -> None:
        self._ctx = ctx

    async def start(self, actor: Actor, chat_id: int) -> None:
        """/newlesson: a secretary starts writing a lesson; the title comes first."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        async with self._ctx.db.transaction() as session:
            await session.dialogs.put(
                chat_id, actor.tg_user_id, LESSON_FLOW, "title", {}, self._ctx.clock()
            )

    async def _step(
        self, session: Session, actor: Actor, chat_id: int, step: str
    ) -> dict[str, Any]:
        dialog = await expect_step(
            session, chat_id, actor.tg_user_id, LESSON_FLOW, step, "lesson.expired"
        )
        return dict(dialog.data)

    async def _put(
        self, session: Session, actor: Actor, chat_id: int, step: str, data: dict[str, Any]
    ) -> Draft:
        await session.dialogs.put(
            chat_id, actor.tg_user_id, LESSON_FLOW, step, data, self._ctx.clock()
        )
        pending = data.get("pending") or {}
        body = str(data.get("body", ""))
        return Draft(
            step=step,
            title=str(data.get("title", "")),
            body=body,
            attachments=len(data.get("attachments") or []),
            link=data.get("link"),
            questions=len(data.get("quiz") or []),
            pending_options=tuple(pending.get("options") or ()),
            long=len(body) > self._ctx.settings.lessons.body_warn_chars,
        )

    async def answer_title(self, actor: Actor, chat_id: int, text: str) -> Draft:
        """The lesson's title; then its text."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        title = usertext.line(text)
        if not title or len(title) > MAX_TITLE:
            raise UserFacingError("lesson.title_bad", limit=MAX_TITLE)
        async with self._ctx.db.transaction() as session:
            data = await self._step(session, actor, chat_id, "title")
            return await self._put(session, actor, chat_id, "body", {**data, "title": title})

    async def add_body(self, actor: Actor, chat_id: int, text: str) -> Draft:
        """A piece of the lesson's text (several messages make one text, paragraph by paragraph)."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        piece = clean(text)
        if not piece:
            raise UserFacingError("lesson.body_empty")
        async with self._ctx.db.transaction() as session:
            data = await self._step(session, actor, chat_id, "body")
            body = f"{data['body']}\n\n{piece}" if data.get("body") else piece
            if len(body) > MAX_BODY:
                raise UserFacingError("lesson.body_too_long", limit=MAX_BODY)
            return await self._put(session, actor, chat_id, "body", {**data, "body": body})

    async def body_done(self, actor: Actor, chat_id: int) -> Draft:
        """The text is complete; then attachments."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        async with self._ctx.db.transaction() as session:
            data = await self._step(session, actor, chat_id, "body")
            if not data.get("body"):
                raise UserFacingError("lesson.body_empty")
            return await self._put(session, actor, chat_id, "attach", data)

    async def add_attachment(self, actor: Actor, chat_id: int, kind: str, file_id: str) -> Draft:
        """A photo, document, audio or video sent to the bot, kept by its file id."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        if kind not in ATTACHMENT_KINDS:
            raise UserFacingError("lesson.attachment_bad")
        async with self._ctx.db.transaction() as session:
            data = await self._step(session, actor, chat_id, "attach")
            attachments = list(data.get("attachments") or [])
            if len(attachments) >= MAX_ATTACHMENTS:
                raise UserFacingError("lesson.attachments_full", limit=MAX_ATTACHMENTS)
            attachments.append({"kind": kind, "file_id": file_id})
            return await self._put(
                session, actor, chat_id, "attach", {**data, "attachments": attachments}
            )

    async def attachments_done(self, actor: Actor, chat_id: int) -> Draft:
        """No (more) attachments; then the optional link."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        async with self._ctx.db.transaction() as session:
            data = await self._step(session, actor, chat_id, "attach")
            return await self._put(session, actor, chat_id, "link", data)

    async def answer_link(self, actor: Actor, chat_id: int, text: str | None) -> Draft:
        """The optional link (None: skipped); then the optional quiz."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        link = None
        if text is not None:
            link = usertext.line(text)
            if len(link) > MAX_LINK or not LINK.match(link):
                raise UserFacingError("lesson.link_bad")
        async with self._ctx.db.transaction() as session:
            data = await self._step(session, actor, chat_id, "link")
            return await self._put(session, actor, chat_id, "quiz", {**data, "link": link})

    async def answer_question(self, actor: Actor, chat_id: int, text: str) -> Draft:
        """A quiz question: its first line, then one option a line; then the right option."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        lines = [usertext.line(line) for line in text.splitlines() if usertext.line(line)]
        question, options = (lines[0], lines[1:]) if lines else ("", [])
        if (
            not question
            or len(question) > MAX_QUESTION
            or not 2 <= len(options) <= MAX_OPTIONS
            or any(len(o) > MAX_OPTION for o in options)
        ):
            raise UserFacingError("lesson.question_bad", options=MAX_OPTIONS, limit=MAX_OPTION)
        async with self._ctx.db.transaction() as session:
            data = await self._step(session, actor, chat_id, "quiz")
            if len(data.get("quiz") or []) >= MAX_QUESTIONS:
                raise UserFacingError("lesson.quiz_full", limit=MAX_QUESTIONS)
            pending = {"question": question, "options": options}
            return await self._put(
                session, actor, chat_id, "quiz_correct", {**data, "pending": pending}
            )

    async def choose_correct(self, actor: Actor, chat_id: int, index: int) -> Draft:
        """The right option of the pending question; then its short explanation."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        async with self._ctx.db.transaction() as session:
            data = await self._step(session, actor, chat_id, "quiz_correct")
            pending = dict(data["pending"])
            if not 0 <= index < len(pending["options"]):
                raise UserFacingError("lesson.expired")
            pending["correct"] = index
            return await self._put(
                session, actor, chat_id, "quiz_explain", {**data, "pending": pending}
            )

    async def answer_explanation(self, actor: Actor, chat_id: int, text: str | None) -> Draft:
        """The explanation shown after answering (None: none); back to adding questions."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        explanation = usertext.line(text or "")
        if len(explanation) > MAX_EXPLANATION:
            raise UserFacingError("lesson.explanation_bad", limit=MAX_EXPLANATION)
        async with self._ctx.db.transaction() as session:
            data = await self._step(session, actor, chat_id, "quiz_explain")
            question = {**data.pop("pending"), "explanation": explanation}
            quiz = [*(data.get("quiz") or []), question]
            return await self._put(session, actor, chat_id, "quiz", {**data, "quiz": quiz})

    async def finish(self, actor: Actor, chat_id: int) -> LessonRow:
        """The draft is complete: it is saved; then when to send it."""
        person = actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            data = await self._step(session, actor, chat_id, "quiz")
            lesson_id = await session.lessons.create(
                title=str(data["title"]),
                body=str(data["body"]),
                link=data.get("link"),
                attachments=[
                    Attachment(a["kind"], a["file_id"]) for a in data.get("attachments") or []
                ],
                quiz=[QuizQuestion.from_json(q) for q in data.get("quiz") or []],
                created_by=person.id,
                now=now,
            )
            await session.dialogs.end(chat_id, actor.tg_user_id)
            await session.audit.record(
                at=now, action="lesson.create", actor_id=person.id, detail=f"lesson {lesson_id}"
            )
            lesson = await session.lessons.get(lesson_id)
        assert lesson is not None  # noqa: S101 - just created
        return lesson
