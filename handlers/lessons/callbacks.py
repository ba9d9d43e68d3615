"""Callback data of micro Party lessons' buttons (微党课).

Prefixes start with "l" (but never "lg", the language button). The lesson push and
reminder buttons are built by bot.lessons.messages (*_callback functions); the formats
must agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from handlers.callbacks import Callback


@dataclass(frozen=True)
class LessonDraft(Callback):
    """/newlesson: a step button (body_done, attach_done, skip_link, no_explain, finish)."""

    PREFIX: ClassVar[str] = "ldr"
    action: str


@dataclass(frozen=True)
class LessonCorrect(Callback):
    """/newlesson: the right option of the question being written."""

    PREFIX: ClassVar[str] = "lqc"
    index: int


@dataclass(frozen=True)
class LessonWhen(Callback):
    """A draft's sending: party (the next Party day), now, date (typed), audience."""

    PREFIX: ClassVar[str] = "lwh"
    lesson_id: int
    how: str


@dataclass(frozen=True)
class LessonAudience(Callback):
    """Who gets the lesson: a party member toggled, 0 for every party member, or -1
    to show another ``page`` of party members."""

    PREFIX: ClassVar[str] = "lau"
    lesson_id: int
    person_id: int
    page: int


@dataclass(frozen=True)
class LessonStudy(Callback):
    """已学习 under a pushed lesson (built by bot.lessons.messages.study_callback)."""

    PREFIX: ClassVar[str] = "lst"
    lesson_id: int


@dataclass(frozen=True)
class LessonQuiz(Callback):
    """A quiz answer: the option chosen for one question."""

    PREFIX: ClassVar[str] = "lqa"
    lesson_id: int
    question: int
    choice: int


@dataclass(frozen=True)
class LessonFiles(Callback):
    """The lesson's attachments, sent privately (built by bot.lessons.messages.files_callback)."""

    PREFIX: ClassVar[str] = "lfl"
    lesson_id: int


@dataclass(frozen=True)
class LessonOpen(Callback):
    """现在学习 / 阅读: the lesson again, privately (built by messages.open_callback)."""

    PREFIX: ClassVar[str] = "lop"
    lesson_id: int


@dataclass(frozen=True)
class LessonMakeup(Callback):
    """预约补课: the lesson's make-up slots (built by bot.lessons.messages.makeup_callback)."""

    PREFIX: ClassVar[str] = "lmk"
    lesson_id: int


@dataclass(frozen=True)
class LessonHome(Callback):
    """送学上门: ask the grid worker to bring it (built by bot.lessons.messages.home_callback)."""

    PREFIX: ClassVar[str] = "lhm"
    lesson_id: int


@dataclass(frozen=True)
class LessonDelivered(Callback):
    """已送学: the grid worker confirms (built by bot.lessons.messages.delivered_callback)."""

    PREFIX: ClassVar[str] = "ldc"
    lesson_id: int
    person_id: int


@dataclass(frozen=True)
class LessonBook(Callback):
    """Book this make-up slot."""

    PREFIX: ClassVar[str] = "lbk"
    slot_id: int


@dataclass(frozen=True)
class LessonView(Callback):
    """A lesson's screen from /lessons."""

    PREFIX: ClassVar[str] = "lvw"
    lesson_id: int


@dataclass(frozen=True)
class LessonAction(Callback):
    """A secretary's button on a lesson's screen: report, slots, add_slot, fix, export."""

    PREFIX: ClassVar[str] = "lac"
    lesson_id: int
    action: str


@dataclass(frozen=True)
class LessonRoster(Callback):
    """A make-up slot's attendance list."""

    PREFIX: ClassVar[str] = "lro"
    slot_id: int


@dataclass(frozen=True)
class LessonAttend(Callback):
    """Mark (or unmark) a booked member present at the make-up slot."""

    PREFIX: ClassVar[str] = "lat"
    slot_id: int
    person_id: int


@dataclass(frozen=True)
class LessonRecord(Callback):
    """/studyrecord: a party member's study record over ``period`` (2026 or 2026-11);
    person_id -1 shows another ``page`` of party members."""

    PREFIX: ClassVar[str] = "lrc"
    person_id: int
    period: str
    page: int


@dataclass(frozen=True)
class LessonLeave(Callback):
    """🙋 请假 for a lesson (built by bot.lessons.messages.leave_callback)."""

    PREFIX: ClassVar[str] = "llv"
    lesson_id: int


@dataclass(frozen=True)
class LessonMakeupLeave(Callback):
    """🙋 请假 for a booked make-up slot (built by messages.makeup_leave_callback)."""

    PREFIX: ClassVar[str] = "llm"
    slot_id: int


@dataclass(frozen=True)
class LessonLeaveDecision(Callback):
    """批准 (True) / 不批准 a request for leave (built by messages.leave_decision_callback)."""

    PREFIX: ClassVar[str] = "lld"
    request_id: int
    approve: bool
