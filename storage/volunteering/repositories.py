"""Volunteer service's repositories (志愿者打卡), one per aggregate, as ``session.volunteering``.

``session.volunteering.activities``, ``.signups``, ``.checkins``, ``.records``
and ``.rota`` all share the session's connection.
"""

from __future__ import annotations

import aiosqlite

from storage.volunteering.activities import ActivitiesRepository
from storage.volunteering.checkins import CheckinsRepository
from storage.volunteering.records import RecordsRepository
from storage.volunteering.rota import RotaRepository
from storage.volunteering.signups import SignupsRepository


class VolunteeringRepositories:
    """Activities, sign-ups, check-ins, records (reviews, hours) and the rota, on one connection."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.activities = ActivitiesRepository(conn)
        self.signups = SignupsRepository(conn)
        self.checkins = CheckinsRepository(conn)
        self.records = RecordsRepository(conn)
        self.rota = RotaRepository(conn)
