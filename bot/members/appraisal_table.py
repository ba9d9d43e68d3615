"""The yearly table of the democratic appraisal (民主评议表, bot/members/appraisal.py):
one row per Party member, with the self grade and its words, the peers' grades, the
residents' ratings of the member's pledges and 满意率, the branch's grade and note, and
the columns of evidence other parts add; as the message's rows and as a workbook sheet
(:func:`table_sheet`). The scales counted in it (:data:`GRADES`, :data:`RATINGS`) are
defined here, so that the appraisal, which asks for them, builds on this module.

Extensible columns
------------------
Other parts add evidence to the table (入户走访 visits, in-service hours …) with::

    register_appraisal_column("visits", "households.appraisal_visits", provider)

where ``provider`` is ``async (session, community_people_ids: list[int], year:
AppraisalYear) -> dict[int, str | int | float | Decimal]`` (a value per person id; a
person missing gets an empty cell; ``year`` is an ``int`` that also knows the year's
bounds in the community's zone, for evidence kept as moments) and ``title_key`` is the
catalog key of the column's header. ``line`` says on which line of a member's block the
message shows it (1, the default: the commitments' and visits' counts; 2: service in the
community — volunteer hours, activities, the in-service post) and ``show`` how a value is
said there (hours as 12.5; ``str`` by default). Columns show by line, then in the order
registered, both in the message and in the workbook, after the member's name; a line
whose values are all missing is left out of the message. A key registered twice with
another provider is an error. The commitments' columns (承诺数 / 已践诺 / 已逾期) are
registered so, below; 志愿服务时长 / 参加活动 in bot/volunteering/hours.py, 在职报到 in
bot/members/inservice.py, 入户走访 in bot/households/service.py.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.community.calendar import local_moment, to_utc
from bot.community.register import Role
from bot.config import Language
from bot.i18n import translate
from bot.spreadsheets import Cell, Sheet
from storage.members.appraisal import AppraisalRow
from storage.session import Session

#: The four grades of the democratic appraisal: 优秀 / 合格 / 基本合格 / 不合格.
GRADES = ("excellent", "competent", "basic", "incompetent")
#: Residents' ratings of a pledge: 满意 / 基本满意 / 不满意.
RATINGS = ("good", "fair", "poor")

ColumnValue = str | int | float | Decimal


class AppraisalYear(int):
    """The appraised year as the columns' providers get it: an ``int`` (2026) that also
    knows the community's zone, for the year's bounds as moments (:meth:`bounds`)."""

    tz: ZoneInfo

    def __new__(cls, year: int, tz: ZoneInfo) -> AppraisalYear:
        value = super().__new__(cls, year)
        value.tz = tz
        return value

    def bounds(self) -> tuple[datetime, datetime]:
        """[1 January 00:00, next 1 January 00:00) in the community's zone, as UTC."""
        start = to_utc(local_moment(date(self, 1, 1), time(0), self.tz))
        end = to_utc(local_moment(date(self + 1, 1, 1), time(0), self.tz))
        return start, end


#: ``async (session, community_people_ids, year) -> {person_id: value}``.
ColumnProvider = Callable[[Session, list[int], AppraisalYear], Awaitable[Mapping[int, ColumnValue]]]
#: How the message says a value: ``(language, value) -> text``.
ColumnShow = Callable[[Language, ColumnValue], str]


@dataclass(frozen=True)
class AppraisalColumn:
    """An extra column of the yearly table: its key, header's catalog key, values, the
    message's line it shows on and how a value is said there."""

    key: str
    title_key: str
    provider: ColumnProvider
    line: int = 1
    show: ColumnShow | None = None

    def text(self, language: Language, value: ColumnValue) -> str:
        """A value as the message says it (``show``, else ``str``)."""
        return self.show(language, value) if self.show is not None else str(value)


_COLUMNS: dict[str, AppraisalColumn] = {}


def register_appraisal_column(
    key: str,
    title_key: str,
    provider: ColumnProvider,
    *,
    line: int = 1,
    show: ColumnShow | None = None,
) -> None:
    """Add a column of evidence to the yearly table (see the module's docstring)."""
    column = AppraisalColumn(key, title_key, provider, line, show)
    known = _COLUMNS.get(key)
    if known is not None and known != column:
        raise ValueError(f"appraisal column {key!r} is registered already")
    _COLUMNS[key] = column


def appraisal_columns() -> tuple[AppraisalColumn, ...]:
    """The extra columns by line, then in the order registered."""
    return tuple(sorted(_COLUMNS.values(), key=lambda column: column.line))


async def _commitment_counts(
    session: Session, people: list[int], year: int
) -> dict[int, tuple[int, int, int]]:
    appraisal = await session.members.appraisal.of_year(year)
    reckoned = appraisal.closed_on if appraisal and appraisal.closed_on else date(year + 1, 1, 1)
    return await session.members.appraisal.commitment_counts(people, year, reckoned)


