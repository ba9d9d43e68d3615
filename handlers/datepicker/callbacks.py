"""Callback data of the date picker's buttons."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.callbacks import Callback


@dataclass(frozen=True)
class DatePick(Callback):
    """A press in the date picker of ``target`` (a registered flow step).

    ``screen``: "w" the days of week ``day`` (0: the coming days), "d" the day
    ``day`` (YYYYMMDD) chosen, "t" its time ``start`` (HHMM) chosen, "e" the end
    ``end`` (HHMM) chosen, "x" typing instead.
    """

    PREFIX = "dp"
    target: str
    screen: str
    day: int = 0
    start: int = 0
    end: int = 0
