"""Callback data of the community's buttons.

Registration, a person's own data, the register, schedules and notices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from bot.community.register import ChatKind, Role
from bot.config import Language
from handlers.callbacks import Callback


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


@dataclass(frozen=True)
class SetHome(Callback):
    """🏠 门牌: set the building and door of oneself (person 0) or, for a secretary, of a
    person on /people."""

    PREFIX: ClassVar[str] = "hme"
    person_id: int


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
    """📣 现在补发 under a missed notice (built by bot.runtime.scheduler.send_missed_callback)."""

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


@dataclass(frozen=True)
class HelpStep(Callback):
    """A next step under the short /help: "mine", "raise", or "all" (the full list); "help"
    (the short /help itself) under a message the bot did not understand."""

    PREFIX: ClassVar[str] = "hlp"
    step: str


@dataclass(frozen=True)
class BindChat(Callback):
    """/bind without a word: bind this group as one kind (居民群 / 党员群 / 志愿者群)."""

    PREFIX: ClassVar[str] = "bk"
    kind: ChatKind


@dataclass(frozen=True)
class JoinCommunity(Callback):
    """A newcomer's choice of community from the street's list: register there."""

    PREFIX: ClassVar[str] = "jc"
    community: int


@dataclass(frozen=True)
class MoveStart(Callback):
    """🏠 搬到其他社区 on /me: the list of the other communities."""

    PREFIX: ClassVar[str] = "mvs"


@dataclass(frozen=True)
class MoveTo(Callback):
    """A community chosen to move to: asks for confirmation."""

    PREFIX: ClassVar[str] = "mvt"
    community: int


@dataclass(frozen=True)
class MoveConfirm(Callback):
    """Send the request to move (or not)."""

    PREFIX: ClassVar[str] = "mvc"
    community: int
    confirm: bool


@dataclass(frozen=True)
class MoveDecide(Callback):
    """接受 / 拒绝 under a request to move here, for a secretary (data written by
    bot/community/joining.py move_decision_callback)."""

    PREFIX: ClassVar[str] = "mvd"
    request_id: int
    accept: bool


@dataclass(frozen=True)
class HomeGrid(Callback):
    """A grid of one's community, the first question of the 门牌 form: under the
    acceptance of one's move, or after ✏️ on /me ("-": I don't know; data also written
    by bot/community/registration.py home_grid_callback)."""

    # "mvg": the buttons under acceptances already sent keep working.
    PREFIX: ClassVar[str] = "mvg"
    grid: str


@dataclass(frozen=True)
class HomeChange(Callback):
    """✏️ on /me: change one's own grid, building and door."""

    PREFIX: ClassVar[str] = "hmc"


@dataclass(frozen=True)
class HomeCancel(Callback):
    """取消 under a question of the 门牌 form: nothing changes."""

    PREFIX: ClassVar[str] = "hmx"


@dataclass(frozen=True)
class GridAdd(Callback):
    """➕ 添加网格 on /grids."""

    PREFIX: ClassVar[str] = "gda"


@dataclass(frozen=True)
class GridRemove(Callback):
    """🗑 删除 a grid on /grids."""

    PREFIX: ClassVar[str] = "gdr"
    grid: str


@dataclass(frozen=True)
class CalendarMenu(Callback):
    """/calendar: a part of the screen (``main``, ``weekday``, ``time``) of ``community``."""

    PREFIX: ClassVar[str] = "ccm"
    community: int
    part: str


@dataclass(frozen=True)
class CalendarWeekday(Callback):
    """/calendar: the session's day of the week (Monday = 0) for ``community``."""

    PREFIX: ClassVar[str] = "ccw"
    community: int
    weekday: int


@dataclass(frozen=True)
class CalendarTime(Callback):
    """/calendar: the session's time (``HHMM``) for ``community``."""

    PREFIX: ClassVar[str] = "cct"
    community: int
    at: str


@dataclass(frozen=True)
class CalendarAsk(Callback):
    """/calendar: type a new value of ``field`` (session_time, talk_days, party_day)."""

    PREFIX: ClassVar[str] = "cca"
    community: int
    field: str
