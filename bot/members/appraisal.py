"""The yearly democratic appraisal of commitments (民主评诺): "通过党员自评、党内互评、
群众参评和支部测评等形式 … 作为年度党员民主评议和评先选优的重要依据".

- /appraisal (a secretary): "开始 2026 年度民主评议" — the year from the clock, in
  January the year just ended (:func:`appraisal_year`). Opening it pushes (outbox) to
  every Party member a self-assessment (自评: a grade 优秀/合格/基本合格/不合格, then a
  few words typed, at most 300 characters, optional) and 👥 互评: a grade for each other
  member (never oneself; one per rater per member, changeable until closed).
- Residents' rating of public pledges (群众参评): under the pledge card in the
  residents' group and on the public board's 🤝 党员承诺, a registered resident presses
  满意/基本满意/不满意 (changeable; not on their own; the member never learns who). A
  commitment is appraised in the year of its deadline: its ratings count there, and are
  refused once that year's appraisal is closed.
- 支部测评: the secretary sets a grade and an optional note per member.
- Closed (🔒 结束评议; a late or second press: "本年度民主评议已经结束。"), /appraisal
  shows the table, one row per Party member (paged), with a workbook
  (:func:`table_sheet`); the ledger (台账) of the period it was closed in has it too.

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

from bot import usertext
from bot.clock import Clock, system_clock
from bot.community.calendar import local_moment, to_utc
from bot.community.register import Actor, Role
from bot.config import Language, Settings
from bot.deliberation.ledger import SheetsOf
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from bot.i18n import translate
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, queue_push
from bot.spreadsheets import Cell, Sheet
from storage import Storage
from storage.community.people import PersonRow
from storage.members.appraisal import AppraisalRow, BranchRow, SelfRow
from storage.members.commitments import CommitmentRow
from storage.session import Session

#: The four grades of the democratic appraisal: 优秀 / 合格 / 基本合格 / 不合格.
GRADES = ("excellent", "competent", "basic", "incompetent")
#: Residents' ratings of a pledge: 满意 / 基本满意 / 不满意.
RATINGS = ("good", "fair", "poor")
#: The few words after the self-assessment's grade; a secretary's note on a member.
SELF_FLOW = "appraisal_self"
NOTE_FLOW = "appraisal_note"
MAX_SELF_TEXT = 300
MAX_NOTE = 200
OPENED_KIND = "members.appraisal_opened"

#: Callback data written here, in the pushes (handlers/members/callbacks.py decodes it).
SELF_PREFIX = "eas"
PEERS_PREFIX = "eap"
RATE_PREFIX = "epr"

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


def appraisal_year(today: date) -> int:
    """The year to appraise: this one; in January, the year just ended."""
    return today.year - 1 if today.month == 1 else today.year


def satisfaction(ratings: Counter[str]) -> int | None:
    """满意率: the share of 满意 and 基本满意 among residents' ratings, in percent."""
    total = sum(ratings.values())
    if not total:
        return None
    return round(100 * (ratings["good"] + ratings["fair"]) / total)


@dataclass(frozen=True)
class Status:
    """What the secretary's /appraisal shows while it is open."""

    appraisal: AppraisalRow
    members: int
    selves: int
    peer_ratings: int
    pledge_ratings: int
    branch_grades: int


@dataclass(frozen=True)
class Screen:
    """/appraisal: the year, its appraisal (None: not opened), who looks."""

    year: int
    appraisal: AppraisalRow | None
    secretary: bool
    member: bool
    status: Status | None = None


@dataclass(frozen=True)
class MemberView:
    """A member's own part: their self-assessment, and the grades they gave others."""

    appraisal: AppraisalRow
    me: PersonRow
    mine: SelfRow | None
    others: list[tuple[PersonRow, str | None]]


@dataclass(frozen=True)
class BranchView:
    """One member as the secretary sets the branch's grade."""

    appraisal: AppraisalRow
    member: PersonRow
    mine: SelfRow | None
    peer: Counter[str]
    branch: BranchRow | None


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
        return satisfaction(self.residents)


