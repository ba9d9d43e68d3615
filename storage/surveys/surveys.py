"""Surveys (民意测评): the survey rows, their recipients and the answers.

An anonymous survey's answers carry a keyed hash as ``respondent`` and no
person id (bot/surveys/answering.py says how); a named survey's carry
``p<person id>`` and the person id, so /export lists them and /forget
removes them (ON DELETE CASCADE). Every statement is scoped to the current
community (storage/scope.py): a survey id of another community finds nothing.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.migrations.numbering import next_number
from storage.scope import community_id
from storage.times import from_db_time, to_db_time


@dataclass(frozen=True)
class SurveyRow:
    """A sent survey: its questions, audience, closing and (once published) the response."""

    id: int
    title: str
    subject: str
    questions: tuple[dict[str, Any], ...]
    audience: dict[str, Any]
    anonymous: bool
    salt: str | None
    created_by: int | None
    sent_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    schedule_id: int | None
    response: str | None
    response_by: int | None
    response_at: datetime | None
    #: What people call it (问卷 #3): counted within the community, unlike ``id``.
    number: int = 0

    @property
    def is_open(self) -> bool:
        """Whether answers can still be given or changed."""
        return self.closed_at is None


@dataclass(frozen=True)
class AnswerRow:
    """One answer: the question's number, the options chosen (or the scale point), or text."""

    question: int
    respondent: str
    choice: tuple[int, ...] | None
    text: str | None


def _time(value: str | None) -> datetime | None:
    return from_db_time(value) if value else None


def _survey(row: sqlite3.Row) -> SurveyRow:
    return SurveyRow(
        id=row["id"],
        title=row["title"],
        subject=row["subject"],
        questions=tuple(json.loads(row["questions"])),
        audience=dict(json.loads(row["audience"])),
        anonymous=bool(row["anonymous"]),
        salt=row["salt"],
        created_by=row["created_by"],
        sent_at=from_db_time(row["sent_at"]),
        closes_at=from_db_time(row["closes_at"]),
        closed_at=_time(row["closed_at"]),
        schedule_id=row["schedule_id"],
        response=row["response"],
        response_by=row["response_by"],
        response_at=_time(row["response_at"]),
        number=int(row["number"]),
    )


