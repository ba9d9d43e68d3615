"""Residents' ratings of a done matter (民意测评), and a matter's carrying-out status.

When a matter is done, whoever raised and supported it is asked to rate it,
once each; never its owner (their own work), nor whoever accepted it (the
secretary or the supervisors: their sign-off is their judgement). The
history records that someone rated, not how: the choice is private and only
the counts are shown.
"""

from __future__ import annotations

from datetime import datetime

from bot.community.register import Actor
from bot.deliberation.carrying.context import CarryingContext, get_matter
from bot.deliberation.carrying.rules import (
    RATINGS,
    CarryingStatus,
    RatingSummary,
    rating_callback,
)
from bot.errors import UserFacingError
from bot.i18n import parse_language
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, queue_push
from storage.deliberation.matters import MatterRow
from storage.session import Session


async def raters(session: Session, matter: MatterRow) -> list[int]:
    """Who is asked to rate the matter: its raiser and supporters, but not its owner
    nor those who accepted it."""
    excluded = {row.person_id for row in await session.carrying.acceptances(matter.id)}
    excluded = {person for person in excluded if person is not None}
    if matter.owner_person_id is not None:
        excluded.add(matter.owner_person_id)
    asked: list[int] = []
    candidates = [matter.raised_by, *await session.carrying.supporter_ids(matter.id)]
    for person_id in candidates:
        if person_id is not None and person_id not in asked and person_id not in excluded:
            asked.append(person_id)
    return asked


async def finish(ctx: CarryingContext, session: Session, matter: MatterRow, now: datetime) -> None:
    """The matter is done: record it and ask its raiser and supporters to rate it."""
    await session.carrying.mark_done(matter.id, now)
    await session.matters.add_event(matter.id, "done", actor_id=None, now=now)
    deliveries = []
    for person_id in await raters(session, matter):
        person = await session.people.by_id(person_id)
        if person is None or not person.reachable:
            continue
        language = parse_language(person.language)
        deliveries.append(
            Delivery(
                person.tg_user_id,
                person.id,
                OutgoingMessage(
                    "carry.rate_ask",
                    language,
                    {"number": matter.number, "title": matter.title},
                    buttons=tuple(
                        (
                            ButtonSpec(
                                f"carry.rating.{rating}",
                                callback_data=rating_callback(matter.id, rating),
                            ),
                        )
                        for rating in RATINGS
                    ),
                ),
            )
        )
    if deliveries:
        await queue_push(
            session,
            kind="matter.rate",
            title=matter.title,
            deliveries=deliveries,
            dedupe_prefix=f"rate:{matter.id}",
            now=now,
        )


class RatingService:
    """Ratings (满意 / 基本满意 / 不满意) and the status shown by /matter N."""

    def __init__(self, ctx: CarryingContext) -> None:
        self._ctx = ctx

    async def rate(self, actor: Actor, matter_id: int, rating: str) -> MatterRow:
        """One rating per asked person (the raiser and the supporters, not the owner nor
        those who accepted it) of a done matter."""
        if rating not in RATINGS:
            raise UserFacingError("carry.expired")
        person = actor.person
        if person is None:
            raise UserFacingError("access.not_registered")
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            matter = await get_matter(session, matter_id)
            if matter.stage != "done":
                raise UserFacingError("carry.not_done", number=matter.number)
            if person.id == matter.owner_person_id:
                raise UserFacingError("carry.own_rating", number=matter.number)
            if person.id not in await raters(session, matter):
                raise UserFacingError("carry.not_asked", number=matter.number)
            if not await session.carrying.rate(matter_id, person.id, rating, now):
                raise UserFacingError("carry.already_rated", number=matter.number)
            # The history says someone rated, not how: each choice is private.
            await session.matters.add_event(matter_id, "rated", actor_id=None, now=now)
        return matter

    async def rating_summary(self, matter_id: int) -> RatingSummary:
        """How residents rated the matter (for /matter N and the records)."""
        async with self._ctx.db.read() as session:
            counts = await session.carrying.rating_counts(matter_id)
        return RatingSummary(
            satisfied=counts.get("satisfied", 0),
            basically=counts.get("basically", 0),
            unsatisfied=counts.get("unsatisfied", 0),
        )

    async def status(self, matter_id: int) -> CarryingStatus:
        """The matter's owner, due date and progress, its referrals and its ratings."""
        async with self._ctx.db.read() as session:
            matter = await get_matter(session, matter_id)
            referrals = await session.carrying.referrals_of(matter_id)
            counts = await session.carrying.rating_counts(matter_id)
        ratings = RatingSummary(
            satisfied=counts.get("satisfied", 0),
            basically=counts.get("basically", 0),
            unsatisfied=counts.get("unsatisfied", 0),
        )
        return CarryingStatus(matter, referrals, ratings)
