"""Participation: what awaits a person (``.awaiting``) and their record (``.record``)."""

from __future__ import annotations

from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.deliberation.voting.context import VotingContext
from bot.participation.awaiting import AwaitingService
from bot.participation.record import RecordService
from bot.surveys.answering import AnsweringService
from storage import Storage


class Participation:
    """/mine and 我的参与, over the other features' records (read only)."""

    def __init__(
        self,
        db: Storage,
        settings: Settings,
        voting: VotingContext,
        surveys: AnsweringService,
        clock: Clock = system_clock,
    ) -> None:
        self.awaiting = AwaitingService(db, voting, surveys, clock)
        self.record = RecordService(db, settings, clock)
