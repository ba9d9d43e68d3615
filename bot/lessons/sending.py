"""Micro Party lessons (微党课): when and to whom a lesson is sent, and the push.

A newcomer's map of the ``lesson.push`` schedule: it is created here (``_schedule``:
at the next Party day or a typed time), its effect and its describer are registered
here (``LessonSending.__init__``), and the effect pushes the lesson (``push``) in
the firing's transaction. "现在发送" pushes at once. The push also tells the
secretaries of members who missed lessons in a row, and schedules the lesson's one
reminder (reminders.py).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot import spoken
from bot.community.register import Actor, ChatKind, Role
from bot.config import Language
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from bot.lessons.context import LessonContext
from bot.lessons.messages import lesson_messages
from bot.lessons.reminders import LessonReminders
from bot.lessons.results import Planned
from bot.lessons.rules import REFUSALS, WHEN, WHEN_FLOW
from bot.runtime.outbox import Delivery, PushReport, queue_push
from bot.runtime.scheduler import Firing
from storage.community.people import PersonRow
from storage.lessons.rows import LessonRow
from storage.runtime.schedules import ScheduleRow
from storage.session import Session
from storage.times import to_db_time


class LessonSending:
    """When and to whom a lesson goes, and the push itself."""

    def __init__(self, ctx: LessonContext, reminders: LessonReminders) -> None:
        self._ctx = ctx
        self._reminders = reminders
        ctx.scheduler.register_effect("lesson.push", self._push_effect)
        ctx.scheduler.register_describer("lesson.push", self._describe_schedule)

    async def _describe_schedule(self, session: Session, schedule: ScheduleRow) -> dict[str, Any]:
        """A lesson's push is named by the lesson's title (and /upcoming says why a
        Party day lesson's date moved, from ``calendar_event``)."""
        lesson_id = int(schedule.payload["lesson_id"])
        lesson = await session.lessons.get(lesson_id)
        facts: dict[str, Any] = {"title": lesson.title if lesson is not None else f"#{lesson_id}"}
        if lesson is not None and lesson.party_day:
            facts["calendar_event"] = "party_day"
        return facts

    async def _editable(self, session: Session, lesson_id: int) -> LessonRow:
        lesson = await session.lessons.get(lesson_id)
        if lesson is None:
            raise UserFacingError("lesson.not_found", number=lesson_id)
        if lesson.status == "sent":
            raise UserFacingError("lesson.already_sent", number=lesson.number)
        return lesson

    def next_party_day(self) -> tuple[datetime, date, bool]:
        """The next Party day: when, its configured date, and whether it floated."""
        day = self._ctx.scheduler.calendar.next_party_day(self._ctx.clock())
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
        async with self._ctx.db.transaction() as session:
            await self._editable(session, lesson_id)
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                WHEN_FLOW,
                "at",
                {"lesson_id": lesson_id},
                self._ctx.clock(),
            )

    def parse_when(self, text: str) -> datetime:
        """ "11-20 19:30" or "2026-11-20 19:30", community time, in the future."""
        match = WHEN.match(" ".join(text.split()))
        at = self._ctx.moment(match) if match else None
        if at is None or at <= self._ctx.clock():
            raise UserFacingError("lesson.when_bad")
        return at

    async def answer_when(self, actor: Actor, chat_id: int, text: str) -> Planned:
        """The typed date and time; the lesson is scheduled for it."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        at = self.parse_when(text)
        async with self._ctx.db.read() as session:
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
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            lesson = await self._editable(session, lesson_id)
            if lesson.schedule_id is not None:
                await session.schedules.set_next_due(lesson.schedule_id, None, now)
            schedule_id, due = await self._ctx.scheduler.create_in(
                session,
                kind="lesson.push",
                title=f"微党课 #{lesson.number} {lesson.title}",
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
            self._ctx.scheduler.arm(schedule_id, due)
        assert scheduled is not None  # noqa: S101 - it exists
        return Planned(scheduled, at)

    async def send_now(self, actor: Actor, lesson_id: int, report_chat_id: int) -> Planned:
        """Send the lesson at once; the secretary sees the push's progress."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            lesson = await self._editable(session, lesson_id)
            if lesson.schedule_id is not None:
                await session.schedules.set_next_due(lesson.schedule_id, None, now)
            report = PushReport(actor.person_id, report_chat_id, actor.language)
            recipients = await self.push(session, lesson, now, report=report)
            sent = await session.lessons.get(lesson.id)
        assert sent is not None  # noqa: S101 - it exists
        return Planned(sent, now, recipients=recipients)

    async def party_members(self) -> list[PersonRow]:
        """Every party member in the register, by name (to choose an audience)."""
        async with self._ctx.db.read() as session:
            members = await session.people.with_role(Role.PARTY_MEMBER.value)
        return sorted(members, key=lambda p: (p.display_name, p.id))

    async def toggle_audience(
        self, actor: Actor, lesson_id: int, person_id: int | None
    ) -> LessonRow:
        """Choose who gets the lesson: None resets to every party member; a person toggles."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
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

    async def _push_effect(self, firing: Firing) -> None:
        lesson = await firing.session.lessons.get(int(firing.schedule.payload["lesson_id"]))
        if lesson is None or lesson.status == "sent" or lesson.schedule_id != firing.schedule.id:
            return
        await self.push(firing.session, lesson, firing.now)

    async def push(
        self,
        session: Session,
        lesson: LessonRow,
        now: datetime,
        *,
        report: PushReport | None = None,
    ) -> int:
        """Push the lesson now, in this unit of work, to the members' group and each member of
        its audience, and schedule its reminder; returns the members reached."""
        members = await session.people.with_role(Role.PARTY_MEMBER.value)
        if lesson.audience is not None:
            chosen = set(lesson.audience)
            members = [m for m in members if m.id in chosen]
        await self._missed_streaks(session, members, now)
        push_id = await self._queue(session, lesson, members, now, report)
        await session.lessons.add_recipients(lesson.id, [m.id for m in members], now)
        if not await session.lessons.mark_sent(lesson.id, push_id, now):
            raise UserFacingError("lesson.already_sent", number=lesson.number)
        await self._reminders.schedule(session, lesson, now)
        return len(members)

    async def _queue(
        self,
        session: Session,
        lesson: LessonRow,
        members: list[PersonRow],
        now: datetime,
        report: PushReport | None,
    ) -> int:
        """Queue the lesson's messages for the members' group and ``members``; the push's id."""
        groups = await session.chats.posting(ChatKind.MEMBERS.value)
        language = self._ctx.settings.community.default_language
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
            title=f"微党课 #{lesson.number} {lesson.title}",
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
        return push_id

    async def _missed_streaks(
        self, session: Session, members: list[PersonRow], now: datetime
    ) -> None:
        """Tell secretaries who has just missed ``missed_in_a_row`` lessons in a row."""
        limit = self._ctx.settings.lessons.missed_in_a_row
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
            await self._ctx.to_secretaries(
                session,
                "lesson.missed_streak",
                f"lesson-streak:{to_db_time(now)}",
                now,
                count=limit,
                names=spoken.names(self._ctx.settings.community.default_language, names),
            )
