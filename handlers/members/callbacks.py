"""Callback data of the Party members' buttons."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from handlers.callbacks import Callback


@dataclass(frozen=True)
class SetJoined(Callback):
    """🎂 入党日期: give the joining date of oneself (person 0) or, for a secretary, of a
    member on /people."""

    PREFIX: ClassVar[str] = "pbd"
    person_id: int


@dataclass(frozen=True)
class ClearJoined(Callback):
    """🗑 清除入党日期 (of oneself, person 0, or of a member)."""

    PREFIX: ClassVar[str] = "pbx"
    person_id: int


# --- the commitment system (党员承诺制) -------------------------------------------------


@dataclass(frozen=True)
class CommitMine(Callback):
    """🤝 我的承诺 (on /me): the member's commitments."""

    PREFIX: ClassVar[str] = "cml"


@dataclass(frozen=True)
class CommitNew(Callback):
    """➕ 提出新承诺 under 🤝 我的承诺."""

    PREFIX: ClassVar[str] = "cmn"


@dataclass(frozen=True)
class CommitContact(Callback):
    """How residents reach the member: "b" through the bot only, "p" also a phone."""

    PREFIX: ClassVar[str] = "cmk"
    choice: str


@dataclass(frozen=True)
class CommitVerdict(Callback):
    """A secretary's ✅ 通过 ("a") / ↩ 退回 ("r") under a submitted commitment
    (the data is written by bot/members/commitments.py, VERDICT_PREFIX)."""

    PREFIX: ClassVar[str] = "cmv"
    commitment_id: int
    verdict: str


@dataclass(frozen=True)
class CommitEdit(Callback):
    """✏️ 修改后重新提交 under a returned commitment (EDIT_PREFIX)."""

    PREFIX: ClassVar[str] = "cme"
    commitment_id: int


@dataclass(frozen=True)
class CommitOpen(Callback):
    """One of the member's commitments (OPEN_PREFIX)."""

    PREFIX: ClassVar[str] = "cmo"
    commitment_id: int


@dataclass(frozen=True)
class CommitProgress(Callback):
    """📝 汇报进展 on a commitment."""

    PREFIX: ClassVar[str] = "cmr"
    commitment_id: int


@dataclass(frozen=True)
class CommitDone(Callback):
    """✅ 已践诺 on a commitment."""

    PREFIX: ClassVar[str] = "cmf"
    commitment_id: int


# --- in-service members reporting in (在职党员报到) ----------------------------------------


@dataclass(frozen=True)
class InserviceOpen(Callback):
    """🏢 在职党员报到 (on /me): the member's record, or registering."""

    PREFIX: ClassVar[str] = "isv"


@dataclass(frozen=True)
class InserviceRedo(Callback):
    """✏️ 重新填写 under the member's record: registering again."""

    PREFIX: ClassVar[str] = "isn"


@dataclass(frozen=True)
class InservicePost(Callback):
    """A post of ``[members] inservice_posts``, by its place in the list."""

    PREFIX: ClassVar[str] = "isp"
    index: int


@dataclass(frozen=True)
class InserviceBuilding(Callback):
    """包楼栋: a building of the register, by its place in the list shown; -1: 跳过."""

    PREFIX: ClassVar[str] = "isb"
    index: int


@dataclass(frozen=True)
class InserviceCard(Callback):
    """🪪 我的联系卡: the member's contact card, privately."""

    PREFIX: ClassVar[str] = "isc"


@dataclass(frozen=True)
class InserviceReply(Callback):
    """↩ 回复 under a resident's relayed message (bot/members/inservice.py REPLY_PREFIX)."""

    PREFIX: ClassVar[str] = "isr"
    message_id: int


@dataclass(frozen=True)
class InserviceList(Callback):
    """A page (from 0) of /inservice's list (a secretary), e.g. ◀ back from a member."""

    PREFIX: ClassVar[str] = "isl"
    page: int


@dataclass(frozen=True)
class InserviceMember(Callback):
    """One in-service member's record on /inservice."""

    PREFIX: ClassVar[str] = "ism"
    person_id: int


@dataclass(frozen=True)
class InserviceAction(Callback):
    """On a member of /inservice: "g" 📤 post the card to the residents' group, "x" 🗑
    take them off the list."""

    PREFIX: ClassVar[str] = "isa"
    person_id: int
    action: str


@dataclass(frozen=True)
class InserviceFeedback(Callback):
    """📄 年度反馈: this year's letters and workbook for every in-service member."""

    PREFIX: ClassVar[str] = "isf"
