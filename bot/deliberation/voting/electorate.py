"""Who may vote in a vote (its electorate), and how many: the ONE place that says so.

A vote's electorate is one of four kinds, chosen when it is set up and kept on the
vote's row:

- ``all``: every resident in the register (registered, or entered on paper);
- ``buildings``: the residents of some buildings (as the register spells them;
  compared without case, width or spaces, so "3号楼" and "3号楼 " are one);
- ``grid``: the residents of one grid (网格) of the configuration;
- ``households``: one vote per household (一户一票). A household is
  (building, door); a resident without both cannot vote in it and is told so.
  The household's first ballot binds it: only the member who cast it may change
  it. The ballot's key is the household's voter identity (keyed like a person's
  in an anonymous vote), and ``ballots.caster_key`` the caster's, so the database
  file alone still links no anonymous ballot to anyone.

The pure rules (:func:`refusal`, :func:`may_vote`, :func:`household_of`,
:func:`size_of`) take the vote's row and anyone with a building, a door and a
grid (a ``PersonRow`` or a ``PaperResidentRow``); :class:`ElectorateService`
(``services.votes.electorate``) reads the register for them. The electorate is
counted when it is asked for (the card, the close), so someone who registers
while a vote is open counts in it; the size at the close is kept in the tally.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot import spoken
from bot.config import Grid, Language
from bot.errors import UserFacingError
from bot.i18n import translate
from storage import Storage
from storage.community.people import HOME_COLUMNS, PaperResidentRow, PersonRow
from storage.deliberation.electorate import paper_homes_of
from storage.deliberation.votes import VoteRow
from storage.session import Session

ALL = "all"
BUILDINGS = "buildings"
GRID = "grid"
HOUSEHOLDS = "households"
#: The kinds in the order the setup screen offers them.
KINDS = (ALL, BUILDINGS, GRID, HOUSEHOLDS)
#: At most this many buildings are offered as buttons on the setup screen.
MAX_BUILDING_CHOICES = 48
#: A door (门牌) holds at most this many characters.
MAX_DOOR_LENGTH = 16


class Voter(Protocol):
    """Anyone who may be in an electorate: a registered person or a paper resident."""

    @property
    def building(self) -> str | None: ...

    @property
    def door(self) -> str | None: ...

    @property
    def grid_id(self) -> str | None: ...


@dataclass(frozen=True)
class Scope:
    """A vote's electorate as chosen: its kind, and the buildings or the grid."""

    kind: str = ALL
    buildings: tuple[str, ...] = ()
    grid: str | None = None

    @classmethod
    def of(cls, vote: VoteRow | Scope) -> Scope:
        """The electorate of a vote (a scope stays itself)."""
        if isinstance(vote, Scope):
            return vote
        return cls(vote.electorate, vote.electorate_buildings, vote.electorate_grid)


def building_key(building: str) -> str:
    """A building as compared: without case, width or spaces."""
    return "".join(unicodedata.normalize("NFKC", building).casefold().split())


def household_of(voter: Voter) -> str | None:
    """The voter identity of the voter's household (``h<building>/<door>``), or None
    without a building or a door."""
    if not voter.building or not voter.door:
        return None
    door = "".join(unicodedata.normalize("NFKC", voter.door).casefold().split())
    return f"h{building_key(voter.building)}/{door}"


def refusal(
    voter: Voter, vote: VoteRow | Scope, grids: Sequence[Grid] = (), name: str | None = None
) -> UserFacingError | None:
    """Why the voter may not vote in the vote (a refusal to show), or None if they may.

    ``name``: the refusal is for someone else (a proxy or paper ballot for them)."""
    scope = Scope.of(vote)
    of = {} if name is None else {"name": name}
    suffix = "" if name is None else "_of"
    if scope.kind == BUILDINGS:
        chosen = {building_key(building) for building in scope.buildings}
        if not voter.building or building_key(voter.building) not in chosen:
            buildings = "、".join(scope.buildings)
            return UserFacingError(f"vote.outside_buildings{suffix}", buildings=buildings, **of)
    elif scope.kind == GRID:
        if voter.grid_id is None or voter.grid_id != scope.grid:
            grid = grid_name(scope.grid, grids)
            return UserFacingError(f"vote.outside_grid{suffix}", grid=grid, **of)
    elif scope.kind == HOUSEHOLDS and household_of(voter) is None:
        return UserFacingError(f"vote.household_unknown{suffix}", **of)
    return None


def grid_name(
    grid_id: str | None, grids: Sequence[Grid], language: Language = Language.ZH_HANS
) -> str:
    """The configured name of a grid in ``language`` (its id if the configuration no
    longer has it)."""
    return next((grid.name_in(language) for grid in grids if grid.id == grid_id), grid_id or "")


