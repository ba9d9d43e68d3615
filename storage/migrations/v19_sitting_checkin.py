"""Migration 19. Residents check themselves in at a sitting with its rotating code."""

from __future__ import annotations

from storage.migrations.step import Migration

# Issue 13: attendance at a sitting by the session's rotating code or QR, as volunteers
# check in (bot/codes.py), beside the secretary's marks.
MIGRATION = Migration(
    19,
    "sittings' check-in code, and whether an attendee checked in or was marked",
    """
        -- The secret a sitting's rotating check-in code is made from (bot/codes.py),
        -- created when a secretary first shows the code; nothing per code is kept.
        CREATE TABLE sitting_codes (
            sitting_id INTEGER PRIMARY KEY REFERENCES sittings(id) ON DELETE CASCADE,
            secret     TEXT    NOT NULL
        );

        -- How an attendee came on the list: marked by the secretary, or checked in
        -- themselves with the code (marked_by is then NULL: nobody marked them).
        ALTER TABLE sitting_attendance ADD COLUMN source TEXT NOT NULL DEFAULT 'secretary'
            CHECK (source IN ('secretary', 'self'));
    """,
)
