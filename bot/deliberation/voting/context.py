"""What the parts of voting share: the context (database, settings, scheduler, clock,
ballot keys) and the small look-ups every part makes.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.community.register import ChatKind
from bot.config import Language, Settings
from bot.deliberation.ballot_keys import BallotKeys
from bot.errors import UserFacingError
from bot.runtime.scheduler import SchedulerService
from storage import Storage
from storage.deliberation.matters import MatterRow
from storage.deliberation.votes import VoteRow
from storage.session import Session


@dataclass(frozen=True)
class VotingContext:
    """The database, settings, scheduler, clock and ballot keys every part of voting uses."""

    db: Storage
    settings: Settings
    scheduler: SchedulerService
    clock: Clock
    keys: BallotKeys

    @property
    def tz(self) -> ZoneInfo:
        """The community's time zone."""
        return self.scheduler.calendar.tz

    @property
    def language(self) -> Language:
        """The language of what is posted to groups and kept in the record."""
        return self.settings.community.default_language

    def voter_key(self, vote: VoteRow, identity: str) -> str:
        """The ballot's key: the identity itself, or in an anonymous vote its keyed hash."""
        if not vote.anonymous:
            return identity
        if vote.salt is None:
            raise UserFacingError("vote.closed")
        return self.keys.voter_key(vote.salt, vote.id, identity)


async def get_matter(session: Session, matter_id: int) -> MatterRow:
    """The matter; "matter.not_found" if there is none."""
    matter = await session.matters.get(matter_id)
    if matter is None:
        raise UserFacingError("matter.not_found", number=matter_id)
    return matter


async def residents_chats(session: Session) -> list[int]:
    """The residents' groups the bot posts to."""
    return [chat.chat_id for chat in await session.chats.posting(ChatKind.RESIDENTS.value)]


async def open_vote_of(session: Session, matter_id: int) -> VoteRow:
    """The matter's open vote; "vote.none_open" if it has none."""
    votes = await session.votes.for_matter(matter_id)
    open_votes = [vote for vote in votes if vote.is_open]
    if not open_votes:
        raise UserFacingError("vote.none_open", number=matter_id)
    return open_votes[-1]
