"""Volunteer hours (志愿者打卡): a volunteer's /hours, the monthly report and summary.

Hours run from the later of check-in and start to the earlier of check-out
and end, rounded as configured. ``/hours`` shows a volunteer's month, year
and total with milestones; secretaries get the monthly report (per volunteer
and per unit) and, from the built-in ``volunteer.monthly`` schedule
registered here, a summary on the 1st of each month.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from bot import spoken
from bot.community.register import Actor, Role, secretaries_to_tell
from bot.config import Language
from bot.i18n import translate, translate_count
from bot.members.appraisal_table import AppraisalYear, ColumnValue, register_appraisal_column
from bot.runtime.outbox import Delivery, OutgoingMessage, queue_push
from bot.runtime.scheduler import Firing, daily_rule
from bot.spreadsheets import hours_cell
from bot.volunteering.attendance import ActivityAttendance, attendance_of
from bot.volunteering.context import VolunteerContext
from bot.volunteering.rules import month_bounds
from storage.session import Session
from storage.times import to_db_time
from storage.volunteering.rows import HoursRow

MONTHLY_KIND = "volunteer.monthly"
MONTHLY_SCHEDULE_KEY = "builtin:volunteer_monthly"


@dataclass(frozen=True)
class HoursSummary:
    """A volunteer's counted minutes and milestones."""

    month: int
    year: int
    total: int
    reached: int | None
    next_milestone: int | None


@dataclass(frozen=True)
class MonthlyReport:
    """Counted minutes of one month per volunteer and per unit."""

    month: date
    people: list[HoursRow]
    units: list[HoursRow]
    #: The attendance of each activity of the month that has started, oldest first.
    attendance: list[ActivityAttendance] = field(default_factory=list)

    def attendance_totals(self) -> dict[str, int]:
        """On time, late, excused and absent over the month's activities."""
        totals: dict[str, int] = {}
        for item in self.attendance:
            for status, count in item.counts().items():
                totals[status] = totals.get(status, 0) + count
        return totals

    @property
    def total_minutes(self) -> int:
        """All counted minutes of the month."""
        return sum(row.minutes for row in self.people)


class HoursService:
    """A volunteer's hours and milestones; the monthly report and summary."""

    def __init__(self, ctx: VolunteerContext) -> None:
        self._ctx = ctx
        ctx.scheduler.register_effect(MONTHLY_KIND, self._monthly_effect)
        ctx.scheduler.add_builtin(MONTHLY_SCHEDULE_KEY, MONTHLY_KIND, self.monthly_rule())

    def monthly_rule(self) -> dict[str, Any] | None:
        """Every day at the summary time (the effect acts on the 1st only)."""
        if not self._ctx.config.monthly_summary:
            return None
        return daily_rule(self._ctx.config.monthly_summary_time, self._ctx.tz)

    async def hours(self, actor: Actor) -> HoursSummary:
        """/hours: this month, this year, all time, and milestones."""
        person = actor.registered_person()
        local = self._ctx.clock().astimezone(self._ctx.tz)
        month_start, _ = month_bounds(local.date(), self._ctx.tz)
        year_start = datetime.combine(date(local.year, 1, 1), time(0), tzinfo=self._ctx.tz)
        async with self._ctx.db.read() as session:
            repo = session.volunteering.records
            month = await repo.person_minutes(person.id, month_start)
            year = await repo.person_minutes(person.id, year_start.astimezone(UTC))
            total = await repo.person_minutes(person.id, None)
        milestones = sorted(self._ctx.config.milestones_hours)
        reached = [m for m in milestones if total >= m * 60]
        ahead = [m for m in milestones if total < m * 60]
        return HoursSummary(
            month, year, total, reached[-1] if reached else None, ahead[0] if ahead else None
        )

    async def monthly_report(self, actor: Actor, month: date | None = None) -> MonthlyReport:
        """A month's counted minutes per volunteer and per unit (secretaries)."""
        actor.member(Role.SECRETARY)
        month = month or self._ctx.clock().astimezone(self._ctx.tz).date()
        async with self._ctx.db.read() as session:
            return await self._report(session, month, self._ctx.clock())

    async def _report(self, session: Session, month: date, now: datetime) -> MonthlyReport:
        since, until = month_bounds(month, self._ctx.tz)
        started = [
            a
            for a in await session.volunteering.activities.recent(since, until)
            if a.starts_at < until and a.starts_at <= now
        ]
        late_after = self._ctx.late_after()
        return MonthlyReport(
            month.replace(day=1),
            await session.volunteering.records.minutes_by_person(since, until),
            await session.volunteering.records.minutes_by_unit(since, until),
            [await attendance_of(session, a, late_after) for a in reversed(started)],
        )

    async def _monthly_effect(self, firing: Firing) -> None:
        local = firing.due_at.astimezone(self._ctx.tz).date()
        if local.day != 1:
            return
        last_month = (local - timedelta(days=1)).replace(day=1)
        session = firing.session
        report = await self._report(session, last_month, firing.now)
        secretaries = await secretaries_to_tell(session, self._ctx.settings.community)
        deliveries = []
        for person in secretaries:
            language = Language(person.language)
            deliveries.append(
                Delivery(person.tg_user_id, person.id, summary_message(report, language))
            )
        if deliveries:
            await queue_push(
                session,
                kind="volunteer.monthly",
                title=f"{last_month:%Y-%m}",
                deliveries=deliveries,
                dedupe_prefix=f"firing:{firing.schedule.id}:{to_db_time(firing.due_at)}",
                now=firing.now,
            )


