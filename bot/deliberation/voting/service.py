"""Votes: the parts of voting, built over one shared context.

``services.votes`` is a ``Votes``; handlers call its parts:
``.electorate`` (who may vote, how many), ``.setup`` (the settings screen,
opening), ``.ballots`` (casting, the live tally), ``.proxies`` (proxy
ballots), ``.paper`` (paper ballots counted at the pavilion), ``.closing``
(the close and the result; registers the close's schedule effect),
``.resolutions`` (the resolution and the conventions register) and
``.reminders`` (reminders to vote before the close, and turning them off).
"""

from __future__ import annotations

from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.deliberation.ballot_keys import BallotKeys
from bot.deliberation.voting.ballots import BallotService
from bot.deliberation.voting.closing import ClosingService
from bot.deliberation.voting.context import VotingContext
from bot.deliberation.voting.electorate import ElectorateService
from bot.deliberation.voting.paper import PaperService
from bot.deliberation.voting.proxies import ProxyService
from bot.deliberation.voting.reminders import ReminderService
from bot.deliberation.voting.resolutions import ResolutionService
from bot.deliberation.voting.setup import SetupService
from bot.runtime.scheduler import SchedulerService
from storage import Storage


class Votes:
    """Setting votes up, ballots, proxies, the close and result, resolutions."""

    def __init__(
        self,
        db: Storage,
        settings: Settings,
        scheduler: SchedulerService,
        clock: Clock = system_clock,
    ) -> None:
        keys = BallotKeys(settings.storage.ballot_key_path)
        self.context = VotingContext(db, settings, scheduler, clock, keys)
        # Who may vote in a vote, and how many may (the pure rule: electorate.py).
        self.electorate = ElectorateService(db, self.context.voter_key)
        self.setup = SetupService(self.context)
        self.ballots = BallotService(self.context)
        self.proxies = ProxyService(self.context)
        # Paper ballots at the pavilion: paper voters and the count (voting/paper.py).
        self.paper = PaperService(self.context)
        # Registers the close's schedule effect.
        self.closing = ClosingService(self.context)
        self.resolutions = ResolutionService(self.context)
        # Registers the reminders' schedule effect (reminders to vote before the close).
        self.reminders = ReminderService(self.context)