async def _commitments_total(session: Session, people: list[int], year: int) -> dict[int, int]:
    counts = await _commitment_counts(session, people, year)
    return {person: counts.get(person, (0, 0, 0))[0] for person in people}


async def _commitments_kept(session: Session, people: list[int], year: int) -> dict[int, int]:
    counts = await _commitment_counts(session, people, year)
    return {person: counts.get(person, (0, 0, 0))[1] for person in people}


async def _commitments_overdue(session: Session, people: list[int], year: int) -> dict[int, int]:
    counts = await _commitment_counts(session, people, year)
    return {person: counts.get(person, (0, 0, 0))[2] for person in people}


# The commitments of the year (due in it, approved): how many, kept, overdue.
register_appraisal_column(
    "commitments_total", "appraisal.col.commitments_total", _commitments_total
)
register_appraisal_column("commitments_kept", "appraisal.col.commitments_kept", _commitments_kept)
register_appraisal_column(
    "commitments_overdue", "appraisal.col.commitments_overdue", _commitments_overdue
)


def satisfaction(ratings: Counter[str]) -> int | None:
    """满意率: the share of 满意 and 基本满意 among residents' ratings, in percent."""
    total = sum(ratings.values())
    if not total:
        return None
    return round(100 * (ratings["good"] + ratings["fair"]) / total)


def grade_text(language: Language, grade: str | None) -> str | None:
    """A grade as the reader says it (优秀), or None for no grade."""
    return translate(language, f"appraisal.grade.{grade}") if grade else None


@dataclass(frozen=True)
class TableRow:
    """One member's row of the yearly table."""

    person_id: int
    name: str
    extra: tuple[ColumnValue | None, ...]
    self_grade: str | None
    self_text: str | None
    peer: Counter[str]
    residents: Counter[str]
    branch_grade: str | None
    branch_note: str | None

    @property
    def satisfaction(self) -> int | None:
        """The residents' 满意率 of the member's pledges (None: nobody rated)."""
        return satisfaction(self.residents)


@dataclass(frozen=True)
class Table:
    """The yearly democratic appraisal table (民主评议表)."""

    year: int
    columns: tuple[AppraisalColumn, ...]
    rows: tuple[TableRow, ...]


async def build_table(session: Session, appraisal: AppraisalRow, tz: ZoneInfo) -> Table:
    """Every Party member's row of ``appraisal``'s year, the extra columns included
    (``tz``: the community's zone, for the year's bounds)."""
    repo = session.members.appraisal
    members = await session.people.with_role(Role.PARTY_MEMBER.value)
    ids = [m.id for m in members]
    columns = appraisal_columns()
    year = AppraisalYear(appraisal.year, tz)
    values = [await column.provider(session, ids, year) for column in columns]
    selves = await repo.selves(appraisal.id)
    peer = await repo.peer_counts(appraisal.id)
    residents = await repo.pledge_counts(ids, appraisal.year)
    branch = await repo.branch(appraisal.id)
    rows = []
    for member in members:
        mine = selves.get(member.id)
        grade = branch.get(member.id)
        rows.append(
            TableRow(
                person_id=member.id,
                name=member.display_name,
                extra=tuple(v.get(member.id) for v in values),
                self_grade=mine.grade if mine else None,
                self_text=mine.text if mine else None,
                peer=peer.get(member.id, Counter()),
                residents=residents.get(member.id, Counter()),
                branch_grade=grade.grade if grade else None,
                branch_note=grade.note if grade else None,
            )
        )
    return Table(appraisal.year, columns, tuple(rows))


def table_sheet(language: Language, table: Table) -> Sheet:
    """The yearly table as a workbook sheet: counts as numbers, grades as words."""
    headers: list[str] = [translate(language, "appraisal.col.member")]
    headers += [translate(language, column.title_key) for column in table.columns]
    headers += [
        translate(language, "appraisal.col.self"),
        translate(language, "appraisal.col.self_text"),
    ]
    headers += [
        translate(language, "appraisal.col.peer", grade=translate(language, f"appraisal.grade.{g}"))
        for g in GRADES
    ]
    headers += [
        translate(
            language, "appraisal.col.residents", rating=translate(language, f"appraisal.rate.{r}")
        )
        for r in RATINGS
    ]
    headers += [
        translate(language, "appraisal.col.satisfaction"),
        translate(language, "appraisal.col.branch"),
        translate(language, "appraisal.col.branch_note"),
    ]
    rows: list[tuple[Cell, ...]] = []
    for row in table.rows:
        cells: list[Cell] = [
            row.name,
            *row.extra,
            grade_text(language, row.self_grade),
            row.self_text,
        ]
        cells += [row.peer[g] for g in GRADES]
        cells += [row.residents[r] for r in RATINGS]
        cells += [row.satisfaction, grade_text(language, row.branch_grade), row.branch_note]
        rows.append(tuple(cells))
    title = translate(language, "appraisal.sheet.title", year=table.year)
    return Sheet(f"appraisal-{table.year}", title, tuple(headers), tuple(rows))