class SurveysRepository:
    """Queries on ``surveys``, ``survey_recipients`` and ``survey_answers``."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def create(
        self,
        *,
        title: str,
        subject: str,
        questions: list[dict[str, Any]],
        audience: dict[str, Any],
        anonymous: bool,
        salt: str | None,
        created_by: int | None,
        closes_at: datetime,
        now: datetime,
    ) -> int:
        """Add a sent survey, numbered next in its community; returns its id."""
        cid = community_id()
        cur = await self._conn.execute(
            "INSERT INTO surveys (title, subject, questions, audience, anonymous, salt,"
            " created_by, sent_at, closes_at, community_id, number)"
            f" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, {next_number('surveys')})",
            (
                title,
                subject,
                json.dumps(questions, ensure_ascii=False),
                json.dumps(audience, ensure_ascii=False),
                int(anonymous),
                salt,
                created_by,
                to_db_time(now),
                to_db_time(closes_at),
                cid,
                cid,
            ),
        )
        assert cur.lastrowid is not None  # noqa: S101 - an INSERT always has one
        return cur.lastrowid

    async def get(self, survey_id: int) -> SurveyRow | None:
        """The survey, or None."""
        async with self._conn.execute(
            "SELECT * FROM surveys WHERE id = ? AND community_id = ?", (survey_id, community_id())
        ) as cur:
            row = await cur.fetchone()
        return _survey(row) if row else None

    async def latest(self, limit: int) -> list[SurveyRow]:
        """The most recent surveys, newest first."""
        async with self._conn.execute(
            "SELECT * FROM surveys WHERE community_id = ? ORDER BY id DESC LIMIT ?",
            (community_id(), limit),
        ) as cur:
            return [_survey(row) for row in await cur.fetchall()]

    async def open_for(self, person_id: int) -> list[SurveyRow]:
        """The open surveys sent to the person, the first to close first (/mine)."""
        async with self._conn.execute(
            "SELECT s.* FROM surveys s JOIN survey_recipients r ON r.survey_id = s.id"
            " WHERE r.person_id = ? AND s.community_id = ? AND s.closed_at IS NULL"
            " ORDER BY s.closes_at, s.id",
            (person_id, community_id()),
        ) as cur:
            return [_survey(row) for row in await cur.fetchall()]

    async def sent_between(self, start: datetime, end: datetime) -> list[SurveyRow]:
        """The surveys sent in [start, end), oldest first (the ledger)."""
        async with self._conn.execute(
            "SELECT * FROM surveys WHERE sent_at >= ? AND sent_at < ? AND community_id = ?"
            " ORDER BY id",
            (to_db_time(start), to_db_time(end), community_id()),
        ) as cur:
            return [_survey(row) for row in await cur.fetchall()]

    async def set_schedule(self, survey_id: int, schedule_id: int) -> None:
        """The schedule that closes the survey."""
        await self._conn.execute(
            "UPDATE surveys SET schedule_id = ? WHERE id = ? AND community_id = ?",
            (schedule_id, survey_id, community_id()),
        )

    async def close(self, survey_id: int, now: datetime) -> bool:
        """Close the survey and erase its key secret; False if it was closed already."""
        cur = await self._conn.execute(
            "UPDATE surveys SET closed_at = ?, salt = NULL"
            " WHERE id = ? AND community_id = ? AND closed_at IS NULL",
            (to_db_time(now), survey_id, community_id()),
        )
        return cur.rowcount > 0

    async def set_response(
        self, survey_id: int, response: str, person_id: int | None, now: datetime
    ) -> None:
        """The committee's response (what will be done), published with the results."""
        await self._conn.execute(
            "UPDATE surveys SET response = ?, response_by = ?, response_at = ?"
            " WHERE id = ? AND community_id = ?",
            (response, person_id, to_db_time(now), survey_id, community_id()),
        )

    async def resident_buildings(self) -> list[str]:
        """The buildings residents gave when registering, in order (the builder's audience)."""
        async with self._conn.execute(
            "SELECT DISTINCT p.building FROM people p JOIN person_roles r ON r.person_id = p.id"
            " WHERE r.role = 'resident' AND p.building IS NOT NULL AND p.building != ''"
            " AND p.community_id = ? ORDER BY p.building",
            (community_id(),),
        ) as cur:
            return [str(row[0]) for row in await cur.fetchall()]

    # --- recipients -----------------------------------------------------------------------

    async def add_recipients(self, survey_id: int, person_ids: list[int]) -> None:
        """Who the survey was sent to."""
        cid = community_id()
        await self._conn.executemany(
            "INSERT OR IGNORE INTO survey_recipients (survey_id, person_id, community_id)"
            " VALUES (?, ?, ?)",
            [(survey_id, person_id, cid) for person_id in person_ids],
        )

    async def recipients(self, survey_id: int) -> list[int]:
        """The ids of the people the survey was sent to."""
        async with self._conn.execute(
            "SELECT person_id FROM survey_recipients WHERE survey_id = ? AND community_id = ?"
            " ORDER BY person_id",
            (survey_id, community_id()),
        ) as cur:
            return [int(row[0]) for row in await cur.fetchall()]

    async def is_recipient(self, survey_id: int, person_id: int) -> bool:
        """Whether the survey was sent to the person."""
        async with self._conn.execute(
            "SELECT 1 FROM survey_recipients WHERE survey_id = ? AND person_id = ?"
            " AND community_id = ?",
            (survey_id, person_id, community_id()),
        ) as cur:
            return await cur.fetchone() is not None

    # --- answers --------------------------------------------------------------------------

    async def put_answer(
        self,
        survey_id: int,
        question: int,
        respondent: str,
        person_id: int | None,
        *,
        choice: tuple[int, ...] | None = None,
        text: str | None = None,
    ) -> bool:
        """Record or replace one answer; True if it replaced an earlier one."""
        cid = community_id()
        async with self._conn.execute(
            "SELECT 1 FROM survey_answers WHERE survey_id = ? AND question = ? AND respondent = ?"
            " AND community_id = ?",
            (survey_id, question, respondent, cid),
        ) as cur:
            existed = await cur.fetchone() is not None
        await self._conn.execute(
            "INSERT INTO survey_answers (survey_id, question, respondent, person_id, choice, text,"
            " community_id) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (survey_id, question,"
            " respondent) DO UPDATE SET choice = excluded.choice, text = excluded.text"
            " WHERE survey_answers.community_id = excluded.community_id",
            (
                survey_id,
                question,
                respondent,
                person_id,
                None if choice is None else json.dumps(list(choice)),
                text,
                cid,
            ),
        )
        return existed

    async def answer_of(self, survey_id: int, question: int, respondent: str) -> AnswerRow | None:
        """One respondent's answer to one question, or None."""
        async with self._conn.execute(
            "SELECT question, respondent, choice, text FROM survey_answers"
            " WHERE survey_id = ? AND question = ? AND respondent = ? AND community_id = ?",
            (survey_id, question, respondent, community_id()),
        ) as cur:
            row = await cur.fetchone()
        return _answer(row) if row else None

    async def answers(self, survey_id: int) -> list[AnswerRow]:
        """Every answer of the survey, by question and respondent key."""
        async with self._conn.execute(
            "SELECT question, respondent, choice, text FROM survey_answers"
            " WHERE survey_id = ? AND community_id = ? ORDER BY question, respondent",
            (survey_id, community_id()),
        ) as cur:
            return [_answer(row) for row in await cur.fetchall()]

    async def answered_counts(self, survey_id: int) -> dict[str, int]:
        """Respondent key -> how many questions they have answered."""
        async with self._conn.execute(
            "SELECT respondent, count(*) FROM survey_answers WHERE survey_id = ?"
            " AND community_id = ? GROUP BY respondent",
            (survey_id, community_id()),
        ) as cur:
            return {str(row[0]): int(row[1]) for row in await cur.fetchall()}

    async def person_record(self, person_id: int) -> dict[str, Any]:
        """The export: surveys received, named answers given, surveys written and answered."""

        async def rows(sql: str) -> list[dict[str, Any]]:
            async with self._conn.execute(sql, (person_id, community_id())) as cur:
                return [dict(row) for row in await cur.fetchall()]

        answers = await rows(
            "SELECT a.survey_id, s.title, a.question, a.choice, a.text FROM survey_answers a"
            " JOIN surveys s ON s.id = a.survey_id WHERE a.person_id = ? AND a.community_id = ?"
            " ORDER BY a.survey_id, a.question"
        )
        for answer in answers:
            if answer["choice"] is not None:
                answer["choice"] = json.loads(answer["choice"])
        return {
            "received": await rows(
                "SELECT r.survey_id, s.title, s.sent_at FROM survey_recipients r"
                " JOIN surveys s ON s.id = r.survey_id WHERE r.person_id = ?"
                " AND r.community_id = ? ORDER BY r.survey_id"
            ),
            "answers": answers,
            "created": await rows(
                "SELECT id, title, sent_at FROM surveys WHERE created_by = ? AND community_id = ?"
                " ORDER BY id"
            ),
            "responses_written": await rows(
                "SELECT id, title, response, response_at FROM surveys"
                " WHERE response_by = ? AND community_id = ? ORDER BY id"
            ),
        }


def _answer(row: sqlite3.Row) -> AnswerRow:
    choice = row["choice"]
    return AnswerRow(
        question=int(row["question"]),
        respondent=str(row["respondent"]),
        choice=None if choice is None else tuple(int(index) for index in json.loads(choice)),
        text=row["text"],
    )
