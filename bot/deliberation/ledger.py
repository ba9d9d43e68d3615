"""The committee's ledger (台账): every matter and vote of a period, as CSV and Excel.

A secretary asks for a period (default: this month in the community's zone);
:class:`LedgerService` reads the rows (storage/deliberation/ledger.py), :func:`ledger_sheets`
turns them into tables with headers in the secretary's language and times in
the community's zone, and bot/spreadsheets.py writes them as files.

Anonymous votes appear with their tallies only: the public-ballots sheet is
built from ballots of public votes, and of a secret one's ballots the
repository reads only who recorded a proxy ballot, why and when. The
proxy-ballots sheet lists every proxy ballot with who recorded it and why.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock, system_clock
from bot.community.calendar import local_moment, to_utc
from bot.community.forums import forum_name
from bot.community.register import Actor, Role
from bot.config import Language, Settings
from bot.deliberation.attendance import Attendance, attendance_of
from bot.deliberation.voting.electorate import scope_name
from bot.errors import UserFacingError
from bot.i18n import translate
from bot.spreadsheets import Cell, Sheet, local_cell
from storage import Storage
from storage.deliberation.attendance import PaperCountRow
from storage.deliberation.ledger import (
    LedgerConventionRow,
    LedgerMatterRow,
    LedgerProgressRow,
    LedgerReferralRow,
    LedgerVoteRow,
    ProxyBallotRow,
    PublicBallotRow,
)
from storage.deliberation.sittings import SittingRow
from storage.session import Session

#: The longest period one export covers.
MAX_PERIOD_DAYS = 366 * 5


@dataclass(frozen=True)
class Ledger:
    """The rows of one period [first, last] (local dates, both included)."""

    first: date
    last: date
    matters: tuple[LedgerMatterRow, ...]
    votes: tuple[LedgerVoteRow, ...]
    ballots: tuple[PublicBallotRow, ...]
    conventions: tuple[LedgerConventionRow, ...]
    progress: tuple[LedgerProgressRow, ...]
    referrals: tuple[LedgerReferralRow, ...]
    proxies: tuple[ProxyBallotRow, ...] = ()
    #: Paper ballots counted at the pavilion, and who was present at each sitting.
    paper: tuple[PaperCountRow, ...] = ()
    attendance: tuple[SittingAttendance, ...] = ()
    #: Sheets other features add (surveys, ...), drawn in the reader's language.
    sections: tuple[SheetsOf, ...] = ()
    #: Each matter's number in the community (#12), by id: what the sheets show.
    numbers: dict[int, int] = field(default_factory=dict)

    def number(self, matter_id: int | None) -> int | None:
        """What people call the matter of ``matter_id`` (its id if it is not listed)."""
        if matter_id is None:
            return None
        return self.numbers.get(matter_id, matter_id)


@dataclass(frozen=True)
class SittingAttendance:
    """A sitting of the period and who was present."""

    sitting: SittingRow
    attendance: Attendance


#: Draws a feature's sheets of the ledger in a language and zone.
SheetsOf = Callable[[Language, ZoneInfo], list[Sheet]]
#: A feature's part of the ledger: reads its rows of [start, end) in the ledger's read.
Section = Callable[[Session, datetime, datetime], Awaitable[SheetsOf]]


def default_period(today: date) -> tuple[date, date]:
    """This month: its first and last day."""
    first = today.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


class LedgerService:
    """Builds a period's ledger for a secretary."""

    def __init__(self, db: Storage, settings: Settings, clock: Clock = system_clock) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self._sections: list[Section] = []

    @property
    def tz(self) -> ZoneInfo:
        """The current community's time zone (the profile is per unit of work)."""
        return self._settings.community.tz

    def add_section(self, section: Section) -> None:
        """Add a feature's sheets to every ledger (surveys add theirs so)."""
        self._sections.append(section)

    def today(self) -> date:
        """Today's date in the community's zone."""
        return self._clock().astimezone(self.tz).date()

    async def build(self, actor: Actor, first: date | None, last: date | None) -> Ledger:
        """The ledger of [first, last] (default: this month; only ``first``: up to today)."""
        if not actor.has(Role.SECRETARY):
            raise UserFacingError("ledger.secretaries_only")
        if first is None:
            first, last = default_period(self.today())
        elif last is None:
            last = max(first, self.today())
        if last < first:
            raise UserFacingError(
                "ledger.bad_period", first=first.isoformat(), last=last.isoformat()
            )
        if (last - first).days > MAX_PERIOD_DAYS:
            raise UserFacingError("ledger.too_long", days=MAX_PERIOD_DAYS)
        start = to_utc(local_moment(first, time(0), self.tz))
        end = to_utc(local_moment(last + timedelta(days=1), time(0), self.tz))
        async with self._db.read() as session:
            repo = session.ledger
            votes = tuple(await repo.votes(start, end))
            paper = await session.attendance.paper_counts_of([vote.id for vote in votes])
            attendance = []
            for sitting in await session.sittings.starting_between(start, end):
                present = await attendance_of(session, sitting.id)
                if present.present or present.guests:
                    attendance.append(SittingAttendance(sitting, present))
            ledger = Ledger(
                paper=tuple(paper[vote.id] for vote in votes if vote.id in paper),
                attendance=tuple(attendance),
                first=first,
                last=last,
                matters=tuple(await repo.matters(start, end)),
                votes=votes,
                ballots=tuple(await repo.public_ballots(start, end)),
                conventions=tuple(await repo.conventions(start, end)),
                progress=tuple(await repo.progress(start, end)),
                referrals=tuple(await repo.referrals(start, end)),
                proxies=tuple(await repo.proxy_ballots(start, end)),
                sections=tuple([await section(session, start, end) for section in self._sections]),
            )
            numbers = await session.matters.numbers(sorted(_matter_ids(ledger)))
        return replace(ledger, numbers=numbers)


