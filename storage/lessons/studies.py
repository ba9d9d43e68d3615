"""Micro Party lessons (微党课): the study record (已学习) and quiz answers.

``session.lesson_studies`` (:class:`StudiesRepository`) is the async side;
:class:`StudyDesk` holds the 已学习 statements synchronously for
``Database.run_unit`` (the hot path a benchmark compares with plain sqlite3). It
shares its SQL with the repositories. Every statement is scoped to a community: the
repository's to the current one (storage/scope.py), the desk's to the one it is
given, since context variables do not reach the database's thread.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

import aiosqlite

from storage.lessons.lessons import ADD_RECIPIENT, GET_LESSON, IS_RECIPIENT
from storage.lessons.rows import (
    LessonRow,
    StudyRow,
    lesson_row,
    study_row,
)
from storage.scope import community_id
from storage.times import to_db_time

_GET_STUDY = (
    "SELECT lesson_id, person_id, studied_at, correct, questions FROM lesson_studies"
    " WHERE lesson_id = ? AND person_id = ? AND community_id = ?"
)
_PUT_STUDY = (
    "INSERT INTO lesson_studies (lesson_id, person_id, studied_at, correct, questions,"
    " community_id) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (lesson_id, person_id) DO NOTHING"
)
#: The quiz score, added to the 已学习 record (made now if 已学习 was never pressed).
_PUT_SCORE = (
    "INSERT INTO lesson_studies (lesson_id, person_id, studied_at, correct, questions,"
    " community_id) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (lesson_id, person_id) DO UPDATE SET"
    " correct = excluded.correct, questions = excluded.questions"
    " WHERE lesson_studies.community_id = excluded.community_id"
)
_COUNT_ANSWERS = (
    "SELECT count(*) FROM lesson_answers WHERE lesson_id = ? AND person_id = ? AND community_id = ?"
)


class StudiesRepository:
    """Who studied which lesson (已学习), their quiz answers and score."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def study(self, lesson_id: int, person_id: int) -> StudyRow | None:
        """The person's study record of the lesson, or None."""
        async with self._conn.execute(_GET_STUDY, (lesson_id, person_id, community_id())) as cur:
            row = await cur.fetchone()
        return study_row(row) if row else None

    async def put_score(
        self, lesson_id: int, person_id: int, correct: int, questions: int, now: datetime
    ) -> None:
        """The quiz score, added to the 已学习 record (kept from when it was pressed)."""
        await self._conn.execute(
            _PUT_SCORE,
            (lesson_id, person_id, to_db_time(now), correct, questions, community_id()),
        )

    async def put_answer(
        self,
        lesson_id: int,
        person_id: int,
        question: int,
        choice: int,
        correct: bool,
        now: datetime,
    ) -> bool:
        """A quiz answer; False if that question was answered before."""
        cur = await self._conn.execute(
            "INSERT INTO lesson_answers (lesson_id, person_id, question, choice, correct, at,"
            " community_id) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (
                lesson_id,
                person_id,
                question,
                choice,
                int(correct),
                to_db_time(now),
                community_id(),
            ),
        )
        return cur.rowcount == 1

    async def answers(self, lesson_id: int, person_id: int) -> dict[int, bool]:
        """The person's answers so far: question -> answered correctly."""
        async with self._conn.execute(
            "SELECT question, correct FROM lesson_answers WHERE lesson_id = ? AND person_id = ?"
            " AND community_id = ?",
            (lesson_id, person_id, community_id()),
        ) as cur:
            rows = await cur.fetchall()
        return {int(row["question"]): bool(row["correct"]) for row in rows}


class StudyDesk:
    """The 已学习 statements, synchronous, for one hop to the writer's thread, in the
    community ``community`` (the async caller's :func:`~storage.scope.community_id`)."""

    def __init__(self, conn: sqlite3.Connection, community: int) -> None:
        self._conn = conn
        self._community = community

    def lesson(self, lesson_id: int) -> LessonRow | None:
        """The lesson, or None."""
        row = self._conn.execute(GET_LESSON, (lesson_id, self._community)).fetchone()
        return lesson_row(row) if row else None

    def is_recipient(self, lesson_id: int, person_id: int) -> bool:
        """Whether the lesson was sent to the person."""
        row = self._conn.execute(IS_RECIPIENT, (lesson_id, person_id, self._community))
        return row.fetchone() is not None

    def put_study(self, lesson_id: int, person_id: int, now: datetime, questions: int) -> bool:
        """Record 已学习 (a quiz's score comes later); False if recorded before."""
        cur = self._conn.execute(
            _PUT_STUDY,
            (lesson_id, person_id, to_db_time(now), None, questions, self._community),
        )
        return cur.rowcount == 1

    def add_recipient(self, lesson_id: int, person_id: int, now: datetime) -> None:
        """The lesson reaches a member who joined after it was sent."""
        self._conn.execute(ADD_RECIPIENT, (lesson_id, person_id, to_db_time(now), self._community))

    def answered(self, lesson_id: int, person_id: int) -> int:
        """How many quiz questions the person answered."""
        row = self._conn.execute(_COUNT_ANSWERS, (lesson_id, person_id, self._community)).fetchone()
        return int(row[0]) if row else 0
