"""What awaits a person now (/mine, 我的待办): votes open to them they have not cast,
matters they could support, ratings they are asked for, surveys not finished, lessons
not studied, make-up slots booked and activities signed up for that are still ahead.

Read only: each kind is found through storage/participation/awaiting.py and the
features' own repositories; acting on an item is the feature's own button.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from bot.clock import Clock, system_clock
from bot.community.register import Actor, Role
from bot.deliberation.voting.context import VotingContext
from bot.deliberation.voting.electorate import ballot_box
from bot.participation.electorate import awaits_ballot
from bot.surveys.answering import AnsweringService, PendingSurvey
from storage import Storage
from storage.deliberation.matters import MatterRow
from storage.deliberation.votes import VoteRow
from storage.lessons.rows import LessonRow
from storage.participation.awaiting import BookedSlot, SignedActivity

T = TypeVar("T")

#: At most this many items of one kind are listed (the rest are counted).
PER_KIND = 5


@dataclass(frozen=True)
class OpenBallot:
    """A vote waiting for the person's ballot, with its matter."""

    vote: VoteRow
    matter: MatterRow


@dataclass(frozen=True)
class Awaiting:
    """Everything waiting for the person, by kind (each at most :data:`PER_KIND`);
    ``more`` counts what was left out, per kind."""

    votes: tuple[OpenBallot, ...] = ()
    supports: tuple[MatterRow, ...] = ()
    ratings: tuple[MatterRow, ...] = ()
    surveys: tuple[PendingSurvey, ...] = ()
    lessons: tuple[LessonRow, ...] = ()
    makeups: tuple[BookedSlot, ...] = ()
    activities: tuple[SignedActivity, ...] = ()
    more: tuple[tuple[str, int], ...] = ()

    @property
    def empty(self) -> bool:
        """Nothing waits."""
        return not (
            self.votes
            or self.supports
            or self.ratings
            or self.surveys
            or self.lessons
            or self.makeups
            or self.activities
        )


class AwaitingService:
    """/mine: what awaits the acting person now."""

    def __init__(
        self,
        db: Storage,
        voting: VotingContext,
        surveys: AnsweringService,
        clock: Clock = system_clock,
    ) -> None:
        self._db = db
        self._voting = voting
        self._surveys = surveys
        self._clock = clock

    async def mine(self, actor: Actor) -> Awaiting:
        """What awaits the actor (who must be registered)."""
        person = actor.registered_person()
        now = self._clock()
        more: list[tuple[str, int]] = []

        def capped(kind: str, items: list[T]) -> tuple[T, ...]:
            if len(items) > PER_KIND:
                more.append((kind, len(items) - PER_KIND))
            return tuple(items[:PER_KIND])

        async with self._db.read() as session:
            queries = session.participation.awaiting
            votes = []
            for vote_id in await queries.open_votes(now):
                vote = await session.votes.get(vote_id)
                if vote is None:
                    continue
                if not awaits_ballot(self._voting, vote, person, await ballot_box(session, vote)):
                    continue
                matter = await session.matters.get(vote.matter_id)
                if matter is not None:
                    votes.append(OpenBallot(vote, matter))
            supports: list[MatterRow] = []
            if actor.has(Role.RESIDENT):
                for matter_id in await queries.matters_to_support(person.id, now):
                    matter = await session.matters.get(matter_id)
                    if matter is not None:
                        supports.append(matter)
            ratings = [
                matter
                for matter_id in await queries.matters_to_rate(person.id)
                if (matter := await session.matters.get(matter_id)) is not None
            ]
            surveys = await self._surveys.pending(session, person.id)
            lessons: list[LessonRow] = []
            makeups: list[BookedSlot] = []
            if actor.has(Role.PARTY_MEMBER):
                for lesson_id in await queries.lessons_not_studied(person.id):
                    lesson = await session.lessons.get(lesson_id)
                    if lesson is not None:
                        lessons.append(lesson)
                makeups = await queries.makeups_booked(person.id, now)
            activities = await queries.activities_signed(person.id, now)
        return Awaiting(
            votes=capped("votes", votes),
            supports=capped("supports", supports),
            ratings=capped("ratings", ratings),
            surveys=capped("surveys", surveys),
            lessons=capped("lessons", lessons),
            makeups=capped("makeups", makeups),
            activities=capped("activities", activities),
            more=tuple(more),
        )
