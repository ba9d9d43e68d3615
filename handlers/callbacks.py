"""Callback data of every inline button, encoded and decoded in this one place.

A button's data is a short prefix naming its kind, then its typed fields,
joined by ":" (Telegram allows 64 bytes). Each kind is a frozen dataclass;
``decode`` checks the prefix and converts each field to its declared type,
so a handler receives a typed value or a :class:`StaleButton` it can explain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from enum import Enum
from typing import Any, ClassVar, Self, get_type_hints

from bot import parsing
from bot.community.register import Role
from bot.config import Language

MAX_CALLBACK_BYTES = 64


class StaleButton(Exception):
    """The button's data cannot be read (an old or tampered button)."""


@dataclass(frozen=True)
class Callback:
    """Base of every button kind; subclasses set PREFIX and declare fields."""

    PREFIX: ClassVar[str]

    def encode(self) -> str:
        """The callback data string for this button."""
        parts = [self.PREFIX]
        for field in fields(self):
            value = getattr(self, field.name)
            parts.append(value.value if isinstance(value, Enum) else str(value))
        data = ":".join(parts)
        if len(data.encode()) > MAX_CALLBACK_BYTES:
            raise ValueError(f"callback data too long: {data!r}")
        return data

    @classmethod
    def pattern(cls) -> re.Pattern[str]:
        """A regex matching this kind's data, for CallbackQueryHandler."""
        return re.compile(rf"^{re.escape(cls.PREFIX)}(:|$)")

    @classmethod
    def decode(cls, data: str | None) -> Self:
        """Read this kind's data; StaleButton if it does not fit."""
        if data is None:
            raise StaleButton("no data")
        prefix, *values = data.split(":")
        own = fields(cls)
        if prefix != cls.PREFIX or len(values) != len(own):
            raise StaleButton(data)
        hints = get_type_hints(cls)
        try:
            kwargs = {f.name: _convert(hints[f.name], v) for f, v in zip(own, values, strict=True)}
        except (ValueError, TypeError):
            raise StaleButton(data) from None
        return cls(**kwargs)


def _convert(kind: Any, raw: str) -> Any:
    if kind is int:
        value = parsing.integer(raw)
        if value is None:
            raise ValueError(raw)
        return value
    if kind is bool:
        if raw not in ("True", "False"):
            raise ValueError(raw)
        return raw == "True"
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(raw)
    if kind is str:
        return raw
    raise TypeError(f"unsupported callback field type {kind!r}")


# --- registration -------------------------------------------------------------


@dataclass(frozen=True)
class RegisterLanguage(Callback):
    """Switch the language of the consent text."""

    PREFIX: ClassVar[str] = "rl"
    language: Language


@dataclass(frozen=True)
class RegisterConsent(Callback):
    """Accept or decline the consent text."""

    PREFIX: ClassVar[str] = "rc"
    accept: bool


@dataclass(frozen=True)
class RegisterUseTelegramName(Callback):
    """Use the Telegram name as display name."""

    PREFIX: ClassVar[str] = "rn"


@dataclass(frozen=True)
class RegisterSkipBuilding(Callback):
    """Skip the building question."""

    PREFIX: ClassVar[str] = "rb"


@dataclass(frozen=True)
class RegisterGrid(Callback):
    """Choose a grid; grid "-" means "I don't know"."""

    PREFIX: ClassVar[str] = "rg"
    grid: str


# --- a person's own data ------------------------------------------------------


@dataclass(frozen=True)
class ChooseLanguage(Callback):
    """A registered person's /lang choice."""

    PREFIX: ClassVar[str] = "lg"
    language: Language


@dataclass(frozen=True)
class ConfirmForget(Callback):
    """Confirm or cancel /forget."""

    PREFIX: ClassVar[str] = "fg"
    confirm: bool


# --- secretaries: the register ------------------------------------------------


@dataclass(frozen=True)
class PeopleListPage(Callback):
    """Show a page of the register."""

    PREFIX: ClassVar[str] = "pp"
    page: int


@dataclass(frozen=True)
class ShowPerson(Callback):
    """Show one person with their roles."""

    PREFIX: ClassVar[str] = "pe"
    person_id: int


@dataclass(frozen=True)
class ToggleRole(Callback):
    """Grant or revoke one role of one person."""

    PREFIX: ClassVar[str] = "rt"
    person_id: int
    role: Role


