"""Callback data of the two lists' buttons (需求/服务)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from handlers.callbacks import Callback


@dataclass(frozen=True)
class NeedStart(Callback):
    """🙋 我有需求 (on /me): post a need."""

    PREFIX: ClassVar[str] = "ndn"


@dataclass(frozen=True)
class NeedCategory(Callback):
    """A category while posting."""

    PREFIX: ClassVar[str] = "ndk"
    key: str


@dataclass(frozen=True)
class NeedBuilding(Callback):
    """A building while posting (its place in the choices; -1: none)."""

    PREFIX: ClassVar[str] = "ndb"
    index: int


@dataclass(frozen=True)
class NeedUrgency(Callback):
    """一般 (0) / 紧急 (1) while posting."""

    PREFIX: ClassVar[str] = "ndu"
    urgent: int


@dataclass(frozen=True)
class NeedsPage(Callback):
    """A page of the open needs (/needs)."""

    PREFIX: ClassVar[str] = "ndp"
    page: int


@dataclass(frozen=True)
class NeedOpen(Callback):
    """One need's screen (also in pushes: bot/needs/rules.py OPEN_PREFIX)."""

    PREFIX: ClassVar[str] = "ndo"
    need_id: int


@dataclass(frozen=True)
class NeedClaim(Callback):
    """🙋 我来认领: a task."""

    PREFIX: ClassVar[str] = "ndc"
    need_id: int


@dataclass(frozen=True)
class NeedActivity(Callback):
    """🤝 组织志愿活动: a volunteer activity for the need."""

    PREFIX: ClassVar[str] = "nda"
    need_id: int


@dataclass(frozen=True)
class NeedReply(Callback):
    """💬 回复居民."""

    PREFIX: ClassVar[str] = "ndy"
    need_id: int


@dataclass(frozen=True)
class NeedDue(Callback):
    """📅 改期限 (the owner)."""

    PREFIX: ClassVar[str] = "ndd"
    need_id: int


@dataclass(frozen=True)
class NeedDone(Callback):
    """✅ 已办好 (the owner)."""

    PREFIX: ClassVar[str] = "ndf"
    need_id: int


@dataclass(frozen=True)
class NeedSolved(Callback):
    """The resident's ✅ 已解决 (1) / ❌ 没有解决 (0) (SOLVED_PREFIX)."""

    PREFIX: ClassVar[str] = "nds"
    need_id: int
    solved: int


@dataclass(frozen=True)
class NeedRate(Callback):
    """The resident's ⭐ 1–5 (RATE_PREFIX)."""

    PREFIX: ClassVar[str] = "ndr"
    need_id: int
    stars: int


@dataclass(frozen=True)
class NeedToMatter(Callback):
    """🏛 转为议题."""

    PREFIX: ClassVar[str] = "ndm"
    need_id: int


@dataclass(frozen=True)
class MatterToNeed(Callback):
    """↩ 转回需求, on a matter's screen (a secretary)."""

    PREFIX: ClassVar[str] = "ndx"
    matter_id: int


@dataclass(frozen=True)
class NeedsReport(Callback):
    """📊 本月报告 under /needs (a secretary)."""

    PREFIX: ClassVar[str] = "ndt"


@dataclass(frozen=True)
class OfferLongTerm(Callback):
    """♾ 长期 while offering a service."""

    PREFIX: ClassVar[str] = "nvl"


@dataclass(frozen=True)
class OfferCount(Callback):
    """How many, while offering a service."""

    PREFIX: ClassVar[str] = "nvq"
    count: int


@dataclass(frozen=True)
class ServicesPage(Callback):
    """A page of the services list (/services)."""

    PREFIX: ClassVar[str] = "nvp"
    page: int


@dataclass(frozen=True)
class ServiceOpen(Callback):
    """One service."""

    PREFIX: ClassVar[str] = "nvo"
    offer_id: int


@dataclass(frozen=True)
class ServiceClaim(Callback):
    """🙋 我要认领 a service (a resident)."""

    PREFIX: ClassVar[str] = "nvc"
    offer_id: int


@dataclass(frozen=True)
class ServiceAnswer(Callback):
    """The offerer's ✅ 同意 (1) / 婉拒 (0) (OFFER_ANSWER_PREFIX)."""

    PREFIX: ClassVar[str] = "nva"
    claim_id: int
    agreed: int


@dataclass(frozen=True)
class ServiceFor(Callback):
    """🙋 为居民认领 (a secretary): a page of the residents."""

    PREFIX: ClassVar[str] = "nvf"
    offer_id: int
    page: int


@dataclass(frozen=True)
class ServiceForPerson(Callback):
    """The resident a secretary claims the service for."""

    PREFIX: ClassVar[str] = "nvr"
    offer_id: int
    person_id: int
