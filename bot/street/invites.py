"""Appointing a community's first secretary (指定书记): a street administrator makes a
link, ``https://t.me/<bot>?start=sec-<token>``, and forwards it; whoever opens it first
within seven days becomes the community's secretary, registered there first if they are
not in the register yet (the registration service, inside ``Communities.enter``).

A person is in one community at a time: someone registered in another community is
refused, and the link stays usable for the right person.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock, system_clock
from bot.community.communities import Communities
from bot.community.register import Caller, Role
from bot.community.registration import RegistrationService, Step
from bot.errors import UserFacingError
from storage import Storage
from storage.community.people import PersonRow
from storage.street.invites import InviteRow, InvitesRepository

log = logging.getLogger(__name__)

#: The start payload's prefix: ``/start sec-<token>``.
PAYLOAD_PREFIX = "sec-"
#: How long a link may be opened.
INVITE_LIFETIME = timedelta(days=7)


@dataclass(frozen=True)
class Invite:
    """A link made for a community."""

    id: int
    token: str
    community_id: int
    expires_at: datetime

    @property
    def payload(self) -> str:
        """What follows ``?start=`` in the link."""
        return PAYLOAD_PREFIX + self.token


@dataclass(frozen=True)
class Opening:
    """What opening a link leads to: the secretary role at once (``person`` set: they
    were registered in the community already), or the consent text to accept first."""

    invite_id: int
    community_id: int
    person: PersonRow | None = None


def token_of(args: list[str] | None) -> str | None:
    """The token of a ``/start sec-<token>`` payload, or None for any other."""
    if not args or len(args) != 1 or not args[0].startswith(PAYLOAD_PREFIX):
        return None
    token = args[0][len(PAYLOAD_PREFIX) :]
    return token or None


class SecretaryInvites:
    """Links appointing a community's first secretary."""

    def __init__(
        self,
        db: Storage,
        communities: Communities,
        registration: RegistrationService,
        clock: Clock = system_clock,
    ) -> None:
        self._db = db
        self._communities = communities
        self._registration = registration
        self._clock = clock

    async def make(self, admin_tg_id: int, community: int) -> Invite:
        """A new link into ``community`` (a street administrator's)."""
        if self._communities.get(community) is None:
            raise UserFacingError("street.no_such_community")
        now = self._clock()
        token = secrets.token_urlsafe(18)
        expires = now + INVITE_LIFETIME
        async with self._db.transaction() as session:
            invite_id = await InvitesRepository(session.conn).create(
                token, community, admin_tg_id, now, expires
            )
        log.info("secretary invite %s made for community %s", invite_id, community)
        return Invite(invite_id, token, community, expires)

    async def open(self, token: str, caller: Caller) -> Opening:
        """The link opened by ``caller``: granted at once if they are registered in its
        community, else the consent text comes first (:meth:`accept`)."""
        async with self._db.read() as session:
            invite = await InvitesRepository(session.conn).by_token(token)
        invite = self._usable(invite)
        registered = await self._communities.of_user(caller.tg_user_id)
        if registered is None:
            return Opening(invite.id, invite.community_id)
        if registered != invite.community_id:
            raise UserFacingError("street.invite_other_community")
        return Opening(invite.id, invite.community_id, await self._grant(invite, caller))

    async def accept(self, invite_id: int, caller: Caller) -> Opening:
        """The opener consents: registered into the link's community (their Telegram name,
        no building or grid yet: they set them on /me), then made its secretary."""
        async with self._db.read() as session:
            invite = self._usable(await InvitesRepository(session.conn).get(invite_id))
        registered = await self._communities.of_user(caller.tg_user_id)
        if registered is not None and registered != invite.community_id:
            raise UserFacingError("street.invite_other_community")
        if registered is None:
            with self._communities.enter(invite.community_id):
                await self._register(caller)
        return Opening(invite.id, invite.community_id, await self._grant(invite, caller))

    async def _register(self, caller: Caller) -> None:
        """The registration form, walked through for them: consent given with the button."""
        registration = self._registration
        prompt = await registration.start(caller)
        if prompt.person is not None:
            return
        await registration.accept(caller)
        await registration.answer_name(caller, None)
        prompt = await registration.answer_building(caller, None)
        if prompt.step is Step.GRID:
            await registration.answer_grid(caller, None)

    async def _grant(self, invite: InviteRow, caller: Caller) -> PersonRow:
        """Use the link and give the secretary role, in one unit of work of its community."""
        now = self._clock()
        with self._communities.enter(invite.community_id):
            async with self._db.transaction() as session:
                person = await session.people.by_telegram_id(caller.tg_user_id)
                if person is None:
                    raise UserFacingError("street.invite_expired")
                if not await InvitesRepository(session.conn).use(invite.id, now):
                    raise UserFacingError("street.invite_used")
                await session.people.grant(person.id, Role.SECRETARY.value, None, now)
                await session.audit.record(
                    at=now,
                    action="street.secretary",
                    actor_id=None,
                    subject_id=person.id,
                    detail=str(invite.id),
                )
                fresh = await session.people.by_id(person.id)
        assert fresh is not None  # noqa: S101 - read in the same transaction
        log.info("invite %s used: community %s has a secretary", invite.id, invite.community_id)
        return fresh

    def _usable(self, invite: InviteRow | None) -> InviteRow:
        if invite is None or self._communities.get(invite.community_id) is None:
            raise UserFacingError("street.invite_unknown")
        if invite.used_at is not None:
            raise UserFacingError("street.invite_used")
        if invite.expires_at <= self._clock():
            raise UserFacingError("street.invite_expired")
        return invite
