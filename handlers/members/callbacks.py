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
