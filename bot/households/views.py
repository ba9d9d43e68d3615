"""What the households service shows (户情台账): a household with its residents and flags,
the pages, lead and grid branches of the 网格—楼栋长—党员联系户 tree, and the steps of
its conversations; shapes only, no rules (bot/households/service.py has those)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from bot.community.register import Actor
from bot.config import HouseholdFlag, Language
from storage.community.people import PersonRow
from storage.households.repository import HouseholdRow, VisitRow
from storage.needs.repository import NeedRow

_NUMBER = re.compile(r"(\d+)")


def natural(text: str) -> tuple[Any, ...]:
    """A sort key that puts 2号楼 before 10号楼 and 201 before 1001."""
    return tuple(int(part) if part.isdigit() else part for part in _NUMBER.split(text))


@dataclass(frozen=True)
class Household:
    """A household as listed: its own record, who of the register lives there, its grid."""

    row: HouseholdRow
    residents: tuple[str, ...]
    #: The register ids of the residents with Telegram.
    person_ids: tuple[int, ...]
    grid_id: str | None

    @property
    def id(self) -> int:
        return self.row.id

    @property
    def name(self) -> str:
        """As people say it: 3号楼 201."""
        return f"{self.row.building} {self.row.door}"


@dataclass(frozen=True)
class HouseholdPage:
    """One page of /households."""

    households: list[Household]
    page: int
    pages: int
    total: int
    #: The grid a grid worker sees (None: the whole community).
    grid_id: str | None


@dataclass(frozen=True)
class HouseholdView:
    """One household's screen."""

    household: Household
    visits: list[VisitRow]
    #: The reader may set its flags and its contact (a secretary, its grid's worker).
    staff: bool
    #: The reader is its contact member (may log a visit).
    contact: bool
    #: The contact member's count of households, if over ``households_per_member``.
    contact_over: int | None = None


@dataclass(frozen=True)
class MemberChoice:
    """A Party member offered as a household's contact, or as a lead's member."""

    person: PersonRow
    households: int
    #: The lead household they are under (its name), if any.
    lead_name: str | None = None
    chosen: bool = False


@dataclass(frozen=True)
class ContactChoices:
    household: Household
    members: list[MemberChoice]
    #: Only the household's grid ("g") or the whole community ("a").
    scope: str
    limit: int


@dataclass(frozen=True)
class LeadSummary:
    person: PersonRow
    members: int


@dataclass(frozen=True)
class LeadView:
    """A lead household's screen: its members, and the members offered (paged)."""

    lead: PersonRow
    members: list[MemberChoice]
    offered: list[MemberChoice]
    page: int
    pages: int
    limit: int
    households_limit: int

    @property
    def over(self) -> bool:
        return len(self.members) > self.limit


@dataclass(frozen=True)
class CandidatePage:
    """Party members who may be marked as a lead household (paged)."""

    people: list[PersonRow]
    page: int
    pages: int


@dataclass(frozen=True)
class VisitStep:
    """Where logging a visit stands."""

    household: Household
    day: date
    step: str


@dataclass(frozen=True)
class NeedStep:
    """Where recording a need for a household stands: the step now asked, the
    household, its registered residents (id, name) and the resident chosen."""

    household: Household
    step: str
    residents: tuple[tuple[int, str], ...]
    resident: tuple[int, str] | None = None


@dataclass(frozen=True)
class RecordedNeed:
    need: NeedRow
    household: Household
    resident_name: str


class NeedRecorder(Protocol):
    """The needs list's "record for a resident" (bot/needs NeedsService.record_for)."""

    def __call__(
        self,
        actor: Actor,
        resident_id: int,
        *,
        category: str,
        text: str,
        building: str | None = None,
        urgent: bool = False,
        photo: str | None = None,
        voice: str | None = None,
    ) -> Awaitable[NeedRow]: ...


@dataclass(frozen=True)
class MemberBranch:
    person: PersonRow
    households: list[Household]


@dataclass(frozen=True)
class LeadBranch:
    lead: PersonRow
    members: list[MemberBranch]
    #: The households the lead looks after themselves.
    own: list[Household]


@dataclass(frozen=True)
class GridBranch:
    grid_id: str | None
    leads: list[LeadBranch] = field(default_factory=list)
    #: Members under no lead household.
    loose: list[MemberBranch] = field(default_factory=list)


@dataclass(frozen=True)
class Tree:
    """grid → 中心户 → members → households; and the households nobody looks after."""

    grids: list[GridBranch]
    unlooked: list[Household]
    #: The grid a grid worker sees (None: the whole community).
    grid_id: str | None
    members_per_lead: int
    households_per_member: int


def flag_names(
    language: Language, flags: Sequence[str], known: Sequence[HouseholdFlag]
) -> list[str]:
    """The flags' names in the configuration's order (an id no longer configured: itself)."""
    order = {flag.id: index for index, flag in enumerate(known)}
    names = {flag.id: flag.name_in(language) for flag in known}
    return [names.get(f, f) for f in sorted(flags, key=lambda f: (order.get(f, len(order)), f))]


def urgency_order(household: Household, known: Sequence[HouseholdFlag]) -> tuple[Any, ...]:
    """Flagged first, by the most urgent of its flags (the configuration's order)."""
    order = {flag.id: index for index, flag in enumerate(known)}
    ranks = [order.get(f, len(order)) for f in household.row.flags]
    return (min(ranks, default=len(order) + 1), *place_order(household))


def place_order(household: Household) -> tuple[Any, ...]:
    """Where a household is, in the order people count doors: building, then door."""
    return (natural(household.row.building), natural(household.row.door), household.id)