@dataclass(frozen=True)
class RemovePerson(Callback):
    """Ask to remove a person from the register, then confirm."""

    PREFIX: ClassVar[str] = "rm"
    person_id: int
    confirmed: bool


# --- secretaries: schedules and notices ----------------------------------------


@dataclass(frozen=True)
class SetScheduleEnabled(Callback):
    """Pause (enabled False) or resume (True) a schedule."""

    PREFIX: ClassVar[str] = "se"
    schedule_id: int
    enabled: bool
    #: The /upcoming page the button was on, shown again after the press.
    page: int


@dataclass(frozen=True)
class SendMissed(Callback):
    """📣 现在补发 under a missed notice (built by bot.scheduling.send_missed_callback)."""

    PREFIX: ClassVar[str] = "sms"
    schedule_id: int
    #: The missed due time, in microseconds since the epoch.
    due: int


@dataclass(frozen=True)
class UpcomingPage(Callback):
    """Turn /upcoming to another page."""

    PREFIX: ClassVar[str] = "up"
    page: int


@dataclass(frozen=True)
class NotifyAudience(Callback):
    """Who a notice goes to: a role, or "all"."""

    PREFIX: ClassVar[str] = "na"
    audience: str


@dataclass(frozen=True)
class NotifyConfirm(Callback):
    """Send the notice, or drop it."""

    PREFIX: ClassVar[str] = "nc"
    send: bool


# --- deliberation ----------------------------------------------------------------


@dataclass(frozen=True)
class RaiseConfirm(Callback):
    """Submit the raised matter, or drop it."""

    PREFIX: ClassVar[str] = "rs"
    submit: bool


@dataclass(frozen=True)
class RaiseEdit(Callback):
    """At the confirm step: type the "title" or the "details" again."""

    PREFIX: ClassVar[str] = "re"
    field: str


@dataclass(frozen=True)
class SupportMatter(Callback):
    """附议 on a matter's card (the data is built by bot.deliberation.support_callback)."""

    PREFIX: ClassVar[str] = "ms"
    matter_id: int


# --- votes (民决) -------------------------------------------------------------------


@dataclass(frozen=True)
class VoteSetting(Callback):
    """A press on the vote settings screen: move ``field`` to its next value."""

    PREFIX: ClassVar[str] = "vs"
    field: str


@dataclass(frozen=True)
class VoteOpen(Callback):
    """Open the vote as set up, or drop it."""

    PREFIX: ClassVar[str] = "vx"
    start: bool


@dataclass(frozen=True)
class CastBallot(Callback):
    """An option button on a vote's card (built by bot.voting.ballot_callback)."""

    PREFIX: ClassVar[str] = "vb"
    vote_id: int
    index: int


@dataclass(frozen=True)
class ProxyBallot(Callback):
    """The option a grid worker records for the person chosen in /proxyvote."""

    PREFIX: ClassVar[str] = "vp"
    index: int


@dataclass(frozen=True)
class ProxyPerson(Callback):
    """/proxyvote: the person a ballot is recorded for ("w" paper resident, "p" registered)."""

    PREFIX: ClassVar[str] = "vq"
    kind: str
    subject: int


@dataclass(frozen=True)
class ProxyPage(Callback):
    """/proxyvote: another page of the people a ballot may be recorded for."""

    PREFIX: ClassVar[str] = "vr"
    page: int


@dataclass(frozen=True)
class PaperGrid(Callback):
    """/addresident: a secretary's choice of the resident's grid."""

    PREFIX: ClassVar[str] = "pg"
    grid: str


@dataclass(frozen=True)
class PaperConfirm(Callback):
    """/addresident: the paper consent is signed (enter the resident), or cancel."""

    PREFIX: ClassVar[str] = "pk"
    accept: bool


@dataclass(frozen=True)
class PaperRemove(Callback):
    """/paperresidents: remove this resident (``confirm`` False: ask first)."""

    PREFIX: ClassVar[str] = "pz"
    resident: int
    confirm: bool


@dataclass(frozen=True)
class AskProxy(Callback):
    """/askproxy: ask the grid worker to record my ballots, or withdraw the request."""

    PREFIX: ClassVar[str] = "aq"
    asked: bool


@dataclass(frozen=True)
class AcceptDraftResolution(Callback):
    """Accept the bot's draft resolution (data built in bot.deliberation.voting)."""

    PREFIX: ClassVar[str] = "ra"
    matter_id: int
    vote_id: int


