"""Texts of micro Party lessons (微党课), beside the shared handlers/texts.py: every
text is a catalog key rendered in the person's language, with parameters
HTML-escaped. The buttons that go with them are in keyboards.py."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot import spoken
from bot.config import Language
from bot.lessons.leave import LessonLeaveItem
from bot.lessons.messages import leave_what
from bot.lessons.results import Draft, LessonReport, MemberRecord, QuizStep
from handlers.texts import local_time, plain, t
from storage.lessons.rows import BookingRow, LessonRow, MemberStanding, SlotRow

# --- writing -------------------------------------------------------------------------


def draft_step(language: Language, draft: Draft, warn_chars: int) -> str:
    """What /newlesson asks next."""
    if draft.step == "body" and not draft.body:  # the title was just given
        return t(language, "lesson.ask_body", title=draft.title)
    if draft.step == "body":
        text = t(language, "lesson.body_received", chars=len(draft.body))
        if draft.long:
            text += "\n" + t(language, "lesson.body_long", limit=warn_chars)
        return text
    if draft.step == "attach":
        key = "lesson.ask_attachments" if not draft.attachments else "lesson.attachment_added"
        return t(language, key, count=draft.attachments)
    if draft.step == "link":
        return t(language, "lesson.ask_link")
    if draft.step == "quiz":
        key = "lesson.ask_question" if not draft.questions else "lesson.ask_more_questions"
        return t(language, key, count=draft.questions)
    if draft.step == "quiz_correct":
        return t(language, "lesson.ask_correct")
    if draft.step == "quiz_explain":
        return t(language, "lesson.ask_explanation")
    return t(language, "lesson.ask_title")


def when_screen(language: Language, lesson: LessonRow, audience: int) -> str:
    """A saved draft: a preview, before choosing when and to whom to send it."""
    return t(
        language,
        "lesson.when",
        number=lesson.number,
        title=lesson.title,
        chars=len(lesson.body),
        files=len(lesson.attachments),
        questions=len(lesson.quiz),
        audience=audience_text(language, lesson, audience),
    )


def audience_text(language: Language, lesson: LessonRow, members: int) -> str:
    """Every party member, or how many were chosen."""
    if lesson.audience is None:
        return plain(language, "lesson.audience_all", count=members)
    return plain(language, "lesson.audience_some", count=len(lesson.audience))


# --- studying ------------------------------------------------------------------------


def quiz_question(language: Language, lesson: LessonRow, index: int) -> str:
    """One quiz question (its options are buttons)."""
    item = lesson.quiz[index]
    return t(
        language,
        "lesson.quiz_question",
        title=lesson.title,
        n=index + 1,
        total=len(lesson.quiz),
        question=item.question,
    )


def quiz_feedback(language: Language, step: QuizStep) -> str:
    """Right or wrong, the right answer and its explanation, and the score at the end."""
    item = step.lesson.quiz[step.question]
    answer = f"{chr(65 + item.correct)}. {item.options[item.correct]}"
    key = "lesson.quiz_right" if step.right else "lesson.quiz_wrong"
    text = t(language, key, question=item.question, answer=answer)
    if item.explanation:
        text += "\n" + t(language, "lesson.quiz_explanation", text=item.explanation)
    if step.next_question is None:
        text += "\n\n" + t(language, "lesson.quiz_done", correct=step.correct, total=step.total)
    return text


def outcome_text(language: Language, standing: MemberStanding, tz: ZoneInfo) -> str:
    """A member's outcome on one lesson, e.g. "delivered by 周网格员"."""
    if standing.outcome == "studied":
        when = local_time(standing.studied_at, tz, language) if standing.studied_at else ""
        if standing.questions and standing.correct is not None:
            return plain(
                language,
                "lesson.outcome_line.studied_quiz",
                when=when,
                correct=standing.correct,
                total=standing.questions,
            )
        return plain(language, "lesson.outcome_line.studied", when=when)
    if standing.outcome == "delivered":
        return plain(language, "lesson.outcome_line.delivered", by=standing.delivered_by or "")
    if standing.outcome == "excused":
        return plain(
            language,
            f"lesson.outcome_line.excused_{standing.leave_state}",
            reason=standing.leave_reason or "",
        )
    return plain(language, f"lesson.outcome.{standing.outcome}")


def lesson_list(language: Language, lessons: list[LessonRow]) -> str:
    """/lessons: the title of the list (the lessons are buttons), or that there is none."""
    if not lessons:
        return t(language, "lesson.list_empty")
    return t(language, "lesson.list_title")


def lesson_screen(
    language: Language, lesson: LessonRow, tz: ZoneInfo, standing: MemberStanding | None
) -> str:
    """A lesson's screen: its state, the member's own record, its corrections."""
    lines = [t(language, "lesson.screen_title", number=lesson.number, title=lesson.title)]
    lines.append(
        t(language, f"lesson.screen_status.{lesson.status}", when=_when(lesson, tz, language))
    )
    if standing is not None:
        lines.append(
            t(language, "lesson.screen_mine", outcome=outcome_text(language, standing, tz))
        )
    for correction in lesson.corrections:
        lines.append(t(language, "lesson.screen_correction", text=correction))
    return "\n".join(lines)


