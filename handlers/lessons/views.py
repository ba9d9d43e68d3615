"""Texts and keyboards of micro Party lessons (微党课), kept apart from the shared
handlers/texts.py and keyboards.py: every text is a catalog key rendered in the
person's language, with parameters HTML-escaped; buttons are typed callbacks."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.config import Language
from bot.lessons.results import Draft, LessonReport, MemberRecord, QuizStep
from handlers.callbacks import Callback
from handlers.keyboards import button
from handlers.lessons import callbacks as cb
from handlers.texts import local_time, plain, t
from storage.community.people import PersonRow
from storage.lessons.rows import BookingRow, LessonRow, MemberStanding, SlotRow


def _one(language: Language, key: str, data: Callback) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button(plain(language, key), data)]])


# --- writing -------------------------------------------------------------------------


def draft_step(
    language: Language, draft: Draft, warn_chars: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    """What /newlesson asks next, with its buttons."""
    if draft.step == "body" and not draft.body:  # the title was just given
        return t(language, "lesson.ask_body", title=draft.title), None
    if draft.step == "body":
        text = t(language, "lesson.body_received", chars=len(draft.body))
        if draft.long:
            text += "\n" + t(language, "lesson.body_long", limit=warn_chars)
        return text, _one(language, "lesson.button.body_done", cb.LessonDraft("body_done"))
    if draft.step == "attach":
        key = "lesson.ask_attachments" if not draft.attachments else "lesson.attachment_added"
        return t(language, key, count=draft.attachments), _one(
            language, "lesson.button.next", cb.LessonDraft("attach_done")
        )
    if draft.step == "link":
        return t(language, "lesson.ask_link"), _one(
            language, "lesson.button.skip", cb.LessonDraft("skip_link")
        )
    if draft.step == "quiz":
        key = "lesson.ask_question" if not draft.questions else "lesson.ask_more_questions"
        label = "lesson.button.no_quiz" if not draft.questions else "lesson.button.finish"
        return t(language, key, count=draft.questions), _one(
            language, label, cb.LessonDraft("finish")
        )
    if draft.step == "quiz_correct":
        rows = [
            [button(f"{chr(65 + i)}. {option}", cb.LessonCorrect(i))]
            for i, option in enumerate(draft.pending_options)
        ]
        return t(language, "lesson.ask_correct"), InlineKeyboardMarkup(rows)
    if draft.step == "quiz_explain":
        return t(language, "lesson.ask_explanation"), _one(
            language, "lesson.button.skip", cb.LessonDraft("no_explain")
        )
    return t(language, "lesson.ask_title"), None


def when_screen(
    language: Language,
    lesson: LessonRow,
    party_at: datetime,
    party_original: date,
    tz: ZoneInfo,
    audience: int,
) -> tuple[str, InlineKeyboardMarkup]:
    """A saved draft: a preview, and when and to whom to send it."""
    moved = party_at.astimezone(tz).date() != party_original
    party = local_time(party_at, tz)
    text = t(
        language,
        "lesson.when",
        number=lesson.id,
        title=lesson.title,
        chars=len(lesson.body),
        files=len(lesson.attachments),
        questions=len(lesson.quiz),
        audience=audience_text(language, lesson, audience),
    )
    party_key = "lesson.button.party_moved" if moved else "lesson.button.party"
    rows = [
        [
            button(
                plain(language, party_key, when=party, original=party_original.strftime("%m-%d")),
                cb.LessonWhen(lesson.id, "party"),
            )
        ],
        [button(plain(language, "lesson.button.pick_time"), cb.LessonWhen(lesson.id, "date"))],
        [button(plain(language, "lesson.button.send_now"), cb.LessonWhen(lesson.id, "now"))],
        [button(plain(language, "lesson.button.audience"), cb.LessonWhen(lesson.id, "audience"))],
    ]
    return text, InlineKeyboardMarkup(rows)


def audience_text(language: Language, lesson: LessonRow, members: int) -> str:
    """Every party member, or how many were chosen."""
    if lesson.audience is None:
        return plain(language, "lesson.audience_all", count=members)
    return plain(language, "lesson.audience_some", count=len(lesson.audience))


#: Party members shown on one page of the audience screen.
AUDIENCE_PAGE = 20


def audience_keyboard(
    language: Language, lesson: LessonRow, members: list[PersonRow], page: int = 0
) -> InlineKeyboardMarkup:
    """Toggle party members (✅ chosen), a page at a time; "everyone" resets; "done" goes back."""
    chosen = set(lesson.audience or ())
    pages = max(1, -(-len(members) // AUDIENCE_PAGE))
    page = min(max(page, 0), pages - 1)
    shown = members[page * AUDIENCE_PAGE : (page + 1) * AUDIENCE_PAGE]
    rows = [
        [
            button(
                ("✅ " if p.id in chosen else "") + p.display_name,
                cb.LessonAudience(lesson.id, p.id, page),
            )
        ]
        for p in shown
    ]
    paging = []
    if page > 0:
        paging.append(
            button(
                plain(language, "lesson.button.previous"),
                cb.LessonAudience(lesson.id, -1, page - 1),
            )
        )
    if page < pages - 1:
        paging.append(
            button(
                plain(language, "lesson.button.next_page"),
                cb.LessonAudience(lesson.id, -1, page + 1),
            )
        )
    if paging:
        rows.append(paging)
    rows.append(
        [
            button(plain(language, "lesson.button.everyone"), cb.LessonAudience(lesson.id, 0, 0)),
            button(plain(language, "lesson.button.done"), cb.LessonWhen(lesson.id, "back")),
        ]
    )
    return InlineKeyboardMarkup(rows)


# --- studying ------------------------------------------------------------------------


def quiz_question(
    language: Language, lesson: LessonRow, index: int
) -> tuple[str, InlineKeyboardMarkup]:
    """One quiz question with a button per option."""
    item = lesson.quiz[index]
    text = t(
        language,
        "lesson.quiz_question",
        title=lesson.title,
        n=index + 1,
        total=len(lesson.quiz),
        question=item.question,
    )
    rows = [
        [button(f"{chr(65 + i)}. {option}", cb.LessonQuiz(lesson.id, index, i))]
        for i, option in enumerate(item.options)
    ]
    return text, InlineKeyboardMarkup(rows)


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
        when = local_time(standing.studied_at, tz) if standing.studied_at else ""
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
    return plain(language, f"lesson.outcome.{standing.outcome}")


def lesson_list(
    language: Language,
    lessons: list[LessonRow],
    tz: ZoneInfo,
    *,
    secretary: bool,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """/lessons: the latest lessons, one button each."""
    if not lessons:
        return t(language, "lesson.list_empty"), None
    rows = []
    for lesson in lessons:
        when = lesson.sent_at or lesson.send_at
        status = plain(language, f"lesson.status.{lesson.status}")
        label = f"#{lesson.id} {lesson.title}"
        if secretary:
            label += f" · {status}"
        if when is not None:
            label += f" · {when.astimezone(tz).strftime('%m-%d')}"
        rows.append([button(label, cb.LessonView(lesson.id))])
    return t(language, "lesson.list_title"), InlineKeyboardMarkup(rows)


def lesson_screen(
    language: Language,
    lesson: LessonRow,
    tz: ZoneInfo,
    standing: MemberStanding | None,
    *,
    secretary: bool,
) -> tuple[str, InlineKeyboardMarkup]:
    """A lesson's screen: its state, the member's own record, and buttons."""
    lines = [t(language, "lesson.screen_title", number=lesson.id, title=lesson.title)]
    lines.append(t(language, f"lesson.screen_status.{lesson.status}", when=_when(lesson, tz)))
    if standing is not None:
        lines.append(
            t(language, "lesson.screen_mine", outcome=outcome_text(language, standing, tz))
        )
    for correction in lesson.corrections:
        lines.append(t(language, "lesson.screen_correction", text=correction))
    rows = [[button(plain(language, "lesson.button.read"), cb.LessonOpen(lesson.id))]]
    if secretary:
        if lesson.status == "sent":
            rows.append(
                [
                    button(
                        plain(language, "lesson.button.report"),
                        cb.LessonAction(lesson.id, "report"),
                    ),
                    button(
                        plain(language, "lesson.button.slots"), cb.LessonAction(lesson.id, "slots")
                    ),
                ]
            )
            rows.append(
                [
                    button(
                        plain(language, "lesson.button.remind"),
                        cb.LessonAction(lesson.id, "remind"),
                    ),
                    button(
                        plain(language, "lesson.button.correct"), cb.LessonAction(lesson.id, "fix")
                    ),
                ]
            )
        else:
            rows.append(
                [
                    button(
                        plain(language, "lesson.button.edit"), cb.LessonAction(lesson.id, "fix")
                    ),
                    button(plain(language, "lesson.button.when"), cb.LessonWhen(lesson.id, "back")),
                ]
            )
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _when(lesson: LessonRow, tz: ZoneInfo) -> str:
    moment = lesson.sent_at or lesson.send_at
    return local_time(moment, tz) if moment else ""


# --- make-up and delivery -------------------------------------------------------------


def slot_label(language: Language, slot: SlotRow, tz: ZoneInfo) -> str:
    """11-20 19:00 党群服务中心 (3/10)."""
    return plain(
        language,
        "lesson.slot_label",
        when=slot.starts_at.astimezone(tz).strftime("%m-%d %H:%M"),
        place=slot.place,
        booked=slot.booked,
        capacity=slot.capacity,
    )


def booking_keyboard(
    language: Language, slots: list[SlotRow], tz: ZoneInfo
) -> InlineKeyboardMarkup:
    """The slots a member can book, one button each."""
    return InlineKeyboardMarkup(
        [[button(slot_label(language, s, tz), cb.LessonBook(s.id))] for s in slots]
    )


def slots_screen(
    language: Language, lesson: LessonRow, slots: list[SlotRow], tz: ZoneInfo
) -> tuple[str, InlineKeyboardMarkup]:
    """A secretary's make-up slots of a lesson, with codes; each opens its attendance list."""
    lines = [t(language, "lesson.slots_title", number=lesson.id, title=lesson.title)]
    for slot in slots:
        lines.append(
            t(language, "lesson.slot_line", label=slot_label(language, slot, tz), code=slot.code)
        )
    if not slots:
        lines.append(t(language, "lesson.slots_none"))
    rows = [[button(slot_label(language, s, tz), cb.LessonRoster(s.id))] for s in slots]
    rows.append(
        [button(plain(language, "lesson.button.add_slot"), cb.LessonAction(lesson.id, "add_slot"))]
    )
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def roster_screen(
    language: Language, slot: SlotRow, bookings: list[BookingRow], tz: ZoneInfo
) -> tuple[str, InlineKeyboardMarkup | None]:
    """A slot's attendance list: one button per booked member (✅ present)."""
    text = t(
        language,
        "lesson.roster",
        label=slot_label(language, slot, tz),
        code=slot.code,
        present=sum(1 for b in bookings if b.attended_at is not None),
        booked=len(bookings),
    )
    rows = [
        [
            button(
                ("✅ " if b.attended_at else "⬜ ") + b.display_name,
                cb.LessonAttend(slot.id, b.person_id),
            )
        ]
        for b in bookings
    ]
    return text, InlineKeyboardMarkup(rows) if rows else None


