"""Micro Party lessons (微党课): writing, scheduling and pushing lessons, the study
record (已学习 and the quiz), reminders with make-up booking (预约补课) and home
delivery (送学), attendance, corrections, and the records secretaries need.

The rules live here, with no Telegram types: handlers/lessons/commands.py parses and
renders. Pushes go through the outbox inside the unit of work that causes them;
timed work (the send at a Party day or a chosen time, the reminder after the
deadline, the monthly summary) is a schedule whose effect runs in its firing's
transaction.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
from datetime import date, datetime, timedelta
from typing import Any

from bot import parsing, usertext
from bot.clock import Clock, system_clock
from bot.community.calendar import local, local_moment, to_utc
from bot.community.register import Actor, ChatKind, Role, secretaries_to_tell
from bot.config import Language, Settings
from bot.deliberation.ledger import Sheet
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from bot.i18n import translate
from bot.lessons.messages import delivered_callback, lesson_messages, reminder_message
from bot.lessons.results import (
    Draft,
    LessonReport,
    MemberRecord,
    Planned,
    QuizStep,
    StudyOutcome,
)
from bot.lessons.rules import (
    ATTACHMENT_KINDS,
    FIX_FLOW,
    LESSON_FLOW,
    LINK,
    MAX_ATTACHMENTS,
    MAX_BODY,
    MAX_EXPLANATION,
    MAX_FIX,
    MAX_LINK,
    MAX_OPTION,
    MAX_OPTIONS,
    MAX_PLACE,
    MAX_QUESTION,
    MAX_QUESTIONS,
    MAX_TITLE,
    PHOTO_FLOW,
    REFUSALS,
    SLOT,
    SLOT_FLOW,
    WHEN,
    WHEN_FLOW,
    clean,
    delivery_role,
)
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, PushReport, queue_push
from bot.runtime.scheduler import Firing, SchedulerService
from storage import Database
from storage.community.people import PersonRow
from storage.lessons.rows import (
    Attachment,
    BookingRow,
    LessonRow,
    MemberStanding,
    QuizQuestion,
    SlotRow,
)
from storage.lessons.studies import StudyDesk
from storage.runtime.schedules import ScheduleRow
from storage.session import Session
from storage.times import to_db_time


class LessonService:
    """Micro Party lessons, from the secretary's draft to the committee's records."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        scheduler: SchedulerService,
        clock: Clock = system_clock,
    ) -> None:
        self._db = db
        self._settings = settings
        self._scheduler = scheduler
        self._clock = clock
        self._tz = settings.community.tz
        scheduler.register_effect("lesson.push", self._push_effect)
        scheduler.register_effect("lesson.remind", self._remind_effect)
        scheduler.register_effect("lesson.summary", self._summary_effect)
        scheduler.register_describer("lesson.push", self._describe_schedule)
        offset = settings.lessons.monthly_summary
        scheduler.add_builtin(
            "builtin:lesson_summary",
            "lesson.summary",
            {"type": "party_day", "offset": offset} if offset else None,
        )

    async def _describe_schedule(self, session: Session, schedule: ScheduleRow) -> dict[str, Any]:
        """A lesson's push is named by the lesson's title."""
        lesson_id = int(schedule.payload["lesson_id"])
        lesson = await session.lessons.get(lesson_id)
        return {"title": lesson.title if lesson is not None else f"#{lesson_id}"}

    @property
    def settings(self) -> Settings:
        """The configuration (texts show the limits)."""
        return self._settings

    # --- writing a lesson (/newlesson) ------------------------------------------------

    async def start(self, actor: Actor, chat_id: int) -> None:
        """/newlesson: a secretary starts writing a lesson; the title comes first."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        async with self._db.transaction() as session:
            await session.dialogs.put(
                chat_id, actor.tg_user_id, LESSON_FLOW, "title", {}, self._clock()
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
        await session.dialogs.put(chat_id, actor.tg_user_id, LESSON_FLOW, step, data, self._clock())
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
            long=len(body) > self._settings.lessons.body_warn_chars,
        )

    async def answer_title(self, actor: Actor, chat_id: int, text: str) -> Draft:
        """The lesson's title; then its text."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        title = usertext.line(text)
        if not title or len(title) > MAX_TITLE:
            raise UserFacingError("lesson.title_bad", limit=MAX_TITLE)
        async with self._db.transaction() as session:
            data = await self._step(session, actor, chat_id, "title")
            return await self._put(session, actor, chat_id, "body", {**data, "title": title})

    async def add_body(self, actor: Actor, chat_id: int, text: str) -> Draft:
        """A piece of the lesson's text (several messages make one text, paragraph by paragraph)."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        piece = clean(text)
        if not piece:
            raise UserFacingError("lesson.body_empty")
        async with self._db.transaction() as session:
            data = await self._step(session, actor, chat_id, "body")
            body = f"{data['body']}\n\n{piece}" if data.get("body") else piece
            if len(body) > MAX_BODY:
                raise UserFacingError("lesson.body_too_long", limit=MAX_BODY)
            return await self._put(session, actor, chat_id, "body", {**data, "body": body})

    async def body_done(self, actor: Actor, chat_id: int) -> Draft:
        """The text is complete; then attachments."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        async with self._db.transaction() as session:
            data = await self._step(session, actor, chat_id, "body")
            if not data.get("body"):
                raise UserFacingError("lesson.body_empty")
            return await self._put(session, actor, chat_id, "attach", data)

    async def add_attachment(self, actor: Actor, chat_id: int, kind: str, file_id: str) -> Draft:
        """A photo, document, audio or video sent to the bot, kept by its file id."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        if kind not in ATTACHMENT_KINDS:
            raise UserFacingError("lesson.attachment_bad")
        async with self._db.transaction() as session:
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
        async with self._db.transaction() as session:
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
        async with self._db.transaction() as session:
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
        async with self._db.transaction() as session:
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
        async with self._db.transaction() as session:
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
        async with self._db.transaction() as session:
            data = await self._step(session, actor, chat_id, "quiz_explain")
            question = {**data.pop("pending"), "explanation": explanation}
            quiz = [*(data.get("quiz") or []), question]
            return await self._put(session, actor, chat_id, "quiz", {**data, "quiz": quiz})

    async def finish(self, actor: Actor, chat_id: int) -> LessonRow:
        """The draft is complete: it is saved; then when to send it."""
        person = actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        now = self._clock()
        async with self._db.transaction() as session:
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

    # --- when and to whom ------------------------------------------------------------------

    async def lesson(self, lesson_id: int) -> LessonRow:
        """The lesson, or a short refusal."""
        async with self._db.read() as session:
            lesson = await session.lessons.get(lesson_id)
        if lesson is None:
            raise UserFacingError("lesson.not_found", number=lesson_id)
        return lesson

    async def _editable(self, session: Session, lesson_id: int) -> LessonRow:
        lesson = await session.lessons.get(lesson_id)
        if lesson is None:
            raise UserFacingError("lesson.not_found", number=lesson_id)
        if lesson.status == "sent":
            raise UserFacingError("lesson.already_sent", number=lesson_id)
        return lesson

    def next_party_day(self) -> tuple[datetime, date, bool]:
        """The next Party day: when, its configured date, and whether it floated."""
        day = self._scheduler.calendar.next_party_day(self._clock())
        return day.at, day.original, day.moved

    async def schedule_party_day(self, actor: Actor, lesson_id: int) -> Planned:
        """Send the lesson at the next Party day (the 15th, floated as configured)."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        at, original, _moved = self.next_party_day()
        planned = await self._schedule(actor, lesson_id, at, party_day=True)
        return Planned(planned.lesson, at, original)

    async def ask_when(self, actor: Actor, chat_id: int, lesson_id: int) -> None:
        """Button 选日期时间: the date and time are typed next."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        async with self._db.transaction() as session:
            await self._editable(session, lesson_id)
            await session.dialogs.put(
                chat_id, actor.tg_user_id, WHEN_FLOW, "at", {"lesson_id": lesson_id}, self._clock()
            )

    def parse_when(self, text: str) -> datetime:
        """ "11-20 19:30" or "2026-11-20 19:30", community time, in the future."""
        match = WHEN.match(" ".join(text.split()))
        at = self._moment(match) if match else None
        if at is None or at <= self._clock():
            raise UserFacingError("lesson.when_bad")
        return at

    def _moment(self, match: re.Match[str]) -> datetime | None:
        now = local(self._clock(), self._tz)
        year = int(match["year"]) if match["year"] else now.year
        day = parsing.calendar_day(year, int(match["month"]), int(match["day"]))
        if day is None:
            return None
        try:
            at = local_moment(
                day,
                datetime.min.time().replace(hour=int(match["hour"]), minute=int(match["minute"])),
                self._tz,
            )
        except ValueError:
            return None
        if not match["year"] and at < self._clock() - timedelta(days=1):
            # "01-05" typed in December means next January.
            try:
                at = local_moment(
                    day.replace(year=year + 1), at.timetz().replace(tzinfo=None), self._tz
                )
            except ValueError:
                return None
        return to_utc(at)

    async def answer_when(self, actor: Actor, chat_id: int, text: str) -> Planned:
        """The typed date and time; the lesson is scheduled for it."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        at = self.parse_when(text)
        async with self._db.read() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, WHEN_FLOW, "at", "lesson.expired"
            )
        planned = await self._schedule(
            actor, int(dialog.data["lesson_id"]), at, party_day=False, chat_id=chat_id
        )
        return planned

    async def _schedule(
        self,
        actor: Actor,
        lesson_id: int,
        at: datetime,
        *,
        party_day: bool,
        chat_id: int | None = None,
    ) -> Planned:
        now = self._clock()
        async with self._db.transaction() as session:
            lesson = await self._editable(session, lesson_id)
            if lesson.schedule_id is not None:
                await session.schedules.set_next_due(lesson.schedule_id, None, now)
            schedule_id, due = await self._scheduler.create_in(
                session,
                kind="lesson.push",
                title=f"微党课 #{lesson.id} {lesson.title}",
                rule={"type": "once", "at": to_db_time(at)},
                payload={"lesson_id": lesson.id},
                owner_id=actor.person_id,
                now=now,
            )
            await session.lessons.schedule(
                lesson.id, send_at=at, party_day=party_day, schedule_id=schedule_id, now=now
            )
            if chat_id is not None:
                await session.dialogs.end(chat_id, actor.tg_user_id)
            scheduled = await session.lessons.get(lesson.id)
        # A previous alarm, if any, finds its schedule emptied and does nothing.
        if due is not None:
            self._scheduler.arm(schedule_id, due)
        assert scheduled is not None  # noqa: S101 - it exists
        return Planned(scheduled, at)

    async def send_now(self, actor: Actor, lesson_id: int, report_chat_id: int) -> Planned:
        """Send the lesson at once; the secretary sees the push's progress."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        now = self._clock()
        async with self._db.transaction() as session:
            lesson = await self._editable(session, lesson_id)
            if lesson.schedule_id is not None:
                await session.schedules.set_next_due(lesson.schedule_id, None, now)
            report = PushReport(actor.person_id, report_chat_id, actor.language)
            recipients = await self._push(session, lesson, now, report=report)
            sent = await session.lessons.get(lesson.id)
        assert sent is not None  # noqa: S101 - it exists
        return Planned(sent, now, recipients=recipients)

    async def party_members(self) -> list[PersonRow]:
        """Every party member in the register, by name (to choose an audience)."""
        async with self._db.read() as session:
            members = await session.people.with_role(Role.PARTY_MEMBER.value)
        return sorted(members, key=lambda p: (p.display_name, p.id))

    async def toggle_audience(
        self, actor: Actor, lesson_id: int, person_id: int | None
    ) -> LessonRow:
        """Choose who gets the lesson: None resets to every party member; a person toggles."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        now = self._clock()
        async with self._db.transaction() as session:
            lesson = await self._editable(session, lesson_id)
            if person_id is None:
                audience: list[int] | None = None
            else:
                chosen = set(lesson.audience or ())
                chosen ^= {person_id}
                audience = sorted(chosen) or None
            await session.lessons.set_audience(lesson.id, audience, now)
            updated = await session.lessons.get(lesson.id)
        assert updated is not None  # noqa: S101 - it exists
        return updated

    # --- pushing ------------------------------------------------------------------------------

    async def _push_effect(self, firing: Firing) -> None:
        lesson = await firing.session.lessons.get(int(firing.schedule.payload["lesson_id"]))
        if lesson is None or lesson.status == "sent" or lesson.schedule_id != firing.schedule.id:
            return
        await self._push(firing.session, lesson, firing.now)

    async def _push(
        self,
        session: Session,
        lesson: LessonRow,
        now: datetime,
        *,
        report: PushReport | None = None,
    ) -> int:
        """Queue the lesson for the members' group and each member; returns the members reached."""
        members = await session.people.with_role(Role.PARTY_MEMBER.value)
        if lesson.audience is not None:
            chosen = set(lesson.audience)
            members = [m for m in members if m.id in chosen]
        await self._missed_streaks(session, members, now)
        groups = await session.chats.posting(ChatKind.MEMBERS.value)
        language = self._settings.community.default_language
        targets: list[tuple[int, int | None, Language]] = [
            (c.chat_id, None, language) for c in groups
        ]
        targets += [(m.tg_user_id, m.id, Language(m.language)) for m in members]
        messages = {
            chat: lesson_messages(lesson, lang, private=pid is not None)
            for chat, pid, lang in targets
        }
        prefix = f"lesson:{lesson.id}"
        push_id = await queue_push(
            session,
            kind="lesson",
            title=f"微党课 #{lesson.id} {lesson.title}",
            deliveries=[Delivery(chat, pid, messages[chat][0]) for chat, pid, _ in targets],
            dedupe_prefix=prefix,
            now=now,
            report=report,
        )
        # Further parts of a long lesson, in order (the sender keeps one chat's order).
        for chat, pid, _ in targets:
            for index, message in enumerate(messages[chat][1:], start=1):
                await session.outbox.enqueue(
                    push_id=push_id,
                    chat_id=chat,
                    person_id=pid,
                    content=message.to_content(),
                    dedupe_key=f"{prefix}:{index}:{chat}",
                    not_before=now,
                    now=now,
                )
        await session.lessons.add_recipients(lesson.id, [m.id for m in members], now)
        if not await session.lessons.mark_sent(lesson.id, push_id, now):
            raise UserFacingError("lesson.already_sent", number=lesson.id)
        remind_at = now + timedelta(days=self._settings.lessons.remind_after_days)
        schedule_id, due = await self._scheduler.create_in(
            session,
            kind="lesson.remind",
            title=f"微党课 #{lesson.id} 提醒",
            rule={"type": "once", "at": to_db_time(remind_at)},
            payload={"lesson_id": lesson.id},
            owner_id=None,
            now=now,
        )
        if due is not None:
            # Armed before the commit: an alarm for a rolled-back schedule finds nothing.
            self._scheduler.arm(schedule_id, due)
        return len(members)

    async def _missed_streaks(
        self, session: Session, members: list[PersonRow], now: datetime
    ) -> None:
        """Tell secretaries who has just missed ``missed_in_a_row`` lessons in a row."""
        limit = self._settings.lessons.missed_in_a_row
        if limit <= 0:
            return
        names: list[str] = []
        everyone = await session.lessons.recent_outcomes(limit + 1)
        for member in members:
            outcomes = everyone.get(member.id, [])
            streak = outcomes[:limit]
            # Exactly ``limit`` in a row: told once per streak, not at every later lesson.
            if (
                len(streak) == limit
                and not any(streak)
                and (len(outcomes) == limit or outcomes[limit])
            ):
                names.append(member.display_name)
        if names:
            await self._to_secretaries(
                session,
                "lesson.missed_streak",
                f"lesson-streak:{to_db_time(now)}",
                now,
                count=limit,
                names="、".join(names),
            )

    async def _to_secretaries(
        self, session: Session, key: str, prefix: str, now: datetime, **params: Any
    ) -> None:
        secretaries = await secretaries_to_tell(session, self._settings.community)
        await queue_push(
            session,
            kind="lesson",
            title=key,
            deliveries=[
                Delivery(s.tg_user_id, s.id, OutgoingMessage(key, Language(s.language), params))
                for s in secretaries
            ],
            dedupe_prefix=prefix,
            now=now,
        )

    # --- studying ------------------------------------------------------------------------------

    async def study(self, actor: Actor, lesson_id: int) -> StudyOutcome:
        """已学习: recorded at once (one hop to the database thread); a quiz follows, and its
        score is added to the record when the last question is answered."""
        person = actor.member(Role.PARTY_MEMBER, "lesson.members_only")
        now = self._clock()

        def work(conn: sqlite3.Connection) -> StudyOutcome:
            desk = StudyDesk(conn)
            lesson = desk.lesson(lesson_id)
            if lesson is None or lesson.status != "sent":
                raise UserFacingError("lesson.not_found", number=lesson_id)
            if not desk.is_recipient(lesson.id, person.id):
                # A member who joined later studies it from /lessons: it reaches them now.
                desk.add_recipient(lesson.id, person.id, now)
            recorded = desk.put_study(lesson.id, person.id, now, len(lesson.quiz))
            if lesson.quiz:
                answered = desk.answered(lesson.id, person.id)
                if answered >= len(lesson.quiz):
                    raise UserFacingError("lesson.already_studied")
                return StudyOutcome(lesson, recorded, answered)
            if not recorded:
                raise UserFacingError("lesson.already_studied")
            return StudyOutcome(lesson, True)

        return await self._db.run_unit(work)

    async def answer(self, actor: Actor, lesson_id: int, question: int, choice: int) -> QuizStep:
        """A quiz answer (pressed once); the last one adds the score to the 已学习 record."""
        person = actor.member(Role.PARTY_MEMBER, "lesson.members_only")
        now = self._clock()
        async with self._db.transaction() as session:
            lesson = await session.lessons.get(lesson_id)
            if lesson is None or lesson.status != "sent" or not 0 <= question < len(lesson.quiz):
                raise UserFacingError("lesson.not_found", number=lesson_id)
            if not await session.lessons.is_recipient(lesson.id, person.id):
                await session.lessons.add_recipients(lesson.id, [person.id], now)
            item = lesson.quiz[question]
            if not 0 <= choice < len(item.options):
                raise UserFacingError("lesson.expired")
            right = choice == item.correct
            if not await session.lesson_studies.put_answer(
                lesson.id, person.id, question, choice, right, now
            ):
                raise UserFacingError("lesson.already_answered")
            answers = await session.lesson_studies.answers(lesson.id, person.id)
            correct = sum(answers.values())
            missing = [i for i in range(len(lesson.quiz)) if i not in answers]
            if not missing:
                await session.lesson_studies.put_score(
                    lesson.id, person.id, correct, len(lesson.quiz), now
                )
        return QuizStep(
            lesson, question, right, missing[0] if missing else None, correct, len(lesson.quiz)
        )

    # --- reminders, make-up, home delivery ---------------------------------------------------

    async def _remind_effect(self, firing: Firing) -> None:
        lesson = await firing.session.lessons.get(int(firing.schedule.payload["lesson_id"]))
        if lesson is not None:
            await self._remind(firing.session, lesson, firing.now)

    async def remind_now(self, actor: Actor, lesson_id: int) -> int:
        """A secretary reminds now, before the deadline; returns how many were reminded.

        Each member is still reminded only once: the reminder at the deadline
        skips those reminded here.
        """
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        now = self._clock()
        async with self._db.transaction() as session:
            lesson = await session.lessons.get(lesson_id)
            if lesson is None or lesson.status != "sent":
                raise UserFacingError("lesson.not_found", number=lesson_id)
            return await self._remind(session, lesson, now)

    async def _remind(self, session: Session, lesson: LessonRow, now: datetime) -> int:
        """Remind, once each, the recipients who have done nothing about the lesson."""
        deliveries = []
        for standing in await session.lessons.standings(lesson.id):
            if standing.outcome != "missing" or standing.reminded:
                continue
            await session.lessons.mark_reminded(lesson.id, standing.person_id, now)
            deliveries.append(
                Delivery(
                    standing.tg_user_id,
                    standing.person_id,
                    reminder_message(lesson, Language(standing.language)),
                )
            )
        if deliveries:
            await queue_push(
                session,
                kind="lesson.remind",
                title=f"微党课 #{lesson.id} 提醒",
                deliveries=deliveries,
                dedupe_prefix=f"lesson-remind:{lesson.id}:{to_db_time(now)}",
                now=now,
            )
        return len(deliveries)

    async def slots(self, lesson_id: int) -> list[SlotRow]:
        """The lesson's make-up slots."""
        async with self._db.read() as session:
            return await session.makeup.slots(lesson_id)

    async def ask_slot(self, actor: Actor, chat_id: int, lesson_id: int) -> LessonRow:
        """Button 添加补课时段: the slot is typed next ("11-20 19:00 党群服务中心 10")."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        lesson = await self.lesson(lesson_id)
        async with self._db.transaction() as session:
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                SLOT_FLOW,
                "slot",
                {"lesson_id": lesson.id},
                self._clock(),
            )
        return lesson

    async def answer_slot(self, actor: Actor, chat_id: int, text: str) -> SlotRow:
        """The typed slot: date, time, place, capacity; it gets a check-in code."""
        person = actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        match = SLOT.match(usertext.line(text))
        at = self._moment(match) if match else None
        if (
            match is None
            or at is None
            or len(match["place"]) > MAX_PLACE
            or not 1 <= int(match["capacity"]) <= 500
        ):
            raise UserFacingError("lesson.slot_bad")
        now = self._clock()
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, SLOT_FLOW, "slot", "lesson.expired"
            )
            lesson_id = int(dialog.data["lesson_id"])
            slot_id = None
            while slot_id is None:
                code = f"{secrets.randbelow(1_000_000):06d}"
                slot_id = await session.makeup.add_slot(
                    lesson_id, at, match["place"], int(match["capacity"]), code, person.id, now
                )
            await session.dialogs.end(chat_id, actor.tg_user_id)
            slot = await session.makeup.slot(slot_id)
        assert slot is not None  # noqa: S101 - just created
        return slot

    async def book(self, actor: Actor, slot_id: int) -> SlotRow:
        """预约补课 in a slot with room left; one booking per member per lesson."""
        person = actor.member(Role.PARTY_MEMBER, "lesson.members_only")
        now = self._clock()
        async with self._db.transaction() as session:
            slot = await session.makeup.slot(slot_id)
            if slot is None:
                raise UserFacingError("lesson.expired")
            standing = await session.lessons.standing(slot.lesson_id, person.id)
            if standing is not None and standing.outcome in ("studied", "makeup", "delivered"):
                raise UserFacingError("lesson.already_studied")
            if slot.starts_at <= now:
                raise UserFacingError("lesson.slot_past")
            if slot.booked >= slot.capacity:
                raise UserFacingError("lesson.slot_full")
            if not await session.makeup.book(slot.id, slot.lesson_id, person.id, now):
                raise UserFacingError("lesson.already_booked")
            booked = await session.makeup.slot(slot.id)
        assert booked is not None  # noqa: S101 - it exists
        return booked

    async def ask_delivery(self, actor: Actor, lesson_id: int) -> list[PersonRow]:
        """送学: the member's grid worker(s) get a task; returns who was told."""
        person = actor.member(Role.PARTY_MEMBER, "lesson.members_only")
        now = self._clock()
        async with self._db.transaction() as session:
            lesson = await session.lessons.get(lesson_id)
            if lesson is None or lesson.status != "sent":
                raise UserFacingError("lesson.not_found", number=lesson_id)
            standing = await session.lessons.standing(lesson.id, person.id)
            if standing is not None and standing.outcome in ("studied", "makeup", "delivered"):
                raise UserFacingError("lesson.already_studied")
            if not await session.home_deliveries.request_delivery(lesson.id, person.id, now):
                raise UserFacingError("lesson.delivery_already")
            workers = [
                w
                for w in await session.people.with_role(Role.GRID_WORKER.value)
                if person.grid_id is not None and w.grid_id == person.grid_id
            ]
            to_tell = workers or await secretaries_to_tell(session, self._settings.community)
            await queue_push(
                session,
                kind="lesson.delivery",
                title=f"送学 #{lesson.id}",
                deliveries=[
                    Delivery(
                        w.tg_user_id,
                        w.id,
                        OutgoingMessage(
                            "lesson.delivery_task",
                            Language(w.language),
                            {
                                "name": person.display_name,
                                "building": person.building or "",
                                "number": lesson.id,
                                "title": lesson.title,
                            },
                            buttons=(
                                (
                                    ButtonSpec(
                                        "lesson.button.delivered",
                                        delivered_callback(lesson.id, person.id),
                                    ),
                                ),
                            ),
                        ),
                    )
                    for w in to_tell
                ],
                dedupe_prefix=f"lesson-delivery:{lesson.id}:{person.id}",
                now=now,
            )
        return to_tell

    async def confirm_delivery(
        self, actor: Actor, chat_id: int, lesson_id: int, person_id: int
    ) -> PersonRow:
        """The grid worker confirms the visit; a photo may follow. Returns the member.

        A secretary may confirm too: the task goes to secretaries when the
        member's grid has no grid worker in the register.
        """
        worker = actor.member(worker_role := delivery_role(actor), REFUSALS[worker_role])
        now = self._clock()
        async with self._db.transaction() as session:
            member = await session.people.by_id(person_id)
            delivery = await session.home_deliveries.delivery(lesson_id, person_id)
            if member is None or delivery is None:
                raise UserFacingError("lesson.expired")
            if not await session.home_deliveries.confirm_delivery(
                lesson_id, person_id, worker.id, now
            ):
                raise UserFacingError("lesson.delivery_done_before")
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                PHOTO_FLOW,
                "photo",
                {"lesson_id": lesson_id, "person_id": person_id},
                now,
            )
        return member

    async def delivery_photo(self, actor: Actor, chat_id: int, file_id: str) -> None:
        """The optional photo of the visit, after confirming it."""
        actor.member(worker_role := delivery_role(actor), REFUSALS[worker_role])
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, PHOTO_FLOW, "photo", "lesson.expired"
            )
            await session.home_deliveries.set_delivery_photo(
                int(dialog.data["lesson_id"]), int(dialog.data["person_id"]), file_id
            )
            await session.dialogs.end(chat_id, actor.tg_user_id)

    async def roster(self, actor: Actor, slot_id: int) -> tuple[SlotRow, list[BookingRow]]:
        """A slot's booked members, for the secretary's attendance list."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        async with self._db.read() as session:
            slot = await session.makeup.slot(slot_id)
            if slot is None:
                raise UserFacingError("lesson.expired")
            return slot, await session.makeup.bookings(slot.id)

    async def toggle_attendance(
        self, actor: Actor, slot_id: int, person_id: int
    ) -> tuple[SlotRow, list[BookingRow]]:
        """The secretary marks (or unmarks) a booked member as present."""
        person = actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        now = self._clock()
        async with self._db.transaction() as session:
            bookings = {b.person_id: b for b in await session.makeup.bookings(slot_id)}
            booking = bookings.get(person_id)
            if booking is None:
                raise UserFacingError("lesson.expired")
            await session.makeup.set_attended(
                slot_id, person_id, booking.attended_at is None, person.id, now
            )
            slot = await session.makeup.slot(slot_id)
            rows = await session.makeup.bookings(slot_id)
        assert slot is not None  # noqa: S101 - it exists
        return slot, rows

    async def check_in(self, actor: Actor, code: str) -> SlotRow:
        """A member at the make-up says the slot's code (补课 123456)."""
        person = actor.member(Role.PARTY_MEMBER, "lesson.members_only")
        now = self._clock()
        async with self._db.transaction() as session:
            slot = await session.makeup.slot_by_code(code)
            if slot is None:
                raise UserFacingError("lesson.code_bad")
            if now < slot.starts_at - timedelta(hours=1) or now > slot.starts_at + timedelta(
                hours=6
            ):
                raise UserFacingError("lesson.code_not_now")
            bookings = {b.person_id: b for b in await session.makeup.bookings(slot.id)}
            booking = bookings.get(person.id)
            if booking is None:
                raise UserFacingError("lesson.not_booked")
            if booking.attended_at is not None:
                raise UserFacingError("lesson.already_checked_in")
            await session.makeup.set_attended(slot.id, person.id, True, person.id, now)
        return slot

    # --- corrections --------------------------------------------------------------------------

    async def ask_fix(self, actor: Actor, chat_id: int, lesson_id: int) -> LessonRow:
        """Button 修改: before sending, the new text; after, a correction that reaches everyone."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        lesson = await self.lesson(lesson_id)
        async with self._db.transaction() as session:
            await session.dialogs.put(
                chat_id, actor.tg_user_id, FIX_FLOW, "text", {"lesson_id": lesson.id}, self._clock()
            )
        return lesson

    async def answer_fix(self, actor: Actor, chat_id: int, text: str) -> tuple[LessonRow, int]:
        """Before sending: "old → new" or a whole new text. After: "old → new" fixes a typo
        and the correction goes to the group and everyone who has the lesson.
        Returns the lesson and how many were told."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        now = self._clock()
        cleaned = clean(text)
        if not cleaned or len(cleaned) > MAX_BODY:
            raise UserFacingError("lesson.fix_bad")
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, FIX_FLOW, "text", "lesson.expired"
            )
            lesson = await session.lessons.get(int(dialog.data["lesson_id"]))
            if lesson is None:
                raise UserFacingError("lesson.expired")
            pair = re.split(r"\s*(?:→|->|=>)\s*", cleaned, maxsplit=1)
            if len(pair) == 2 and pair[0] and len(cleaned) <= MAX_FIX:
                old, new = pair
                if old not in lesson.body:
                    raise UserFacingError("lesson.fix_not_found", old=old)
                body = lesson.body.replace(old, new)
            elif lesson.status == "sent":
                raise UserFacingError("lesson.fix_bad")
            else:
                old, new, body = "", "", cleaned
            told = 0
            if lesson.status == "sent":
                corrections = [*lesson.corrections, f"{old} → {new}"]
                await session.lessons.add_correction(lesson.id, corrections, body, now)
                told = await self._push_correction(session, lesson, old, new, len(corrections), now)
            else:
                await session.lessons.set_body(lesson.id, body, now)
            await session.dialogs.end(chat_id, actor.tg_user_id)
            updated = await session.lessons.get(lesson.id)
        assert updated is not None  # noqa: S101 - it exists
        return updated, told

    async def _push_correction(
        self, session: Session, lesson: LessonRow, old: str, new: str, number: int, now: datetime
    ) -> int:
        standings = await session.lessons.standings(lesson.id)
        groups = await session.chats.posting(ChatKind.MEMBERS.value)
        language = self._settings.community.default_language
        params = {"number": lesson.id, "title": lesson.title, "old": old, "new": new}
        deliveries = [
            Delivery(c.chat_id, None, OutgoingMessage("lesson.correction", language, params))
            for c in groups
        ]
        deliveries += [
            Delivery(
                s.tg_user_id,
                s.person_id,
                OutgoingMessage("lesson.correction", Language(s.language), params),
            )
            for s in standings
        ]
        await queue_push(
            session,
            kind="lesson.correction",
            title=f"微党课 #{lesson.id} 更正",
            deliveries=deliveries,
            dedupe_prefix=f"lesson-fix:{lesson.id}:{number}",
            now=now,
        )
        return len(standings)

    # --- records -------------------------------------------------------------------------------

    async def recent(self, actor: Actor, limit: int = 10) -> list[LessonRow]:
        """/lessons: secretaries see drafts and scheduled ones too; members the sent ones."""
        async with self._db.read() as session:
            return await session.lessons.recent(limit, sent_only=not actor.has(Role.SECRETARY))

    async def my_standing(self, actor: Actor, lesson_id: int) -> MemberStanding | None:
        """The acting member's standing on a lesson (None if not sent to them)."""
        if actor.person is None:
            return None
        async with self._db.read() as session:
            return await session.lessons.standing(lesson_id, actor.person.id)

    async def report(self, actor: Actor, lesson_id: int) -> LessonReport:
        """Per lesson: reached / studied / quiz average / make-up / delivered / missing, by name."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        return await self.report_of(lesson_id)

    async def report_of(self, lesson_id: int) -> LessonReport:
        """The per-lesson report (no role check: for the demo and the summary)."""
        async with self._db.read() as session:
            lesson = await session.lessons.get(lesson_id)
            if lesson is None:
                raise UserFacingError("lesson.not_found", number=lesson_id)
            standings = await session.lessons.standings(lesson_id)
        return LessonReport(lesson, tuple(standings))

    async def member_record(
        self, actor: Actor, person_id: int | None, first: date, last: date
    ) -> MemberRecord:
        """A member's study record over [first, last] (their own, or anyone's for secretaries)."""
        me = actor.person
        if me is None:
            raise UserFacingError("access.not_registered")
        if person_id is not None and person_id != me.id:
            actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        target = person_id if person_id is not None else me.id
        start, end = self._period(first, last)
        async with self._db.read() as session:
            person = await session.people.by_id(target)
            if person is None:
                raise UserFacingError("lesson.expired")
            items = []
            for lesson in await session.lessons.sent_between(start, end):
                standing = await session.lessons.standing(lesson.id, target)
                if standing is not None:
                    items.append((lesson, standing))
        return MemberRecord(person, first, last, tuple(items))

    def _period(self, first: date, last: date) -> tuple[datetime, datetime]:
        midnight = datetime.min.time()
        return (
            to_utc(local_moment(first, midnight, self._tz)),
            to_utc(local_moment(last + timedelta(days=1), midnight, self._tz)),
        )

    async def export_sheets(
        self, actor: Actor, first: date, last: date, language: Language
    ) -> list[Sheet]:
        """The committee's records of lessons sent in [first, last]: per lesson and per member."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        return await self.sheets(first, last, language)

    async def sheets(self, first: date, last: date, language: Language) -> list[Sheet]:
        """Per-lesson and per-member sheets for the export (headers in ``language``)."""
        start, end = self._period(first, last)
        async with self._db.read() as session:
            lessons = await session.lessons.sent_between(start, end)
            reports = [
                LessonReport(lesson, tuple(await session.lessons.standings(lesson.id)))
                for lesson in lessons
            ]

        def header(name: str) -> str:
            return translate(language, f"lesson.export.{name}")

        summary_rows = []
        member_rows = []
        # Per member over the period: name -> reached, studied, make-up, delivered, missing.
        per_member: dict[int, list[Any]] = {}
        for report in reports:
            for s in report.standings:
                tally = per_member.setdefault(s.person_id, [s.display_name, 0, 0, 0, 0, 0])
                tally[1] += 1
                column = {"studied": 2, "makeup": 3, "delivered": 4}.get(s.outcome, 5)
                tally[column] += 1
        for report in reports:
            lesson = report.lesson
            counts = report.counts()
            sent_at = (
                local(lesson.sent_at, self._tz).strftime("%Y-%m-%d %H:%M") if lesson.sent_at else ""
            )
            average = report.quiz_average
            summary_rows.append(
                (
                    lesson.id,
                    lesson.title,
                    sent_at,
                    counts["reached"],
                    counts["studied"],
                    "" if average is None else f"{average}%",
                    counts["makeup"],
                    counts["delivered"],
                    counts["missing"],
                )
            )
            for s in report.standings:
                when = s.studied_at or s.attended_at or s.delivered_at
                member_rows.append(
                    (
                        lesson.id,
                        lesson.title,
                        s.display_name,
                        translate(language, f"lesson.outcome.{s.outcome}"),
                        local(when, self._tz).strftime("%Y-%m-%d %H:%M") if when else "",
                        f"{s.correct}/{s.questions}"
                        if s.studied_at and s.correct is not None
                        else "",
                        s.delivered_by or "",
                    )
                )
        return [
            Sheet(
                "lessons",
                header("lessons_title"),
                tuple(
                    header(h)
                    for h in (
                        "number",
                        "title",
                        "sent_at",
                        "reached",
                        "studied",
                        "quiz",
                        "makeup",
                        "delivered",
                        "missing",
                    )
                ),
                tuple(summary_rows),
            ),
            Sheet(
                "study",
                header("study_title"),
                tuple(
                    header(h)
                    for h in (
                        "number",
                        "title",
                        "member",
                        "outcome",
                        "when",
                        "score",
                        "delivered_by",
                    )
                ),
                tuple(member_rows),
            ),
            Sheet(
                "members",
                header("members_title"),
                tuple(
                    header(h)
                    for h in ("member", "reached", "studied", "makeup", "delivered", "missing")
                ),
                tuple(
                    tuple(tally)
                    for tally in sorted(per_member.values(), key=lambda row: str(row[0]))
                ),
            ),
        ]

    async def _summary_effect(self, firing: Firing) -> None:
        """The monthly summary for secretaries: the lessons of the month before."""
        event = local(firing.event_at or firing.now, self._tz).date()
        last = event.replace(day=1) - timedelta(days=1)
        first = last.replace(day=1)
        start, end = self._period(first, last)
        session = firing.session
        lessons = await session.lessons.sent_between(start, end)
        lines = []
        for lesson in lessons:
            counts = LessonReport(
                lesson, tuple(await session.lessons.standings(lesson.id))
            ).counts()
            done = counts["studied"] + counts["makeup"] + counts["delivered"]
            lines.append(f"#{lesson.id} {lesson.title}: {done}/{counts['reached']}")
        await self._to_secretaries(
            session,
            "lesson.monthly_summary",
            f"lesson-summary:{first.isoformat()}",
            firing.now,
            month=first.strftime("%Y-%m"),
            count=len(lessons),
            lines="\n".join(lines) or "-",
        )
