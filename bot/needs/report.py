"""The needs report (接诉即办): per month, how many were posted, answered within the
clock, how fast (median and average), solved, and how satisfied the residents were,
in total and per category; a message and a workbook for the secretaries (/needs
report, 📊 on /needs) and, on the 1st, the month before's through a daily schedule.
Both lists (needs and services) are sheets of the ledger (台账)."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot import spoken
from bot.clock import Clock, system_clock
from bot.community.register import Actor, Role, secretaries_to_tell
from bot.config import Language, Settings
from bot.deliberation.ledger import LedgerService
from bot.i18n import translate
from bot.needs import rules
from bot.runtime.outbox import Delivery, OutgoingMessage, queue_push
from bot.runtime.scheduler import Firing, SchedulerService, daily_rule
from bot.spreadsheets import Sheet, local_cell
from storage import Storage
from storage.needs.repository import NeedRow, OfferRow
from storage.session import Session
from storage.times import to_db_time

SCHEDULE_KEY = "builtin:needs_report"


@dataclass(frozen=True)
class Figures:
    """One row of the report: a category, or every need (``key`` None)."""

    key: str | None
    posted: int
    answered: int
    in_time: int
    #: Minutes from posting to the first answer, of each answered need.
    median_minutes: int | None
    average_minutes: int | None
    solved: int
    rated: int
    average_rating: float | None

    @property
    def solved_share(self) -> float | None:
        return self.solved / self.posted if self.posted else None


def figures(key: str | None, needs: Sequence[NeedRow]) -> Figures:
    waits = [
        int((n.answered_at - n.posted_at).total_seconds() // 60)
        for n in needs
        if n.answered_at is not None
    ]
    ratings = [n.rating for n in needs if n.rating is not None]
    return Figures(
        key=key,
        posted=len(needs),
        answered=len(waits),
        in_time=sum(1 for n in needs if n.answered_at and n.answered_at <= n.answer_due_at),
        median_minutes=int(statistics.median(waits)) if waits else None,
        average_minutes=int(statistics.fmean(waits)) if waits else None,
        solved=sum(1 for n in needs if n.state == "solved"),
        rated=len(ratings),
        average_rating=statistics.fmean(ratings) if ratings else None,
    )


@dataclass(frozen=True)
class Report:
    month: date
    total: Figures
    categories: tuple[Figures, ...]


def month_bounds(month: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return (
        datetime.combine(first, time(0), tzinfo=tz).astimezone(UTC),
        datetime.combine(following, time(0), tzinfo=tz).astimezone(UTC),
    )


async def build(session: Session, settings: Settings, month: date) -> Report:
    start, end = month_bounds(month, settings.community.tz)
    needs = await session.needs.posted_between(start, end)
    keys = [c.key for c in settings.needs.categories]
    keys += sorted({n.category for n in needs} - set(keys))
    return Report(
        month.replace(day=1),
        figures(None, needs),
        tuple(
            figures(key, [n for n in needs if n.category == key])
            for key in keys
            if any(n.category == key for n in needs)
        ),
    )


def _share(language: Language, part: int, whole: int) -> str:
    if not whole:
        return "—"
    return translate(language, "needs.report.share", percent=round(100 * part / whole))


def _minutes(language: Language, minutes: int | None) -> str:
    return spoken.duration(language, minutes) if minutes is not None else "—"


def _stars(rating: float | None) -> str:
    return f"{rating:.1f}⭐" if rating is not None else "—"


def report_text(language: Language, report: Report, settings: Settings) -> str:
    """The report as a message."""

    def line(f: Figures, name: str) -> str:
        return translate(
            language,
            "needs.report.line",
            name=name,
            posted=f.posted,
            in_time=_share(language, f.in_time, f.posted),
            median=_minutes(language, f.median_minutes),
            average=_minutes(language, f.average_minutes),
            solved=_share(language, f.solved, f.posted),
            rating=_stars(f.average_rating),
        )

    if not report.total.posted:
        return translate(language, "needs.report.none", month=spoken.month(language, report.month))
    lines = [
        line(f, rules.category_name(settings.needs, f.key or "", language))
        for f in report.categories
    ]
    return translate(
        language,
        "needs.report.text",
        month=spoken.month(language, report.month),
        total=line(report.total, translate(language, "needs.report.all")),
        lines="\n".join(lines),
    )


def report_sheet(language: Language, report: Report, settings: Settings) -> Sheet:
    headers = tuple(
        translate(language, f"needs.report.sheet.{c}")
        for c in (
            "category",
            "posted",
            "answered",
            "in_time",
            "median",
            "average",
            "solved",
            "solved_share",
            "rated",
            "rating",
        )
    )

    def row(f: Figures, name: str) -> tuple[Any, ...]:
        share = f.solved_share
        return (
            name,
            f.posted,
            f.answered,
            f.in_time,
            f.median_minutes,
            f.average_minutes,
            f.solved,
            round(share, 3) if share is not None else None,
            f.rated,
            round(f.average_rating, 2) if f.average_rating is not None else None,
        )

    rows = [
        row(f, rules.category_name(settings.needs, f.key or "", language))
        for f in report.categories
    ]
    rows.append(row(report.total, translate(language, "needs.report.all")))
    return Sheet(
        "needs_report",
        translate(language, "needs.report.sheet.title", month=spoken.month(language, report.month)),
        headers,
        tuple(rows),
    )


def needs_sheet(
    language: Language, needs: Sequence[NeedRow], settings: Settings, tz: ZoneInfo
) -> Sheet:
    """The needs list (需求清单) as a ledger sheet."""
    headers = tuple(
        translate(language, f"needs.sheet.{c}")
        for c in (
            "number",
            "posted",
            "category",
            "building",
            "urgency",
            "text",
            "state",
            "answered",
            "owner",
            "due",
            "done",
            "rating",
            "matter",
            "recorded",
        )
    )
    rows = tuple(
        (
            n.number,
            local_cell(n.posted_at, tz),
            rules.category_name(settings.needs, n.category, language),
            n.building,
            translate(language, "needs.urgent" if n.urgent else "needs.ordinary"),
            n.text,
            rules.state_name(language, n.state),
            local_cell(n.answered_at, tz),
            n.owner_name,
            n.due_on,
            local_cell(n.done_at, tz),
            n.rating,
            n.matter_number,
            n.recorded_name,
        )
        for n in needs
    )
    return Sheet("needs", translate(language, "needs.sheet.title"), headers, rows)


def offers_sheet(language: Language, offers: Sequence[OfferRow], tz: ZoneInfo) -> Sheet:
    """The services list (服务清单) as a ledger sheet."""
    headers = tuple(
        translate(language, f"needs.offers_sheet.{c}")
        for c in ("number", "created", "who", "what", "when", "capacity", "taken", "state")
    )
    rows = tuple(
        (
            o.number,
            local_cell(o.created_at, tz),
            o.person_name,
            o.what,
            o.available_on or translate(language, "needs.long_term"),
            o.capacity,
            o.taken,
            translate(language, f"needs.offer_state.{o.state}"),
        )
        for o in offers
    )
    return Sheet("services", translate(language, "needs.offers_sheet.title"), headers, rows)


class NeedsReports:
    """The monthly report (on demand, and on the 1st), and the ledger's two sheets."""

    def __init__(
        self,
        db: Storage,
        settings: Settings,
        scheduler: SchedulerService,
        ledger: LedgerService,
        clock: Clock = system_clock,
    ) -> None:
        self._db = db
        self._settings = settings
        self._clock = clock
        scheduler.register_effect(rules.REPORT_KIND, self._effect)
        config = settings.needs
        scheduler.add_builtin(
            SCHEDULE_KEY,
            rules.REPORT_KIND,
            daily_rule(config.report_time, settings.community.tz)
            if config.monthly_report
            else None,
        )
        ledger.add_section(self.ledger_section)

    def this_month(self) -> date:
        return self._clock().astimezone(self._settings.community.tz).date().replace(day=1)

    async def report(self, actor: Actor, month: date | None = None) -> Report:
        actor.require(Role.SECRETARY)
        async with self._db.read() as session:
            return await build(session, self._settings, month or self.this_month())

    async def _effect(self, firing: Firing) -> None:
        """On the 1st: the month before's report to the secretaries."""
        tz = self._settings.community.tz
        local = firing.due_at.astimezone(tz).date()
        if local.day != 1:
            return
        month = (local - timedelta(days=1)).replace(day=1)
        session = firing.session
        report = await build(session, self._settings, month)
        if not report.total.posted:
            return
        deliveries = [
            Delivery(
                p.tg_user_id,
                p.id,
                OutgoingMessage(
                    "needs.report.push",
                    Language(p.language),
                    {"report": report_text(Language(p.language), report, self._settings)},
                ),
            )
            for p in await secretaries_to_tell(session, self._settings.community)
        ]
        if deliveries:
            await queue_push(
                session,
                kind=rules.REPORT_KIND,
                title=f"{month:%Y-%m}",
                deliveries=deliveries,
                dedupe_prefix=f"firing:{firing.schedule.id}:{to_db_time(firing.due_at)}",
                now=firing.now,
            )

    async def ledger_section(
        self, session: Session, start: datetime, end: datetime
    ) -> Callable[[Language, ZoneInfo], list[Sheet]]:
        """The ledger's needs and services sheets for [start, end)."""
        needs = await session.needs.posted_between(start, end)
        offers = await session.needs.offers_between(start, end)
        settings = self._settings

        def render(language: Language, tz: ZoneInfo) -> list[Sheet]:
            return [needs_sheet(language, needs, settings, tz), offers_sheet(language, offers, tz)]

        return render
