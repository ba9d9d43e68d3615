"""Migration 11. Vote reminders: residents who asked not to be reminded to vote."""

from __future__ import annotations

from storage.migrations.step import Migration

# Participation (issue 15): reminders before a vote closes, which a resident can turn off.
MIGRATION = Migration(
    11,
    "vote reminders: residents who turned off the reminders to vote",
    """
        -- A resident who turned off the private reminders sent before a vote closes
        -- to those who have not voted. Who was reminded is not kept: each reminder
        -- fires once and queues each message once (the outbox's keys say so).
        CREATE TABLE reminder_opt_outs (
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            kind      TEXT    NOT NULL CHECK (kind IN ('vote')),
            at        TEXT    NOT NULL,
            PRIMARY KEY (person_id, kind)
        ) WITHOUT ROWID;
        """,
)
