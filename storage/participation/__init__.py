"""Participation (issue 15): the poll book, and the read queries of what awaits a person
(/mine) and of their record (我的参与). ``session.participation.poll_book``,
``.awaiting`` and ``.records`` share the session's connection."""

from __future__ import annotations

import aiosqlite

from storage.participation.awaiting import AwaitingQueries
from storage.participation.poll_book import PollBookRepository
from storage.participation.records import ParticipationRecords


class ParticipationRepositories:
    """The poll book, and the read queries of /mine and the participation record."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.poll_book = PollBookRepository(conn)
        self.awaiting = AwaitingQueries(conn)
        self.records = ParticipationRecords(conn)
