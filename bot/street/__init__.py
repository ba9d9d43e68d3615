"""The street level (街道): communities created and renamed, their first secretaries
appointed by a link, and the street view of every community's figures.

- service.py: :class:`Street`, the street administrators' tools (``Services.street``);
- invites.py: the link that appoints a community's first secretary;
- period.py: a month or a year;
- figures.py: one community's figures, read inside it;
- overview.py: the street view and the monthly summary;
- sheets.py: the street view as a workbook.
"""

from bot.street.service import Street

__all__ = ["Street"]
