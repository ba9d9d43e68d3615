"""Keyboards of micro Party lessons (微党课), beside the shared handlers/keyboards.py:
big buttons with few words, each carrying a typed callback (callbacks.py). The
texts they go with are in texts.py."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import spoken
from bot.config import Language
from bot.lessons.results import Draft
from handlers.calendars import callbacks as calendar_cb
from handlers.calendars.keyboards import calendar_button
from handlers.callbacks import Callback
from handlers.keyboards import button
from handlers.lessons import callbacks as cb
from handlers.lessons.texts import slot_label
from handlers.texts import local_time, plain
from storage.community.people import PersonRow
from storage.lessons.rows import BookingRow, LessonRow, MemberStanding, SlotRow

#: Party members shown on one page of the audience screen.
AUDIENCE_PAGE = 20


def _one(language: Language, key: str, data: Callback) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button(plain(language, key), data)]])


# --- writing -------------------------------------------------------------------------


def draft_step(language: Language, draft: Draft) -> InlineKeyboardMarkup | None:
    """The buttons of what /newlesson asks next (none for typed answers only)."""
    if draft.step == "body" and draft.body:
        return _one(language, "lesson.button.body_done", cb.LessonDraft("body_done"))
    if draft.step == "attach":
        return _one(language, "lesson.button.next", cb.LessonDraft("attach_done"))
    if draft.step == "link":
        return _one(language, "lesson.button.skip", cb.LessonDraft("skip_link"))
    if draft.step == "quiz":
        label = "lesson.button.no_quiz" if not draft.questions else "lesson.button.finish"
        return _one(language, label, cb.LessonDraft("finish"))
    if draft.step == "quiz_correct":
        rows = [
            [button(f"{chr(65 + i)}. {option}", cb.LessonCorrect(i))]
            for i, option in enumerate(draft.pending_options)
        ]
        return InlineKeyboardMarkup(rows)
    if draft.step == "quiz_explain":
        return _one(language, "lesson.button.skip", cb.LessonDraft("no_explain"))
    return None


def when_screen(
    language: Language,
    lesson: LessonRow,
    party_at: datetime,
    party_original: date,
    tz: ZoneInfo,
) -> InlineKeyboardMarkup:
    """When and to whom to send a saved draft."""
    moved = party_at.astimezone(tz).date() != party_original
    party = local_time(party_at, tz, language)
    party_key = "lesson.button.party_moved" if moved else "lesson.button.party"
    rows = [
        [
            button(
                plain(
                    language,
                    party_key,
                    when=party,
                    original=spoken.month_day(language, party_original),
                ),
                cb.LessonWhen(lesson.id, "party"),
            )
        ],
        [button(plain(language, "lesson.button.pick_time"), cb.LessonWhen(lesson.id, "date"))],
        [button(plain(language, "lesson.button.send_now"), cb.LessonWhen(lesson.id, "now"))],
        [button(plain(language, "lesson.button.audience"), cb.LessonWhen(lesson.id, "audience"))],
    ]
    return InlineKeyboardMarkup(rows)


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


def quiz_question(lesson: LessonRow, index: int) -> InlineKeyboardMarkup:
    """A button per option of one quiz question."""
    item = lesson.quiz[index]
    rows = [
        [button(f"{chr(65 + i)}. {option}", cb.LessonQuiz(lesson.id, index, i))]
        for i, option in enumerate(item.options)
    ]
    return InlineKeyboardMarkup(rows)


def lesson_list(
    language: Language, lessons: list[LessonRow], tz: ZoneInfo, *, secretary: bool
) -> InlineKeyboardMarkup | None:
    """/lessons: the latest lessons, one button each (none if there is none)."""
    if not lessons:
        return None
    rows = []
    for lesson in lessons:
        when = lesson.sent_at or lesson.send_at
        status = plain(language, f"lesson.status.{lesson.status}")
        label = f"#{lesson.number} {lesson.title}"
        if secretary:
            label += f" · {status}"
        if when is not None:
            label += " · " + spoken.day(language, when.astimezone(tz).date())
        rows.append([button(label, cb.LessonView(lesson.id))])
    return InlineKeyboardMarkup(rows)


def lesson_screen(
    language: Language,
    lesson: LessonRow,
    *,
    secretary: bool,
    standing: MemberStanding | None = None,
) -> InlineKeyboardMarkup:
    """A lesson's buttons: read it; 请假 for a member who has not studied it (for the
    booked make-up, if any); for secretaries, its report, slots, reminder, fixes."""
    rows = [[button(plain(language, "lesson.button.read"), cb.LessonOpen(lesson.id))]]
    if lesson.status == "sent" and standing is not None:
        if standing.outcome == "booked" and standing.slot_id is not None:
            rows.append(
                [
                    button(
                        plain(language, "lesson.button.makeup_leave"),
                        cb.LessonMakeupLeave(standing.slot_id),
                    )
                ]
            )
        elif standing.outcome in ("missing", "delivery_pending"):
            rows.append([button(plain(language, "lesson.button.leave"), cb.LessonLeave(lesson.id))])
    if secretary:
        rows += _secretary_rows(language, lesson)
    return InlineKeyboardMarkup(rows)


def _secretary_rows(language: Language, lesson: LessonRow) -> list[list[InlineKeyboardButton]]:
    def action(key: str, name: str) -> InlineKeyboardButton:
        return button(plain(language, f"lesson.button.{key}"), cb.LessonAction(lesson.id, name))

    if lesson.status == "sent":
        return [
            [action("report", "report"), action("slots", "slots")],
            [action("remind", "remind"), action("correct", "fix")],
        ]
    return [
        [
            action("edit", "fix"),
            button(plain(language, "lesson.button.when"), cb.LessonWhen(lesson.id, "back")),
        ]
    ]


# --- make-up and delivery -------------------------------------------------------------


def booking_keyboard(
    language: Language, slots: list[SlotRow], tz: ZoneInfo
) -> InlineKeyboardMarkup:
    """The slots a member can book, one button each."""
    return InlineKeyboardMarkup(
        [[button(slot_label(language, s, tz), cb.LessonBook(s.id))] for s in slots]
    )


def booked_keyboard(language: Language, slot: SlotRow) -> InlineKeyboardMarkup:
    """Under a make-up booking: 📅 to the phone's calendar; 请假 if the member cannot come
    after all."""
    return InlineKeyboardMarkup(
        [
            [calendar_button(language, calendar_cb.CalendarMakeup(slot.id))],
            [button(plain(language, "lesson.button.makeup_leave"), cb.LessonMakeupLeave(slot.id))],
        ]
    )


def slots_screen(
    language: Language, lesson: LessonRow, slots: list[SlotRow], tz: ZoneInfo
) -> InlineKeyboardMarkup:
    """A secretary's make-up slots of a lesson: each opens its attendance list; add one."""
    rows = [[button(slot_label(language, s, tz), cb.LessonRoster(s.id))] for s in slots]
    rows.append(
        [button(plain(language, "lesson.button.add_slot"), cb.LessonAction(lesson.id, "add_slot"))]
    )
    return InlineKeyboardMarkup(rows)


def roster_screen(slot: SlotRow, bookings: list[BookingRow]) -> InlineKeyboardMarkup | None:
    """One button per booked member (✅ present), or none if nobody booked."""
    rows = [
        [
            button(
                ("✅ " if b.attended_at else "⬜ ") + b.display_name,
                cb.LessonAttend(slot.id, b.person_id),
            )
        ]
        for b in bookings
    ]
    return InlineKeyboardMarkup(rows) if rows else None


# --- records --------------------------------------------------------------------------


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