@dataclass(frozen=True)
class WriteResolution(Callback):
    """Type the resolution instead (data built in bot.deliberation.voting)."""

    PREFIX: ClassVar[str] = "rw"
    matter_id: int
    vote_id: int


# --- secretaries' agenda controls, discussion (民议) ------------------


@dataclass(frozen=True)
class MatterView(Callback):
    """Show a matter with its history (and, for a secretary, its controls)."""

    PREFIX: ClassVar[str] = "xmv"
    matter_id: int


@dataclass(frozen=True)
class DeskAgenda(Callback):
    """Secretary: put the matter on the agenda of ``forum`` ('session' or 'talk_day')."""

    PREFIX: ClassVar[str] = "xag"
    matter_id: int
    forum: str


@dataclass(frozen=True)
class DeskMergeMenu(Callback):
    """Secretary: choose the matter a duplicate is merged into."""

    PREFIX: ClassVar[str] = "xmm"
    matter_id: int


@dataclass(frozen=True)
class DeskMerge(Callback):
    """Secretary: merge ``matter_id`` into ``into`` (asked to confirm first)."""

    PREFIX: ClassVar[str] = "xmg"
    matter_id: int
    into: int
    confirmed: bool


@dataclass(frozen=True)
class DeskWithdraw(Callback):
    """Secretary: withdraw the matter (a reason is asked next)."""

    PREFIX: ClassVar[str] = "xwd"
    matter_id: int


@dataclass(frozen=True)
class ShowThread(Callback):
    """A page (from 0) of a matter's discussion."""

    PREFIX: ClassVar[str] = "xth"
    matter_id: int
    page: int


@dataclass(frozen=True)
class HideComment(Callback):
    """Secretary: hide a comment (a reason is asked next); ``page`` is shown again after."""

    PREFIX: ClassVar[str] = "xhd"
    comment_id: int
    page: int


# --- carrying out, referrals, supervision, ratings (prefixes start with "b") ---


@dataclass(frozen=True)
class AssignOwnerKind(Callback):
    """/assign: who carries the matter out (resident, team, committee, unit)."""

    PREFIX: ClassVar[str] = "bak"
    kind: str


@dataclass(frozen=True)
class AssignPeoplePage(Callback):
    """/assign: another page of residents to choose the owner from."""

    PREFIX: ClassVar[str] = "bap"
    page: int


@dataclass(frozen=True)
class AssignPerson(Callback):
    """/assign: this resident is the owner."""

    PREFIX: ClassVar[str] = "bao"
    person_id: int


@dataclass(frozen=True)
class ChooseDue(Callback):
    """A due-date button of /assign or /refer: days from today (0: no due date)."""

    PREFIX: ClassVar[str] = "bdd"
    flow: str
    days: int


@dataclass(frozen=True)
class ProgressPercent(Callback):
    """/progress: how far along the matter is."""

    PREFIX: ClassVar[str] = "bpc"
    percent: int


@dataclass(frozen=True)
class PickReferral(Callback):
    """/answer: the open referral whose answer is recorded."""

    PREFIX: ClassVar[str] = "bra"
    referral_id: int


@dataclass(frozen=True)
class RateMatter(Callback):
    """满意 / 基本满意 / 不满意 (built by bot.carrying.rating_callback)."""

    PREFIX: ClassVar[str] = "brt"
    matter_id: int
    rating: str


@dataclass(frozen=True)
class AcceptanceVerdict(Callback):
    """验收通过 / 需要返工 (built by bot.carrying.verdict_callback)."""

    PREFIX: ClassVar[str] = "bav"
    matter_id: int
    verdict: str


@dataclass(frozen=True)
class SupervisionMethod(Callback):
    """/supervision: draw by lot (True) or appoint (False)."""

    PREFIX: ClassVar[str] = "bsm"
    lot: bool


@dataclass(frozen=True)
class SupervisionPage(Callback):
    """/supervision, appointing: another page of residents."""

    PREFIX: ClassVar[str] = "bsp"
    page: int


@dataclass(frozen=True)
class SupervisionToggle(Callback):
    """/supervision, appointing: choose or unchoose a resident; stays on ``page``."""

    PREFIX: ClassVar[str] = "bst"
    person_id: int
    page: int


