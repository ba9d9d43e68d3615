"""Micro Party lessons (微党课): the committee's export sheets of the lessons sent in a
period — one row per lesson, one per recipient of each lesson, and one per member
over the period. Pure functions of the per-lesson reports; headers in the
secretary's language."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from bot.community.calendar import local
from bot.config import Language
from bot.i18n import translate
from bot.lessons.results import LessonReport
from bot.spreadsheets import Sheet
from storage.lessons.rows import LessonRow, MemberStanding

_LESSON_COLUMNS = (
    "number",
    "title",
    "sent_at",
    "reached",
    "studied",
    "quiz",
    "makeup",
    "delivered",
    "missing",
)
_STUDY_COLUMNS = ("number", "title", "member", "outcome", "when", "score", "delivered_by")
_MEMBER_COLUMNS = ("member", "reached", "studied", "makeup", "delivered", "missing")


def lesson_sheets(reports: list[LessonReport], language: Language, tz: ZoneInfo) -> list[Sheet]:
    """Per-lesson and per-member sheets for the export (headers in ``language``)."""
    return [
        _sheet(language, "lessons", _LESSON_COLUMNS, [_lesson_row(r, tz) for r in reports]),
        _sheet(
            language,
            "study",
            _STUDY_COLUMNS,
            [_study_row(r.lesson, s, language, tz) for r in reports for s in r.standings],
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
    sent_at = local(lesson.sent_at, tz).strftime("%Y-%m-%d %H:%M") if lesson.sent_at else ""
    average = report.quiz_average
    return (
        lesson.id,
        lesson.title,
        sent_at,
        counts["reached"],
        counts["studied"],
        "" if average is None else f"{average}%",
        counts["makeup"],
        counts["delivered"],
        counts["missing"],
    )


def _study_row(
    lesson: LessonRow, s: MemberStanding, language: Language, tz: ZoneInfo
) -> tuple[Any, ...]:
    """One recipient of one lesson: the outcome, when, the quiz score, who delivered it."""
    when = s.studied_at or s.attended_at or s.delivered_at
    return (
        lesson.id,
        lesson.title,
        s.display_name,
        translate(language, f"lesson.outcome.{s.outcome}"),
        local(when, tz).strftime("%Y-%m-%d %H:%M") if when else "",
        f"{s.correct}/{s.questions}" if s.studied_at and s.correct is not None else "",
        s.delivered_by or "",
    )


def _member_rows(reports: list[LessonReport]) -> list[tuple[Any, ...]]:
    """Per member over the period: name, reached, studied, make-up, delivered, missing."""
    per_member: dict[int, list[Any]] = {}
    for report in reports:
        for s in report.standings:
            tally = per_member.setdefault(s.person_id, [s.display_name, 0, 0, 0, 0, 0])
            tally[1] += 1
            column = {"studied": 2, "makeup": 3, "delivered": 4}.get(s.outcome, 5)
            tally[column] += 1
    return [tuple(tally) for tally in sorted(per_member.values(), key=lambda row: str(row[0]))]
