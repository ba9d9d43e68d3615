"""An activity written straight through the repository (publishing has its own tests)."""

from __future__ import annotations

from datetime import datetime, timedelta

from storage.session import Session


async def new_activity(session: Session, title: str, starts_at: datetime, now: datetime) -> int:
    """A two-hour activity of the current community for volunteers; its id."""
    return await session.volunteering.activities.create_activity(
        series_id=None,
        title=title,
        description="",
        place="小区广场",
        latitude=None,
        longitude=None,
        radius_m=200,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        capacity=10,
        by_location=False,
        by_code=False,
        audience="volunteers",
        unit_id=None,
        code_secret="secret",
        organiser_id=None,
        now=now,
    )
