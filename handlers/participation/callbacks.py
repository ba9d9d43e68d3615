"""Callback data of participation's buttons."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from handlers.callbacks import Callback


@dataclass(frozen=True)
class RecordYear(Callback):
    """A person's participation record for a year (0: the current year); ◀ ▶ turn it."""

    PREFIX: ClassVar[str] = "qr"
    person_id: int
    year: int
