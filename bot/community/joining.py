"""Joining a community, and moving from one to another (搬到其他社区).

A newcomer joins the community whose group's link they followed (its deep link names
it, ``join-<id>``), or the one they choose from the street's list when they wrote to
the bot directly; the registration form then runs inside that community
(bot/community/registration.py).

A registered person is in one community at a time. Moving is a request: they ask
from /me, the secretaries of the community they would join accept or refuse it (a
push to each, acted on inside that community). Accepted, the person's register entry
moves: their roles but resident are cleared, their grid, building and door too; what
they did in the old community stays there (their votes stay counted in it). The request
is kept in the community asked (storage/community/joining.py).

Accepted, the person is told privately and asked again, as at registration: the new
community's grid with big buttons (if it has grids; "I don't know" is one), then their
building and door: the 门牌 form (bot/community/registration.py HomeService, HOME_FLOW),
the same one a resident runs from /me (✏️) to correct them later. Until they answer they
have no grid: the old community's never shows in the new one's lists.

The only service that works in two communities in one unit of work, by its nature:
it enters the target community (``Communities.enter``) for the part that is its.
No Telegram types here.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import partial

from bot.clock import Clock, system_clock
from bot.community.communities import Communities, CommunityChoice
from bot.community.register import Actor, Role, secretaries_to_tell
from bot.community.registration import HOME_FLOW, HOME_GRID_STEP, NO_GRID, home_grid_callback
from bot.config import Grid, Language
from bot.errors import UserFacingError
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, queue_push
from storage import Storage, community_id
from storage.community.joining import MoveRequestsRepository, MoveRow, registering_community

log = logging.getLogger(__name__)

#: The deep-link payload that names a community: ``join-<id>``.
JOIN_PREFIX = "join-"
_JOIN = re.compile(r"^join-([0-9]{1,9})$")


def join_payload(community: int) -> str:
    """The deep-link payload of a group's "register" button: its community."""
    return f"{JOIN_PREFIX}{community}"


def move_decision_callback(request_id: int, accept: bool) -> str:
    """接受 / 拒绝 under a request to move (decoded by handlers/community/callbacks.py
    MoveDecide)."""
    return f"mvd:{request_id}:{accept}"


@dataclass(frozen=True)
class MoveAsked:
    """A request sent: to which community, and whether anyone there can answer it yet."""

    community: CommunityChoice
    secretaries: int


@dataclass(frozen=True)
class MoveDecided:
    """A request decided: who, and whether they were taken in."""

    request: MoveRow
    accepted: bool


