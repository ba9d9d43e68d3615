"""Migration 40. A community's own calendar: the rhythm its secretary chose in the bot.

JSON of the fields a community may choose (bot/community/calendar_choices.py:
session_weekday, session_time, talk_days, talk_day_time, party_day, party_day_time,
party_day_max_shift); a field not there is the street's (the configuration's
``[calendar]``). Community 1's calendar is the configuration's, so its stays ``{}``.
"""

from __future__ import annotations

from storage.migrations.step import Migration

MIGRATION = Migration(
    40,
    "a community's own calendar choices",
    # The same statement on PostgreSQL (storage/postgres/migrations.py).
    "ALTER TABLE communities ADD COLUMN calendar TEXT NOT NULL DEFAULT '{}';",
)
