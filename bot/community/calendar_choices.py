"""A community's own calendar: its weekly session, talk days and Party day, chosen by
its secretary in the bot (/calendar, handlers/community/calendar_settings.py).

The configuration's ``[calendar]`` is the street's default rhythm. A community created
by the street may choose its own session day and time, talk days and Party day
(:data:`bot.community.communities.CALENDAR_CHOICES`); whatever it has not chosen stays
the street's, and follows the file when the file changes. Community 1's calendar is
the configuration's, as its name and grids are: it is changed in the file.

A choice is stored in ``communities.calendar``; then the profiles are read again and the
community's built-in schedules (the session reminder, the talk day's opening, the Party
day's reminder, the sittings' opening and close) are planned again on the new
calendar, through the mechanism a changed configuration uses (the rules carry the
calendar's fingerprint: bot/runtime/scheduler/builtins.py).

No Telegram types here.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from pydantic import ValidationError

from bot.clock import Clock, system_clock
from bot.community.communities import FIRST_COMMUNITY, Communities, merge_calendar
from bot.config import CalendarSettings, Settings
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from storage import Storage, current_community

#: The guided conversation of a typed choice; its step names the field.
CALENDAR_FLOW = "calendar_choice"
#: The fields typed rather than pressed.
TYPED_FIELDS = ("session_time", "talk_days", "party_day")
#: Days of the month a community may choose: every month has them.
LAST_DAY = 28
#: How many talk days a month at most.
MAX_TALK_DAYS = 6
#: The session times offered as buttons (others are typed).
SESSION_TIMES = (time(9, 0), time(14, 30), time(19, 0), time(19, 30))
#: The days of the week, as ``[calendar] session_weekday`` names them (Monday = 0).
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_CLOCK = re.compile(r"^\s*(\d{1,2})\s*[:：.]\s*(\d{2})\s*$")
_SEPARATORS = re.compile(r"[\s,，、;；]+")


class CalendarChoices:
    """A community's own calendar choices: shown, changed, and planned again."""

    def __init__(
        self,
        db: Storage,
        communities: Communities,
        settings: Settings,
        clock: Clock = system_clock,
    ) -> None:
        self._db = db
        self._communities = communities
        self._settings = settings
        self._clock = clock

    def calendar(self, community: int) -> CalendarSettings:
        """The community's calendar as it is: the street's, with its own choices."""
        return self._communities.calendar(community)

    def chosen(self, community: int) -> frozenset[str]:
        """The fields the community chose itself (the others are the street's)."""
        row = self._communities.get(community)
        if row is None or community == FIRST_COMMUNITY:
            return frozenset()
        street = self._settings.street_calendar
        mine = self.calendar(community)
        return frozenset(
            name
            for name in row.calendar
            if hasattr(street, name) and getattr(mine, name) != getattr(street, name)
        )

    @staticmethod
    def editable(community: int) -> bool:
        """Whether the bot changes the community's calendar (community 1's is the file's)."""
        return community != FIRST_COMMUNITY

    # -- pressed choices ----------------------------------------------------

    async def choose_weekday(self, community: int, weekday: int) -> bool:
        """The session's day of the week (Monday = 0); True if the calendar changed."""
        if not 0 <= weekday < len(WEEKDAYS):
            raise UserFacingError("calendar_settings.gone")
        return await self._store(community, {"session_weekday": WEEKDAYS[weekday]})

    async def choose_session_time(self, community: int, at: time) -> bool:
        """The session's time of day; True if the calendar changed."""
        return await self._store(community, {"session_time": at.strftime("%H:%M")})

    # -- typed choices --------------------------------------------------------

    async def ask(self, community: int, field: str, tg_user_id: int, chat_id: int) -> None:
        """The next message the secretary types is ``field``'s new value."""
        if field not in TYPED_FIELDS:
            raise UserFacingError("calendar_settings.gone")
        self._check(community)
        async with self._db.transaction() as session:
            await session.dialogs.put(
                chat_id, tg_user_id, CALENDAR_FLOW, field, {"community": community}, self._clock()
            )

    async def answer(self, tg_user_id: int, chat_id: int, field: str, text: str) -> bool:
        """The typed value of ``field``: stored and the form ended (True if the calendar
        changed); a refused value keeps the form open for another try."""
        async with self._db.read() as session:
            dialog = await expect_step(
                session, chat_id, tg_user_id, CALENDAR_FLOW, field, "calendar_settings.expired"
            )
        community = int(dialog.data["community"])
        if current_community.get() != community:
            raise UserFacingError("calendar_settings.expired")  # moved elsewhere since
        value: Any
        if field == "session_time":
            value = parse_clock(text).strftime("%H:%M")
        elif field == "talk_days":
            value = parse_talk_days(text)
        else:
            value = parse_party_day(text)
        changed = await self._store(community, {field: value})
        async with self._db.transaction() as session:
            await session.dialogs.end(chat_id, tg_user_id)
        return changed

    # -- storing ----------------------------------------------------------------

    def _check(self, community: int) -> None:
        """Refuse a press for another community (a forged or an old button) and
        community 1, whose calendar is the configuration's."""
        if current_community.get() != community:
            raise UserFacingError("calendar_settings.elsewhere")
        if community == FIRST_COMMUNITY:
            raise UserFacingError("calendar_settings.first_in_config")

    async def _store(self, community: int, changes: dict[str, Any]) -> bool:
        """Store ``changes`` over the community's choices; plan its schedules again."""
        self._check(community)
        street = self._settings.street_calendar
        before = self.calendar(community)
        async with self._db.transaction() as session:
            row = await session.communities.get(community)
            if row is None:
                raise UserFacingError("calendar_settings.gone")
            choices = {**row.calendar, **changes}
            try:
                after = merge_calendar(street, choices)
            except ValidationError:
                # Only a session too late for its length fails here.
                raise UserFacingError(
                    "calendar_settings.session_too_late",
                    minutes=street.session_length_minutes,
                ) from None
            if after == before:
                return False  # the same choice again: a button pressed twice
            await session.communities.set_calendar(community, choices)
            await session.audit.record(
                at=self._clock(),
                action="community.calendar",
                actor_id=None,
                detail=f"{community}:{','.join(sorted(changes))}",
            )
        await self._communities.calendar_changed(community)
        return True