def household_name(voter: Voter) -> str:
    """The household as people say it: "3号楼 201"."""
    return f"{voter.building or ''} {voter.door or ''}".strip()


@dataclass(frozen=True)
class Home:
    """A (building, door) as the register holds it."""

    building: str | None
    door: str | None
    grid_id: str | None = None


def households_of(homes: Iterable[tuple[str | None, str | None]]) -> set[str]:
    """The household identities of (building, door) pairs (those with both)."""
    found = {household_of(Home(building, door)) for building, door in homes}
    return {household for household in found if household is not None}


def is_scoped(vote: VoteRow | Scope) -> bool:
    """Whether only part of the community may vote (some buildings, a grid, households)."""
    return Scope.of(vote).kind != ALL


def may_vote(voter: Voter, vote: VoteRow | Scope) -> bool:
    """Whether the voter is in the vote's electorate."""
    return refusal(voter, vote) is None


def size_of(vote: VoteRow | Scope, voters: Iterable[Voter]) -> int:
    """How many may vote: people in the electorate, or households in a household vote."""
    return size_counted(vote, ((voter, 1) for voter in voters))


def size_counted(vote: VoteRow | Scope, places: Iterable[tuple[Voter, int]]) -> int:
    """:func:`size_of` from places and how many live at each (a place says as much as the
    electorate needs: ``GROUPED_BY``)."""
    scope = Scope.of(vote)
    members = [(place, people) for place, people in places if may_vote(place, scope)]
    if scope.kind == HOUSEHOLDS:
        return len({household_of(place) for place, _ in members})
    return sum(people for _, people in members)


#: What a place must say for :func:`size_counted` to count an electorate of each kind.
GROUPED_BY: dict[str, tuple[str, ...]] = {
    ALL: (),
    BUILDINGS: ("building",),
    GRID: ("grid_id",),
    HOUSEHOLDS: ("building", "door"),
}


def known_buildings(buildings: Iterable[str]) -> list[str]:
    """The register's buildings, one spelling each, in natural order (2号楼 before 10号楼)."""
    by_key: dict[str, str] = {}
    for name in buildings:
        by_key.setdefault(building_key(name), name)
    return sorted(by_key.values(), key=_natural)[:MAX_BUILDING_CHOICES]


def _natural(name: str) -> tuple[tuple[int, int | str], ...]:
    parts: list[tuple[int, int | str]] = []
    digits = ""
    for char in name + "\0":
        if char.isdigit():
            digits += char
            continue
        if digits:
            parts.append((0, int(digits)))
            digits = ""
        if char != "\0":
            parts.append((1, char))
    return tuple(parts)


def describe(
    electorate: str,
    buildings: Sequence[str],
    grid_id: str | None,
    grids: Sequence[Grid],
    language: Language,
) -> str:
    """Who may vote, as people say it: "全体居民", "3号楼、5号楼", "网格：一网格", "一户一票"."""
    if electorate == BUILDINGS:
        separator = translate(language, "list_separator")
        return translate(
            language, "vote.electorate.buildings_of", buildings=separator.join(buildings)
        )
    if electorate == GRID:
        return translate(
            language, "vote.electorate.grid_of", grid=grid_name(grid_id, grids, language)
        )
    return translate(language, f"vote.electorate.{electorate}")


def scope_name(
    electorate: str,
    buildings: Sequence[str],
    grid_id: str | None,
    grids: Sequence[Grid],
    language: Language,
) -> str:
    """Who may vote in a word or two (for the ledger and the minutes): "全体居民",
    "3号楼、5号楼", "一网格", "一户一票"."""
    if electorate == BUILDINGS:
        return translate(language, "list_separator").join(buildings)
    if electorate == GRID:
        return grid_name(grid_id, grids, language)
    return translate(language, f"vote.electorate.button.{electorate}")


def effective_quorum(quorum: int, eligible: int | None) -> int:
    """The quorum as counted: never more voters than may vote (``decide`` counts so)."""
    return quorum if eligible is None else min(quorum, eligible)


def turnout(language: Language, voters: int, eligible: int | None) -> str:
    """ "已投 5 / 应投 8（62%）"; without a known electorate (votes closed before it was
    kept) "已投 5"."""
    if eligible is None:
        return translate(
            language, "vote.turnout_unknown", voters=spoken.count(language, "voters", voters)
        )
    if eligible == 0:
        return translate(language, "vote.turnout_none", voters=voters, eligible=eligible)
    percent = voters * 100 // eligible
    return translate(language, "vote.turnout", voters=voters, eligible=eligible, percent=percent)


