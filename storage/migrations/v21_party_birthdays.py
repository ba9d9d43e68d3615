"""Migration 21. Party birthdays (政治生日): a member's joining date, the cards sent."""

from __future__ import annotations

from storage.migrations.step import Migration

# The Party members' own systems (issue 14, §5): on the anniversary of joining the Party
# a member gets a greeting card; the secretaries get next month's list a week before.
MIGRATION = Migration(
    21,
    "party birthdays: a member's joining date (入党日期) and the greeting cards sent",
    """
        -- The day a person joined the Party (入党日期, YYYY-MM-DD), entered by themselves
        -- or a secretary; optional. It goes with the person's row on /forget.
        ALTER TABLE people ADD COLUMN party_joined_on TEXT
            CHECK (party_joined_on IS NULL OR party_joined_on GLOB
                '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');

        -- One greeting card per member per year (政治生日贺卡): written in the unit of work
        -- that queues the card, so a firing caught up late, a restart or a second
        -- firing the same day never sends a second one.
        CREATE TABLE party_birthday_cards (
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            year      INTEGER NOT NULL,
            years     INTEGER NOT NULL,
            queued_at TEXT    NOT NULL,
            PRIMARY KEY (person_id, year)
        ) WITHOUT ROWID;
        """,
)
