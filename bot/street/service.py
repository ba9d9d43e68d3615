"""The street level (街道): what a street administrator does in the bot.

``/street`` lists the communities (name, people, bound groups); an administrator
creates and renames communities (a short guided conversation asking the name, kept in
``dialogs`` like every other form), appoints a community's first secretary by a link
(bot/street/invites.py) and reads the street view (bot/street/overview.py).

Street administrators are named in the configuration (``[street] admins``); they need
not be registered in any community. No Telegram types here.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock, system_clock
from bot.community.communities import FIRST_COMMUNITY, Communities
from bot.community.registration import RegistrationService
from bot.config import Settings
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from bot.runtime.scheduler import SchedulerService
from bot.street.invites import SecretaryInvites
from bot.street.overview import StreetOverviews
from storage import Storage
from storage.community.communities import CommunityRow

#: The guided conversation asking a community's name.
NAME_FLOW = "street_name"
#: Its steps: a new community's name, or a new name for one.
CREATE_STEP = "create"
RENAME_STEP = "rename"


@dataclass(frozen=True)
class CommunityLine:
    """One community as /street lists it."""

    id: int
    people: int
    groups: int


@dataclass(frozen=True)
class Named:
    """A community created or renamed."""

    community: CommunityRow
    created: bool


class Street:
    """The street administrators' tools."""

    def __init__(
        self,
        db: Storage,
        settings: Settings,
        communities: Communities,
        registration: RegistrationService,
        scheduler: SchedulerService,
        clock: Clock = system_clock,
    ) -> None:
        self._db = db
        self._settings = settings
        self._communities = communities
        self._clock = clock
        self.invites = SecretaryInvites(db, communities, registration, clock)
        #: The street view, and the monthly summary's built-in schedule.
        self.overviews = StreetOverviews(db, settings, communities, scheduler, clock)

    def require_admin(self, tg_user_id: int) -> None:
        """Refuse anyone the configuration does not name a street administrator."""
        if not self._communities.is_street_admin(tg_user_id):
            raise UserFacingError("street.admins_only")

    async def listing(self, tg_user_id: int) -> list[CommunityLine]:
        """Every community with its registered people and bound groups."""
        self.require_admin(tg_user_id)
        lines = []
        for row in self._communities.all():
            with self._communities.enter(row.id):
                async with self._db.read() as session:
                    people = await session.people.count()
                    groups = len(await session.chats.bound())
            lines.append(CommunityLine(row.id, people, groups))
        return lines

    async def ask_name(self, tg_user_id: int, chat_id: int, community: int | None) -> None:
        """Start asking a new community's name (``community`` None) or a new name for
        ``community``."""
        self.require_admin(tg_user_id)
        data: dict[str, int] = {}
        step = CREATE_STEP
        if community is not None:
            if community == FIRST_COMMUNITY:
                raise UserFacingError("street.first_in_config")
            if self._communities.get(community) is None:
                raise UserFacingError("street.no_such_community")
            data, step = {"community": community}, RENAME_STEP
        async with self._db.transaction() as session:
            await session.dialogs.put(chat_id, tg_user_id, NAME_FLOW, step, data, self._clock())

    async def answer_name(self, tg_user_id: int, chat_id: int, step: str, text: str) -> Named:
        """The typed name: the community is created or renamed, and the form ends; a
        refused name (empty, too long, taken) keeps the form open for another try."""
        self.require_admin(tg_user_id)
        async with self._db.read() as session:
            dialog = await expect_step(
                session, chat_id, tg_user_id, NAME_FLOW, step, "street.form_expired"
            )
        if step == CREATE_STEP:
            row = await self._communities.create(text, created_by=tg_user_id)
        else:
            row = await self._communities.rename(int(dialog.data["community"]), text)
        async with self._db.transaction() as session:
            await session.dialogs.end(chat_id, tg_user_id)
        return Named(row, created=step == CREATE_STEP)