def _matter_ids(ledger: Ledger) -> set[int]:
    """Every matter the ledger's sheets name."""
    named: set[int] = set()
    for m in ledger.matters:
        named.add(m.id)
        if m.merged_into is not None:
            named.add(m.merged_into)
    for rows in (
        ledger.votes,
        ledger.ballots,
        ledger.proxies,
        ledger.conventions,
        ledger.progress,
        ledger.referrals,
    ):
        named.update(row.matter_id for row in rows)
    return named


# --- tables ---------------------------------------------------------------------------------


def _when(moment: datetime | None, tz: ZoneInfo) -> datetime | None:
    return local_cell(moment, tz)


def _option(language: Language, kind: str, option: str) -> str:
    return translate(language, f"vote.option.{option}") if kind == "yes_no" else option


#: The options of a yes/no vote, each its own column of the votes and paper sheets.
YES_NO = ("yes", "no", "abstain")


@dataclass(frozen=True)
class OptionColumns:
    """One column per option: 赞成/反对/弃权, then "选项1" "选项1票数" … for the
    secretary's own options, as many as the vote of the period with the most."""

    custom: int

    @classmethod
    def of(cls, votes: Sequence[LedgerVoteRow]) -> OptionColumns:
        return cls(max((len(v.options) for v in votes if v.kind != "yes_no"), default=0))

    def headers(self, language: Language) -> tuple[str, ...]:
        named = tuple(translate(language, f"vote.option.{option}") for option in YES_NO)
        custom = tuple(
            header
            for index in range(1, self.custom + 1)
            for header in (
                translate(language, "ledger.col.option", index=index),
                translate(language, "ledger.col.option_count", index=index),
            )
        )
        return named + custom

    def cells(self, vote: LedgerVoteRow, counts: Sequence[int] | None) -> tuple[Cell, ...]:
        if vote.kind == "yes_no":
            by_option = dict(zip(vote.options, counts or (), strict=False))
            named: tuple[Cell, ...] = tuple(
                by_option.get(option) if counts is not None else None for option in YES_NO
            )
            return named + (None,) * (2 * self.custom)
        custom: list[Cell] = []
        for index in range(self.custom):
            option = vote.options[index] if index < len(vote.options) else None
            count = counts[index] if counts is not None and index < len(counts) else None
            custom += [option, count if option is not None else None]
        return (None,) * len(YES_NO) + tuple(custom)


def _choice(language: Language, ballot: PublicBallotRow | ProxyBallotRow) -> str | None:
    if ballot.choice is None:
        return None
    return "; ".join(
        _option(language, ballot.kind, ballot.options[index])
        if 0 <= index < len(ballot.options)
        else str(index)
        for index in ballot.choice
    )


def _proxy_reason(language: Language, reason: str | None) -> str | None:
    """Why a proxy ballot was recorded: paper / asked, or the text older ballots kept."""
    if reason in ("paper", "asked"):
        return translate(language, f"ledger.proxy_reason.{reason}")
    return reason


def _named(language: Language, group: str, value: str | None) -> str | None:
    return translate(language, f"{group}.{value}") if value else None


def _yes_no(language: Language, flag: bool) -> str:
    return translate(language, "ledger.yes" if flag else "ledger.no")


def _headers(language: Language, columns: Sequence[str]) -> tuple[str, ...]:
    return tuple(translate(language, f"ledger.col.{column}") for column in columns)