@dataclass(frozen=True)
class Elector:
    """Someone in the register who may be in an electorate, with how to reach them."""

    identity: str
    building: str | None
    door: str | None
    grid_id: str | None
    person: PersonRow | None = None


async def electors(session: Session) -> list[Elector]:
    """Every resident of the register: registered residents and paper residents."""
    people = await session.people.with_role("resident")
    paper = await session.people.paper_residents()
    return [_of_person(person) for person in people] + [_of_paper(row) for row in paper]


def _of_person(person: PersonRow) -> Elector:
    return Elector(f"p{person.id}", person.building, person.door, person.grid_id, person)


def _of_paper(row: PaperResidentRow) -> Elector:
    return Elector(f"w{row.id}", row.building, row.door, row.grid_id)


async def electorate_size(session: Session, vote: VoteRow) -> int:
    """How many may vote in the vote now (people, or households).

    Counted from the register grouped as far as the electorate needs (one count for
    everyone, one per building, grid or home), not from every resident's row: each
    vote card's refresh counts it, every few seconds of an evening's vote."""
    scope = Scope.of(vote)
    # A kind this code does not know: every column, which counts any kind right.
    places = await session.people.resident_counts(GROUPED_BY.get(scope.kind, HOME_COLUMNS))
    return size_counted(scope, ((place, place.people) for place in places))


def identity_in(vote: VoteRow, person: PersonRow) -> str:
    """Whose ballot counts for a registered person in the vote: theirs, or in a household
    vote their household's (the identity a ballot key is made from)."""
    household = household_of(person) if vote.electorate == HOUSEHOLDS else None
    return household or f"p{person.id}"


@dataclass(frozen=True)
class BallotBox:
    """Who has voted in a vote so far, in every way a ballot arrives: the keys of the
    online and proxy ballots, the registered residents who handed in a paper ballot at
    the pavilion, and (one vote per household) the households that did. What anyone
    chose is not here. The ONE answer to "has this person voted?" for the reminders,
    /mine and the electorate service."""

    keys: frozenset[str]
    paper_people: frozenset[int]
    paper_households: frozenset[str]

    def has_voted(
        self, vote: VoteRow, person: PersonRow, voter_key: Callable[[VoteRow, str], str]
    ) -> bool:
        """Whether the person's ballot (in a household vote: their household's) is in."""
        identity = identity_in(vote, person)
        return (
            person.id in self.paper_people
            or identity in self.paper_households
            or voter_key(vote, identity) in self.keys
        )


async def ballot_box(session: Session, vote: VoteRow) -> BallotBox:
    """Who has voted in ``vote`` so far (see :class:`BallotBox`)."""
    paper = await session.attendance.paper_voters(vote.id)
    return BallotBox(
        keys=frozenset(await session.votes.voter_keys(vote.id)),
        paper_people=frozenset(a.id for a in paper if a.kind == "p"),
        paper_households=frozenset(households_of(await paper_homes_of(session.conn, vote.id))),
    )


class ElectorateService:
    """``services.votes.electorate``: who may vote in a vote, how many may, and what
    awaits a person (open votes they may vote in and have not)."""

    def __init__(self, db: Storage, voter_key: Callable[[VoteRow, str], str]) -> None:
        self._db = db
        self._voter_key = voter_key

    def may_vote(self, person: Voter, vote: VoteRow) -> bool:
        """Whether the person (or paper resident) is in the vote's electorate."""
        return may_vote(person, vote)

    def refusal(
        self, person: Voter, vote: VoteRow, grids: Sequence[Grid] = ()
    ) -> UserFacingError | None:
        """Why the person may not vote in the vote, or None if they may."""
        return refusal(person, vote, grids)

    async def size(self, vote: VoteRow) -> int:
        """How many may vote in the vote now (people, or households in a household vote)."""
        async with self._db.read() as session:
            return await electorate_size(session, vote)

    async def has_voted(self, person: PersonRow, vote: VoteRow) -> bool:
        """Whether the person's ballot (in a household vote: their household's) is cast."""
        async with self._db.read() as session:
            box = await ballot_box(session, vote)
        return box.has_voted(vote, person, self._voter_key)

    async def awaiting(self, person: PersonRow) -> list[VoteRow]:
        """The open votes the person may vote in and has not (for /mine, say)."""
        async with self._db.read() as session:
            votes = [vote for vote in await session.votes.open_votes() if may_vote(person, vote)]
            waiting = []
            for vote in votes:
                box = await ballot_box(session, vote)
                if not box.has_voted(vote, person, self._voter_key):
                    waiting.append(vote)
        return waiting

    async def buildings(self) -> list[str]:
        """The buildings known in the register, as the setup screen offers them."""
        async with self._db.read() as session:
            return known_buildings(await session.people.known_buildings())
