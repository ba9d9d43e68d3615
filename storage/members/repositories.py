"""The Party members' repositories, one per aggregate, as ``session.members``.

``session.members.birthdays`` (政治生日), ``.commitments`` (党员承诺) and
``.appraisal`` (民主评议) share the session's connection.
"""

from __future__ import annotations

import aiosqlite

from storage.members.appraisal import AppraisalRepository
from storage.members.birthdays import BirthdaysRepository
from storage.members.commitments import CommitmentsRepository
from storage.members.inservice import InserviceRepository


class MembersRepositories:
    """Party birthdays (joining dates, the cards sent), on one connection."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.birthdays = BirthdaysRepository(conn)
        # The commitment system (党员承诺制).
        self.commitments = CommitmentsRepository(conn)
        # The yearly democratic appraisal (民主评议) and residents' pledge ratings.
        self.appraisal = AppraisalRepository(conn)
        # In-service members reporting in (在职党员报到), their relayed messages.
        self.inservice = InserviceRepository(conn)
