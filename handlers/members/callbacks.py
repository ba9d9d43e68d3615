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


# --- the yearly democratic appraisal (民主评议) ---------------------------------------------


@dataclass(frozen=True)
class AppraisalHome(Callback):
    """/appraisal's screen of a year (◀ 返回 to it)."""

    PREFIX: ClassVar[str] = "eah"
    year: int


@dataclass(frozen=True)
class AppraisalOpen(Callback):
    """▶️ 开始 2026 年度民主评议 (a secretary)."""

    PREFIX: ClassVar[str] = "eao"
    year: int


@dataclass(frozen=True)
class AppraisalSelf(Callback):
    """A grade of the self-assessment (bot/members/appraisal.py SELF_PREFIX, in the push)."""

    PREFIX: ClassVar[str] = "eas"
    appraisal_id: int
    grade: str


@dataclass(frozen=True)
class AppraisalSelfScreen(Callback):
    """📝 自评: the four grades again, to change one's own."""

    PREFIX: ClassVar[str] = "eaw"
    appraisal_id: int


@dataclass(frozen=True)
class AppraisalPeers(Callback):
    """👥 互评: the other members, each with the grade given (PEERS_PREFIX, in the push)."""

    PREFIX: ClassVar[str] = "eap"
    appraisal_id: int


@dataclass(frozen=True)
class AppraisalPeer(Callback):
    """One member to rate: the four grades."""

    PREFIX: ClassVar[str] = "eaq"
    appraisal_id: int
    member_id: int


@dataclass(frozen=True)
class AppraisalPeerGrade(Callback):
    """A grade for another member."""

    PREFIX: ClassVar[str] = "eag"
    appraisal_id: int
    member_id: int
    grade: str


@dataclass(frozen=True)
class AppraisalBranch(Callback):
    """🏛 支部测评: every member with the branch's grade (a secretary)."""

    PREFIX: ClassVar[str] = "eab"
    appraisal_id: int


@dataclass(frozen=True)
class AppraisalBranchMember(Callback):
    """One member's 支部测评: what they and the others said, the four grades."""

    PREFIX: ClassVar[str] = "eak"
    appraisal_id: int
    member_id: int


@dataclass(frozen=True)
class AppraisalBranchGrade(Callback):
    """The branch's grade of a member."""

    PREFIX: ClassVar[str] = "ear"
    appraisal_id: int
    member_id: int
    grade: str


@dataclass(frozen=True)
class AppraisalBranchNote(Callback):
    """✏️ 写意见 on a member (typed next)."""

    PREFIX: ClassVar[str] = "ean"
    appraisal_id: int
    member_id: int


@dataclass(frozen=True)
class AppraisalClose(Callback):
    """🔒 结束评议: asks to be sure."""

    PREFIX: ClassVar[str] = "eac"
    appraisal_id: int


@dataclass(frozen=True)
class AppraisalCloseSure(Callback):
    """✅ 确定结束."""

    PREFIX: ClassVar[str] = "eax"
    appraisal_id: int


@dataclass(frozen=True)
class AppraisalPage(Callback):
    """A page of a closed year's table."""

    PREFIX: ClassVar[str] = "eat"
    year: int
    page: int


@dataclass(frozen=True)
class PledgeRate(Callback):
    """满意 / 基本满意 / 不满意 on a public pledge (RATE_PREFIX: under the card in the
    residents' group, and on the board)."""

    PREFIX: ClassVar[str] = "epr"
    commitment_id: int
    rating: str


@dataclass(frozen=True)
class PledgeRateScreen(Callback):
    """💬 评价 on the public board's 🤝 党员承诺: the three ratings."""

    PREFIX: ClassVar[str] = "eps"
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
