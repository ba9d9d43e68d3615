"""关注: a resident follows a matter and is told privately of each change of it.

The one place a matter's changes are written is its history (``matter_events``,
storage ``MattersRepository.add_event``); :func:`tell_followers` is registered there
as a listener, so every service that records a step (a progress report, acceptance,
closing, a vote opened or closed, ...) tells the followers without knowing of them.
The push is queued in the same unit of work as the step, keyed by the step's id:
one message per change and follower, never a second. The person who made the
change is not told of it.
"""

from __future__ import annotations

import aiosqlite

from bot.clock import Clock, system_clock
from bot.community.register import Actor
from bot.deliberation.raising import open_callback
from bot.errors import UserFacingError
from bot.i18n import parse_language
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, queue_push
from storage import Database
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


class FollowService:
    """🔔 关注 / 🔕 取消关注 on a matter."""

    def __init__(self, db: Database, clock: Clock = system_clock) -> None:
        self._db = db
        self._clock = clock

    async def following(self, actor: Actor, matter_id: int) -> bool:
        """Whether the actor follows the matter (False for someone not registered)."""
        if actor.person is None:
            return False
        async with self._db.read() as session:
            return await session.board.follows.follows(actor.person.id, matter_id)

    async def set(self, actor: Actor, matter_id: int, on: bool) -> bool:
        """Follow (``on``) or stop following; returns whether the actor now follows."""
        person = actor.registered_person()
        async with self._db.transaction() as session:
            if await session.matters.get(matter_id) is None:
                raise UserFacingError("matter.not_found", number=matter_id)
            if on:
                await session.board.follows.follow(person.id, matter_id, self._clock())
            else:
                await session.board.follows.unfollow(person.id, matter_id)
        return on


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
    followers = [
        person_id
        for person_id in await session.board.follows.followers(event.matter_id)
        if person_id != event.actor_id
    ]
    if not followers:
        return
    matter = await session.matters.get(event.matter_id)
    if matter is None:
        return
    params = {
        "number": matter.id,
        "title": matter.title,
        "percent": event.detail.get("percent", matter.progress),
    }
    button = ButtonSpec("board.follow.open_button", open_callback(matter.id))
    deliveries = []
    for person_id in followers:
        person = await session.people.by_id(person_id)
        if person is None or not person.reachable:
            continue
        message = OutgoingMessage(
            _message_key(event), parse_language(person.language), params, buttons=((button,),)
        )
        deliveries.append(Delivery(person.tg_user_id, person.id, message))
    if deliveries:
        await queue_push(
            session,
            kind=KIND,
            title=f"#{matter.id} {event.kind}",
            deliveries=deliveries,
            dedupe_prefix=f"follow:{event.id}",
            now=event.at,
        )


EVENT_LISTENERS[KIND] = tell_followers
