"""One community's figures for the street view (街道总览), read in its own unit of work.

The counts are those the features already keep: the ledger's matters and votes
(bot/deliberation/ledger.py reads the same rows), the lessons' standings (the monthly
lesson summary's counts, bot/lessons/summary.py), the volunteers' counted minutes and
each activity's attendance (the hours report's, bot/volunteering/hours.py). The caller
has entered the community (``Communities.enter``), so every read is that community's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.lessons.results import LessonReport
from bot.volunteering.attendance import attendance_of
from storage.session import Session
from storage.street.figures import StreetFiguresRepository


@dataclass(frozen=True)
class CommunityFigures:
    """What one community did in a period."""

    #: Matters raised (民事民提), decided by a vote that closed (民决), carried out (办结),
    #: and overdue now (in progress past their due date).
    raised: int = 0
    decided: int = 0
    carried_out: int = 0
    overdue: int = 0
    #: Votes closed in the period, the ballots cast and how many might vote in them.
    votes: int = 0
    voters: int = 0
    eligible: int = 0
    #: Lessons sent, and the recipients who studied (or made up, or had it delivered)
    #: and those still missing.
    lessons: int = 0
    studied: int = 0
    missing: int = 0
    #: Counted volunteer minutes, and no-shows (signed up, never checked in, no leave).
    volunteer_minutes: int = 0
    no_shows: int = 0

    @property
    def turnout(self) -> int | None:
        """Ballots cast of those who might vote, in percent (None: no closed vote)."""
        if not self.eligible:
            return None
        return round(100 * self.voters / self.eligible)


async def community_figures(
    session: Session, start: datetime, end: datetime, now: datetime, late_after: timedelta
) -> CommunityFigures:
    """The current community's figures of [start, end) (UTC), as of ``now``."""
    matters = await session.ledger.matters(start, end)
    raised = sum(1 for m in matters if start <= m.created_at < end)
    closed = [
        v
        for v in await session.ledger.votes(start, end)
        if v.closed_at is not None and v.closed_at < end and v.result is not None
    ]
    counted = [v for v in closed if v.eligible is not None and v.voters is not None]
    overdue = await session.carrying.overdue_matters(min(end, now))
    studied = missing = 0
    lessons = await session.lessons.sent_between(start, end)
    for lesson in lessons:
        counts = LessonReport(lesson, tuple(await session.lessons.standings(lesson.id))).counts()
        studied += counts["studied"] + counts["makeup"] + counts["delivered"]
        missing += counts["missing"]
    records = session.volunteering.records
    minutes = sum(row.minutes for row in await records.minutes_by_person(start, end))
    no_shows = 0
    for activity in await session.volunteering.activities.recent(start, end):
        if activity.starts_at < end and activity.starts_at <= now:
            no_shows += (await attendance_of(session, activity, late_after)).counts()["absent"]
    return CommunityFigures(
        raised=raised,
        decided=len({v.matter_id for v in closed}),
        carried_out=await StreetFiguresRepository(session.conn).carried_out(start, end),
        overdue=len(overdue),
        votes=len(closed),
        voters=sum(v.voters or 0 for v in counted),
        eligible=sum(v.eligible or 0 for v in counted),
        lessons=len(lessons),
        studied=studied,
        missing=missing,
        volunteer_minutes=minutes,
        no_shows=no_shows,
    )