class JoiningService:
    """Which community a newcomer joins; requests to move between communities."""

    def __init__(self, db: Storage, communities: Communities, clock: Clock = system_clock):
        self._db = db
        self._communities = communities
        self._clock = clock

    # --- joining -----------------------------------------------------------

    def community_of_payload(self, args: list[str] | None) -> int | None:
        """The community a ``/start join-<id>`` names, if it exists."""
        if not args or len(args) != 1:
            return None
        found = _JOIN.match(args[0])
        if found is None:
            return None
        community = int(found.group(1))
        return community if self._communities.get(community) is not None else None

    def is_join_payload(self, args: list[str] | None) -> bool:
        """Whether ``/start`` came from a group's register link (valid or not)."""
        return bool(args) and len(args or []) == 1 and (args or [""])[0].startswith("join")

    async def registering_in(self, tg_user_id: int) -> int | None:
        """The community whose registration form the account has open, or None."""
        found = await self._db.run_read(partial(registering_community, tg_user_id=tg_user_id))
        return found if found is not None and self._communities.get(found) is not None else None

    def choices(self, language: Language) -> list[CommunityChoice]:
        """The street's communities, to join one."""
        return self._communities.choices(language)

    # --- moving --------------------------------------------------------------

    def move_targets(self, actor: Actor) -> list[CommunityChoice]:
        """The communities a registered person may ask to move to (all but theirs)."""
        actor.registered_person("me.not_registered")
        here = community_id()
        return [c for c in self._communities.choices(actor.language) if c.id != here]

    def target(self, actor: Actor, community: int) -> CommunityChoice:
        """A community to move to, as the person sees it; refused if it is theirs or gone."""
        for choice in self.move_targets(actor):
            if choice.id == community:
                return choice
        raise UserFacingError("join.move_no_such")

    async def ask_move(self, actor: Actor, community: int) -> MoveAsked:
        """Ask to move to ``community``: the request is stored there and its secretaries
        are told, each with 接受 / 拒绝 (an open request of the person's is replaced)."""
        person = actor.registered_person("me.not_registered")
        choice = self.target(actor, community)
        here = community_id()
        now = self._clock()
        async with self._db.transaction() as session:
            moves = MoveRequestsRepository(session.conn)
            request_id = await moves.ask(person.id, community, now)
            await session.audit.record(
                at=now, action="move.ask", actor_id=person.id, detail=str(community)
            )
            # The request is the target community's: its secretaries, its outbox.
            with self._communities.enter(community):
                profile = self._communities.profile(community)
                secretaries = await secretaries_to_tell(session, profile)
                asked = await moves.get(request_id)
                assert asked is not None  # noqa: S101 - just written, in this community
                await queue_push(
                    session,
                    kind="community.move",
                    title=f"搬入申请 #{asked.number}",
                    deliveries=[
                        Delivery(
                            s.tg_user_id,
                            s.id,
                            _request_message(
                                request_id,
                                Language(s.language),
                                person.display_name,
                                self._communities.name_in(here, Language(s.language)),
                            ),
                        )
                        for s in secretaries
                    ],
                    dedupe_prefix=f"move:{request_id}",
                    now=now,
                )
        log.info("move request %s: community %s to %s", request_id, here, community)
        return MoveAsked(choice, len(secretaries))

    async def decide(self, actor: Actor, request_id: int, accept: bool) -> MoveDecided:
        """A secretary of the community asked accepts or refuses, once; the person is
        told. Accepted: their register entry moves here (resident only; no grid,
        building or door), their open conversations end, and they are asked privately
        for the new community's grid (else their building) as at registration."""
        secretary = actor.registered_person()
        actor.require(Role.SECRETARY)
        now = self._clock()
        here = community_id()
        grids = self._communities.profile(here).grids
        async with self._db.transaction() as session:
            moves = MoveRequestsRepository(session.conn)
            request = await moves.get(request_id)
            if request is None:
                raise UserFacingError("join.move_gone")
            if request.state != "requested":
                raise UserFacingError(f"join.move_was_{request.state}")
            if accept and not await session.people.move_here(
                request.person_id, request.from_community
            ):
                raise UserFacingError("join.move_gone")
            if not await moves.decide(request_id, accept, secretary.id, now):
                raise UserFacingError("join.move_gone")
            if accept:
                await session.people.grant(
                    request.person_id, Role.RESIDENT.value, secretary.id, now
                )
                # Their forms were the old community's: they start afresh here, with the
                # new community's first question (grid, else building) waiting privately.
                await session.dialogs.end_all_of(request.tg_user_id)
                await session.dialogs.put(
                    request.tg_user_id,
                    request.tg_user_id,
                    HOME_FLOW,
                    HOME_GRID_STEP if grids else "building",
                    {"person": request.person_id},
                    now,
                )
            await session.audit.record(
                at=now,
                action="move.accept" if accept else "move.refuse",
                actor_id=secretary.id,
                subject_id=request.person_id if accept else None,
                detail=str(request.from_community),
            )
            language = Language(request.language)
            await queue_push(
                session,
                kind="community.move",
                title=f"搬入申请 #{request.number}",
                deliveries=[
                    Delivery(
                        request.tg_user_id,
                        request.person_id,
                        _decision_message(
                            accept, language, self._communities.name_in(here, language), grids
                        ),
                    )
                ],
                dedupe_prefix=f"move-decided:{request_id}",
                now=now,
            )
        return MoveDecided(request, accept)


def _decision_message(
    accept: bool, language: Language, community: str, grids: list[Grid]
) -> OutgoingMessage:
    """To the person who asked: refused; or accepted, with the new community's first
    question: its grids as big buttons (two a row, and "I don't know"), else the building."""
    params = {"community": community}
    if not accept:
        return OutgoingMessage("join.move_refused", language, params)
    if not grids:
        return OutgoingMessage("join.move_accepted_building", language, params)
    buttons = [
        ButtonSpec(
            "join.move_grid_button",
            home_grid_callback(grid.id),
            label_params={"grid": grid.name_in(language)},
        )
        for grid in grids
    ]
    rows = [tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2)]
    rows.append((ButtonSpec("register.grid_unknown_button", home_grid_callback(NO_GRID)),))
    return OutgoingMessage("join.move_accepted", language, params, buttons=tuple(rows))


def _request_message(
    request_id: int, language: Language, name: str, from_name: str
) -> OutgoingMessage:
    """To a secretary: who asks to move here, from where; 接受 / 拒绝."""
    return OutgoingMessage(
        "join.move_request",
        language,
        {"name": name, "from": from_name},
        buttons=(
            (
                ButtonSpec("join.button.accept", move_decision_callback(request_id, True)),
                ButtonSpec("join.button.refuse", move_decision_callback(request_id, False)),
            ),
        ),
    )