@dataclass(frozen=True)
class SupervisionConfirm(Callback):
    """/supervision, appointing: start the term with the chosen members."""

    PREFIX: ClassVar[str] = "bsc"


@dataclass(frozen=True)
class AssignMatter(Callback):
    """安排办理: a secretary's button under a passed matter; opens /assign privately."""

    PREFIX: ClassVar[str] = "bam"
    matter_id: int


@dataclass(frozen=True)
class StartVote(Callback):
    """发起表决 under /matter N: the vote settings screen for the matter."""

    PREFIX: ClassVar[str] = "vn"
    matter_id: int


# --- micro Party lessons (微党课) -------------------------------------------------
# Prefixes start with "l" (but never "lg", the language button). The lesson
# push and reminder buttons are built by bot.lessons.service (*_callback functions).


@dataclass(frozen=True)
class LessonDraft(Callback):
    """/newlesson: a step button (body_done, attach_done, skip_link, no_explain, finish)."""

    PREFIX: ClassVar[str] = "ldr"
    action: str


@dataclass(frozen=True)
class LessonCorrect(Callback):
    """/newlesson: the right option of the question being written."""

    PREFIX: ClassVar[str] = "lqc"
    index: int


@dataclass(frozen=True)
class LessonWhen(Callback):
    """A draft's sending: party (the next Party day), now, date (typed), audience."""

    PREFIX: ClassVar[str] = "lwh"
    lesson_id: int
    how: str


@dataclass(frozen=True)
class LessonAudience(Callback):
    """Who gets the lesson: a party member toggled, 0 for every party member, or -1
    to show another ``page`` of party members."""

    PREFIX: ClassVar[str] = "lau"
    lesson_id: int
    person_id: int
    page: int


@dataclass(frozen=True)
class LessonStudy(Callback):
    """已学习 under a pushed lesson (built by bot.lessons.study_callback)."""

    PREFIX: ClassVar[str] = "lst"
    lesson_id: int


@dataclass(frozen=True)
class LessonQuiz(Callback):
    """A quiz answer: the option chosen for one question."""

    PREFIX: ClassVar[str] = "lqa"
    lesson_id: int
    question: int
    choice: int


@dataclass(frozen=True)
class LessonFiles(Callback):
    """The lesson's attachments, sent privately (built by bot.lessons.files_callback)."""

    PREFIX: ClassVar[str] = "lfl"
    lesson_id: int


@dataclass(frozen=True)
class LessonOpen(Callback):
    """现在学习 / 阅读: the lesson again, privately (built by bot.lessons.open_callback)."""

    PREFIX: ClassVar[str] = "lop"
    lesson_id: int


@dataclass(frozen=True)
class LessonMakeup(Callback):
    """预约补课: the lesson's make-up slots (built by bot.lessons.makeup_callback)."""

    PREFIX: ClassVar[str] = "lmk"
    lesson_id: int


@dataclass(frozen=True)
class LessonHome(Callback):
    """送学上门: ask the grid worker to bring it (built by bot.lessons.home_callback)."""

    PREFIX: ClassVar[str] = "lhm"
    lesson_id: int


@dataclass(frozen=True)
class LessonDelivered(Callback):
    """已送学: the grid worker confirms (built by bot.lessons.delivered_callback)."""

    PREFIX: ClassVar[str] = "ldc"
    lesson_id: int
    person_id: int


@dataclass(frozen=True)
class LessonBook(Callback):
    """Book this make-up slot."""

    PREFIX: ClassVar[str] = "lbk"
    slot_id: int


@dataclass(frozen=True)
class LessonView(Callback):
    """A lesson's screen from /lessons."""

    PREFIX: ClassVar[str] = "lvw"
    lesson_id: int


@dataclass(frozen=True)
class LessonAction(Callback):
    """A secretary's button on a lesson's screen: report, slots, add_slot, fix, export."""

    PREFIX: ClassVar[str] = "lac"
    lesson_id: int
    action: str


@dataclass(frozen=True)
class LessonRoster(Callback):
    """A make-up slot's attendance list."""

    PREFIX: ClassVar[str] = "lro"
    slot_id: int


@dataclass(frozen=True)
class LessonAttend(Callback):
    """Mark (or unmark) a booked member present at the make-up slot."""

    PREFIX: ClassVar[str] = "lat"
    slot_id: int
    person_id: int


