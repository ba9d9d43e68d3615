"""Micro Party lessons (微党课): the rules every part shares — the guided
conversations' flow names, the limits on what is typed, the patterns of typed
dates and slots, and who may do what."""

from __future__ import annotations

import re
from datetime import datetime

from bot import usertext
from bot.community.register import Actor, Role
from storage.lessons.rows import MemberStanding

#: Guided conversations of this area (the ``dialogs`` table's flow names).
LESSON_FLOW = "lesson"
WHEN_FLOW = "lesson_when"
SLOT_FLOW = "lesson_slot"
FIX_FLOW = "lesson_fix"
PHOTO_FLOW = "lesson_photo"
LEAVE_FLOW = "lesson_leave"

MAX_TITLE = 60
MAX_BODY = 20000
MAX_LINK = 500
MAX_ATTACHMENTS = 10
MAX_QUESTIONS = 10
MAX_OPTIONS = 6
MAX_OPTION = 40
MAX_QUESTION = 200
MAX_EXPLANATION = 300
MAX_PLACE = 60
MAX_FIX = 1000
#: Room for a lesson part's header in a 4,096-character message.
PART_LIMIT = 3500
ATTACHMENT_KINDS = ("photo", "document", "audio", "video")

LINK = re.compile(r"^https?://\S+$")
# ASCII digits only (bot/parsing.py): "\d" would take "１" and "१" too.
SLOT = re.compile(
    r"^(?:(?P<year>[0-9]{4})-)?(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})\s+"
    r"(?P<hour>[0-9]{1,2})[:：](?P<minute>[0-9]{2})\s+(?P<place>.+?)\s+"
    r"(?P<capacity>[0-9]{1,3})\s*人?$"
)
WHEN = re.compile(
    r"^(?:(?P<year>[0-9]{4})-)?(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})\s+"
    r"(?P<hour>[0-9]{1,2})[:：](?P<minute>[0-9]{2})$"
)


#: Why a person without the role is refused.
REFUSALS = {Role.SECRETARY: "lesson.secretary_only", Role.GRID_WORKER: "lesson.grid_workers_only"}


def delivery_role(actor: Actor) -> Role:
    """Who confirms a home delivery: a secretary, or else the grid worker."""
    return Role.SECRETARY if actor.has(Role.SECRETARY) else Role.GRID_WORKER


def clean(text: str) -> str:
    """Trim each line and drop runs of blank lines beyond one."""
    return usertext.block(text)


#: A member's attendance on a lesson, as attendance systems count it.
ATTENDANCE = ("on_time", "late", "excused", "absent")


def attendance(standing: MemberStanding, deadline: datetime | None) -> str:
    """已学 on time | 迟学 late | 请假 excused | 未学 absent.

    Late: studied (or delivered at home) after the lesson's deadline, its one
    reminder (``remind_after_days`` after the push), or studied at a make-up,
    which is for those who missed it. Excused: leave asked or approved and not
    studied. Booked or waiting for home delivery, and not done yet: absent.
    """
    outcome = standing.outcome
    if outcome == "excused":
        return "excused"
    if outcome == "makeup":
        return "late"
    done = {"studied": standing.studied_at, "delivered": standing.delivered_at}.get(outcome)
    if done is None:
        return "absent"
    return "late" if deadline is not None and done > deadline else "on_time"