def ledger_sheets(ledger: Ledger, language: Language, tz: ZoneInfo) -> list[Sheet]:
    """The ledger's own tables of the workbook, then those other features add (surveys),
    headers in ``language``, times in ``tz``."""
    return [
        _matters_sheet(ledger, language, tz),
        _votes_sheet(ledger, language, tz),
        _ballots_sheet(ledger, language, tz),
        _proxies_sheet(ledger, language, tz),
        _conventions_sheet(ledger, language, tz),
        _progress_sheet(ledger, language, tz),
        _referrals_sheet(ledger, language, tz),
        _paper_sheet(ledger, language, tz),
        _attendance_sheet(ledger, language, tz),
        *(sheet for section in ledger.sections for sheet in section(language, tz)),
    ]


def _matters_sheet(ledger: Ledger, lang: Language, tz: ZoneInfo) -> Sheet:
    """Every matter with its stage, owner and progress."""
    return Sheet(
        "matters",
        translate(lang, "ledger.sheet.matters"),
        _headers(
            lang,
            (
                "number",
                "kind",
                "title",
                "details",
                "raised_by",
                "raised_at",
                "supports",
                "comments",
                "forum",
                "agenda_at",
                "stage",
                "resolution",
                "owner",
                "due_at",
                "progress",
                "done_at",
                "accepted_by",
                "withdrawn_reason",
                "merged_into",
            ),
        ),
        tuple(
            (
                ledger.number(m.id),
                translate(lang, f"ledger.matter_kind.{m.kind}"),
                m.title,
                m.details,
                m.raised_by,
                _when(m.created_at, tz),
                m.supports,
                m.comments,
                _named(lang, "matter.forum", m.agenda_forum),
                _when(m.agenda_at, tz),
                translate(lang, f"sittings.stage.{m.stage}"),
                m.resolution,
                m.owner,
                _when(m.due_at, tz),
                m.progress,
                _when(m.done_at, tz),
                translate(lang, "list_separator").join(m.accepted_by) or None,
                m.withdrawn_reason,
                ledger.number(m.merged_into),
            )
            for m in ledger.matters
        ),
    )


def _votes_sheet(ledger: Ledger, lang: Language, tz: ZoneInfo) -> Sheet:
    """Every vote with its settings, a column per option's count, and the result."""
    options = OptionColumns.of(ledger.votes)
    return Sheet(
        "votes",
        translate(lang, "ledger.sheet.votes"),
        _headers(
            lang,
            (
                "vote",
                "number",
                "title",
                "vote_kind",
                "anonymous",
                "electorate",
                "quorum",
                "threshold",
                "opened_at",
                "closes_at",
                "closed_at",
                "voters",
                "eligible",
            ),
        )
        + options.headers(lang)
        + _headers(lang, ("result",)),
        tuple(
            (
                v.id,
                ledger.number(v.matter_id),
                v.matter_title,
                translate(lang, f"ledger.vote_kind.{v.kind}"),
                _yes_no(lang, v.anonymous),
                scope_name(v.electorate, v.electorate_buildings, v.electorate_grid, (), lang),
                v.quorum,
                translate(lang, f"ledger.threshold.{v.threshold}"),
                _when(v.opened_at, tz),
                _when(v.closes_at, tz),
                _when(v.closed_at, tz),
                v.voters,
                v.eligible,
                *options.cells(v, v.counts),
                _named(lang, "sittings.result", v.result),
            )
            for v in ledger.votes
        ),
    )


def _ballots_sheet(ledger: Ledger, lang: Language, tz: ZoneInfo) -> Sheet:
    """Every public ballot, with who cast it."""
    return Sheet(
        "ballots",
        translate(lang, "ledger.sheet.ballots"),
        _headers(
            lang, ("vote", "number", "voter", "choice", "cast_at", "recorded_by", "proxy_reason")
        ),
        tuple(
            (
                b.vote_id,
                ledger.number(b.matter_id),
                b.voter if b.voter is not None else translate(lang, "ledger.removed_person"),
                _choice(lang, b),
                _when(b.cast_at, tz),
                b.recorded_by,
                _proxy_reason(lang, b.proxy_reason),
            )
            for b in ledger.ballots
        ),
    )


def _proxies_sheet(ledger: Ledger, lang: Language, tz: ZoneInfo) -> Sheet:
    """Every proxy ballot: who recorded it and why (an anonymous one without the voter)."""
    return Sheet(
        "proxies",
        translate(lang, "ledger.sheet.proxies"),
        _headers(
            lang,
            (
                "vote",
                "number",
                "anonymous",
                "voter",
                "choice",
                "cast_at",
                "recorded_by",
                "proxy_reason",
            ),
        ),
        tuple(
            (
                b.vote_id,
                ledger.number(b.matter_id),
                _yes_no(lang, b.anonymous),
                translate(lang, "ledger.secret_voter")
                if b.anonymous
                else b.voter
                if b.voter is not None
                else translate(lang, "ledger.removed_person"),
                _choice(lang, b),
                _when(b.cast_at, tz),
                b.recorded_by,
                _proxy_reason(lang, b.proxy_reason),
            )
            for b in ledger.proxies
        ),
    )