@dataclass(frozen=True)
class LessonRecord(Callback):
    """/studyrecord: a party member's study record over ``period`` (2026 or 2026-11);
    person_id -1 shows another ``page`` of party members."""

    PREFIX: ClassVar[str] = "lrc"
    person_id: int
    period: str
    page: int


# --- volunteer service (志愿者打卡) --------------------------------------------
# Prefixes start with "w". Some are built by bot/volunteering/service.py for cards and
# pushes (wsu, wsc, wrl, wsm, wsa); the formats must agree.


@dataclass(frozen=True)
class VolSignUp(Callback):
    """报名 on an activity's card or list."""

    PREFIX: ClassVar[str] = "wsu"
    activity_id: int


@dataclass(frozen=True)
class VolCancel(Callback):
    """取消报名 on an activity's card or under /my."""

    PREFIX: ClassVar[str] = "wsc"
    activity_id: int


@dataclass(frozen=True)
class VolNewSkip(Callback):
    """/newactivity: skip an optional step (description, venue location)."""

    PREFIX: ClassVar[str] = "wns"
    step: str


@dataclass(frozen=True)
class VolNewSetting(Callback):
    """/newactivity settings screen: a setting moves to its next value."""

    PREFIX: ClassVar[str] = "wnt"
    field: str


@dataclass(frozen=True)
class VolNewPublish(Callback):
    """/newactivity: publish (True) or drop (False)."""

    PREFIX: ClassVar[str] = "wnp"
    publish: bool


@dataclass(frozen=True)
class VolCheckinChoose(Callback):
    """签到 with several activities open: the chosen one."""

    PREFIX: ClassVar[str] = "wci"
    activity_id: int


@dataclass(frozen=True)
class VolLocationConsent(Callback):
    """Consent (or not) to check in by location."""

    PREFIX: ClassVar[str] = "wlc"
    accept: bool


@dataclass(frozen=True)
class VolCode(Callback):
    """/code: show (or refresh) the activity's rotating on-site code."""

    PREFIX: ClassVar[str] = "wcd"
    activity_id: int


@dataclass(frozen=True)
class VolKiosk(Callback):
    """/kiosk: the activity's kiosk screen."""

    PREFIX: ClassVar[str] = "wka"
    activity_id: int


@dataclass(frozen=True)
class VolKioskPress(Callback):
    """Kiosk: check the person in (or out) on their behalf."""

    PREFIX: ClassVar[str] = "wkp"
    activity_id: int
    person_id: int


@dataclass(frozen=True)
class VolReviewList(Callback):
    """审核: the check-ins waiting for review."""

    PREFIX: ClassVar[str] = "wrl"


@dataclass(frozen=True)
class VolReview(Callback):
    """A review of one check-in: approve, adjust or reject."""

    PREFIX: ClassVar[str] = "wrv"
    checkin_id: int
    action: str


@dataclass(frozen=True)
class VolUnitContact(Callback):
    """/unit: this person is the unit's contact."""

    PREFIX: ClassVar[str] = "wuc"
    unit_id: int
    person_id: int


@dataclass(frozen=True)
class VolUnitPage(Callback):
    """/unit: another page of people to choose the contact from."""

    PREFIX: ClassVar[str] = "wup"
    unit_id: int
    page: int


@dataclass(frozen=True)
class VolSwapMenu(Callback):
    """换班: the units this planned duty can be handed to."""

    PREFIX: ClassVar[str] = "wsm"
    duty_id: int


@dataclass(frozen=True)
class VolSwapAsk(Callback):
    """换班: ask this unit to take the duty."""

    PREFIX: ClassVar[str] = "wsk"
    duty_id: int
    unit_id: int


@dataclass(frozen=True)
class VolSwapAnswer(Callback):
    """The other unit's contact agrees (True) or declines a swap."""

    PREFIX: ClassVar[str] = "wsa"
    swap_id: int
    accept: bool


@dataclass(frozen=True)
class VolSkipToggle(Callback):
    """/duty: ask to skip the unit's next turn (or take the request back)."""

    PREFIX: ClassVar[str] = "wst"


@dataclass(frozen=True)
class VolJoinUnit(Callback):
    """/team: join this unit."""

    PREFIX: ClassVar[str] = "wju"
    unit_id: int


@dataclass(frozen=True)
class VolCodeStop(Callback):
    """/code screen: stop replacing it every minute."""

    PREFIX: ClassVar[str] = "wcs"
    activity_id: int
