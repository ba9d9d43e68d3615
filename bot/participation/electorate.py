"""Whether a vote awaits a person's ballot: the ONE place that decides it for /mine.

Today a vote is open to every resident, and a person has voted when a ballot under
their voter key is in the box (as the reminders to vote find it,
bot/deliberation/voting/reminders.py). When votes get an electorate (some buildings,
a grid, one per household), "is a resident" becomes "is in the vote's electorate"
here, and /mine follows.
"""

from __future__ import annotations

from bot.community.register import Role
from bot.deliberation.voting.context import VotingContext
from bot.errors import UserFacingError
from storage.community.people import PersonRow
from storage.deliberation.votes import VoteRow


def awaits_ballot(voting: VotingContext, vote: VoteRow, person: PersonRow, cast: set[str]) -> bool:
    """Whether ``person`` may vote in ``vote`` and has not; ``cast`` are the vote's
    voter keys (``session.votes.voter_keys``)."""
    if Role.RESIDENT.value not in person.roles:
        return False
    try:
        key = voting.voter_key(vote, f"p{person.id}")
    except UserFacingError:
        return False  # closed meanwhile, or its key file is lost: no ballot can be cast
    return key not in cast
