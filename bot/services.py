"""The services the handlers use, gathered in one object kept in ``bot_data``.

Built (without I/O) by the composition root, bot/app.py; the database it
holds is opened in ``post_init`` and closed in ``post_shutdown``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.board.service import Board
from bot.calendar_files import CalendarFiles
from bot.clock import Clock, system_clock
from bot.community.communities import Communities
from bot.community.joining import JoiningService
from bot.community.notices import NoticeService
from bot.community.register import CommunityService
from bot.community.registration import PaperEntryService, RegistrationService
from bot.config import Settings, StorageSettings
from bot.deliberation.carrying.service import Carrying
from bot.deliberation.desk import MatterDeskService
from bot.deliberation.discussion import DiscussionService
from bot.deliberation.ledger import LedgerService
from bot.deliberation.raising import MatterService
from bot.deliberation.sittings import SittingService
from bot.deliberation.voting.service import Votes
from bot.dialogs import DialogService
from bot.households.records import need_contact
from bot.households.service import HouseholdsService
from bot.lessons.service import Lessons
from bot.members.service import Members
from bot.needs.service import NeedsService
from bot.participation.service import Participation
from bot.runtime.scheduler import SchedulerService
from bot.street import Street
from bot.surveys.service import Surveys
from bot.volunteering.service import Volunteering
from storage import Storage, open_storage


@dataclass
class Services:
    """Every service of one running bot, sharing one database."""

    settings: Settings
    db: Storage
    #: The street's communities; entering one scopes the work to it (loaded at start).
    communities: Communities
    community: CommunityService
    registration: RegistrationService
    #: Residents without Telegram entered on paper; requests for a proxy.
    paper: PaperEntryService
    dialogs: DialogService
    scheduler: SchedulerService
    notices: NoticeService
    matters: MatterService
    votes: Votes
    # Secretaries' agenda controls and histories; discussion (民议).
    desk: MatterDeskService
    discussion: DiscussionService
    sittings: SittingService
    ledger: LedgerService
    #: Carrying out, referrals, overdue reminders, supervision, ratings.
    carrying: Carrying
    #: Micro Party lessons (微党课).
    lessons: Lessons
    #: Volunteer service: activities, sign-ups, check-ins, hours, the duty rota.
    volunteer: Volunteering
    #: What awaits a person (/mine) and their participation record (我的参与).
    participation: Participation
    #: Surveys (民意测评): building, answers, reminders, results and the response.
    surveys: Surveys
    #: 📅 Phone calendar files (.ics) of an activity, a sitting, a make-up slot.
    calendar_files: CalendarFiles
    #: The Party members' own systems: Party birthdays (政治生日).
    members: Members
    #: The public board (信息公开): committee, how-to pages, resolutions, follows.
    board: Board
    #: Households and the members who look after them (党员联户): visits, the tree.
    households: HouseholdsService
    #: Joining a community (a group's link, the street's list); moving to another.
    joining: JoiningService
    clock: Clock = system_clock
    #: Tells the outbox sender that messages were queued (set when it starts).
    wake_sender: Callable[[], None] = field(default=lambda: None)
    #: The two lists (需求/服务): needs posted, claimed, done, rated; services offered
    #: (built last, from the matters, the desk and the volunteering).
    needs: NeedsService = field(init=False)
    #: The street level (街道): communities, their first secretaries, the street view.
    street: Street = field(init=False)

    @classmethod
    def create(cls, settings: Settings, clock: Clock = system_clock) -> Services:
        """Wire the services for ``settings``; nothing is opened yet."""
        db = database_for(settings.storage)
        communities = Communities(db, settings, clock)
        scheduler = SchedulerService(db, settings, clock)
        # Each community keeps its own built-in schedules; each firing runs in its own.
        scheduler.serve(communities.ids, communities.enter)
        communities.on_created(scheduler.start_community)
        matters = MatterService(db, settings, scheduler.calendar, clock)
        votes = Votes(db, settings, scheduler, clock)
        ledger = LedgerService(db, settings, clock)
        # Registers the surveys' close and reminders, and their sheet of the ledger.
        surveys = Surveys(db, settings, scheduler, ledger, clock)
        households = HouseholdsService(db, settings, clock)
        # The households' sheets of the ledger (党员联户, 入户走访).
        ledger.add_section(households.ledger_section)
        services = cls(
            settings=settings,
            db=db,
            communities=communities,
            community=CommunityService(db, settings.community, clock),
            registration=RegistrationService(db, settings.community, clock),
            paper=PaperEntryService(db, settings.community, clock),
            dialogs=DialogService(db, clock),
            scheduler=scheduler,
            notices=NoticeService(db, settings.community, clock),
            matters=matters,
            votes=votes,
            desk=MatterDeskService(db, matters, clock),
            discussion=DiscussionService(db, clock),
            # Registers the sittings' schedule effects on the scheduler.
            sittings=SittingService(db, settings, scheduler, clock, ledger=ledger),
            ledger=ledger,
            carrying=Carrying(db, settings, scheduler, clock),
            # Registers the lessons' schedule effects and the monthly summary.
            lessons=Lessons.create(db, settings, scheduler, clock),
            # Registers the volunteer schedules' effects and built-in schedules.
            volunteer=Volunteering(db, settings, scheduler, clock),
            participation=Participation(db, settings, votes.context, surveys.answering, clock),
            surveys=surveys,
            calendar_files=CalendarFiles(db, settings, clock),
            # Registers the Party birthdays' built-in daily schedule (cards, the list).
            members=Members(db, settings, scheduler, clock, ledger=ledger),
            board=Board(db, settings, scheduler, clock, ledger),
            households=households,
            joining=JoiningService(db, communities, clock),
            clock=clock,
        )
        # Registers the needs' clocks, the monthly report and the ledger's two sheets.
        services.needs = NeedsService(
            db,
            settings,
            scheduler,
            matters,
            services.desk,
            services.volunteer,
            ledger,
            clock,
            # A household's need goes first to its contact member (党员联户, §4 of #14).
            first_responder=need_contact,
        )
        # The street administrators' tools; registers the street's monthly summary.
        services.street = Street(
            db, settings, services.communities, services.registration, scheduler, clock
        )
        # 🙋 记录需求 on a household records through the needs list.
        households.record_needs_with(services.needs.record_for)
        return services


class BotData:
    """``context.bot_data``: PTB creates it empty; the composition root fills it."""

    services: Services


def database_for(storage: StorageSettings) -> Storage:
    """The database ``[storage]`` names (not opened yet): SQLite, or PostgreSQL for a
    ``postgresql://`` url."""
    return open_storage(
        storage.url,
        storage.path,
        synchronous=storage.synchronous,
        busy_timeout_ms=storage.busy_timeout_ms,
        pool_size=storage.pool_size,
    )
