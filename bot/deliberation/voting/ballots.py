"""Casting ballots and counting them: the ONE place where a ballot is counted.

``count_ballots`` makes the tally from the ballots' choices; ``decide`` turns
a tally into the result (passed / rejected / no_quorum) and the winners.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from storage.deliberation.votes import VoteRow


@dataclass(frozen=True)
class Tally:
    """Counts per option and the number of voters, from the ballots."""

    counts: tuple[int, ...]
    voters: int

    def as_json(self) -> dict[str, Any]:
        """As stored in ``votes.tally``."""
        return {"counts": list(self.counts), "voters": self.voters}


@dataclass(frozen=True)
class CastResult:
    """What a ballot button did: the voter's choice now, and whether it changed one."""

    vote: VoteRow
    choice: tuple[int, ...]
    changed: bool
    #: For a proxy ballot: the name of the resident it was recorded for.
    name: str | None = None
    #: The voter's own press replaced a ballot a grid worker had recorded for them.
    replaced_proxy: bool = False


def count_ballots(choices: Sequence[tuple[int, ...]], option_count: int) -> Tally:
    """The tally of a vote from its ballots' choices."""
    counts = [0] * option_count
    voters = 0
    for choice in choices:
        if not choice:
            continue
        voters += 1
        for index in choice:
            if 0 <= index < option_count:
                counts[index] += 1
    return Tally(tuple(counts), voters)


def decide(vote: VoteRow, tally: Tally) -> tuple[str, tuple[int, ...]]:
    """The result (passed/rejected/no_quorum) and the winning options of a tally."""
    if tally.voters < vote.quorum or tally.voters == 0:
        return "no_quorum", ()
    if vote.kind == "yes_no":
        yes, no = tally.counts[0], tally.counts[1]
        return ("passed", (0,)) if _meets(yes, yes + no, vote.threshold) else ("rejected", ())
    winners = tuple(
        index
        for index, count in enumerate(tally.counts)
        if _meets(count, tally.voters, vote.threshold)
    )
    return ("passed", winners) if winners else ("rejected", ())


def _meets(count: int, base: int, threshold: str) -> bool:
    if base == 0 or count == 0:
        return False
    if threshold == "two_thirds":
        return count * 3 >= base * 2
    return count * 2 > base
