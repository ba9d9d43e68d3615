"""Micro Party lessons (微党课) handlers: the typed and media answers of this area's
guided conversations, by flow (handlers/__init__.py gathers them).
"""

from __future__ import annotations

from bot.lessons.rules import (
    FIX_FLOW,
    LEAVE_FLOW,
    LESSON_FLOW,
    PHOTO_FLOW,
    SLOT_FLOW,
    WHEN_FLOW,
)
from handlers.lessons import delivery, leave, makeup, sending, writing

#: Typed answers of this area's guided conversations.
TEXT_ANSWERS = {
    LESSON_FLOW: writing.lesson_text,
    WHEN_FLOW: sending.when_text,
    SLOT_FLOW: makeup.slot_text,
    FIX_FLOW: writing.fix_text,
    PHOTO_FLOW: delivery.photo_text,
    LEAVE_FLOW: leave.reason_text,
}

#: Photos and files answering this area's guided conversations.
MEDIA_ANSWERS = {
    LESSON_FLOW: writing.attachment_answer,
    PHOTO_FLOW: delivery.delivery_photo_answer,
}
