"""Micro Party lessons (微党课): the records — the list of lessons, one lesson, a
member's own standing, the per-lesson report, a member's study record over a
period, and the committee's export (sheets.py builds its sheets).
"""

from __future__ import annotations

from datetime import date

from bot.community.register import Actor, Role
from bot.config import Language
from bot.errors import UserFacingError
from bot.lessons.context import LessonContext
from bot.lessons.results import LessonReport, MemberRecord
from bot.lessons.rules import REFUSALS
from bot.lessons.sheets import lesson_sheets
from bot.spreadsheets import Sheet
from storage.lessons.rows import LessonRow, MemberStanding


class LessonRecords:
    """What was sent and who studied it, for members and secretaries."""

    def __init__(self, ctx: LessonContext) -> None:
        self._ctx = ctx

    async def lesson(self, lesson_id: int) -> LessonRow:
        """The lesson, or a short refusal."""
        return await self._ctx.lesson(lesson_id)

    async def recent(self, actor: Actor, limit: int = 10) -> list[LessonRow]:
        """/lessons: secretaries see drafts and scheduled ones too; members the sent ones."""
        async with self._ctx.db.read() as session:
            return await session.lessons.recent(limit, sent_only=not actor.has(Role.SECRETARY))

    async def my_standing(self, actor: Actor, lesson_id: int) -> MemberStanding | None:
        """The acting member's standing on a lesson (None if not sent to them)."""
        if actor.person is None:
            return None
        async with self._ctx.db.read() as session:
            return await session.lessons.standing(lesson_id, actor.person.id)

    async def report(self, actor: Actor, lesson_id: int) -> LessonReport:
        """Per lesson: reached / studied / quiz average / make-up / delivered / missing, by name."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        return await self.report_of(lesson_id)

    async def report_by_number(self, actor: Actor, number: int) -> LessonReport:
        """The per-lesson report of the community's lesson #``number``, as a secretary types
        it (/lessonreport 3: numbers are counted per community, ids are not)."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        async with self._ctx.db.read() as session:
            lesson = await session.lessons.by_number(number)
            if lesson is None:
                raise UserFacingError("lesson.not_found", number=number)
            standings = await session.lessons.standings(lesson.id)
        return LessonReport(lesson, tuple(standings), self._ctx.late_after)

    async def report_of(self, lesson_id: int) -> LessonReport:
        """The per-lesson report (no role check: for the demo and the summary)."""
        async with self._ctx.db.read() as session:
            lesson = await session.lessons.get(lesson_id)
            if lesson is None:
                raise UserFacingError("lesson.not_found", number=lesson_id)
            standings = await session.lessons.standings(lesson.id)
        return LessonReport(lesson, tuple(standings), self._ctx.late_after)

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
        start, end = self._ctx.period(first, last)
        async with self._ctx.db.read() as session:
            person = await session.people.by_id(target)
            if person is None:
                raise UserFacingError("lesson.expired")
            items = []
            for lesson in await session.lessons.sent_between(start, end):
                standing = await session.lessons.standing(lesson.id, target)
                if standing is not None:
                    items.append((lesson, standing))
        return MemberRecord(person, first, last, tuple(items), self._ctx.late_after)

    async def export_sheets(
        self, actor: Actor, first: date, last: date, language: Language
    ) -> list[Sheet]:
        """The committee's records of lessons sent in [first, last]: per lesson and per member."""
        actor.member(Role.SECRETARY, REFUSALS[Role.SECRETARY])
        return await self.sheets(first, last, language)

    async def sheets(self, first: date, last: date, language: Language) -> list[Sheet]:
        """Per-lesson and per-member sheets for the export (headers in ``language``)."""
        start, end = self._ctx.period(first, last)
        async with self._ctx.db.read() as session:
            lessons = await session.lessons.sent_between(start, end)
            reports = [
                LessonReport(
                    lesson, tuple(await session.lessons.standings(lesson.id)), self._ctx.late_after
                )
                for lesson in lessons
            ]

        return lesson_sheets(reports, language, self._ctx.tz)
