"""Surveys (民意测评): the parts, built over one shared context.

``services.surveys`` is a ``Surveys``; handlers call its parts: ``.building``
(the builder and sending), ``.answering`` (answers), ``.reminders``
(reminders before the close, turning them off) and ``.results`` (the close,
results, the published response, the list; the ledger's sheet).
"""

from __future__ import annotations

from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.deliberation.ballot_keys import BallotKeys
from bot.deliberation.ledger import LedgerService
from bot.runtime.scheduler import SchedulerService
from bot.surveys.answering import AnsweringService
from bot.surveys.building import BuildingService
from bot.surveys.reminders import SurveyReminderService
from bot.surveys.results import ResultsService
from bot.surveys.rules import SurveyContext
from storage import Storage


class Surveys:
    """Building and sending surveys, answers, reminders, results and the response."""

    def __init__(
        self,
        db: Storage,
        settings: Settings,
        scheduler: SchedulerService,
        ledger: LedgerService,
        clock: Clock = system_clock,
    ) -> None:
        # The same key file as anonymous ballots: answers of anonymous surveys are keyed alike.
        keys = BallotKeys(settings.storage.ballot_key_path)
        self.context = SurveyContext(db, settings, scheduler, clock, keys)
        self.building = BuildingService(self.context)
        self.answering = AnsweringService(self.context)
        # Registers the reminders' and the close's schedule effects.
        self.reminders = SurveyReminderService(self.context)
        self.results = ResultsService(self.context)
        # The surveys sheet of the ledger (台账).
        ledger.add_section(self.results.ledger_section)
