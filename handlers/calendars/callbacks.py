"""Callback data of the 📅 加到手机日历 buttons. Prefixes start with "k".

Some are built in the bot layer for pushes (bot/volunteering/reminders.py: ``ka``;
bot/deliberation/sittings.py: ``kt``); the formats must agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from handlers.callbacks import Callback


@dataclass(frozen=True)
class CalendarActivity(Callback):
    """📅 under an activity the person signed up for (/my, its reminder)."""

    PREFIX: ClassVar[str] = "ka"
    activity_id: int


@dataclass(frozen=True)
class CalendarSitting(Callback):
    """📅 under a sitting's agenda: forum code ("s" session, "t" talk day) and the day
    (YYYYMMDD, local)."""

    PREFIX: ClassVar[str] = "kt"
    forum: str
    day: str


@dataclass(frozen=True)
class CalendarMakeup(Callback):
    """📅 under a booked make-up slot."""

    PREFIX: ClassVar[str] = "km"
    slot_id: int
