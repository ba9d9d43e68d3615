"""Alarms for schedules on PTB's JobQueue (APScheduler 3, in memory).

The JobQueue holds nothing of its own: every alarm is derived from the
``schedules`` table (bot/runtime/scheduler/), rebuilt at start and re-armed when a
schedule changes. One job per schedule, named after it, so arming again
replaces the old alarm.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from apscheduler.jobstores.base import JobLookupError
from telegram.ext import CallbackContext, JobQueue

log = logging.getLogger(__name__)

Fire = Callable[[int, datetime], Awaitable[object]]


class JobQueueTimer:
    """Implements bot.runtime.scheduler.Timer with one JobQueue job per schedule."""

    def __init__(self, job_queue: JobQueue[Any], fire: Fire) -> None:
        self._job_queue = job_queue
        self._fire = fire

    @staticmethod
    def job_name(schedule_id: int) -> str:
        """The job's name for a schedule."""
        return f"schedule:{schedule_id}"

    def arm(self, schedule_id: int, due_at: datetime) -> None:
        """Set the schedule's alarm at ``due_at`` (at once if that has passed).

        The job's id is the schedule's, so arming again replaces the alarm in
        one step instead of searching every job by name.
        """
        self._job_queue.run_once(
            self._run,
            when=due_at,
            data=(schedule_id, due_at),
            name=self.job_name(schedule_id),
            job_kwargs={
                "id": self.job_name(schedule_id),
                "replace_existing": True,
                "misfire_grace_time": None,
                "coalesce": True,
            },
        )

    def disarm(self, schedule_id: int) -> None:
        """Remove the schedule's alarm, if it has one."""
        with contextlib.suppress(JobLookupError):
            self._job_queue.scheduler.remove_job(self.job_name(schedule_id))

    async def _run(self, context: CallbackContext[Any, Any, Any, Any]) -> None:
        job = context.job
        if job is None:
            return
        data: tuple[int, datetime] = job.data  # type: ignore[assignment]
        schedule_id, due_at = data
        try:
            await self._fire(schedule_id, due_at)
        except Exception:
            # The firing's transaction rolled back: nothing was done or recorded.
            # Try again in a minute rather than lose it.
            log.exception("schedule %s could not fire for %s; retrying", schedule_id, due_at)
            self._job_queue.run_once(
                self._run,
                when=60,
                data=(schedule_id, due_at),
                name=self.job_name(schedule_id),
                job_kwargs={"id": self.job_name(schedule_id), "replace_existing": True},
            )
