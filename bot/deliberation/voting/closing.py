"""Closing a vote and its result."""

from __future__ import annotations

from dataclasses import dataclass

from storage.deliberation.matters import MatterRow
from storage.deliberation.votes import VoteRow


@dataclass(frozen=True)
class ClosedVote:
    """A vote after its close: the vote row (with result and tally) and its matter."""

    vote: VoteRow
    matter: MatterRow