@dataclass(frozen=True)
class Table:
    """The yearly democratic appraisal table (民主评议表)."""

    year: int
    columns: tuple[AppraisalColumn, ...]
    rows: tuple[TableRow, ...]


class AppraisalService:
    """Opening, the four kinds of rating, closing and the yearly table."""

    def __init__(self, db: Storage, settings: Settings, clock: Clock = system_clock) -> None:
        self._db = db
        self._settings = settings
        self._clock = clock

    @property
    def tz(self) -> ZoneInfo:
        """The current community's time zone (each community has its own profile)."""
        return self._settings.community.tz

    def today(self) -> date:
        return self._clock().astimezone(self.tz).date()

    # --- reading ------------------------------------------------------------------------

    async def _open_appraisal(self, session: Session, appraisal_id: int) -> AppraisalRow:
        appraisal = await session.members.appraisal.by_id(appraisal_id)
        if appraisal is None:
            raise UserFacingError("appraisal.gone")
        if appraisal.closed:
            raise UserFacingError("appraisal.closed")
        return appraisal

    async def _members(self, session: Session) -> list[PersonRow]:
        return await session.people.with_role(Role.PARTY_MEMBER.value)

    async def screen(self, actor: Actor, year: int | None = None) -> Screen:
        """/appraisal: for a secretary, the year's state; for a member, their part."""
        actor.registered_person()
        secretary = actor.has(Role.SECRETARY)
        member = actor.has(Role.PARTY_MEMBER)
        if not secretary and not member:
            raise UserFacingError("appraisal.members_only")
        year = year if year is not None else appraisal_year(self.today())
        async with self._db.read() as session:
            repo = session.members.appraisal
            appraisal = await repo.of_year(year)
            status = None
            if appraisal is not None and secretary:
                members = await self._members(session)
                ids = {m.id for m in members}
                selves = await repo.selves(appraisal.id)
                branch = await repo.branch(appraisal.id)
                status = Status(
                    appraisal,
                    len(members),
                    sum(1 for p, s in selves.items() if p in ids and s.grade),
                    await repo.peer_total(appraisal.id),
                    await repo.pledge_total(year),
                    sum(1 for p, b in branch.items() if p in ids and b.grade),
                )
        if appraisal is None and not secretary:
            raise UserFacingError("appraisal.not_open", year=year)
        return Screen(year, appraisal, secretary, member, status)

    # --- opening ------------------------------------------------------------------------

    async def open(self, actor: Actor, year: int) -> tuple[AppraisalRow, bool]:
        """开始 2026 年度民主评议: every Party member is asked (once). False: open already."""
        actor.require(Role.SECRETARY)
        if year not in (appraisal_year(self.today()), self.today().year):
            raise UserFacingError("appraisal.wrong_year", year=year)
        now = self._clock()
        async with self._db.transaction() as session:
            repo = session.members.appraisal
            appraisal_id = await repo.open(year, actor.person_id, now)
            if appraisal_id is None:
                known = await repo.of_year(year)
                assert known is not None  # noqa: S101 - the conflict was on it
                if known.closed:
                    raise UserFacingError("appraisal.closed")
                return known, False
            await session.audit.record(
                at=now, action="appraisal.open", actor_id=actor.person_id, detail=str(year)
            )
            deliveries = [
                Delivery(
                    p.tg_user_id, p.id, self._invitation(Language(p.language), year, appraisal_id)
                )
                for p in await self._members(session)
                if p.reachable
            ]
            if deliveries:
                await queue_push(
                    session,
                    kind=OPENED_KIND,
                    title=str(year),
                    deliveries=deliveries,
                    dedupe_prefix=f"{OPENED_KIND}:{year}",
                    now=now,
                )
            appraisal = await repo.by_id(appraisal_id)
        assert appraisal is not None  # noqa: S101 - written just now
        return appraisal, True

    def _invitation(self, language: Language, year: int, appraisal_id: int) -> OutgoingMessage:
        return OutgoingMessage(
            "appraisal.opened_push",
            language,
            {"year": year},
            buttons=(
                *self_buttons(appraisal_id),
                (ButtonSpec("appraisal.peers_button", f"{PEERS_PREFIX}:{appraisal_id}"),),
            ),
        )

    # --- a member's part: self-assessment and peer rating ------------------------------------

    async def mine(self, actor: Actor, appraisal_id: int) -> MemberView:
        """📝 我的自评和互评: the member's own grade, and a line per other member."""
        me = actor.member(Role.PARTY_MEMBER, "appraisal.members_only")
        async with self._db.read() as session:
            appraisal = await self._open_appraisal(session, appraisal_id)
            repo = session.members.appraisal
            mine = (await repo.selves(appraisal.id)).get(me.id)
            given = await repo.given_by(appraisal.id, me.id)
            others = [(p, given.get(p.id)) for p in await self._members(session) if p.id != me.id]
        return MemberView(appraisal, me, mine, others)

    async def grade_self(
        self, actor: Actor, chat_id: int, appraisal_id: int, grade: str
    ) -> AppraisalRow:
        """A grade for oneself; then a few words are asked (typed, optional)."""
        me = actor.member(Role.PARTY_MEMBER, "appraisal.members_only")
        if grade not in GRADES:
            raise UserFacingError("appraisal.gone")
        now = self._clock()
        async with self._db.transaction() as session:
            appraisal = await self._open_appraisal(session, appraisal_id)
            await session.members.appraisal.set_self_grade(appraisal.id, me.id, grade, now)
            await session.dialogs.put(
                chat_id, actor.tg_user_id, SELF_FLOW, "text", {"id": appraisal.id}, now
            )
        return appraisal

    async def describe_self(self, actor: Actor, chat_id: int, text: str) -> AppraisalRow:
        """The few words of the self-assessment (at most 300 characters)."""
        me = actor.member(Role.PARTY_MEMBER, "appraisal.members_only")
        words = usertext.block(text)
        if not words:
            raise UserFacingError("appraisal.empty")
        if len(words) > MAX_SELF_TEXT:
            raise UserFacingError("appraisal.too_long", limit=MAX_SELF_TEXT, length=len(words))
        now = self._clock()
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, SELF_FLOW, "text", "appraisal.expired"
            )
            await session.dialogs.end(chat_id, actor.tg_user_id)
            appraisal = await session.members.appraisal.by_id(int(dialog.data["id"]))
            if appraisal is None or appraisal.closed:
                closed = True
            else:
                closed = False
                await session.members.appraisal.set_self_text(appraisal.id, me.id, words, now)
        if closed or appraisal is None:
            raise UserFacingError("appraisal.closed")
        return appraisal

    async def rate_peer(
        self, actor: Actor, appraisal_id: int, member_id: int, grade: str
    ) -> PersonRow:
        """互评: a grade for another member (changeable until closed)."""
        me = actor.member(Role.PARTY_MEMBER, "appraisal.members_only")
        if grade not in GRADES:
            raise UserFacingError("appraisal.gone")
        if member_id == me.id:
            raise UserFacingError("appraisal.not_self")
        now = self._clock()
        async with self._db.transaction() as session:
            appraisal = await self._open_appraisal(session, appraisal_id)
            member = await self._member(session, member_id)
            await session.members.appraisal.rate_peer(appraisal.id, me.id, member.id, grade, now)
        return member

    async def peer(self, actor: Actor, appraisal_id: int, member_id: int) -> PersonRow:
        """The member to be rated (not oneself), while the appraisal is open."""
        me = actor.member(Role.PARTY_MEMBER, "appraisal.members_only")
        if member_id == me.id:
            raise UserFacingError("appraisal.not_self")
        async with self._db.read() as session:
            await self._open_appraisal(session, appraisal_id)
            return await self._member(session, member_id)

    async def _member(self, session: Session, member_id: int) -> PersonRow:
        member = await session.people.by_id(member_id)
        if member is None or Role.PARTY_MEMBER.value not in member.roles:
            raise UserFacingError("appraisal.not_member")
        return member

    # --- the branch's assessment (支部测评) ----------------------------------------------------

    async def branch_list(
        self, actor: Actor, appraisal_id: int
    ) -> tuple[AppraisalRow, list[tuple[PersonRow, BranchRow | None]]]:
        actor.require(Role.SECRETARY)
        async with self._db.read() as session:
            appraisal = await self._open_appraisal(session, appraisal_id)
            branch = await session.members.appraisal.branch(appraisal.id)
            members = await self._members(session)
        return appraisal, [(m, branch.get(m.id)) for m in members]

    async def branch_view(self, actor: Actor, appraisal_id: int, member_id: int) -> BranchView:
        actor.require(Role.SECRETARY)
        async with self._db.read() as session:
            appraisal = await self._open_appraisal(session, appraisal_id)
            member = await self._member(session, member_id)
            repo = session.members.appraisal
            mine = (await repo.selves(appraisal.id)).get(member.id)
            peer = (await repo.peer_counts(appraisal.id)).get(member.id, Counter())
            branch = (await repo.branch(appraisal.id)).get(member.id)
        return BranchView(appraisal, member, mine, peer, branch)

    async def grade_branch(
        self, actor: Actor, appraisal_id: int, member_id: int, grade: str
    ) -> BranchView:
        actor.require(Role.SECRETARY)
        if grade not in GRADES:
            raise UserFacingError("appraisal.gone")
        now = self._clock()
        async with self._db.transaction() as session:
            appraisal = await self._open_appraisal(session, appraisal_id)
            member = await self._member(session, member_id)
            await session.members.appraisal.set_branch_grade(
                appraisal.id, member.id, grade, actor.person_id, now
            )
        return await self.branch_view(actor, appraisal_id, member_id)

    async def ask_note(
        self, actor: Actor, chat_id: int, appraisal_id: int, member_id: int
    ) -> PersonRow:
        """✏️ 写意见: the note is typed next."""
        actor.require(Role.SECRETARY)
        async with self._db.transaction() as session:
            appraisal = await self._open_appraisal(session, appraisal_id)
            member = await self._member(session, member_id)
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                NOTE_FLOW,
                "note",
                {"id": appraisal.id, "member": member.id},
                self._clock(),
            )
        return member

    async def note(self, actor: Actor, chat_id: int, text: str) -> tuple[AppraisalRow, PersonRow]:
        actor.require(Role.SECRETARY)
        words = usertext.line(text)
        if not words:
            raise UserFacingError("appraisal.empty")
        if len(words) > MAX_NOTE:
            raise UserFacingError("appraisal.too_long", limit=MAX_NOTE, length=len(words))
        now = self._clock()
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, NOTE_FLOW, "note", "appraisal.expired"
            )
            await session.dialogs.end(chat_id, actor.tg_user_id)
            appraisal = await session.members.appraisal.by_id(int(dialog.data["id"]))
            member = await session.people.by_id(int(dialog.data["member"]))
            if appraisal is not None and not appraisal.closed and member is not None:
                await session.members.appraisal.set_branch_note(
                    appraisal.id, member.id, words, actor.person_id, now
                )
        if appraisal is None or member is None:
            raise UserFacingError("appraisal.gone")
        if appraisal.closed:
            raise UserFacingError("appraisal.closed")
        return appraisal, member

    async def to_close(self, actor: Actor, appraisal_id: int) -> AppraisalRow:
        """The appraisal 🔒 结束评议 was pressed on, while it is open."""
        actor.require(Role.SECRETARY)
        async with self._db.read() as session:
            return await self._open_appraisal(session, appraisal_id)

    # --- closing and the table --------------------------------------------------------------

    async def close(self, actor: Actor, appraisal_id: int) -> AppraisalRow:
        """🔒 结束评议: no more ratings; the table is ready."""
        actor.require(Role.SECRETARY)
        now = self._clock()
        async with self._db.transaction() as session:
            appraisal = await self._open_appraisal(session, appraisal_id)
            repo = session.members.appraisal
            if not await repo.close(appraisal.id, actor.person_id, self.today(), now):
                raise UserFacingError("appraisal.closed")
            await session.audit.record(
                at=now,
                action="appraisal.close",
                actor_id=actor.person_id,
                detail=str(appraisal.year),
            )
            closed = await repo.by_id(appraisal.id)
        assert closed is not None  # noqa: S101 - updated just now
        return closed

    async def table(self, actor: Actor, year: int) -> Table:
        """The yearly table of a closed appraisal (a secretary)."""
        actor.require(Role.SECRETARY)
        async with self._db.read() as session:
            appraisal = await session.members.appraisal.of_year(year)
            if appraisal is None:
                raise UserFacingError("appraisal.not_open", year=year)
            if not appraisal.closed:
                raise UserFacingError("appraisal.still_open", year=year)
            return await build_table(session, appraisal, self.tz)

    async def ledger_section(self, session: Session, start: datetime, end: datetime) -> SheetsOf:
        """The ledger's 民主评议 sheet: the appraisals closed in [start, end)."""
        tables = []
        for year in range(start.year - 1, end.year + 1):
            appraisal = await session.members.appraisal.of_year(year)
            if appraisal and appraisal.closed_at and start <= appraisal.closed_at < end:
                tables.append(await build_table(session, appraisal, self.tz))

        def sheets(language: Language, tz: ZoneInfo) -> list[Sheet]:
            return [table_sheet(language, table) for table in tables]

        return sheets

    # --- residents' ratings of public pledges (群众参评) -----------------------------------------

    async def pledge(self, commitment_id: int) -> CommitmentRow:
        """A public pledge to rate (approved or carried out)."""
        async with self._db.read() as session:
            commitment = await session.members.commitments.by_id(commitment_id)
        if commitment is None or commitment.state not in ("approved", "done"):
            raise UserFacingError("appraisal.pledge_gone")
        return commitment

    async def rate_pledge(self, actor: Actor, commitment_id: int, rating: str) -> str:
        """满意/基本满意/不满意 on a public pledge: once per resident, changeable, not one's
        own; refused once the appraisal of its year is closed. Returns the member's name."""
        me = actor.member(Role.RESIDENT)
        if rating not in RATINGS:
            raise UserFacingError("appraisal.gone")
        now = self._clock()
        async with self._db.transaction() as session:
            commitment = await session.members.commitments.by_id(commitment_id)
            if commitment is None or commitment.state not in ("approved", "done"):
                raise UserFacingError("appraisal.pledge_gone")
            if commitment.person_id == me.id:
                raise UserFacingError("appraisal.own_pledge")
            appraisal = await session.members.appraisal.of_year(commitment.due_on.year)
            if appraisal is not None and appraisal.closed:
                raise UserFacingError("appraisal.closed")
            await session.members.appraisal.rate_pledge(commitment.id, me.id, rating, now)
        return commitment.member_name


