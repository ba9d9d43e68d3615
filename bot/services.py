"""The services the handlers use, gathered in one object kept in ``bot_data``.

Built (without I/O) by the composition root, bot/app.py; the database it
holds is opened in ``post_init`` and closed in ``post_shutdown``.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock, system_clock
from bot.community import CommunityService
from bot.config import Settings
from bot.dialogs import DialogService
from bot.registration import RegistrationService
from storage import Database


@dataclass
class Services:
    """Every service of one running bot, sharing one database."""

    settings: Settings
    db: Database
    community: CommunityService
    registration: RegistrationService
    dialogs: DialogService

    @classmethod
    def create(cls, settings: Settings, clock: Clock = system_clock) -> Services:
        """Wire the services for ``settings``; nothing is opened yet."""
        db = Database(
            settings.storage.path,
            synchronous=settings.storage.synchronous,
            busy_timeout_ms=settings.storage.busy_timeout_ms,
        )
        return cls(
            settings=settings,
            db=db,
            community=CommunityService(db, settings.community, clock),
            registration=RegistrationService(db, settings.community, clock),
            dialogs=DialogService(db, clock),
        )


class BotData:
    """``context.bot_data``: PTB creates it empty; the composition root fills it."""

    services: Services
