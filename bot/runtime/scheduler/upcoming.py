"""/upcoming, the secretaries' list of schedules: what a page of it holds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storage.runtime.schedules import ScheduleRow

#: How many schedules one page of /upcoming lists.
UPCOMING_PAGE_SIZE = 8


@dataclass(frozen=True)
class Listed:
    """A schedule as /upcoming lists it, with what its title is made from."""

    row: ScheduleRow
    facts: dict[str, Any]


@dataclass(frozen=True)
class UpcomingPage:
    """One page of /upcoming: armed schedules soonest first, then paused ones."""

    items: tuple[Listed, ...]
    page: int
    pages: int
    first_number: int
    #: How many schedules there are in all.
    total: int
