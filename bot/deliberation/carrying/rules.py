"""The rules of carrying out (民办): flows, choices, limits, schedule keys, results.

Constants shared by the services in bot/deliberation/carrying/ and the
handlers that render their buttons; the small result types they return.
"""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass
from datetime import datetime

from bot.runtime.outbox import ButtonSpec
from storage.community.people import PersonRow
from storage.deliberation.carrying import ReferralRow, TermRow
from storage.deliberation.matters import MatterRow

ASSIGN_FLOW = "assign"
PROGRESS_FLOW = "progress"
REFER_FLOW = "refer"
ANSWER_FLOW = "answer"
SUPERVISION_FLOW = "supervision"
NOTE_FLOW = "accept_note"
#: A secretary's reason for sending a matter back (🔁 退回返工).
REVIEW_FLOW = "review_reason"

OWNER_KINDS = ("resident", "team", "committee", "unit")
RATINGS = ("satisfied", "basically", "unsatisfied")
VERDICTS = ("accepted", "rework")
#: A secretary's buttons: accept, send back (a reason is asked), send back with no reason.
REVIEW_VERDICTS = ("accepted", "rework", "return")
#: The due-date buttons, in days from today.
DUE_CHOICES = (7, 14, 30)
PERCENT_CHOICES = (25, 50, 75, 100)
MAX_OWNER_NAME = 64
MAX_PROGRESS_TEXT = 500
MAX_DEPARTMENT = 64
MAX_REQUEST = 500
MAX_ANSWER = 1000
MAX_NOTE = 500

OVERDUE_SCHEDULE_KEY = "builtin:overdue"
OVERDUE_KIND = "deliberation.overdue"
TERM_END_SCHEDULE_KEY = "builtin:supervision_term_end"
TERM_END_KIND = "supervision.term_end"


def rating_callback(matter_id: int, rating: str) -> str:
    """The data of a rating button (decoded by handlers/callbacks.py RateMatter)."""
    return f"brt:{matter_id}:{rating}"


def progress_callback(matter_id: int) -> str:
    """The data of the owner's 报告进展 button (decoded by handlers/callbacks.py ReportProgress)."""
    return f"bpg:{matter_id}"


def progress_buttons(matter_id: int) -> tuple[tuple[ButtonSpec, ...], ...]:
    """The one button under an owner's assignment and overdue reminder: report progress."""
    return ((ButtonSpec("carry.button.progress", callback_data=progress_callback(matter_id)),),)


def verdict_callback(matter_id: int, verdict: str) -> str:
    """The data of an acceptance button (decoded by handlers/callbacks.py AcceptanceVerdict)."""
    return f"bav:{matter_id}:{verdict}"


def review_callback(matter_id: int, verdict: str) -> str:
    """The data of a secretary's acceptance button (handlers/callbacks.py SecretaryVerdict)."""
    return f"bsv:{matter_id}:{verdict}"


def review_buttons(matter_id: int) -> tuple[tuple[ButtonSpec, ...], ...]:
    """Under the secretaries' acceptance request: ✅ 验收通过 · 🔁 退回返工."""
    return (
        tuple(
            ButtonSpec(f"carry.review.{verdict}", callback_data=review_callback(matter_id, verdict))
            for verdict in ("accepted", "rework")
        ),
    )


@dataclass(frozen=True)
class AssignStep:
    """Where the owner form is: the matter, and the next question."""

    matter_id: int
    step: str
    owner_kind: str | None = None


@dataclass(frozen=True)
class ProgressResult:
    """What a progress report did: the matter now, and the stage it moved to."""

    matter: MatterRow
    percent: int


@dataclass(frozen=True)
class VerdictResult:
    """What a supervisor's verdict did."""

    matter: MatterRow
    accepted: int
    members: int


@dataclass(frozen=True)
class ReviewResult:
    """What a secretary's 退回返工 did: the matter now, the reason, whether the owner was told."""

    matter: MatterRow
    reason: str | None
    owner_told: bool


@dataclass(frozen=True)
class TermResult:
    """A started supervision term: its row, its members, and whether too few volunteers."""

    term: TermRow
    members: list[PersonRow]
    short: bool


@dataclass(frozen=True)
class RatingSummary:
    """How residents rated a finished matter."""

    satisfied: int = 0
    basically: int = 0
    unsatisfied: int = 0

    @property
    def total(self) -> int:
        """How many rated."""
        return self.satisfied + self.basically + self.unsatisfied


@dataclass(frozen=True)
class CarryingStatus:
    """Where carrying a matter out stands, for /matter N: owner, referrals, ratings."""

    matter: MatterRow
    referrals: list[ReferralRow]
    ratings: RatingSummary


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` later (the month's last day if it is shorter)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, month_calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)
