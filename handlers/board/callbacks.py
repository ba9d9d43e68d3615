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
