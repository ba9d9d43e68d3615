"""Micro Party lessons (微党课): the committee's export sheets of the lessons sent in a
period — one row per lesson, one per recipient of each lesson, and one per member
over the period. Pure functions of the per-lesson reports; headers in the
secretary's language."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from bot.config import Language
from bot.i18n import translate
from bot.lessons.results import LessonReport
from bot.spreadsheets import Sheet, local_cell
from storage.lessons.rows import MemberStanding

_LESSON_COLUMNS = (
    "number",
    "title",
    "sent_at",
    "reached",
    "studied",
    "quiz",
    "makeup",
    "delivered",
    "on_time",
    "late",
    "excused",
    "missing",
)
_STUDY_COLUMNS = (
    "number",
    "title",
    "member",
    "attendance",
    "outcome",
    "when",
    "correct",
    "questions",
    "delivered_by",
    "leave_reason",
)
_MEMBER_COLUMNS = (
    "member",
    "reached",
    "on_time",
    "late",
    "excused",
    "absent",
    "studied",
    "makeup",
    "delivered",
)


def lesson_sheets(reports: list[LessonReport], language: Language, tz: ZoneInfo) -> list[Sheet]:
    """Per-lesson and per-member sheets for the export (headers in ``language``)."""
    return [
        _sheet(language, "lessons", _LESSON_COLUMNS, [_lesson_row(r, tz) for r in reports]),
        _sheet(
            language,
            "study",
            _STUDY_COLUMNS,
            [_study_row(r, s, language, tz) for r in reports for s in r.standings],
        ),
        _sheet(language, "members", _MEMBER_COLUMNS, _member_rows(reports)),
    ]


def _sheet(
    language: Language, key: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> Sheet:
    def header(name: str) -> str:
        return translate(language, f"lesson.export.{name}")

    return Sheet(key, header(f"{key}_title"), tuple(header(c) for c in columns), tuple(rows))


def _lesson_row(report: LessonReport, tz: ZoneInfo) -> tuple[Any, ...]:
    """One lesson: when it was sent and how many did what."""
    lesson = report.lesson
    counts = report.counts()
    average = report.quiz_average
    attendance = report.attendance_counts()
    return (
        lesson.number,
        lesson.title,
        local_cell(lesson.sent_at, tz),
        counts["reached"],
        counts["studied"],
        average,
        counts["makeup"],
        counts["delivered"],
        attendance["on_time"],
        attendance["late"],
        attendance["excused"],
        attendance["absent"],
    )


def _study_row(
    report: LessonReport, s: MemberStanding, language: Language, tz: ZoneInfo
) -> tuple[Any, ...]:
    """One recipient of one lesson: on time, late, excused or absent; the outcome, when,
    the quiz score, who delivered it, the reason for leave."""
    lesson = report.lesson
    when = s.studied_at or s.attended_at or s.delivered_at
    return (
        lesson.number,
        lesson.title,
        s.display_name,
        translate(language, f"lesson.attendance.{report.attendance(s)}"),
        translate(language, f"lesson.outcome.{s.outcome}"),
        local_cell(when, tz),
        *((s.correct, s.questions) if s.studied_at and s.correct is not None else (None, None)),
        s.delivered_by,
        s.leave_reason,
    )


def _member_rows(reports: list[LessonReport]) -> list[tuple[Any, ...]]:
    """Per member over the period: name, reached, on time / late / excused / absent, and
    how they studied (themselves, at a make-up, by home delivery)."""
    per_member: dict[int, dict[str, Any]] = {}
    for report in reports:
        for s in report.standings:
            tally = per_member.setdefault(
                s.person_id, {"member": s.display_name, **dict.fromkeys(_MEMBER_COLUMNS[1:], 0)}
            )
            tally["reached"] += 1
            tally[report.attendance(s)] += 1
            if s.outcome in ("studied", "makeup", "delivered"):
                tally[s.outcome] += 1
    rows = [tuple(tally[c] for c in _MEMBER_COLUMNS) for tally in per_member.values()]
    return sorted(rows, key=lambda row: str(row[0]))
