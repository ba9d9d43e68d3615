"""Texts of volunteer service (志愿者打卡).

Activities, the check-in kiosk, reviews, hours, reports, the rota.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot import spoken
from bot.config import Language
from bot.i18n import translate_count
from bot.volunteering.attendance import ATTENDANCE
from bot.volunteering.cards import ActivityState
from bot.volunteering.drafts import ActivityDraft
from bot.volunteering.hours import HoursSummary, MonthlyReport
from bot.volunteering.organiser import KioskEntry
from bot.volunteering.review import ReviewItem
from bot.volunteering.rota import DutyScreen
from handlers.texts import (
    local_time,
    plain,
    t,
)
from storage.volunteering.rows import ActivityRow, DutyRow, UnitRow

UTC_ZONE = ZoneInfo("UTC")


def vol_when(activity: ActivityRow, tz: ZoneInfo, language: Language) -> str:
    """An activity's time: 11月28日（周六）上午9点–11点 / Sat 28 Nov, 9–11 am."""
    return spoken.span(language, activity.starts_at, activity.ends_at, tz)


def vol_new_prompt(language: Language, draft: ActivityDraft, unit: str | None, tz: ZoneInfo) -> str:
    """The question of the draft's current step, or its settings screen."""
    if draft.step != "settings":
        return t(language, f"vol.new.ask_{draft.step}")
    start, end = draft.starts_at, draft.ends_at
    when = spoken.span(language, start, end, tz) if start and end else "—"
    recurrence = plain(language, f"vol.recurrence.{draft.recurrence}")
    if draft.recurrence == "dates" and draft.dates:
        recurrence += " " + spoken.names(language, (spoken.day(language, d) for d in draft.dates))
    on, off = plain(language, "vol.on"), plain(language, "vol.off")
    return t(
        language,
        "vol.new.settings",
        title=draft.title,
        when=when,
        place=draft.place,
        venue=plain(language, "vol.new.venue_set" if draft.latitude is not None else "vol.none"),
        capacity=draft.capacity,
        by_location=on if draft.by_location else off,
        radius=draft.radius_m,
        by_code=on if draft.by_code else off,
        audience=plain(language, f"vol.audience.{draft.audience}", unit=unit or ""),
        recurrence=recurrence,
    )


def vol_activity_line(language: Language, state: ActivityState, tz: ZoneInfo) -> str:
    """One activity in a list, with its counts."""
    a = state.activity
    return t(
        language,
        "vol.list_line",
        number=a.number,
        title=a.title,
        when=vol_when(a, tz, language),
        place=a.place,
        signed=state.signed,
        capacity=a.capacity,
        waiting=state.waiting,
    )


def vol_activities(language: Language, states: list[ActivityState], tz: ZoneInfo) -> str:
    """/activities: the upcoming activities."""
    if not states:
        return t(language, "vol.list_empty")
    lines = [vol_activity_line(language, state, tz) for state in states]
    return t(language, "vol.list_title") + "\n\n" + "\n\n".join(lines)


def vol_my(language: Language, rows: list[tuple[ActivityRow, str]], tz: ZoneInfo) -> str:
    """/my: the person's sign-ups."""
    if not rows:
        return t(language, "vol.my_empty")
    lines = [
        t(
            language,
            f"vol.my_line_{state}",
            number=a.number,
            title=a.title,
            when=vol_when(a, tz, language),
            place=a.place,
        )
        for a, state in rows
    ]
    return t(language, "vol.my_title") + "\n" + "\n".join(lines)


def vol_kiosk(language: Language, activity: ActivityRow, entries: list[KioskEntry]) -> str:
    """The kiosk screen: who is signed up and whether they are in."""
    lines = []
    for entry in entries:
        if entry.checkin is None:
            key = "vol.kiosk_absent"
        elif entry.checkin.checked_out_at is None:
            key = "vol.kiosk_in"
        else:
            key = "vol.kiosk_out"
        lines.append(t(language, key, name=entry.signup.display_name))
    return t(
        language,
        "vol.kiosk",
        title=activity.title,
        lines="\n".join(lines) or t(language, "vol.none"),
    )


