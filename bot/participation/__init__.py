"""Participation that counts (issue 15): what awaits a person now (/mine) and one record
per person for a year (我的参与, and the community's table for a secretary).

``services.participation`` is a :class:`~bot.participation.service.Participation`:
``.awaiting`` (awaiting.py) and ``.record`` (record.py). Both only read the other
features' tables (through storage/participation/); the one thing this feature writes is
the poll book (storage/participation/poll_book.py), from the ballot's own cast path.
Whether a vote awaits a person's ballot is decided in ONE place, electorate.py.
"""
