"""Deciding (民决): votes on matters, the result, the resolution, the conventions register.

A secretary sets a vote up on one screen of buttons (kind, who may vote,
public or anonymous, closing time, quorum, threshold, whether it adopts a
convention) and opens it; its card goes to the residents' groups with one
button per option. Registered residents in the vote's electorate (the whole
community, some buildings, a grid, or one vote per household: electorate.py)
vote once each and may change their ballot until
the close, never after; a grid worker may record the ballot of a resident
without a phone, with the reason. At the closing time (a one-off schedule,
so it survives restarts and is done once) the result is counted from the
ballots, recorded with the exact tally, and posted; the secretary then writes
the resolution or accepts the draft made from the tally. A passed convention
enters the conventions register, superseding the one it amends.

Thresholds: "majority" passes with more yes than no votes among those who
did not abstain (yes/no votes), or an option chosen on more than half of the
ballots (option votes); "two_thirds" needs at least two thirds of the same
base. Everyone who cast a ballot, abstentions included, counts toward the
quorum, which never asks for more voters than the electorate holds; the
turnout is counted against the electorate (kept in the tally at the close).

Anonymous votes key each ballot by an HMAC whose key is not in the database
(bot/deliberation/ballot_keys.py), so one person still has one changeable ballot but the
database file alone links no ballot to anyone; the vote's nonce is erased at
the close (then nothing can link them), and the WAL is checkpointed after
anonymous ballots and closes so old bytes do not linger. An anonymous
ballot's time is the vote's opening time: a time could be matched against
other records.

Where each part lives: service.py (``Votes``, what ``services.votes`` is),
context.py (the shared context), rules.py (flows, limits, presets, labels),
setup.py (the settings screen and opening), ballots.py (casting a ballot
and counting the ballots: the tally and the result), cards.py (the vote's
card and the draft resolution), proxies.py (proxy ballots), paper.py (paper
ballots counted at the pavilion, guarded by the attendance list),
closing.py (the close and the result post), electorate.py (who may vote,
and how many), resolutions.py (the resolution
and the conventions register), reminders.py (reminding residents who have not
voted, before the close).
"""
