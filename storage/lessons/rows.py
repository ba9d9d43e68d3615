"""Micro Party lessons (微党课): the rows the lesson repositories return, and how each
is read from its table row (all tables from migration 5)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.times import from_db_time


def optional_time(text: str | None) -> datetime | None:
    """A stored moment, or None for an empty column."""
    return from_db_time(text) if text else None


@dataclass(frozen=True)
class QuizQuestion:
    """One single-choice question: its options, the correct one, and why."""

    question: str
    options: tuple[str, ...]
    correct: int
    explanation: str

    def to_json(self) -> dict[str, Any]:
        """As stored in ``lessons.quiz``."""
        return {
            "question": self.question,
            "options": list(self.options),
            "correct": self.correct,
            "explanation": self.explanation,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> QuizQuestion:
        """Read one back from ``lessons.quiz`` (or a draft's dialog data)."""
        return cls(
            question=str(data["question"]),
            options=tuple(str(o) for o in data["options"]),
            correct=int(data["correct"]),
            explanation=str(data.get("explanation") or ""),
        )


@dataclass(frozen=True)
class Attachment:
    """A file sent to the bot, kept by its Telegram file id."""

    kind: str  # photo | document | audio | video
    file_id: str


@dataclass(frozen=True)
class LessonRow:
    """One lesson."""

    id: int
    title: str
    body: str
    link: str | None
    attachments: tuple[Attachment, ...]
    quiz: tuple[QuizQuestion, ...]
    audience: tuple[int, ...] | None  # None: every party member
    status: str  # draft | scheduled | sent
    send_at: datetime | None
    party_day: bool
    schedule_id: int | None
    sent_at: datetime | None
    push_id: int | None
    corrections: tuple[str, ...]
    created_by: int | None
    created_at: datetime
    #: What people call it (微党课 #3): counted within the community, unlike ``id``.
    number: int = 0

    @property
    def photo(self) -> str | None:
        """The first photo's file id, shown with the lesson."""
        return next((a.file_id for a in self.attachments if a.kind == "photo"), None)


def lesson_row(row: sqlite3.Row) -> LessonRow:
    """A ``LessonRow`` from its query row."""
    audience = json.loads(row["audience"]) if row["audience"] else None
    return LessonRow(
        id=row["id"],
        title=row["title"],
        body=row["body"],
        link=row["link"],
        attachments=tuple(
            Attachment(str(a["kind"]), str(a["file_id"])) for a in json.loads(row["attachments"])
        ),
        quiz=tuple(QuizQuestion.from_json(q) for q in json.loads(row["quiz"])),
        audience=tuple(int(i) for i in audience) if audience is not None else None,
        status=row["status"],
        send_at=optional_time(row["send_at"]),
        party_day=bool(row["party_day"]),
        schedule_id=row["schedule_id"],
        sent_at=optional_time(row["sent_at"]),
        push_id=row["push_id"],
        corrections=tuple(str(c) for c in json.loads(row["corrections"])),
        created_by=row["created_by"],
        created_at=from_db_time(row["created_at"]),
        number=int(row["number"]),
    )


@dataclass(frozen=True)
class StudyRow:
    """A member's 已学习 with the quiz score (``correct`` of ``questions``)."""

    lesson_id: int
    person_id: int
    studied_at: datetime
    correct: int | None
    questions: int


@dataclass(frozen=True)
class SlotRow:
    """A make-up slot and how many booked it."""

    id: int
    lesson_id: int
    starts_at: datetime
    place: str
    capacity: int
    code: str
    booked: int


@dataclass(frozen=True)
class BookingRow:
    """A member's make-up booking."""

    slot_id: int
    lesson_id: int
    person_id: int
    display_name: str
    booked_at: datetime
    attended_at: datetime | None


@dataclass(frozen=True)
class DeliveryRow:
    """A home delivery (送学) of a lesson to a member."""

    lesson_id: int
    person_id: int
    requested_at: datetime
    confirmed_at: datetime | None
    confirmed_by: int | None
    confirmed_by_name: str | None
    photo_file_id: str | None


@dataclass(frozen=True)
class MemberStanding:
    """Where one recipient of a lesson stands, for reports and reminders."""

    person_id: int
    display_name: str
    tg_user_id: int
    language: str
    grid_id: str | None
    reminded: bool
    studied_at: datetime | None
    correct: int | None
    questions: int
    slot_id: int | None
    attended_at: datetime | None
    delivery_requested: bool
    delivered_at: datetime | None
    delivered_by: str | None
    #: Leave (请假) for the lesson or one of its make-ups: requested or approved (a refused
    #: one excuses nothing and is not carried here), and its reason.
    leave_state: str | None = None
    leave_reason: str | None = None

    @property
    def outcome(self) -> str:
        """studied | makeup | delivered | excused | booked | delivery_pending | missing."""
        if self.studied_at is not None:
            return "studied"
        if self.attended_at is not None:
            return "makeup"
        if self.delivered_at is not None:
            return "delivered"
        if self.leave_state is not None:
            return "excused"
        if self.slot_id is not None:
            return "booked"
        if self.delivery_requested:
            return "delivery_pending"
        return "missing"


def study_row(row: sqlite3.Row) -> StudyRow:
    """A ``StudyRow`` from its query row."""
    return StudyRow(
        lesson_id=row["lesson_id"],
        person_id=row["person_id"],
        studied_at=from_db_time(row["studied_at"]),
        correct=row["correct"],
        questions=row["questions"],
    )


def standing_row(row: sqlite3.Row) -> MemberStanding:
    """A ``MemberStanding`` from its query row."""
    return MemberStanding(
        person_id=row["person_id"],
        display_name=row["display_name"],
        tg_user_id=row["tg_user_id"],
        language=row["language"],
        grid_id=row["grid_id"],
        reminded=row["reminded_at"] is not None,
        studied_at=optional_time(row["studied_at"]),
        correct=row["correct"],
        questions=row["questions"],
        slot_id=row["slot_id"],
        attended_at=optional_time(row["attended_at"]),
        delivery_requested=row["requested_at"] is not None,
        delivered_at=optional_time(row["confirmed_at"]),
        delivered_by=row["delivered_by"],
        leave_state=row["leave_state"],
        leave_reason=row["leave_reason"],
    )


def slot_row(row: sqlite3.Row) -> SlotRow:
    """A ``SlotRow`` from its query row."""
    return SlotRow(
        id=row["id"],
        lesson_id=row["lesson_id"],
        starts_at=from_db_time(row["starts_at"]),
        place=row["place"],
        capacity=row["capacity"],
        code=row["code"],
        booked=row["booked"],
    )