def _conventions_sheet(ledger: Ledger, lang: Language, tz: ZoneInfo) -> Sheet:
    """The conventions register."""
    return Sheet(
        "conventions",
        translate(lang, "ledger.sheet.conventions"),
        _headers(
            lang,
            (
                "convention",
                "title",
                "text",
                "number",
                "vote",
                "adopted_at",
                "amends",
                "superseded_by",
            ),
        ),
        tuple(
            (
                # The numbers people saw (公约 #3), not the street-wide row ids.
                c.number,
                c.title,
                c.text,
                ledger.number(c.matter_id),
                c.vote_id,
                _when(c.adopted_at, tz),
                c.amends_number,
                c.superseded_by_number,
            )
            for c in ledger.conventions
        ),
    )


def _progress_sheet(ledger: Ledger, lang: Language, tz: ZoneInfo) -> Sheet:
    """Every progress report."""
    return Sheet(
        "progress",
        translate(lang, "ledger.sheet.progress"),
        _headers(lang, ("number", "title", "reported_by", "percent", "report", "reported_at")),
        tuple(
            (
                ledger.number(p.matter_id),
                p.matter_title,
                p.reporter,
                p.percent,
                p.text,
                _when(p.at, tz),
            )
            for p in ledger.progress
        ),
    )


def _referrals_sheet(ledger: Ledger, lang: Language, tz: ZoneInfo) -> Sheet:
    """Every referral and its answer."""
    return Sheet(
        "referrals",
        translate(lang, "ledger.sheet.referrals"),
        _headers(
            lang,
            (
                "referral",
                "number",
                "title",
                "department",
                "request",
                "referred_by",
                "referred_at",
                "due_at",
                "answer",
                "answered_at",
                "recorded_by",
            ),
        ),
        tuple(
            (
                r.id,
                ledger.number(r.matter_id),
                r.matter_title,
                r.department,
                r.request,
                r.referred_by,
                _when(r.referred_at, tz),
                _when(r.due_at, tz),
                r.answer,
                _when(r.answered_at, tz),
                r.recorded_by,
            )
            for r in ledger.referrals
        ),
    )


def _paper_sheet(ledger: Ledger, lang: Language, tz: ZoneInfo) -> Sheet:
    """Every paper count: per option, the ballots, who counted, who witnessed, who entered it."""
    votes = {vote.id: vote for vote in ledger.votes}
    options = OptionColumns.of([votes[count.vote_id] for count in ledger.paper])
    removed = translate(lang, "ledger.removed_person")
    rows = []
    for count in ledger.paper:
        vote = votes[count.vote_id]
        rows.append(
            (
                vote.id,
                ledger.number(vote.matter_id),
                vote.matter_title,
                *options.cells(vote, count.counts),
                count.ballots,
                count.counter or removed,
                count.witness or removed,
                count.entered_by or removed,
                _when(count.entered_at, tz),
            )
        )
    return Sheet(
        "paper",
        translate(lang, "ledger.sheet.paper"),
        _headers(lang, ("vote", "number", "title"))
        + options.headers(lang)
        + _headers(lang, ("paper_ballots", "counter", "witness", "entered_by", "entered_at")),
        tuple(rows),
    )


def _attendance_sheet(ledger: Ledger, lang: Language, tz: ZoneInfo) -> Sheet:
    """Every sitting with attendance: who of the register, how many others, who marked."""
    separator = translate(lang, "list_separator")
    rows = []
    for one in ledger.attendance:
        present = one.attendance
        markers = [a.marked_by for a in present.present if a.marked_by]
        if present.guests and present.guests.set_by:
            markers.append(present.guests.set_by)
        moments = [a.marked_at for a in present.present]
        if present.guests:
            moments.append(present.guests.set_at)
        rows.append(
            (
                _when(one.sitting.starts_at, tz),
                forum_name(
                    lang, one.sitting.forum, held_on=one.sitting.starts_at.astimezone(tz).date()
                ),
                present.registered,
                separator.join(a.name for a in present.present),
                present.unregistered,
                present.total,
                separator.join(dict.fromkeys(markers)),
                _when(max(moments), tz) if moments else None,
            )
        )
    return Sheet(
        "attendance",
        translate(lang, "ledger.sheet.attendance"),
        _headers(
            lang,
            (
                "sitting_at",
                "forum",
                "present_registered",
                "present_names",
                "present_guests",
                "present_total",
                "marked_by",
                "marked_at",
            ),
        ),
        tuple(rows),
    )