def parse_clock(text: str) -> time:
    """A typed time of day, ``19:30`` (or 19：30, 19.30); refused otherwise."""
    found = _CLOCK.match(text)
    if found is None:
        raise UserFacingError("calendar_settings.bad_time")
    hour, minute = int(found.group(1)), int(found.group(2))
    if hour > 23 or minute > 59:
        raise UserFacingError("calendar_settings.bad_time")
    return time(hour, minute)


def parse_talk_days(text: str) -> list[int]:
    """Typed talk days, ``4 14 24``: 1 to 6 days of the month, each 1 to 28."""
    parts = [part for part in _SEPARATORS.split(text.strip()) if part]
    if not parts or not all(part.isdigit() for part in parts):
        raise UserFacingError("calendar_settings.bad_talk_days", last=LAST_DAY)
    days = sorted({int(part) for part in parts})
    if any(not 1 <= day <= LAST_DAY for day in days):
        raise UserFacingError("calendar_settings.bad_talk_days", last=LAST_DAY)
    if len(days) > MAX_TALK_DAYS:
        raise UserFacingError("calendar_settings.too_many_talk_days", most=MAX_TALK_DAYS)
    return days


def parse_party_day(text: str) -> int:
    """A typed Party day, ``15``: a day of the month, 1 to 28."""
    clean = text.strip().removesuffix("日").removesuffix("号").strip()
    if not clean.isdigit() or not 1 <= int(clean) <= LAST_DAY:
        raise UserFacingError("calendar_settings.bad_party_day", last=LAST_DAY)
    return int(clean)
