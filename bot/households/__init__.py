"""Households and the members who look after them (党员联户), issue 14 §4.

For other features: :func:`contact_member_for` (the member who looks after a person's
household: a need goes to them first) and :func:`visits_per_member` (visits in a year,
for the year-end appraisal). The service is bot/households/service.py.
"""

from bot.households.records import contact_member_for, visits_per_member

__all__ = ["contact_member_for", "visits_per_member"]