def vol_review(language: Language, items: list[ReviewItem], tz: ZoneInfo) -> str:
    """Check-ins waiting for review."""
    if not items:
        return t(language, "vol.review_empty")
    lines = [
        t(
            language,
            "vol.review_line",
            number=item.checkin.number,
            name=item.name,
            title=item.activity.title,
            checked_in=local_time(item.checkin.checked_in_at, tz, language),
            hours=spoken.duration(language, item.checkin.minutes or 0),
        )
        for item in items
    ]
    return t(language, "vol.review_title") + "\n" + "\n".join(lines)


def vol_hours(language: Language, summary: HoursSummary) -> str:
    """/hours: month, year, all time, milestones. A person's own time reads as said
    ("1 小时 30 分", "45 分钟"); the reports that add many up use decimal hours."""
    text = t(
        language,
        "vol.hours",
        month=spoken.duration(language, summary.month),
        year=spoken.duration(language, summary.year),
        total=spoken.duration(language, summary.total),
    )
    if summary.reached is not None:
        text += "\n" + t(language, "vol.milestone_reached", hours=summary.reached)
    if summary.next_milestone is not None:
        left = summary.next_milestone * 60 - summary.total
        text += "\n" + t(
            language,
            "vol.milestone_next",
            hours=summary.next_milestone,
            left=spoken.duration(language, left),
        )
    return text


def _attendance_lines(language: Language, report: MonthlyReport, tz: ZoneInfo) -> str:
    """Per activity of the month: 按时 / 迟到 / 请假 / 缺席, then the totals."""
    lines = [
        t(
            language,
            "vol.report_attendance_line",
            number=item.activity.number,
            title=item.activity.title,
            when=local_time(item.activity.starts_at, tz, language),
            counts=plain(language, "vol.attendance_counts", **item.counts()),
        )
        for item in report.attendance
    ]
    if not lines:
        return t(language, "vol.none")
    totals = {s: 0 for s in ATTENDANCE} | report.attendance_totals()
    lines.append(
        t(
            language,
            "vol.report_attendance_total",
            counts=plain(language, "vol.attendance_counts", **totals),
        )
    )
    return "\n".join(lines)


def vol_report(language: Language, report: MonthlyReport, tz: ZoneInfo = UTC_ZONE) -> str:
    """The monthly report as a table: per volunteer, then per unit, then each activity's
    attendance."""
    people = "\n".join(
        t(
            language,
            "vol.report_row",
            name=row.name,
            hours=spoken.hours_total(language, row.minutes),
            records=translate_count(language, "vol.times", row.records),
        )
        for row in report.people
    )
    units = "\n".join(
        t(
            language,
            "vol.report_row",
            name=row.name,
            hours=spoken.hours_total(language, row.minutes),
            records=translate_count(language, "vol.times", row.records),
        )
        for row in report.units
    )
    none = t(language, "vol.none")
    return t(
        language,
        "vol.report",
        period=spoken.month(language, report.month),
        total=spoken.hours_total(language, report.total_minutes),
        people=people or none,
        units=units or none,
        attendance=_attendance_lines(language, report, tz),
    )


def vol_rota(language: Language, units: list[UnitRow], duties: list[DutyRow]) -> str:
    """/rota: planned duty days and the units in rotation order."""
    planned = "\n".join(
        t(language, "vol.rota_duty", day=spoken.stored_day(language, d.day), unit=d.unit_name)
        for d in duties
    ) or t(language, "vol.none")
    order = "\n".join(
        t(
            language,
            "vol.rota_unit_skip" if u.skip_next else "vol.rota_unit",
            position=i + 1,
            unit=u.name,
            last=spoken.stored_day(language, u.last_duty_on) if u.last_duty_on else "—",
        )
        for i, u in enumerate(units)
    ) or t(language, "vol.none")
    return t(language, "vol.rota", planned=planned, order=order)


def vol_duty(language: Language, screen: DutyScreen) -> str:
    """/duty for a unit's contact."""
    duty = (
        t(language, "vol.duty_next", day=spoken.stored_day(language, screen.duty.day))
        if screen.duty
        else t(language, "vol.duty_none")
    )
    skip = t(language, "vol.duty_skip_on" if screen.unit.skip_next else "vol.duty_skip_off")
    return t(language, "vol.duty", unit=screen.unit.name, duty=duty, skip=skip)
