"""The street, a community's profile and its calendar ([street], [community],
[calendar], [schedule]), with the context variables through which ``settings.community``
and ``settings.calendar`` read the community a unit of work is for."""

from __future__ import annotations

import logging
from contextvars import ContextVar
from datetime import date, time
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from bot.config.base import WEEKDAYS, Language, Section


class Grid(Section):
    """One grid (网格) of the community: 300–500 households with one grid worker."""

    id: str = Field(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(min_length=1, max_length=32)
    #: Its name for readers of English ("Grid 1"); without one they read ``name``.
    name_en: str | None = Field(default=None, min_length=1, max_length=32)

    def name_in(self, language: Language) -> str:
        """The grid's name for a reader of ``language``."""
        return self.name_en if language is Language.EN and self.name_en else self.name


class CommunitySettings(Section):
    """A community's profile. In the file, ``[community]`` is the first community's (and
    the street's defaults: time zone, language); the others live in the database and are
    created by street administrators (bot/community/communities.py)."""

    name: str = Field(default="幸福社区", min_length=1, max_length=64)
    #: The community's name for readers of English ("Happiness Community"); without
    #: one they read ``name``.
    name_en: str | None = Field(default=None, min_length=1, max_length=64)
    timezone: str = "Asia/Shanghai"
    default_language: Language = Language.ZH_HANS
    secretaries: list[int] = Field(default_factory=list)
    grids: list[Grid] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @model_validator(mode="after")
    def _unique_grid_ids(self) -> CommunitySettings:
        ids = [grid.id for grid in self.grids]
        if len(ids) != len(set(ids)):
            raise ValueError("grid ids must be unique")
        return self

    def name_in(self, language: Language) -> str:
        """The community's name for a reader of ``language``."""
        return self.name_en if language is Language.EN and self.name_en else self.name

    @property
    def tz(self) -> ZoneInfo:
        """The community's time zone, used for every rule and every displayed time."""
        return ZoneInfo(self.timezone)


#: The profile of the community the current unit of work belongs to, set together with
#: :data:`storage.scope.current_community` (bot/community/communities.py). While it is
#: set, ``settings.community`` reads it, so every service shows and applies the rules of
#: the community it is working for; outside any community it reads ``[community]``.
current_profile: ContextVar[CommunitySettings | None] = ContextVar("current_profile", default=None)


def community_now(configured: CommunitySettings) -> CommunitySettings:
    """The profile of the community being worked for, else ``configured``: for a service
    that was handed ``settings.community`` when it was built."""
    return current_profile.get() or configured


class StreetSettings(Section):
    """The street office (街道) above the communities one deployment serves."""

    #: The street's name, shown on the street view ("幸福街道"); empty: "街道".
    name: str = Field(default="", max_length=64)
    name_en: str | None = Field(default=None, min_length=1, max_length=64)
    #: Telegram user ids of the street administrators: they create and rename
    #: communities, appoint each one's first secretary and read the street view.
    admins: list[int] = Field(default_factory=list)

    def name_in(self, language: Language) -> str:
        """The street's name for a reader of ``language`` ("" when not configured)."""
        return self.name_en if language is Language.EN and self.name_en else self.name


class CalendarSettings(Section):
    """The community's rhythms: the weekly session, talk days and the Party day. In the
    file, ``[calendar]`` is the street's default (and community 1's calendar); another
    community may choose its own rhythm in the bot (bot/community/calendar_choices.py),
    and ``settings.calendar`` reads the current community's (see current_calendar)."""

    session_weekday: Literal[
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
    ] = "thursday"
    session_time: time = time(19, 0)
    talk_days: list[int] = Field(default_factory=lambda: [4, 14, 24])
    talk_day_time: time = time(9, 0)
    party_day: int = Field(default=15, ge=1, le=31)
    party_day_time: time = time(9, 0)
    party_day_max_shift: int = Field(default=2, ge=0, le=7)
    party_day_prefer: Literal["earlier", "later"] = "earlier"
    #: Mainland China's statutory holidays and 调休 workdays from chinese-calendar
    #: (bot/community/holidays.py); false for a community outside that calendar.
    statutory_holidays: bool = True
    #: The community's own days off and working days; they win over the statutory ones.
    #: (``holidays`` / ``workdays``, their names before, are still read, with a warning.)
    extra_holidays: list[date] = Field(default_factory=list)
    extra_workdays: list[date] = Field(default_factory=list)
    #: How long a Thursday pavilion lasts: at its end the bot closes it and posts the minutes.
    session_length_minutes: int = Field(default=120, ge=1, le=23 * 60)
    #: When a talk day closes (local time, the same day) and its minutes are posted.
    talk_day_end_time: time = time(20, 0)
    #: Where sittings are held: the minutes' 地点.
    sitting_place: str = Field(default="社区议事亭", min_length=1, max_length=60)

    @model_validator(mode="before")
    @classmethod
    def _old_names(cls, data: Any) -> Any:
        """``holidays`` / ``workdays`` meant what ``extra_holidays`` / ``extra_workdays`` mean."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for old, new in (("holidays", "extra_holidays"), ("workdays", "extra_workdays")):
            if old not in data:
                continue
            if new in data:
                raise ValueError(f"{old} is the old name of {new}: give only {new}")
            logging.getLogger(__name__).warning(
                "[calendar] %s is deprecated: rename it %s (statutory holidays now come "
                "from chinese-calendar; list only the community's own days there)",
                old,
                new,
            )
            data[new] = data.pop(old)
        return data

    @field_validator("talk_days")
    @classmethod
    def _days_of_month(cls, value: list[int]) -> list[int]:
        if not value or any(not 1 <= day <= 31 for day in value):
            raise ValueError("must list days of the month, 1 to 31")
        return sorted(set(value))

    @model_validator(mode="after")
    def _sittings_end_the_same_day(self) -> CalendarSettings:
        start = self.session_time.hour * 60 + self.session_time.minute
        if start + self.session_length_minutes > 23 * 60 + 59:
            raise ValueError("session_time + session_length_minutes must end the same day")
        if self.talk_day_end_time <= self.talk_day_time:
            raise ValueError("talk_day_end_time must be after talk_day_time")
        return self

    @property
    def session_end_time(self) -> time:
        """When the Thursday pavilion ends, local time (the same day)."""
        end = self.session_time.hour * 60 + self.session_time.minute + self.session_length_minutes
        return time(end // 60, end % 60)

    @property
    def session_weekday_number(self) -> int:
        """Monday = 0 … Sunday = 6."""
        return WEEKDAYS.index(self.session_weekday)


#: The calendar of the community the current unit of work belongs to, set with
#: :data:`current_profile` (bot/community/communities.py): the street's ``[calendar]``
#: with the community's own choices over it. While set, ``settings.calendar`` reads it.
current_calendar: ContextVar[CalendarSettings | None] = ContextVar("current_calendar", default=None)


class ScheduleSettings(Section):
    """Timed work: catching up after downtime, and the built-in reminders."""

    catch_up_window_minutes: int = Field(default=360, ge=0, le=7 * 24 * 60)
    session_reminder: str = "the evening before at 20:00"
    talk_day_opening: str = "at start"
    party_day_reminder: str = "the day before at 18:00"

    @field_validator("session_reminder", "talk_day_opening", "party_day_reminder")
    @classmethod
    def _offset(cls, value: str) -> str:
        if value.strip():
            from bot.community.calendar import parse_offset

            parse_offset(value)
        return value.strip()
