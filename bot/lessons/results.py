"""Micro Party lessons (微党课): what the parts return — a draft's progress, a
planned send, a study and a quiz step, the per-lesson report and a member's record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.lessons.rules import ATTENDANCE, attendance
from storage.community.people import PersonRow
from storage.lessons.rows import LessonRow, MemberStanding


@dataclass(frozen=True)
class Draft:
    """A lesson being written in /newlesson: what is there so far."""

    step: str
    title: str
    body: str
    attachments: int
    link: str | None
    questions: int
    pending_options: tuple[str, ...] = ()
    long: bool = False


@dataclass(frozen=True)
class Planned:
    """A lesson scheduled (or sent) and when; ``moved`` for a floated Party day."""

    lesson: LessonRow
    send_at: datetime | None
    party_original: date | None = None
    recipients: int = 0


@dataclass(frozen=True)
class StudyOutcome:
    """已学习 pressed: recorded (``recorded``: just now), and the quiz, if any, goes on at
    ``question``."""

    lesson: LessonRow
    recorded: bool
    question: int | None = None


@dataclass(frozen=True)
class QuizStep:
    """One quiz answer: right or not, why, and the next question or the final score."""

    lesson: LessonRow
    question: int
    right: bool
    next_question: int | None
    correct: int
    total: int


def deadline_of(lesson: LessonRow, late_after: timedelta | None) -> datetime | None:
    """The lesson's deadline (its one reminder): ``late_after`` after it was sent."""
    if lesson.sent_at is None or late_after is None:
        return None
    return lesson.sent_at + late_after


@dataclass(frozen=True)
class LessonReport:
    """Per lesson: every recipient's standing; ``late_after`` (the reminder's delay) says
    when studying it becomes late (迟学)."""

    lesson: LessonRow
    standings: tuple[MemberStanding, ...]
    late_after: timedelta | None = None

    def attendance(self, standing: MemberStanding) -> str:
        """on_time | late | excused | absent (see ``rules.attendance``)."""
        return attendance(standing, deadline_of(self.lesson, self.late_after))

    def attendance_counts(self) -> dict[str, int]:
        """How many are on time, late, excused and absent."""
        counts = dict.fromkeys(ATTENDANCE, 0)
        for standing in self.standings:
            counts[self.attendance(standing)] += 1
        return counts

    def of(self, outcome: str) -> list[MemberStanding]:
        """The recipients with ``outcome`` (see ``MemberStanding.outcome``)."""
        return [s for s in self.standings if s.outcome == outcome]

    @property
    def quiz_average(self) -> int | None:
        """Average quiz score in percent of those who answered, or None."""
        scores = [
            100 * s.correct / s.questions
            for s in self.standings
            if s.studied_at is not None and s.questions and s.correct is not None
        ]
        return round(sum(scores) / len(scores)) if scores else None

    def counts(self) -> dict[str, int]:
        """reached / studied / makeup / delivered / excused / missing (booked or pending:
        missing; excused: leave asked or approved)."""
        studied = len(self.of("studied"))
        makeup = len(self.of("makeup"))
        delivered = len(self.of("delivered"))
        excused = len(self.of("excused"))
        reached = len(self.standings)
        return {
            "reached": reached,
            "studied": studied,
            "makeup": makeup,
            "delivered": delivered,
            "excused": excused,
            "missing": reached - studied - makeup - delivered - excused,
        }


@dataclass(frozen=True)
class MemberRecord:
    """A member's study record over a period: each lesson sent to them and its outcome."""

    person: PersonRow
    first: date
    last: date
    lessons: tuple[tuple[LessonRow, MemberStanding], ...]
    late_after: timedelta | None = None

    def attendance(self, lesson: LessonRow, standing: MemberStanding) -> str:
        """on_time | late | excused | absent on one of the lessons."""
        return attendance(standing, deadline_of(lesson, self.late_after))

    def attendance_counts(self) -> dict[str, int]:
        """How many of the lessons were on time, late, excused and absent."""
        counts = dict.fromkeys(ATTENDANCE, 0)
        for lesson, standing in self.lessons:
            counts[self.attendance(lesson, standing)] += 1
        return counts
