"""The features' sections: deliberation, surveys, charts, lessons, volunteering,
members, the board, households and the needs lists."""

from __future__ import annotations

from datetime import time
from typing import Literal

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from bot.config.base import WEEKDAYS, Language, Section


def reminder_hours(value: tuple[int, ...]) -> tuple[int, ...]:
    """Reminder moments, in hours before a close: at most 4, each 1 to 720, latest first."""
    if len(value) > 4:
        raise ValueError("at most 4 reminder times")
    if any(not 1 <= hours <= 30 * 24 for hours in value):
        raise ValueError("each reminder is 1 to 720 hours before the close")
    return tuple(sorted(set(value), reverse=True))


class DeliberationSettings(Section):
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
        return reminder_hours(value)


class SurveySettings(Section):
    """Surveys (民意测评): reminders to those who have not answered."""

    #: Hours before a survey closes at which recipients who have not answered every
    #: question are reminded privately (each once per moment); empty: no reminders.
    reminder_hours: tuple[int, ...] = (24,)

    @field_validator("reminder_hours")
    @classmethod
    def _reminder_hours(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        return reminder_hours(value)


class ChartsSettings(Section):
    """Bar-chart images: the font that draws Chinese labels."""

    #: A TrueType/OpenType font to draw with first; empty: the bundled subset of
    #: Noto Sans CJK SC (bot/fonts/), which also draws what this font lacks.
    font_path: str = ""


class LessonSettings(Section):
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


class VolunteerSettings(Section):
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
        return WEEKDAYS.index(self.duty_weekday)


class InservicePost(Section):
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


class MembersSettings(Section):
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


class BoardSettings(Section):
    """The public board (公开栏 / 信息公开)."""

    #: On the 1st, the residents' groups get the board's changes of the month before
    #: (off unless turned on: a community chooses to post to its group).
    monthly_digest: bool = False
    #: When (community time) the digest goes out.
    digest_time: time = time(9, 0)


class HouseholdFlag(Section):
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


class HouseholdsSettings(Section):
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


class NeedCategory(Section):
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


class NeedsSettings(Section):
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
