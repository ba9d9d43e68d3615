"""Reminders some hours before a moment, such as a vote's or a survey's close.

A feature that reminds people before something closes adds one ``once``
schedule per lead time that still lies ahead (:func:`schedule_before`), in the
unit of work that opens the thing, and finishes those still to come when it
closes early (:func:`stop_before`). The payload carries the thing's id under
``field`` and the lead in minutes, which the feature's effect reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.runtime.scheduler.service import SchedulerService
from storage.session import Session
from storage.times import to_db_time


async def schedule_before(
    scheduler: SchedulerService,
    session: Session,
    *,
    kind: str,
    title: str,
    moment: datetime,
    hours: Sequence[int],
    field: str,
    value: int,
    owner_id: int | None,
    now: datetime,
) -> list[tuple[int, datetime]]:
    """Add a ``kind`` schedule ``hours`` before ``moment`` for each lead still ahead (one
    that would come at once is left out); returns (id, due) to arm after the commit."""
    armed = []
    for lead in hours:
        at = moment - timedelta(hours=lead)
        if at <= now:
            continue
        schedule_id, due = await scheduler.create_in(
            session,
            kind=kind,
            title=title,
            rule={"type": "once", "at": to_db_time(at)},
            payload={field: value, "minutes": lead * 60},
            owner_id=owner_id,
            now=now,
        )
        if due is not None:
            armed.append((schedule_id, due))
    return armed


async def stop_before(
    session: Session, kind: str, field: str, value: int, now: datetime
) -> list[int]:
    """Finish the ``kind`` schedules of ``field`` = ``value`` still to come; their ids, to
    disarm after the commit."""
    pending = await session.schedules.pending_for(kind, field, value)
    for schedule in pending:
        await session.schedules.set_next_due(schedule.id, None, now)
    return [schedule.id for schedule in pending]
