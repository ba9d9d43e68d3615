"""Callback data of the households' buttons (党员联户)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from handlers.callbacks import Callback


@dataclass(frozen=True)
class HouseholdList(Callback):
    """A page of /households."""

    PREFIX: ClassVar[str] = "hhl"
    page: int


@dataclass(frozen=True)
class HouseholdOpen(Callback):
    """One household's screen."""

    PREFIX: ClassVar[str] = "hho"
    household_id: int


@dataclass(frozen=True)
class HouseholdFlag(Callback):
    """A flag (独居老人 …) set or cleared on a household."""

    PREFIX: ClassVar[str] = "hhf"
    household_id: int
    flag: str


@dataclass(frozen=True)
class HouseholdContacts(Callback):
    """👤 联系党员: the members offered, of the grid ("g") or the community ("a")."""

    PREFIX: ClassVar[str] = "hhc"
    household_id: int
    scope: str


@dataclass(frozen=True)
class HouseholdLink(Callback):
    """A member chosen as the household's contact (0: nobody)."""

    PREFIX: ClassVar[str] = "hhk"
    household_id: int
    person_id: int


@dataclass(frozen=True)
class HouseholdAdd(Callback):
    """➕ 添加住户."""

    PREFIX: ClassVar[str] = "hha"


@dataclass(frozen=True)
class HouseholdSkipNote(Callback):
    """⏭ 不填 (who lives there) while adding one."""

    PREFIX: ClassVar[str] = "hhs"


@dataclass(frozen=True)
class HouseholdGrid(Callback):
    """A secretary's grid for the household added ("-": none)."""

    PREFIX: ClassVar[str] = "hhg"
    grid: str


@dataclass(frozen=True)
class LeadList(Callback):
    """⭐ 党员中心户: the lead households."""

    PREFIX: ClassVar[str] = "hhd"


@dataclass(frozen=True)
class LeadCandidates(Callback):
    """➕ 设立中心户: a page of the Party members to mark."""

    PREFIX: ClassVar[str] = "hhn"
    page: int


@dataclass(frozen=True)
class LeadMark(Callback):
    """A Party member marked as a lead household."""

    PREFIX: ClassVar[str] = "hhm"
    person_id: int


@dataclass(frozen=True)
class LeadOpen(Callback):
    """A lead household's screen (a page of the members offered)."""

    PREFIX: ClassVar[str] = "hhe"
    lead_id: int
    page: int


@dataclass(frozen=True)
class LeadToggle(Callback):
    """A member linked to (or unlinked from) a lead household."""

    PREFIX: ClassVar[str] = "hht"
    lead_id: int
    member_id: int
    page: int


@dataclass(frozen=True)
class LeadRemove(Callback):
    """🗑 取消中心户."""

    PREFIX: ClassVar[str] = "hhx"
    lead_id: int


@dataclass(frozen=True)
class TreePage(Callback):
    """🌳 联户情况: a page of the tree."""

    PREFIX: ClassVar[str] = "hhr"
    page: int


@dataclass(frozen=True)
class TreeSheet(Callback):
    """📥 下载表格 of the tree."""

    PREFIX: ClassVar[str] = "hhw"


@dataclass(frozen=True)
class MyHouseholds(Callback):
    """🏠 我联系的住户 (on /me)."""

    PREFIX: ClassVar[str] = "hhy"


@dataclass(frozen=True)
class VisitStart(Callback):
    """📝 记录走访 on one of the member's households."""

    PREFIX: ClassVar[str] = "hhv"
    household_id: int


@dataclass(frozen=True)
class VisitOtherDay(Callback):
    """📅 不是今天 while logging a visit: the date picker."""

    PREFIX: ClassVar[str] = "hhz"


@dataclass(frozen=True)
class NeedStart(Callback):
    """🙋 记录需求 for a household (after a visit, on its screen)."""

    PREFIX: ClassVar[str] = "hhq"
    household_id: int


@dataclass(frozen=True)
class NeedResident(Callback):
    """The resident a need is recorded for."""

    PREFIX: ClassVar[str] = "hhu"
    person_id: int


@dataclass(frozen=True)
class NeedKind(Callback):
    """A category of the needs list while recording one."""

    PREFIX: ClassVar[str] = "hhi"
    key: str


@dataclass(frozen=True)
class NeedUrgent(Callback):
    """一般 (0) / 紧急 (1) while recording one."""

    PREFIX: ClassVar[str] = "hhj"
    urgent: int
