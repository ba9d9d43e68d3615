"""An activity's attendance (志愿者打卡), as attendance systems count it: 按时 (checked
in by the start plus ``[volunteer] late_after_minutes``), 迟到 (checked in later),
请假 (leave approved, bot/volunteering/leave.py) and 缺席 (signed up, no check-in).
Shown to the organiser after the activity and in the secretaries' /volreport."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from storage.session import Session
from storage.volunteering.rows import ActivityRow, AttendanceRow

#: The attendance of one person, in the order reports show them.
ATTENDANCE = ("on_time", "late", "excused", "absent")


def status_of(row: AttendanceRow, activity: ActivityRow, late_after: timedelta) -> str:
    """on_time | late | excused | absent: a check-in counts first, then approved leave."""
    if row.checked_in_at is not None:
        return "late" if row.checked_in_at > activity.starts_at + late_after else "on_time"
    # Signed up again after the leave was approved: expected after all.
    if row.leave_state == "approved" and row.state != "signed":
        return "excused"
    return "absent"


@dataclass(frozen=True)
class ActivityAttendance:
    """One activity's people, each with their attendance."""

    activity: ActivityRow
    people: tuple[tuple[AttendanceRow, str], ...]

    def of(self, status: str) -> list[AttendanceRow]:
        """The people with ``status``."""
        return [row for row, s in self.people if s == status]

    def counts(self) -> dict[str, int]:
        """How many are on time, late, excused and absent."""
        counts = dict.fromkeys(ATTENDANCE, 0)
        for _, status in self.people:
            counts[status] += 1
        return counts


async def attendance_of(
    session: Session, activity: ActivityRow, late_after: timedelta
) -> ActivityAttendance:
    """The activity's attendance, read in this unit of work."""
    rows = await session.volunteering.records.attendance(activity.id)
    return ActivityAttendance(
        activity, tuple((row, status_of(row, activity, late_after)) for row in rows)
    )
