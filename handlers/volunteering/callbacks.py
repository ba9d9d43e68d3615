"""Callback data of volunteer service's buttons (志愿者打卡).

Prefixes start with "w". Some are built in bot/volunteering/ (cards.py, review.py, leave.py,
rota.py) for cards and pushes (wsu, wsc, wrl, wsm, wsa, wlv, wld); the formats must agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from handlers.callbacks import Callback


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
class VolCheckout(Callback):
    """🏁 签退 under a check-in confirmation: out of that activity; ``group`` is the chat
    whose roll-call counts it (0: checked in privately)."""

    PREFIX: ClassVar[str] = "wco"
    activity_id: int
    group: int


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


@dataclass(frozen=True)
class VolLeave(Callback):
    """🙋 请假 from an activity (under /my or a reminder; built by
    bot.volunteering.leave.leave_callback)."""

    PREFIX: ClassVar[str] = "wlv"
    activity_id: int


@dataclass(frozen=True)
class VolLeaveDecision(Callback):
    """批准 (True) / 不批准 a request for leave (built by
    bot.volunteering.leave.decision_callback)."""

    PREFIX: ClassVar[str] = "wld"
    request_id: int
    approve: bool
