"""Micro Party lessons (微党课): 已学习 and the quiz — the study record a member makes
by pressing the button under a lesson, and the score of its quiz.
"""

from __future__ import annotations

import sqlite3

from bot.community.register import Actor, Role
from bot.errors import UserFacingError
from bot.lessons.context import LessonContext
from bot.lessons.results import QuizStep, StudyOutcome
from storage.lessons.studies import StudyDesk
from storage.scope import community_id


class LessonStudying:
    """A member studies a lesson and answers its quiz."""

    def __init__(self, ctx: LessonContext) -> None:
        self._ctx = ctx

    async def study(self, actor: Actor, lesson_id: int) -> StudyOutcome:
        """已学习: recorded at once (one hop to the database thread); a quiz follows, and its
        score is added to the record when the last question is answered."""
        person = actor.member(Role.PARTY_MEMBER, "lesson.members_only")
        now = self._ctx.clock()
        # The database's thread does not see this task's community: it is passed in.
        cid = community_id()

        def work(conn: sqlite3.Connection) -> StudyOutcome:
            desk = StudyDesk(conn, cid)
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

        return await self._ctx.db.run_unit(work)

    async def answer(self, actor: Actor, lesson_id: int, question: int, choice: int) -> QuizStep:
        """A quiz answer (pressed once); the last one adds the score to the 已学习 record."""
        person = actor.member(Role.PARTY_MEMBER, "lesson.members_only")
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
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
