"""Volunteer service (志愿者打卡): the monthly report's sheets — hours per volunteer, per
unit (单位), and each activity's attendance, one row per person. Minutes and hours are
numbers (hours to two decimals), times are date cells in the community's zone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.config import Language
from bot.i18n import translate
from bot.spreadsheets import Cell, Sheet, hours_cell, local_cell
from bot.volunteering.hours import MonthlyReport
from storage.volunteering.rows import HoursRow


def vol_report_sheets(language: Language, report: MonthlyReport, tz: ZoneInfo) -> list[Sheet]:
    """The monthly report as sheets for CSV and Excel."""

    def text(key: str) -> str:
        return translate(language, key)

    def headers(first: str) -> tuple[str, ...]:
        return tuple(text(f"vol.col.{c}") for c in (first, "minutes", "hours", "records"))

    def rows(items: list[HoursRow]) -> tuple[tuple[Cell, ...], ...]:
        return tuple((r.name, r.minutes, hours_cell(r.minutes), r.records) for r in items)

    attendance_headers = tuple(
        text(f"vol.col.{c}")
        for c in ("number", "activity", "when", "name", "attendance", "checked_in", "reason")
    )
    attendance_rows = tuple(
        (
            item.activity.number,
            item.activity.title,
            local_cell(item.activity.starts_at, tz),
            row.name,
            text(f"vol.attendance.{status}"),
            local_cell(row.checked_in_at, tz),
            row.leave_reason if status == "excused" else None,
        )
        for item in report.attendance
        for row, status in item.people
    )
    return [
        Sheet("volunteers", text("vol.sheet.people"), headers("name"), rows(report.people)),
        Sheet("units", text("vol.sheet.units"), headers("unit"), rows(report.units)),
        Sheet("attendance", text("vol.sheet.attendance"), attendance_headers, attendance_rows),
    ]