# --- records --------------------------------------------------------------------------


def report(language: Language, data: LessonReport, tz: ZoneInfo) -> str:
    """Per lesson: reached / studied / quiz average / make-up / delivered / missing, with names."""
    counts = data.counts()
    average = data.quiz_average
    lines = [
        t(language, "lesson.report_title", number=data.lesson.id, title=data.lesson.title),
        t(
            language,
            "lesson.report_counts",
            quiz="-" if average is None else f"{average}%",
            **counts,
        ),
    ]
    groups = (
        ("studied", data.of("studied")),
        ("makeup", data.of("makeup")),
        ("delivered", data.of("delivered")),
        (
            "missing",
            [s for s in data.standings if s.outcome in ("missing", "booked", "delivery_pending")],
        ),
    )
    for name, people in groups:
        if not people:
            continue
        names = "、".join(_named(language, name, s) for s in people)
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
    done = 0
    for lesson, standing in data.lessons:
        if standing.outcome in ("studied", "makeup", "delivered"):
            done += 1
        lines.append(
            t(
                language,
                "lesson.record_line",
                number=lesson.id,
                title=lesson.title,
                outcome=outcome_text(language, standing, tz),
            )
        )
    lines.append(t(language, "lesson.record_total", done=done, total=len(data.lessons)))
    return "\n".join(lines)


def record_people(
    language: Language, members: list[PersonRow], period: str, page: int
) -> InlineKeyboardMarkup:
    """/studyrecord: party members a page at a time; one opens their record."""
    pages = max(1, -(-len(members) // AUDIENCE_PAGE))
    page = min(max(page, 0), pages - 1)
    shown = members[page * AUDIENCE_PAGE : (page + 1) * AUDIENCE_PAGE]
    rows = [[button(p.display_name, cb.LessonRecord(p.id, period, page))] for p in shown]
    paging = []
    if page > 0:
        paging.append(
            button(plain(language, "lesson.button.previous"), cb.LessonRecord(-1, period, page - 1))
        )
    if page < pages - 1:
        paging.append(
            button(
                plain(language, "lesson.button.next_page"), cb.LessonRecord(-1, period, page + 1)
            )
        )
    if paging:
        rows.append(paging)
    return InlineKeyboardMarkup(rows)