def self_buttons(appraisal_id: int) -> tuple[tuple[ButtonSpec, ...], ...]:
    """The four grades of the self-assessment, in a push (two rows)."""
    specs = [
        ButtonSpec(f"appraisal.grade.{grade}", f"{SELF_PREFIX}:{appraisal_id}:{grade}")
        for grade in GRADES
    ]
    return (tuple(specs[:2]), tuple(specs[2:]))


def rating_buttons(commitment_id: int) -> tuple[tuple[ButtonSpec, ...], ...]:
    """满意 / 基本满意 / 不满意 under a pledge card (群众参评)."""
    return (
        tuple(
            ButtonSpec(f"appraisal.rate.{rating}", f"{RATE_PREFIX}:{commitment_id}:{rating}")
            for rating in RATINGS
        ),
    )


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


def grade_text(language: Language, grade: str | None) -> str | None:
    return translate(language, f"appraisal.grade.{grade}") if grade else None


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


def peer_summary(language: Language, counts: Counter[str]) -> str:
    """优秀 5 · 合格 2 (grades nobody gave left out); "—" when none."""
    parts = [
        translate(
            language,
            "appraisal.count",
            grade=translate(language, f"appraisal.grade.{g}"),
            count=counts[g],
        )
        for g in GRADES
        if counts[g]
    ]
    return " · ".join(parts) if parts else "—"


def ratings_summary(language: Language, counts: Counter[str]) -> str:
    """满意 3 · 基本满意 1 (ratings nobody gave left out); "—" when none."""
    parts = [
        translate(
            language,
            "appraisal.count",
            grade=translate(language, f"appraisal.rate.{r}"),
            count=counts[r],
        )
        for r in RATINGS
        if counts[r]
    ]
    return " · ".join(parts) if parts else "—"
