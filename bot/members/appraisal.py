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

The table, its columns of evidence (``register_appraisal_column``) and its workbook
sheet are in bot/members/appraisal_table.py.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot import usertext
from bot.clock import Clock, system_clock
from bot.community.register import Actor, Role
from bot.config import Language, Settings
from bot.deliberation.ledger import SheetsOf
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from bot.i18n import translate
from bot.members.appraisal_table import GRADES, RATINGS, Table, build_table, table_sheet
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, queue_push
from bot.spreadsheets import Sheet
from storage import Storage
from storage.community.people import PersonRow
from storage.members.appraisal import AppraisalRow, BranchRow, SelfRow
from storage.members.commitments import CommitmentRow
from storage.session import Session

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


def appraisal_year(today: date) -> int:
    """The year to appraise: this one; in January, the year just ended."""
    return today.year - 1 if today.month == 1 else today.year


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
