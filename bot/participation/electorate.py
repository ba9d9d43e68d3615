"""Whether a vote awaits a person's ballot: the ONE place that decides it for /mine.

A vote awaits a resident who is in its electorate (the whole community, some
buildings, a grid, or one vote per household: bot/deliberation/voting/electorate.py)
and whose ballot (in a household vote: whose household's ballot) is not in the box,
online, by proxy or on paper at the pavilion: the vote's :class:`BallotBox`, as the
reminders to vote read it (bot/deliberation/voting/reminders.py).
"""

from __future__ import annotations

from bot.community.register import Role
from bot.deliberation.voting.context import VotingContext
from bot.deliberation.voting.electorate import BallotBox, may_vote
from bot.errors import UserFacingError
from storage.community.people import PersonRow
from storage.deliberation.votes import VoteRow


def awaits_ballot(voting: VotingContext, vote: VoteRow, person: PersonRow, box: BallotBox) -> bool:
    """Whether ``person`` may vote in ``vote`` and has not; ``box`` says who has
    (``ballot_box(session, vote)``)."""
    if Role.RESIDENT.value not in person.roles or not may_vote(person, vote):
        return False
    try:
        return not box.has_voted(vote, person, voting.voter_key)
    except UserFacingError:
        return False  # closed meanwhile, or its key file is lost: no ballot can be cast