def summary_message(report: MonthlyReport, language: Language) -> OutgoingMessage:
    """The monthly summary for secretaries, with a bar chart of the top volunteers."""
    top = report.people[:10]
    lines = "\n".join(
        translate(
            language,
            "vol.report_line",
            name=row.name,
            hours=spoken.hours_total(language, row.minutes),
        )
        for row in top
    )
    return OutgoingMessage(
        "vol.summary",
        language,
        {
            "month": f"{report.month:%Y-%m}",
            "period": spoken.month(language, report.month),
            "people": translate_count(language, "vol.volunteers", len(report.people)),
            "hours": spoken.hours_total(language, report.total_minutes),
            "lines": lines or translate(language, "vol.none"),
        },
        chart={
            "title": translate(
                language, "vol.chart_title", month=spoken.month(language, report.month)
            ),
            "bars": [[row.name, row.minutes] for row in top],
        }
        if top
        else None,
    )


# --- the yearly democratic appraisal (民主评议, #14 §1–2) ----------------------------------
# "把党员参加社区活动情况作为民主评议、评先评优的依据": each member's counted hours and the
# activities they served at in the year (the same sums as the monthly report's), on the
# second line of their block in the table.


async def _year_rows(
    session: Session, people: list[int], year: AppraisalYear
) -> dict[int, HoursRow]:
    since, until = year.bounds()
    wanted = set(people)
    return {
        row.key: row
        for row in await session.volunteering.records.minutes_by_person(since, until)
        if row.key in wanted
    }


async def _hours_column(
    session: Session, people: list[int], year: AppraisalYear
) -> dict[int, Decimal]:
    """志愿服务时长: hours to two decimals in the workbook (as the volunteers' sheets)."""
    rows = await _year_rows(session, people, year)
    return {person: hours_cell(rows[person].minutes if person in rows else 0) for person in people}


async def _activities_column(
    session: Session, people: list[int], year: AppraisalYear
) -> dict[int, int]:
    """参加活动: the activities with counted hours."""
    rows = await _year_rows(session, people, year)
    return {person: rows[person].records if person in rows else 0 for person in people}


def _show_hours(language: Language, value: ColumnValue) -> str:
    """Hours as the reports say them: 12.5, 2."""
    return spoken.decimal_hours(language, round(Decimal(value) * 60))


register_appraisal_column(
    "volunteer_hours", "appraisal.col.volunteer_hours", _hours_column, line=2, show=_show_hours
)
register_appraisal_column(
    "volunteer_activities", "appraisal.col.activities", _activities_column, line=2
)
