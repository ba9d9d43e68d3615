"""Whether a vote awaits a person's ballot: the ONE place that decides it for /mine.

A vote awaits a resident who is in its electorate (the whole community, some
buildings, a grid, or one vote per household: bot/deliberation/voting/electorate.py)
and whose ballot (in a household vote: whose household's ballot) is not in the box,
as the reminders to vote find it (bot/deliberation/voting/reminders.py).
"""

from __future__ import annotations

from bot.community.register import Role
from bot.deliberation.voting.context import VotingContext
from bot.deliberation.voting.electorate import identity_in, may_vote
from bot.errors import UserFacingError
from storage.community.people import PersonRow
from storage.deliberation.votes import VoteRow


def awaits_ballot(voting: VotingContext, vote: VoteRow, person: PersonRow, cast: set[str]) -> bool:
    """Whether ``person`` may vote in ``vote`` and has not; ``cast`` are the vote's
    voter keys (``session.votes.voter_keys``)."""
    if Role.RESIDENT.value not in person.roles or not may_vote(person, vote):
        return False
    try:
        key = voting.voter_key(vote, identity_in(vote, person))
    except UserFacingError:
        return False  # closed meanwhile, or its key file is lost: no ballot can be cast
    return key not in cast
