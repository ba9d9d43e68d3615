"""The counting and deciding rules of votes, as pure functions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.deliberation.voting.ballots import count_ballots, count_choices, decide
from bot.deliberation.voting.rules import YES_NO
from storage.deliberation.votes import VoteRow, decode_choice, encode_choice

NOW = datetime(2026, 11, 19, 11, 0, tzinfo=UTC)


def vote(kind: str = "yes_no", quorum: int = 0, threshold: str = "majority", n: int = 3) -> VoteRow:
    options = YES_NO if kind == "yes_no" else tuple(f"o{i}" for i in range(n))
    return VoteRow(
        id=1,
        matter_id=1,
        kind=kind,
        options=options,
        anonymous=False,
        salt=None,
        quorum=quorum,
        threshold=threshold,
        opened_by=None,
        opened_at=NOW,
        closes_at=NOW,
        closed_at=None,
        result=None,
        tally=None,
        voters=None,
        card_push_id=None,
        schedule_id=None,
    )


def test_count_ballots_counts_each_option_and_each_voter_once() -> None:
    tally = count_ballots([(0,), (1,), (0, 2), (), (2,)], 3)
    assert (tally.counts, tally.voters) == ((2, 1, 2), 4)


def test_choices_counted_in_the_database_tally_as_their_ballots_would() -> None:
    ballots = [(0,), (1, 2), (0,), (), (1, 2), (1, 2), (7,)]
    grouped = {choice: ballots.count(choice) for choice in ballots}
    tally = count_choices(grouped.items(), 3)
    assert (tally.counts, tally.voters) == ((2, 3, 3), 6)
    assert tally == count_ballots(ballots, 3)


@pytest.mark.parametrize(
    ("yes", "no", "abstain", "threshold", "quorum", "expected"),
    [
        (3, 2, 0, "majority", 0, "passed"),
        (2, 2, 5, "majority", 0, "rejected"),  # a tie is not a majority
        (1, 0, 9, "majority", 0, "passed"),  # abstentions do not count against
        (0, 0, 4, "majority", 0, "rejected"),
        (6, 3, 0, "two_thirds", 0, "passed"),  # exactly two thirds
        (5, 3, 0, "two_thirds", 0, "rejected"),
        (3, 0, 1, "majority", 5, "no_quorum"),  # abstentions count toward the quorum…
        (3, 0, 2, "majority", 5, "passed"),  # …and reach it
    ],
)
def test_yes_no_results(
    yes: int, no: int, abstain: int, threshold: str, quorum: int, expected: str
) -> None:
    choices = [(0,)] * yes + [(1,)] * no + [(2,)] * abstain
    tally = count_ballots(choices, 3)
    assert decide(vote(quorum=quorum, threshold=threshold), tally)[0] == expected


def test_option_votes_pass_with_an_option_chosen_by_more_than_half() -> None:
    single = vote("single", n=3)
    assert decide(single, count_ballots([(0,), (0,), (1,)], 3)) == ("passed", (0,))
    assert decide(single, count_ballots([(0,), (1,), (2,)], 3)) == ("rejected", ())
    multiple = vote("multiple", n=3)
    assert decide(multiple, count_ballots([(0, 1), (0, 1), (2,)], 3)) == ("passed", (0, 1))


def test_no_ballots_is_no_quorum_even_with_quorum_zero() -> None:
    assert decide(vote(), count_ballots([], 3))[0] == "no_quorum"


def test_choice_encoding_round_trips_sorted_and_unique() -> None:
    assert encode_choice((2, 0, 2)) == "0,2"
    assert decode_choice("0,2") == (0, 2)
    assert decode_choice("") == ()
