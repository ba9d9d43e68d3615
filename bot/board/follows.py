"""关注: a resident follows a matter (or a spending project, bot/board/spending.py) and is
told privately of each change of it. :class:`Follows` and :func:`notify_followers` serve both.

The one place a matter's changes are written is its history (``matter_events``,
storage ``MattersRepository.add_event``); :func:`tell_followers` is registered there
as a listener, so every service that records a step (a progress report, acceptance,
closing, a vote opened or closed, ...) tells the followers without knowing of them.
The push is queued in the same unit of work as the step, keyed by the step's id:
one message per change and follower, never a second. The person who made the
change is not told of it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import aiosqlite

from bot.clock import Clock, system_clock
from bot.community.register import Actor
from bot.config import Language
from bot.deliberation.raising import open_callback
from bot.errors import UserFacingError
from bot.i18n import parse_language
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, queue_push
from storage import Storage
from storage.board.follows import FollowsRepository
from storage.deliberation.matters import EVENT_LISTENERS, MatterEventRow
from storage.session import Session

#: The kind of push (in the outbox) of a follower's note.
KIND = "board.follow"
#: The steps a follower is told of (catalog "board.follow.<kind>"); the others (a
#: support, a comment hidden, a rating...) are not a change of the matter's course.
#: "accepted" is followed by "done" in the same unit of work: told once, as done; a
#: 100 % report is followed by the request for acceptance: told once, as that.
TOLD = frozenset(
    {
        "agenda_set",
        "vote_opened",
        "vote_closed",
        "resolution",
        "assigned",
        "progress",
        "acceptance_requested",
        "secretary_acceptance_requested",
        "secretary_rework",
        "done",
        "withdrawn",
        "merged",
    }
)
#: Results of a vote with a text of their own (others read "vote_closed").
RESULTS = frozenset({"passed", "rejected", "no_quorum"})


class Follows:
    """🔔 关注 / 🔕 取消关注 on something with followers: a matter, a spending project."""

    def __init__(self, db: Storage, clock: Clock = system_clock) -> None:
        self._db = db
        self._clock = clock

    def _repo(self, session: Session) -> FollowsRepository:
        """The follows table of what is followed."""
        raise NotImplementedError

    async def _check(self, session: Session, subject_id: int) -> None:
        """Refuse (UserFacingError) when what is followed is not there."""
        raise NotImplementedError

    async def following(self, actor: Actor, subject_id: int) -> bool:
        """Whether the actor follows it (False for someone not registered)."""
        if actor.person is None:
            return False
        async with self._db.read() as session:
            return await self._repo(session).follows(actor.person.id, subject_id)

    async def set(self, actor: Actor, subject_id: int, on: bool) -> bool:
        """Follow (``on``) or stop following; returns whether the actor now follows."""
        person = actor.registered_person()
        async with self._db.transaction() as session:
            await self._check(session, subject_id)
            if on:
                await self._repo(session).follow(person.id, subject_id, self._clock())
            else:
                await self._repo(session).unfollow(person.id, subject_id)
        return on


class FollowService(Follows):
    """🔔 关注 / 🔕 取消关注 on a matter."""

    def _repo(self, session: Session) -> FollowsRepository:
        return session.board.follows

    async def _check(self, session: Session, subject_id: int) -> None:
        if await session.matters.get(subject_id) is None:
            raise UserFacingError("matter.not_found", number=subject_id)


async def notify_followers(
    session: Session,
    followers: list[int],
    *,
    actor_id: int | None,
    message: Callable[[Language], OutgoingMessage],
    kind: str,
    title: str,
    dedupe_prefix: str,
    now: datetime,
) -> None:
    """Queue a note to each reachable follower but the one who made the change, in
    their language (``message``), keyed by the change (``dedupe_prefix``)."""
    deliveries = []
    for person_id in followers:
        if person_id == actor_id:
            continue
        person = await session.people.by_id(person_id)
        if person is None or not person.reachable:
            continue
        note = message(parse_language(person.language))
        deliveries.append(Delivery(person.tg_user_id, person.id, note))
    if deliveries:
        await queue_push(
            session,
            kind=kind,
            title=title,
            deliveries=deliveries,
            dedupe_prefix=dedupe_prefix,
            now=now,
        )


def _message_key(event: MatterEventRow) -> str:
    if event.kind == "secretary_acceptance_requested":
        return "board.follow.acceptance_requested"
    if event.kind == "vote_closed" and event.detail.get("result") in RESULTS:
        return f"board.follow.vote_{event.detail['result']}"
    return f"board.follow.{event.kind}"


async def tell_followers(conn: aiosqlite.Connection, event: MatterEventRow) -> None:
    """The listener on every step written to a matter's history: its followers'
    notes, queued in the step's own unit of work."""
    if event.kind not in TOLD or (event.kind == "progress" and event.detail.get("percent") == 100):
        return
    session = Session(conn)
    followers = await session.board.follows.followers(event.matter_id)
    if not [person_id for person_id in followers if person_id != event.actor_id]:
        return
    matter = await session.matters.get(event.matter_id)
    if matter is None:
        return
    params = {
        "number": matter.number,
        "title": matter.title,
        "percent": event.detail.get("percent", matter.progress),
    }
    button = ButtonSpec("board.follow.open_button", open_callback(matter.id))
    key = _message_key(event)
    await notify_followers(
        session,
        followers,
        actor_id=event.actor_id,
        message=lambda language: OutgoingMessage(key, language, params, buttons=((button,),)),
        kind=KIND,
        title=f"#{matter.number} {event.kind}",
        dedupe_prefix=f"follow:{event.id}",
        now=event.at,
    )


EVENT_LISTENERS[KIND] = tell_followers
