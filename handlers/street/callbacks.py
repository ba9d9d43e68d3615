"""Callback data of the street's buttons."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from bot.street.period import Span
from handlers.callbacks import Callback


@dataclass(frozen=True)
class StreetNew(Callback):
    """➕ 新建社区."""

    PREFIX: ClassVar[str] = "sxn"


@dataclass(frozen=True)
class StreetRename(Callback):
    """✏️ 改名 of a community."""

    PREFIX: ClassVar[str] = "sxr"
    community: int


@dataclass(frozen=True)
class StreetInvite(Callback):
    """👤 指定书记 of a community: a link to forward."""

    PREFIX: ClassVar[str] = "sxi"
    community: int


@dataclass(frozen=True)
class StreetView(Callback):
    """📊 街道总览 of a month (``month`` 1–12) or a year (``month`` 0)."""

    PREFIX: ClassVar[str] = "sxv"
    span: Span
    year: int
    month: int


@dataclass(frozen=True)
class StreetInviteAnswer(Callback):
    """The opener of an invite link consents (or not) to join and become secretary."""

    PREFIX: ClassVar[str] = "sxa"
    invite: int
    accept: bool