def _when(lesson: LessonRow, tz: ZoneInfo, language: Language) -> str:
    moment = lesson.sent_at or lesson.send_at
    return local_time(moment, tz, language) if moment else ""


# --- make-up and delivery -------------------------------------------------------------


def slot_label(language: Language, slot: SlotRow, tz: ZoneInfo) -> str:
    """11月20日（周五）晚上7点 党群服务中心 (3/10)."""
    return plain(
        language,
        "lesson.slot_label",
        when=local_time(slot.starts_at, tz, language),
        place=slot.place,
        booked=slot.booked,
        capacity=slot.capacity,
    )


def slots_screen(language: Language, lesson: LessonRow, slots: list[SlotRow], tz: ZoneInfo) -> str:
    """A secretary's make-up slots of a lesson, with codes."""
    lines = [t(language, "lesson.slots_title", number=lesson.number, title=lesson.title)]
    for slot in slots:
        lines.append(
            t(language, "lesson.slot_line", label=slot_label(language, slot, tz), code=slot.code)
        )
    if not slots:
        lines.append(t(language, "lesson.slots_none"))
    return "\n".join(lines)


def roster_screen(
    language: Language, slot: SlotRow, bookings: list[BookingRow], tz: ZoneInfo
) -> str:
    """A slot's attendance list: how many of those booked are present."""
    return t(
        language,
        "lesson.roster",
        label=slot_label(language, slot, tz),
        code=slot.code,
        present=sum(1 for b in bookings if b.attended_at is not None),
        booked=len(bookings),
    )


# --- records --------------------------------------------------------------------------


def report(language: Language, data: LessonReport, tz: ZoneInfo) -> str:
    """Per lesson: reached / studied / quiz average / make-up / delivered / missing, with names."""
    counts = data.counts()
    average = data.quiz_average
    lines = [
        t(language, "lesson.report_title", number=data.lesson.number, title=data.lesson.title),
        t(
            language,
            "lesson.report_counts",
            quiz="-" if average is None else f"{average}%",
            **counts,
        ),
    ]
    lines.append(t(language, "lesson.report_attendance", **data.attendance_counts()))
    groups = (
        ("studied", data.of("studied")),
        ("makeup", data.of("makeup")),
        ("delivered", data.of("delivered")),
        ("late", [s for s in data.standings if data.attendance(s) == "late"]),
        ("excused", data.of("excused")),
        (
            "missing",
            [s for s in data.standings if s.outcome in ("missing", "booked", "delivery_pending")],
        ),
    )
    for name, people in groups:
        if not people:
            continue
        names = spoken.names(language, (_named(language, name, s) for s in people))
        lines.append(t(language, f"lesson.report_names.{name}", names=names))
    return "\n".join(lines)


def _named(language: Language, group: str, standing: MemberStanding) -> str:
    if group == "studied" and standing.questions and standing.correct is not None:
        return f"{standing.display_name}（{standing.correct}/{standing.questions}）"
    if group == "delivered" and standing.delivered_by:
        return plain(
            language,
            "lesson.delivered_by_name",
            name=standing.display_name,
            by=standing.delivered_by,
        )
    if group == "excused":
        return plain(
            language,
            f"lesson.leave_name_{standing.leave_state}",
            name=standing.display_name,
            reason=standing.leave_reason or "",
        )
    if group == "missing" and standing.outcome != "missing":
        return f"{standing.display_name}（{plain(language, f'lesson.outcome.{standing.outcome}')}）"
    return standing.display_name


def record(language: Language, data: MemberRecord, tz: ZoneInfo) -> str:
    """A member's study record over a month or a year."""
    lines = [
        t(
            language,
            "lesson.record_title",
            name=data.person.display_name,
            first=data.first.isoformat(),
            last=data.last.isoformat(),
        )
    ]
    for lesson, standing in data.lessons:
        attendance = data.attendance(lesson, standing)
        # "请假：reason" and "未学习" say it all; the others with their attendance first.
        plain_line = attendance == "excused" or standing.outcome == "missing"
        lines.append(
            t(
                language,
                "lesson.record_line_plain" if plain_line else "lesson.record_line",
                number=lesson.number,
                title=lesson.title,
                attendance=plain(language, f"lesson.attendance.{attendance}"),
                outcome=outcome_text(language, standing, tz),
            )
        )
    lines.append(
        t(language, "lesson.record_total", total=len(data.lessons), **data.attendance_counts())
    )
    return "\n".join(lines)


def leave_decided(language: Language, item: LessonLeaveItem, tz: ZoneInfo) -> str:
    """The request's message once decided: who, for what, why, and the decision."""
    request = item.request
    return t(
        language,
        f"lesson.leave.decided_{request.state}",
        name=request.display_name,
        what=leave_what(language, item.lesson, item.slot, tz),
        reason=request.reason,
    )
