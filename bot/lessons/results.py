"""Micro Party lessons (微党课): what the parts return — a draft's progress, a
planned send, a study and a quiz step, the per-lesson report and a member's record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

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


@dataclass(frozen=True)
class LessonReport:
    """Per lesson: every recipient's standing."""

    lesson: LessonRow
    standings: tuple[MemberStanding, ...]

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
        """reached / studied / makeup / delivered / missing (booked or pending: missing)."""
        studied = len(self.of("studied"))
        makeup = len(self.of("makeup"))
        delivered = len(self.of("delivered"))
        reached = len(self.standings)
        return {
            "reached": reached,
            "studied": studied,
            "makeup": makeup,
            "delivered": delivered,
            "missing": reached - studied - makeup - delivered,
        }


@dataclass(frozen=True)
class MemberRecord:
    """A member's study record over a period: each lesson sent to them and its outcome."""

    person: PersonRow
    first: date
    last: date
    lessons: tuple[tuple[LessonRow, MemberStanding], ...]
