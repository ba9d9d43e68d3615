"""Proxy and paper ballots: recorded by a grid worker (or a secretary) for someone
in the register who cannot vote themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.community.register import Actor, Role
from bot.config import Language
from bot.deliberation.voting.ballots import CastResult
from bot.deliberation.voting.rules import (
    PROXY_ASKED,
    PROXY_FLOW,
    PROXY_PAPER,
)
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from bot.runtime.outbox import Delivery
from storage.community.people import PaperResidentRow, PersonRow
from storage.deliberation.matters import MatterRow
from storage.deliberation.votes import VoteRow
from storage.session import Session


@dataclass(frozen=True)
class ProxyCandidate:
    """Someone a proxy ballot may be recorded for: a paper resident ("w") or a registered
    resident who asked ("p")."""

    kind: str
    id: int
    name: str
    building: str | None
    basis: str
    tg_user_id: int | None = None
    language: Language = Language.ZH_HANS

    @property
    def identity(self) -> str:
        """The voter identity their ballot key is made from (one ballot per person)."""
        return f"{self.kind}{self.id}"


@dataclass(frozen=True)
class ProxyScreen:
    """/proxyvote N: the vote and the people the grid worker may record a ballot for."""

    vote: VoteRow
    matter: MatterRow
    people: list[ProxyCandidate]


@dataclass(frozen=True)
class ProxyResult:
    """A recorded proxy ballot; ``notice`` is for the handler to send at once (an anonymous
    vote's notice is not kept in the outbox, see ``proxy_choice``)."""

    cast: CastResult
    candidate: ProxyCandidate
    notice: Delivery | None


def _require_proxy_recorder(actor: Actor) -> Any:
    """Grid workers (their own grid) and secretaries (any grid) record proxy ballots."""
    if actor.person is None:
        raise UserFacingError("access.not_registered")
    if not (actor.has(Role.GRID_WORKER) or actor.has(Role.SECRETARY)):
        raise UserFacingError("vote.need_grid_worker")
    return actor.person


async def _vote_choosing_a_person(session: Session, actor: Actor, chat_id: int) -> VoteRow:
    """The open vote whose /proxyvote list the recorder is on; UserFacingError if the
    list is no longer current or the vote has closed."""
    dialog = await expect_step(
        session, chat_id, actor.tg_user_id, PROXY_FLOW, "person", "vote.setup_expired"
    )
    vote = await session.votes.get(int(dialog.data["vote_id"]))
    if vote is None or not vote.is_open:
        raise UserFacingError("vote.closed")
    return vote


def _paper_candidate(row: PaperResidentRow) -> ProxyCandidate:
    return ProxyCandidate("w", row.id, row.display_name, row.building, PROXY_PAPER)


def _asked_candidate(row: PersonRow) -> ProxyCandidate:
    return ProxyCandidate(
        "p",
        row.id,
        row.display_name,
        row.building,
        PROXY_ASKED,
        tg_user_id=row.tg_user_id if row.reachable else None,
        language=Language(row.language),
    )
