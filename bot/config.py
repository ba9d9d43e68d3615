"""Settings: a TOML file, overridden by ``PAVILION_...`` environment variables.

The file is the place for everything but secrets. Secrets (the bot token, the
webhook secret) come only from the environment or from a secret file named in
the config, so a config file can be shared and committed without leaking them.

Loading is explicit (:func:`load_settings`) and does no I/O at import time. Every
problem is reported as :class:`ConfigError` with one line per problem, naming the
key by its dotted path, so ``pavilion`` can print it and exit with status 2.
"""

from __future__ import annotations

import logging
import tomllib
from contextvars import ContextVar
from datetime import date, time
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from storage.backend import is_postgres_url

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_API_FILE_URL = "https://api.telegram.org/file/bot"
TOKEN_ENV = "PAVILION_TELEGRAM__TOKEN"  # noqa: S105 - a variable name, not a secret


class Language(StrEnum):
    """The languages the bot speaks; zh_Hans is the default everywhere."""

    ZH_HANS = "zh_Hans"
    EN = "en"


class ConfigError(Exception):
    """The configuration cannot be used; ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class _Section(BaseModel):
    """Base of every config section: unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class WebhookSettings(_Section):
    """How to receive updates behind a reverse proxy (``pavilion run --webhook``)."""

    listen: str = "127.0.0.1"
    port: int = Field(default=8443, ge=1, le=65535)
    url: str = ""
    path: str = "/telegram"
    secret_token: SecretStr | None = None
    secret_token_file: Path | None = None

    @field_validator("path")
    @classmethod
    def _path_starts_with_slash(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError("must start with '/'")
        return value


class TelegramSettings(_Section):
    """The Bot API: token, server address and polling."""

    token: SecretStr | None = None
    token_file: Path | None = None
    base_url: str = DEFAULT_API_BASE_URL
    base_file_url: str = DEFAULT_API_FILE_URL
    poll_timeout: int = Field(default=30, ge=0, le=50)
    webhook: WebhookSettings = WebhookSettings()


class Grid(_Section):
    """One grid (网格) of the community: 300–500 households with one grid worker."""

    id: str = Field(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(min_length=1, max_length=32)
    #: Its name for readers of English ("Grid 1"); without one they read ``name``.
    name_en: str | None = Field(default=None, min_length=1, max_length=32)

    def name_in(self, language: Language) -> str:
        """The grid's name for a reader of ``language``."""
        return self.name_en if language is Language.EN and self.name_en else self.name


class CommunitySettings(_Section):
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


class StreetSettings(_Section):
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


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class CalendarSettings(_Section):
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
        return _WEEKDAYS.index(self.session_weekday)


#: The calendar of the community the current unit of work belongs to, set with
#: :data:`current_profile` (bot/community/communities.py): the street's ``[calendar]``
#: with the community's own choices over it. While set, ``settings.calendar`` reads it.
current_calendar: ContextVar[CalendarSettings | None] = ContextVar("current_calendar", default=None)


class ScheduleSettings(_Section):
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


class DeliberationSettings(_Section):
    """Raising and supporting matters."""

    support_threshold: int = Field(default=3, ge=1, le=1000)
    support_days: int = Field(default=14, ge=1, le=365)
    agenda_forum: Literal["session", "talk_day", "next"] = "session"
    default_quorum: int = Field(default=10, ge=0, le=100_000)
    #: Hours before a vote closes at which residents who have not voted are reminded
    #: privately (each once per moment); empty: no reminders.
    vote_reminder_hours: tuple[int, ...] = (24, 2)
    # Carrying out: the daily overdue check, and the supervision group.
    overdue_check_time: time = time(9, 0)
    supervision_term_months: int = Field(default=12, ge=1, le=60)
    supervision_size: int = Field(default=11, ge=1, le=101)

    @field_validator("vote_reminder_hours")
    @classmethod
    def _reminder_hours(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if len(value) > 4:
            raise ValueError("at most 4 reminder times")
        if any(not 1 <= hours <= 30 * 24 for hours in value):
            raise ValueError("each reminder is 1 to 720 hours before the close")
        return tuple(sorted(set(value), reverse=True))


class SurveySettings(_Section):
    """Surveys (民意测评): reminders to those who have not answered."""

    #: Hours before a survey closes at which recipients who have not answered every
    #: question are reminded privately (each once per moment); empty: no reminders.
    reminder_hours: tuple[int, ...] = (24,)

    @field_validator("reminder_hours")
    @classmethod
    def _reminder_hours(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if len(value) > 4:
            raise ValueError("at most 4 reminder times")
        if any(not 1 <= hours <= 30 * 24 for hours in value):
            raise ValueError("each reminder is 1 to 720 hours before the close")
        return tuple(sorted(set(value), reverse=True))


class ChartsSettings(_Section):
    """Bar-chart images: the font that draws Chinese labels."""

    #: A TrueType/OpenType font to draw with first; empty: the bundled subset of
    #: Noto Sans CJK SC (bot/fonts/), which also draws what this font lacks.
    font_path: str = ""


class LessonSettings(_Section):
    """Micro Party lessons (微党课): length warning, reminder, attention to absences."""

    #: Above this many characters the bot warns that a lesson is more than a 5-minute read.
    body_warn_chars: int = Field(default=1500, ge=100, le=20000)
    #: Days after a lesson is sent before members who have not studied it are reminded.
    remind_after_days: float = Field(default=3, gt=0, le=60)
    #: Lessons missed in a row that bring a member to the secretaries' attention (0: never).
    missed_in_a_row: int = Field(default=3, ge=0, le=24)
    #: When the monthly study summary (of the month before) reaches secretaries,
    #: relative to the Party day (e.g. "the day before at 18:00"); empty: never.
    monthly_summary: str = "at start"

    @field_validator("monthly_summary")
    @classmethod
    def _offset(cls, value: str) -> str:
        if value.strip():
            from bot.community.calendar import parse_offset

            parse_offset(value)
        return value.strip()


class VolunteerSettings(_Section):
    """Volunteer service (志愿者打卡): check-in window, reminders, hours, the duty rota."""

    #: The check-in window opens this long before an activity starts (and closes at its end).
    checkin_opens_minutes: int = Field(default=30, ge=0, le=24 * 60)
    #: A check-in this long after the start is late (迟到) in the attendance.
    late_after_minutes: int = Field(default=10, ge=0, le=24 * 60)
    #: Reminders to those signed up, this many minutes before the start.
    reminders_minutes: list[int] = Field(default_factory=lambda: [24 * 60, 60])
    #: A forgotten check-out is closed (and flagged) this long after the end.
    checkout_grace_minutes: int = Field(default=30, ge=0, le=24 * 60)
    #: Hours are rounded to this many minutes ("down", "nearest" or "up").
    rounding_minutes: int = Field(default=1, ge=1, le=60)
    rounding: Literal["down", "nearest", "up"] = "down"
    #: The rotating check-in code (and its QR link) changes every this many minutes, and
    #: the code before is still accepted as long again: a code read off the screen is good
    #: for at least this long (an elderly person types slowly). Also the sittings' code.
    code_valid_minutes: int = Field(default=5, ge=3, le=60)
    #: No longer used (codes last ``code_valid_minutes``); still accepted so that a
    #: configuration written for an older Pavilion starts, with a warning in the log.
    code_grace_seconds: int | None = Field(default=None, ge=0, le=59)
    #: Occurrences created at once for a weekly or monthly activity.
    series_count: int = Field(default=4, ge=1, le=26)
    #: Milestones of a volunteer's total hours.
    milestones_hours: list[int] = Field(default_factory=lambda: [10, 50, 100, 200, 500])
    #: The weekly duty (周五我值日): day, times, when the rota plans it and reminds the unit.
    duty_weekday: Literal[
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
    ] = "friday"
    duty_start: time = time(9, 0)
    duty_end: time = time(11, 0)
    duty_capacity: int = Field(default=20, ge=1, le=1000)
    duty_place: str = Field(default="社区服务站", min_length=1, max_length=60)
    #: The rota is planned (and the unit reminded) this many days before each duty, at 09:00.
    duty_plan_days_before: int = Field(default=3, ge=1, le=6)
    #: The monthly summary goes to secretaries on the 1st at this time (if turned on).
    monthly_summary: bool = True
    monthly_summary_time: time = time(9, 0)

    @property
    def duty_weekday_number(self) -> int:
        """Monday = 0 … Sunday = 6."""
        return _WEEKDAYS.index(self.duty_weekday)


class InservicePost(_Section):
    """A post an in-service member can take in the community (设岗定责: 楼栋长, 政策宣传 …)."""

    name: str = Field(min_length=1, max_length=20)
    #: Its name for readers of English ("Building leader"); without one they read ``name``.
    name_en: str | None = Field(default=None, min_length=1, max_length=40)

    def name_in(self, language: Language) -> str:
        """The post's name for a reader of ``language``."""
        return self.name_en if language is Language.EN and self.name_en else self.name


def _default_posts() -> list[InservicePost]:
    return [
        InservicePost(name="楼栋长", name_en="Building leader"),
        InservicePost(name="政策宣传", name_en="Policy outreach"),
        InservicePost(name="志愿服务", name_en="Volunteer service"),
        InservicePost(name="矛盾调解", name_en="Mediation"),
        InservicePost(name="关爱帮扶", name_en="Care and support"),
    ]


class MembersSettings(_Section):
    """The Party members' own systems: Party birthdays (政治生日)."""

    #: On the anniversary of joining the Party, a member gets a greeting card privately.
    birthday_greetings: bool = True
    #: A week before a month starts, the secretaries get its list of Party birthdays.
    birthday_list: bool = True
    #: When (community time) the cards and the list go out.
    birthday_time: time = time(8, 30)
    #: Commitments (党员承诺): the member is reminded this many days before the deadline
    #: (0: no reminder), at ``commitment_time`` (community time).
    commitment_reminder_days: int = Field(default=3, ge=0, le=60)
    commitment_time: time = time(9, 0)
    #: In-service members reporting to the community (在职党员报到): the posts they
    #: choose from (设岗定责), in this order.
    inservice_posts: list[InservicePost] = Field(
        default_factory=_default_posts, min_length=1, max_length=20
    )
    #: On 20 December, at ``inservice_feedback_time``, the secretaries are asked to send the
    #: year's feedback (双向联系反馈) to the in-service members' employers (off unless
    #: turned on: /inservice sends it at any time).
    inservice_feedback: bool = False
    inservice_feedback_time: time = time(9, 0)


class BoardSettings(_Section):
    """The public board (公开栏 / 信息公开)."""

    #: On the 1st, the residents' groups get the board's changes of the month before
    #: (off unless turned on: a community chooses to post to its group).
    monthly_digest: bool = False
    #: When (community time) the digest goes out.
    digest_time: time = time(9, 0)


class HouseholdFlag(_Section):
    """A mark on a household (独居老人 …): its id in the database, its names."""

    id: str = Field(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(min_length=1, max_length=16)
    name_en: str | None = Field(default=None, min_length=1, max_length=32)

    def name_in(self, language: Language) -> str:
        """The flag's name for a reader of ``language``."""
        return self.name_en if language is Language.EN and self.name_en else self.name


def _default_flags() -> list[HouseholdFlag]:
    return [
        HouseholdFlag(id="alone", name="独居老人", name_en="Elderly living alone"),
        HouseholdFlag(id="empty_nest", name="空巢", name_en="Empty nest"),
        HouseholdFlag(id="disability", name="残疾", name_en="Disability"),
        HouseholdFlag(id="low_income", name="低保", name_en="Subsistence allowance"),
        HouseholdFlag(id="left_behind", name="留守儿童", name_en="Left-behind children"),
    ]


class HouseholdsSettings(_Section):
    """Households and the members who look after them (党员联户)."""

    #: The marks a household can carry, most urgent first (the unlooked-after list
    #: puts households with the first ones first).
    flags: list[HouseholdFlag] = Field(default_factory=_default_flags)
    #: A lead household (党员中心户) looks after about this many members: more is warned.
    members_per_lead: int = Field(default=10, ge=1, le=100)
    #: A member looks after about this many households: more is warned.
    households_per_member: int = Field(default=10, ge=1, le=100)

    @model_validator(mode="after")
    def _unique_flag_ids(self) -> HouseholdsSettings:
        ids = [flag.id for flag in self.flags]
        if len(ids) != len(set(ids)):
            raise ValueError("household flag ids must be unique")
        return self


class NeedCategory(_Section):
    """A kind of resident's need (需求), with its response clocks (接诉即办)."""

    key: str = Field(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(min_length=1, max_length=16)
    #: Its name for readers of English; without one they read ``name``.
    name_en: str | None = Field(default=None, min_length=1, max_length=32)
    #: Answered (claimed or replied to) within this many hours, or the secretaries hear.
    answer_hours: int = Field(default=24, ge=1, le=24 * 30)
    #: Done within this many days (the task's default deadline).
    done_days: int = Field(default=7, ge=1, le=365)

    def name_in(self, language: Language) -> str:
        """The category's name for a reader of ``language``."""
        return self.name_en if language is Language.EN and self.name_en else self.name


def _default_need_categories() -> list[NeedCategory]:
    return [
        NeedCategory(key="repair", name="维修", name_en="Repairs", answer_hours=24, done_days=3),
        NeedCategory(
            key="elderly", name="助老", name_en="Help for the elderly", answer_hours=12, done_days=2
        ),
        NeedCategory(
            key="environment", name="环境", name_en="Surroundings", answer_hours=24, done_days=5
        ),
        NeedCategory(
            key="dispute",
            name="邻里纠纷",
            name_en="Neighbour dispute",
            answer_hours=24,
            done_days=7,
        ),
        NeedCategory(key="other", name="其他", name_en="Other", answer_hours=48, done_days=7),
    ]


class NeedsSettings(_Section):
    """The two lists: residents' needs and the services offered (需求/服务两张清单)."""

    categories: list[NeedCategory] = Field(default_factory=_default_need_categories, min_length=1)
    #: A need carried out as a volunteer activity: how many volunteers may sign up.
    activity_capacity: int = Field(default=5, ge=1, le=500)
    #: On the 1st, the secretaries get the month before's needs report (at ``report_time``);
    #: off unless turned on (the report is always there on /needs report).
    monthly_report: bool = False
    report_time: time = time(9, 0)

    @model_validator(mode="after")
    def _unique_keys(self) -> NeedsSettings:
        keys = [category.key for category in self.categories]
        if len(keys) != len(set(keys)):
            raise ValueError("need category keys must be unique")
        return self

    def category(self, key: str) -> NeedCategory | None:
        """The category of ``key`` (None: not configured any more)."""
        return next((c for c in self.categories if c.key == key), None)


class StorageSettings(_Section):
    """The database: a SQLite file (the default), or a PostgreSQL server."""

    #: A SQLite file's path, or ``postgresql://user:password@host:port/database``
    #: (several ``pavilion run`` processes may then share it). Empty: ``path``.
    url: str | None = None
    path: Path = Path("pavilion.sqlite3")
    synchronous: Literal["FULL", "NORMAL"] = "FULL"
    busy_timeout_ms: int = Field(default=5000, ge=0)
    #: PostgreSQL: connections per process for units of work (and as many for reads).
    pool_size: int = Field(default=8, ge=1, le=100)
    #: The master key of anonymous ballots (bot/deliberation/ballot_keys.py), kept outside the
    #: database; empty: beside it, as ``<path>.ballot-key``.
    ballot_key_file: Path | None = None

    @property
    def is_postgres(self) -> bool:
        """Whether the database is a PostgreSQL server."""
        return is_postgres_url(self.url)

    @property
    def sqlite_path(self) -> Path:
        """The SQLite file (``url`` when it is a path, else ``path``)."""
        return Path(self.url) if self.url and not self.is_postgres else self.path

    @property
    def ballot_key_path(self) -> Path:
        """Where the anonymous ballots' master key file is (created on first use)."""
        if self.ballot_key_file is not None:
            return self.ballot_key_file
        if self.is_postgres:
            # No file beside the database: beside the configuration's working directory.
            return Path("pavilion.ballot-key")
        sqlite = self.sqlite_path
        return sqlite.with_name(sqlite.name + ".ballot-key")


class UpdateSettings(_Section):
    """How incoming updates are stored and handled."""

    max_concurrent: int = Field(default=256, ge=1, le=1024)
    inbox_retention_hours: int = Field(default=48, ge=1)
    #: Several workers on PostgreSQL: how long a worker's claim on an update lasts
    #: without its heartbeat; a dead worker's updates go to another after this.
    lease_seconds: float = Field(default=30.0, ge=1.0, le=3600.0)


class DeliverySettings(_Section):
    """How the outbox sender pushes messages."""

    concurrency: int = Field(default=32, ge=1, le=256)
    #: A message that keeps failing for a passing reason (Telegram down, the
    #: network) is retried for this long after it was first due, then given up.
    retry_for_hours: float = Field(default=6.0, gt=0.0, le=168.0)
    #: No longer used (retries follow ``retry_for_hours``); still accepted so that a
    #: configuration written for an older Pavilion starts, with a warning in the log.
    max_attempts: int | None = Field(default=None, ge=1)
    progress_interval_seconds: float = Field(default=3.0, ge=1.0, le=60.0)


class LoggingSettings(_Section):
    """Log output."""

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class Settings(BaseSettings):
    """The whole configuration. Build it with :func:`load_settings`."""

    model_config = SettingsConfigDict(
        env_prefix="PAVILION_",
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
    )

    telegram: TelegramSettings = TelegramSettings()
    street: StreetSettings = StreetSettings()
    community: CommunitySettings = CommunitySettings()
    calendar: CalendarSettings = CalendarSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    deliberation: DeliberationSettings = DeliberationSettings()
    surveys: SurveySettings = SurveySettings()
    charts: ChartsSettings = ChartsSettings()
    lessons: LessonSettings = LessonSettings()
    volunteer: VolunteerSettings = VolunteerSettings()
    members: MembersSettings = MembersSettings()
    board: BoardSettings = BoardSettings()
    households: HouseholdsSettings = HouseholdsSettings()
    needs: NeedsSettings = NeedsSettings()
    storage: StorageSettings = StorageSettings()
    updates: UpdateSettings = UpdateSettings()
    delivery: DeliverySettings = DeliverySettings()
    logging: LoggingSettings = LoggingSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The environment overrides the file's values, which arrive as init arguments."""
        return (env_settings, init_settings)

    def __getattribute__(self, name: str) -> Any:
        # ``community`` is the profile of the community being worked for (see
        # current_profile): 190 places read settings.community, and each must see the
        # community of the unit of work it runs in, not the file's first one.
        if name == "community":
            profile = current_profile.get()
            if profile is not None:
                return profile
        elif name == "calendar":
            # Likewise the calendar (45 places): the community's own rhythm.
            calendar = current_calendar.get()
            if calendar is not None:
                return calendar
        return super().__getattribute__(name)

    @property
    def first_community(self) -> CommunitySettings:
        """The ``[community]`` section as written: community 1, and the street's defaults."""
        profile: CommunitySettings = super().__getattribute__("community")
        return profile

    @property
    def street_calendar(self) -> CalendarSettings:
        """The ``[calendar]`` section as written: the street's defaults, community 1's."""
        calendar: CalendarSettings = super().__getattribute__("calendar")
        return calendar

    def bot_token(self) -> str:
        """The bot token from the environment or the token file; ConfigError if neither."""
        telegram = self.telegram
        if telegram.token is not None and telegram.token.get_secret_value().strip():
            return telegram.token.get_secret_value().strip()
        if telegram.token_file is not None:
            return _read_secret_file(telegram.token_file, "telegram.token_file")
        raise ConfigError([f"telegram.token: no bot token; set {TOKEN_ENV} or telegram.token_file"])

    def webhook_secret(self) -> str:
        """The webhook secret token; ConfigError if it is missing."""
        hook = self.telegram.webhook
        if hook.secret_token is not None and hook.secret_token.get_secret_value():
            return hook.secret_token.get_secret_value()
        if hook.secret_token_file is not None:
            return _read_secret_file(hook.secret_token_file, "telegram.webhook.secret_token_file")
        raise ConfigError(
            [
                "telegram.webhook.secret_token: no webhook secret; set "
                "PAVILION_TELEGRAM__WEBHOOK__SECRET_TOKEN or telegram.webhook.secret_token_file"
            ]
        )


def _read_secret_file(path: Path, key: str) -> str:
    try:
        value = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError([f"{key}: cannot read {str(path)!r}: {exc.strerror}"]) from None
    if not value:
        raise ConfigError([f"{key}: {str(path)!r} is empty"])
    return value


_SECRET_KEYS = (("telegram", "token"), ("telegram", "webhook", "secret_token"))


def load_settings(path: Path) -> Settings:
    """Read ``path`` (TOML), apply the environment, validate; ConfigError on any problem."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError([f"{path}: config file not found"]) from None
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read config file: {exc.strerror}"]) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{path}: not valid TOML: {exc}"]) from None
    problems = [
        f"{'.'.join(keys)}: secrets must not be in the config file; use the environment "
        f"or a *_file key"
        for keys in _SECRET_KEYS
        if _dig(data, keys) is not None
    ]
    if problems:
        raise ConfigError(problems)
    return settings_from_mapping(data)


def settings_from_mapping(data: dict[str, Any]) -> Settings:
    """Validate already-parsed config data (with the environment applied) into Settings."""
    try:
        return Settings(**data)
    except ValidationError as exc:
        raise ConfigError([_describe(error) for error in exc.errors()]) from None


def _dig(data: dict[str, Any], keys: tuple[str, ...]) -> Any:
    node: Any = data
    for key in keys:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _describe(error: Any) -> str:
    location = ".".join(str(part) for part in error["loc"]) or "(top level)"
    if error["type"] == "extra_forbidden":
        return f"{location}: unknown key"
    if error["type"] == "missing":
        return f"{location}: required key is missing"
    message = str(error["msg"]).removeprefix("Value error, ")
    given = error.get("input")
    if isinstance(given, str | int | float | bool) and error["type"] != "value_error":
        return f"{location}: {message} (got {given!r})"
    return f"{location}: {message}"
