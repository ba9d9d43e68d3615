"""A Session: every repository, bound to one connection (a transaction or the reader)."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager

import aiosqlite

from storage.audit import AuditRepository
from storage.board.repositories import BoardRepositories
from storage.community.chats import ChatsRepository
from storage.community.communities import CommunitiesRepository
from storage.community.leave import LeaveRepository
from storage.community.people import PeopleRepository
from storage.deliberation.attendance import AttendanceRepository
from storage.deliberation.carrying import CarryingRepository
from storage.deliberation.comments import CommentsRepository
from storage.deliberation.ledger import LedgerRepository
from storage.deliberation.matters import MattersRepository
from storage.deliberation.minutes import MinutesRepository
from storage.deliberation.sittings import SittingsRepository
from storage.deliberation.votes import VotesRepository
from storage.dialogs import DialogsRepository
from storage.households.repository import HouseholdsRepository
from storage.lessons.deliveries import DeliveriesRepository
from storage.lessons.lessons import LessonsRepository
from storage.lessons.makeup import MakeupRepository
from storage.lessons.studies import StudiesRepository
from storage.members.repositories import MembersRepositories
from storage.needs.repository import NeedsRepository
from storage.participation import ParticipationRepositories
from storage.person_data import PersonDataRepository
from storage.privacy import PrivacyRepository
from storage.runtime.card_refreshes import CardRefreshesRepository
from storage.runtime.command_menus import CommandMenusRepository
from storage.runtime.inbox import InboxRepository
from storage.runtime.outbox import DeliveryQueue, OutboxRepository
from storage.runtime.schedules import SchedulesRepository
from storage.savepoints import savepoint
from storage.surveys.surveys import SurveysRepository
from storage.volunteering.repositories import VolunteeringRepositories


class MetaRepository:
    """Facts about the database itself."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def schema_version(self) -> int:
        """The highest migration applied."""
        async with self._conn.execute(
            "SELECT coalesce(max(version), 0) FROM schema_migrations"
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0


class Session:
    """The repositories of one unit of work; all share its connection.

    Every repository but ``communities``, ``inbox``, ``card_refreshes`` and
    ``command_menus`` works on the current community's rows only (storage/scope.py);
    ``communities`` is the street's list.
    """

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn
        # The street's communities, and which community a chat or a user belongs to.
        self.communities = CommunitiesRepository(conn)
        self.people = PeopleRepository(conn)
        self.chats = ChatsRepository(conn)
        self.inbox = InboxRepository(conn)
        # Cards another worker changed, for the sending worker to edit (street-wide).
        self.card_refreshes = CardRefreshesRepository(conn)
        self.command_menus = CommandMenusRepository(conn)
        self.dialogs = DialogsRepository(conn)
        # A forgotten person's traces in the JSON the bot keeps (storage/privacy.py).
        self.privacy = PrivacyRepository(conn)
        # What /export carries beyond the feature records (storage/person_data.py).
        self.person_data = PersonDataRepository(conn)
        self.audit = AuditRepository(conn)
        self.schedules = SchedulesRepository(conn)
        self.outbox = OutboxRepository(conn)
        # The street's delivery queue, which the sender drains across communities.
        self.delivery = DeliveryQueue(conn)
        self.matters = MattersRepository(conn)
        self.votes = VotesRepository(conn)
        self.meta = MetaRepository(conn)
        # Discussion (民议).
        self.comments = CommentsRepository(conn)
        # Sittings and their minutes; the ledger.
        self.sittings = SittingsRepository(conn)
        self.ledger = LedgerRepository(conn)
        # The minutes' chair and recorder, and the opinions they quote.
        self.minutes = MinutesRepository(conn)
        # Sittings' attendance lists, paper voters and paper ballot counts.
        self.attendance = AttendanceRepository(conn)
        # Carrying out, referrals, ratings, supervision.
        self.carrying = CarryingRepository(conn)
        # Micro Party lessons (微党课): lessons and recipients, 已学习 and the quiz,
        # make-up slots and bookings, home deliveries (送学).
        self.lessons = LessonsRepository(conn)
        self.lesson_studies = StudiesRepository(conn)
        self.makeup = MakeupRepository(conn)
        self.home_deliveries = DeliveriesRepository(conn)
        # Volunteer service: activities, sign-ups, check-ins, units, the duty rota.
        self.volunteering = VolunteeringRepositories(conn)
        # Participation: the poll book; what awaits a person, their record (read only).
        self.participation = ParticipationRepositories(conn)
        # Excused absence (请假) for lessons, make-ups and activities.
        self.leave = LeaveRepository(conn)
        # Surveys (民意测评): surveys, recipients, answers.
        self.surveys = SurveysRepository(conn)
        # The Party members' own systems: Party birthdays (政治生日).
        self.members = MembersRepositories(conn)
        # The public board (信息公开): how-to pages, matters followed.
        self.board = BoardRepositories(conn)
        # Households and the members who look after them (党员联户).
        self.households = HouseholdsRepository(conn)
        # The two lists (需求/服务): needs, services offered, claims of services.
        self.needs = NeedsRepository(conn)

    def savepoint(self) -> AbstractAsyncContextManager[None]:
        """A step that may fail alone (storage/savepoints.py): if the block raises, only
        its changes are undone and the unit of work goes on, on both engines."""
        return savepoint(self.conn)
