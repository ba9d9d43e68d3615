"""Callback data of the public board's buttons."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from handlers.callbacks import Callback


@dataclass(frozen=True)
class BoardHome(Callback):
    """◀ 返回公开栏: the board's sections."""

    PREFIX: ClassVar[str] = "obh"


@dataclass(frozen=True)
class BoardCommittee(Callback):
    """👥 社区组织."""

    PREFIX: ClassVar[str] = "obc"


@dataclass(frozen=True)
class BoardPages(Callback):
    """📋 办事流程: the pages' titles."""

    PREFIX: ClassVar[str] = "obp"


@dataclass(frozen=True)
class BoardPage(Callback):
    """One how-to page."""

    PREFIX: ClassVar[str] = "obv"
    page_id: int


@dataclass(frozen=True)
class BoardCommitments(Callback):
    """🤝 党员承诺: the approved commitments, in public."""

    PREFIX: ClassVar[str] = "obm"


@dataclass(frozen=True)
class BoardResolutions(Callback):
    """📜 决议公开, one screen of it (◀ / ▶)."""

    PREFIX: ClassVar[str] = "obr"
    page: int


@dataclass(frozen=True)
class PageWrite(Callback):
    """➕ 新建一页 (page 0) or ✏️ 修改 (a secretary)."""

    PREFIX: ClassVar[str] = "obw"
    page_id: int


@dataclass(frozen=True)
class PageRemove(Callback):
    """🗑 删除 a page: asks to be sure."""

    PREFIX: ClassVar[str] = "obx"
    page_id: int


@dataclass(frozen=True)
class PageRemoveSure(Callback):
    """确定删除."""

    PREFIX: ClassVar[str] = "oby"
    page_id: int


@dataclass(frozen=True)
class FollowMatter(Callback):
    """🔔 关注 (on) / 🔕 取消关注 on a matter's screen."""

    PREFIX: ClassVar[str] = "obf"
    matter_id: int
    on: bool


# --- 经费公开: spending per project (handlers/board/spending.py) ----------------------


@dataclass(frozen=True)
class SpendingList(Callback):
    """💰 经费公开: the projects."""

    PREFIX: ClassVar[str] = "osl"


@dataclass(frozen=True)
class SpendingProject(Callback):
    """One project's screen (also the button under a follower's note, bot/board/spending.py)."""

    PREFIX: ClassVar[str] = "osp"
    project_id: int


@dataclass(frozen=True)
class SpendingNew(Callback):
    """➕ 新建项目 (a secretary)."""

    PREFIX: ClassVar[str] = "osn"


@dataclass(frozen=True)
class SpendingSkipSource(Callback):
    """跳过 the source of funds."""

    PREFIX: ClassVar[str] = "oss"


@dataclass(frozen=True)
class SpendingMatter(Callback):
    """The matter a new project carries out (0: 跳过)."""

    PREFIX: ClassVar[str] = "osm"
    matter_id: int


@dataclass(frozen=True)
class SpendingAddItem(Callback):
    """➕ 记一笔支出."""

    PREFIX: ClassVar[str] = "osa"
    project_id: int


@dataclass(frozen=True)
class SpendingItemDone(Callback):
    """✅ 完成 (or 没有收据) after the receipts' photos."""

    PREFIX: ClassVar[str] = "osd"


@dataclass(frozen=True)
class SpendingItem(Callback):
    """✏️ one item, for a secretary to correct or remove."""

    PREFIX: ClassVar[str] = "osi"
    item_id: int


@dataclass(frozen=True)
class SpendingFix(Callback):
    """✏️ 改内容 / 改金额 / 📅 改日期 of an item (field: what, amount, date)."""

    PREFIX: ClassVar[str] = "osf"
    item_id: int
    field: str


@dataclass(frozen=True)
class SpendingRemove(Callback):
    """🗑 删除这笔: asks to be sure."""

    PREFIX: ClassVar[str] = "osr"
    item_id: int


@dataclass(frozen=True)
class SpendingRemoveSure(Callback):
    """确定删除 an item."""

    PREFIX: ClassVar[str] = "osx"
    item_id: int


@dataclass(frozen=True)
class SpendingClose(Callback):
    """✅ 结项: asks to be sure."""

    PREFIX: ClassVar[str] = "osc"
    project_id: int


@dataclass(frozen=True)
class SpendingCloseSure(Callback):
    """确定结项."""

    PREFIX: ClassVar[str] = "osy"
    project_id: int


@dataclass(frozen=True)
class SpendingReceipts(Callback):
    """🧾 an item's receipt photos, sent into the chat."""

    PREFIX: ClassVar[str] = "ost"
    item_id: int


@dataclass(frozen=True)
class SpendingHistory(Callback):
    """📜 变更记录 of a project."""

    PREFIX: ClassVar[str] = "osh"
    project_id: int


@dataclass(frozen=True)
class FollowProject(Callback):
    """🔔 关注 (on) / 🔕 取消关注 on a project's screen."""

    PREFIX: ClassVar[str] = "osw"
    project_id: int
    on: bool
