"""Micro Party lessons (微党课): the messages pushed through the outbox — the lesson
itself in parts with its 已学习 button, and the reminder — and the callback data of
their buttons (decoded by handlers/lessons/callbacks.py)."""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo

from bot import spoken
from bot.config import Language
from bot.i18n import translate
from bot.lessons.rules import PART_LIMIT
from bot.runtime.outbox import ButtonSpec, OutgoingMessage
from storage.community.leave import LeaveRow
from storage.lessons.rows import LessonRow, SlotRow


def study_callback(lesson_id: int) -> str:
    """已学习 under a pushed lesson (decoded by handlers/callbacks.py LessonStudy)."""
    return f"lst:{lesson_id}"


def files_callback(lesson_id: int) -> str:
    """附件 under a pushed lesson (decoded by handlers/callbacks.py LessonFiles)."""
    return f"lfl:{lesson_id}"


def open_callback(lesson_id: int) -> str:
    """现在学习 in the reminder (decoded by handlers/callbacks.py LessonOpen)."""
    return f"lop:{lesson_id}"


def makeup_callback(lesson_id: int) -> str:
    """预约补课 in the reminder (decoded by handlers/callbacks.py LessonMakeup)."""
    return f"lmk:{lesson_id}"


def home_callback(lesson_id: int) -> str:
    """送学上门 in the reminder (decoded by handlers/callbacks.py LessonHome)."""
    return f"lhm:{lesson_id}"


def delivered_callback(lesson_id: int, person_id: int) -> str:
    """已送学 in a grid worker's task (decoded by handlers/callbacks.py LessonDelivered)."""
    return f"ldc:{lesson_id}:{person_id}"


def leave_callback(lesson_id: int) -> str:
    """🙋 请假 for a lesson (decoded by handlers/lessons/callbacks.py LessonLeave)."""
    return f"llv:{lesson_id}"


def makeup_leave_callback(slot_id: int) -> str:
    """🙋 请假 for a booked make-up (decoded by handlers/lessons/callbacks.py LessonMakeupLeave)."""
    return f"llm:{slot_id}"


def leave_decision_callback(request_id: int, approve: bool) -> str:
    """批准 / 不批准 under a request for leave (decoded by callbacks.py LessonLeaveDecision)."""
    return f"lld:{request_id}:{approve}"


def split_body(body: str, limit: int = PART_LIMIT) -> list[str]:
    """The lesson text in parts of at most ``limit`` characters, cut at paragraph
    boundaries (then at line ends, then hard) so no paragraph is torn needlessly."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body.strip()) if p.strip()]
    parts: list[str] = []
    current = ""
    for paragraph in paragraphs:
        pieces = [paragraph]
        if len(paragraph) > limit:
            pieces = _cut(paragraph, limit)
        for piece in pieces:
            candidate = f"{current}\n\n{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                parts.append(current)
                current = piece
    if current:
        parts.append(current)
    return parts or [""]


def _cut(paragraph: str, limit: int) -> list[str]:
    pieces: list[str] = []
    current = ""
    for line in paragraph.split("\n"):
        while len(line) > limit:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
        else:
            pieces.append(current)
            current = line
    if current:
        pieces.append(current)
    return pieces


def lesson_messages(
    lesson: LessonRow, language: Language, *, private: bool
) -> list[OutgoingMessage]:
    """The lesson as messages: the photo (if any) with the title, then the text in parts;
    the last part carries the 已学习 button (and the link)."""
    parts = split_body(lesson.body)
    messages: list[OutgoingMessage] = []
    if lesson.photo:
        messages.append(
            OutgoingMessage(
                "lesson.photo_caption",
                language,
                {"number": lesson.number, "title": lesson.title},
                photo=lesson.photo,
            )
        )
    study_label = "lesson.button.study_quiz" if lesson.quiz else "lesson.button.study"
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        key = "lesson.message" if len(parts) == 1 else "lesson.message_part"
        params: dict[str, Any] = {
            "number": lesson.number,
            "title": lesson.title,
            "text": part,
            "part": index + 1,
            "parts": len(parts),
        }
        buttons: tuple[tuple[ButtonSpec, ...], ...] = ()
        if last:
            key = key if not lesson.link else f"{key}_link"
            params["link"] = lesson.link or ""
            others = len([a for a in lesson.attachments if a.kind != "photo"])
            buttons = ((ButtonSpec(study_label, study_callback(lesson.id)),),)
            if private:
                # 请假 privately only: the reason is asked in the member's own chat.
                buttons = (
                    *buttons,
                    (ButtonSpec("lesson.button.leave", leave_callback(lesson.id)),),
                )
            if others and private:
                buttons = (
                    *buttons,
                    (
                        ButtonSpec(
                            "lesson.button.files",
                            files_callback(lesson.id),
                            label_params={"count": others},
                        ),
                    ),
                )
        messages.append(OutgoingMessage(key, language, params, buttons=buttons))
    return messages


def reminder_message(
    lesson: LessonRow, language: Language, *, leave: bool = False
) -> OutgoingMessage:
    """The one reminder: study now, book a make-up, or ask for home delivery; with
    ``leave`` (a reminder before the deadline), ask for leave too."""
    buttons: tuple[tuple[ButtonSpec, ...], ...] = (
        (ButtonSpec("lesson.button.study_now", open_callback(lesson.id)),),
        (ButtonSpec("lesson.button.makeup", makeup_callback(lesson.id)),),
        (ButtonSpec("lesson.button.home", home_callback(lesson.id)),),
    )
    if leave:
        buttons = (*buttons, (ButtonSpec("lesson.button.leave", leave_callback(lesson.id)),))
    return OutgoingMessage(
        "lesson.reminder",
        language,
        {"number": lesson.number, "title": lesson.title},
        buttons=buttons,
    )


def leave_what(language: Language, lesson: LessonRow, slot: SlotRow | None, tz: ZoneInfo) -> str:
    """What the leave is for: the lesson, or a make-up of it."""
    if slot is None:
        return translate(
            language, "lesson.leave.what_lesson", number=lesson.number, title=lesson.title
        )
    return translate(
        language,
        "lesson.leave.what_makeup",
        number=lesson.number,
        title=lesson.title,
        when=spoken.moment(language, slot.starts_at, tz),
        place=slot.place,
    )


def leave_request_message(request: LeaveRow, language: Language, what: str) -> OutgoingMessage:
    """To a secretary: who asks for leave, for what, why; 批准 / 不批准."""
    return OutgoingMessage(
        "lesson.leave.request",
        language,
        {"name": request.display_name, "what": what, "reason": request.reason},
        buttons=(
            (
                ButtonSpec("lesson.button.approve", leave_decision_callback(request.id, True)),
                ButtonSpec("lesson.button.refuse", leave_decision_callback(request.id, False)),
            ),
        ),
    )
