"""A Session: every repository, bound to one connection (a transaction or the reader)."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from functools import cached_property

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

    Each repository is made the first time it is asked for: a unit of work uses two or
    three of the forty, and making them all was 2.5 % of a worker's time in a street's
    evening (bench/city.py).
    """

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    @cached_property
    def communities(self) -> CommunitiesRepository:
        """The street's communities, and which community a chat or a user belongs to."""
        return CommunitiesRepository(self.conn)

    @cached_property
    def people(self) -> PeopleRepository:
        """Queries on ``people`` and ``person_roles`` (and the register's small tables:
        residents without Telegram, requests for a proxy, reminders turned off), each scoped
        to the current community."""
        return PeopleRepository(self.conn)

    @cached_property
    def chats(self) -> ChatsRepository:
        """Queries on ``chats``, scoped to the current community."""
        return ChatsRepository(self.conn)

    @cached_property
    def inbox(self) -> InboxRepository:
        """Queries on ``inbox``."""
        return InboxRepository(self.conn)

    @cached_property
    def card_refreshes(self) -> CardRefreshesRepository:
        """Cards another worker changed, for the sending worker to edit (street-wide)."""
        return CardRefreshesRepository(self.conn)

    @cached_property
    def command_menus(self) -> CommandMenusRepository:
        """Queries on ``command_menus``."""
        return CommandMenusRepository(self.conn)

    @cached_property
    def dialogs(self) -> DialogsRepository:
        """Queries on ``dialogs``."""
        return DialogsRepository(self.conn)

    @cached_property
    def privacy(self) -> PrivacyRepository:
        """A forgotten person's traces in the JSON the bot keeps (storage/privacy.py)."""
        return PrivacyRepository(self.conn)

    @cached_property
    def person_data(self) -> PersonDataRepository:
        """What /export carries beyond the feature records (storage/person_data.py)."""
        return PersonDataRepository(self.conn)

    @cached_property
    def audit(self) -> AuditRepository:
        """Queries on ``audit_log``."""
        return AuditRepository(self.conn)

    @cached_property
    def schedules(self) -> SchedulesRepository:
        """Queries on ``schedules`` and ``firings``."""
        return SchedulesRepository(self.conn)

    @cached_property
    def outbox(self) -> OutboxRepository:
        """A community's side of ``pushes`` and ``outbox``: queueing its messages, and
        finding what became of them (scoped to the current community; the sender's side is
        :class:`DeliveryQueue`)."""
        return OutboxRepository(self.conn)

    @cached_property
    def delivery(self) -> DeliveryQueue:
        """The street's delivery queue, which the sender drains across communities."""
        return DeliveryQueue(self.conn)

    @cached_property
    def matters(self) -> MattersRepository:
        """Queries on ``matters`` and ``matter_supports``."""
        return MattersRepository(self.conn)

    @cached_property
    def votes(self) -> VotesRepository:
        """Queries on ``votes``, ``ballots`` and ``conventions``."""
        return VotesRepository(self.conn)

    @cached_property
    def meta(self) -> MetaRepository:
        """Facts about the database itself."""
        return MetaRepository(self.conn)

    @cached_property
    def comments(self) -> CommentsRepository:
        """Discussion (民议)."""
        return CommentsRepository(self.conn)

    @cached_property
    def sittings(self) -> SittingsRepository:
        """Sittings and their minutes; the ledger."""
        return SittingsRepository(self.conn)

    @cached_property
    def ledger(self) -> LedgerRepository:
        """Read-only queries for the ledger export of the current community; periods are
        [start, end)."""
        return LedgerRepository(self.conn)

    @cached_property
    def minutes(self) -> MinutesRepository:
        """The minutes' chair and recorder, and the opinions they quote."""
        return MinutesRepository(self.conn)

    @cached_property
    def attendance(self) -> AttendanceRepository:
        """Sittings' attendance lists, paper voters and paper ballot counts."""
        return AttendanceRepository(self.conn)

    @cached_property
    def carrying(self) -> CarryingRepository:
        """Carrying out, referrals, ratings, supervision."""
        return CarryingRepository(self.conn)

    @cached_property
    def lessons(self) -> LessonsRepository:
        """Micro Party lessons (微党课): lessons and recipients, 已学习 and the quiz, make-up
        slots and bookings, home deliveries (送学)."""
        return LessonsRepository(self.conn)

    @cached_property
    def lesson_studies(self) -> StudiesRepository:
        """Who studied which lesson (已学习), their quiz answers and score."""
        return StudiesRepository(self.conn)

    @cached_property
    def makeup(self) -> MakeupRepository:
        """The make-up slots of lessons, who booked them and who attended."""
        return MakeupRepository(self.conn)

    @cached_property
    def home_deliveries(self) -> DeliveriesRepository:
        """Members' requests for 送学 and the grid workers' confirmations."""
        return DeliveriesRepository(self.conn)

    @cached_property
    def volunteering(self) -> VolunteeringRepositories:
        """Volunteer service: activities, sign-ups, check-ins, units, the duty rota."""
        return VolunteeringRepositories(self.conn)

    @cached_property
    def participation(self) -> ParticipationRepositories:
        """Participation: the poll book; what awaits a person, their record (read only)."""
        return ParticipationRepositories(self.conn)

    @cached_property
    def leave(self) -> LeaveRepository:
        """Excused absence (请假) for lessons, make-ups and activities."""
        return LeaveRepository(self.conn)

    @cached_property
    def surveys(self) -> SurveysRepository:
        """Surveys (民意测评): surveys, recipients, answers."""
        return SurveysRepository(self.conn)

    @cached_property
    def members(self) -> MembersRepositories:
        """The Party members' own systems: Party birthdays (政治生日)."""
        return MembersRepositories(self.conn)

    @cached_property
    def board(self) -> BoardRepositories:
        """The public board (信息公开): how-to pages, matters followed."""
        return BoardRepositories(self.conn)

    @cached_property
    def households(self) -> HouseholdsRepository:
        """Households and the members who look after them (党员联户)."""
        return HouseholdsRepository(self.conn)

    @cached_property
    def needs(self) -> NeedsRepository:
        """The two lists (需求/服务): needs, services offered, claims of services."""
        return NeedsRepository(self.conn)

    def savepoint(self) -> AbstractAsyncContextManager[None]:
        """A step that may fail alone (storage/savepoints.py): if the block raises, only
        its changes are undone and the unit of work goes on, on both engines."""
        return savepoint(self.conn)
