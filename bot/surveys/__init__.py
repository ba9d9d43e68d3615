"""Surveys (民意测评): a secretary asks residents, they answer privately, the committee responds.

The parts: :mod:`.rules` (limits, names, button data), :mod:`.building` (the
guided builder and sending), :mod:`.answering` (answers, and how anonymous
ones stay unlinked), :mod:`.reminders` (before the close), :mod:`.results`
(the close, counts, the published response, the ledger's sheet) and
:mod:`.service` (``services.surveys``).
"""
