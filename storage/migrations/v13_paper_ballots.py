"""Migration 13. Paper ballots at the pavilion: a sitting's attendance list and paper counts."""

from __future__ import annotations

from storage.migrations.step import Migration

# Participation (issue 15): paper ballots, guarded by the in-person attendance list.
MIGRATION = Migration(
    13,
    "paper ballots: sittings' attendance, paper voters and paper counts",
    """
        -- Who of the register was present at a sitting: a registered person or a
        -- resident entered on paper (exactly one of the two), who marked them, when.
        CREATE TABLE sitting_attendance (
            id                INTEGER PRIMARY KEY,
            sitting_id        INTEGER NOT NULL REFERENCES sittings(id) ON DELETE CASCADE,
            person_id         INTEGER REFERENCES people(id) ON DELETE CASCADE,
            paper_resident_id INTEGER REFERENCES paper_residents(id) ON DELETE CASCADE,
            marked_by         INTEGER REFERENCES people(id) ON DELETE SET NULL,
            marked_at         TEXT    NOT NULL,
            CHECK ((person_id IS NULL) <> (paper_resident_id IS NULL)),
            UNIQUE (sitting_id, person_id),
            UNIQUE (sitting_id, paper_resident_id)
        );

        -- How many attendees not in the register came to a sitting.
        CREATE TABLE sitting_guests (
            sitting_id INTEGER PRIMARY KEY REFERENCES sittings(id) ON DELETE CASCADE,
            count      INTEGER NOT NULL CHECK (count BETWEEN 0 AND 100000),
            set_by     INTEGER REFERENCES people(id) ON DELETE SET NULL,
            set_at     TEXT    NOT NULL
        );

        -- Registered attendees who handed in a paper ballot for a vote: never what
        -- they chose. One per person per vote; their Telegram ballot is refused.
        CREATE TABLE paper_voters (
            id                INTEGER PRIMARY KEY,
            vote_id           INTEGER NOT NULL REFERENCES votes(id) ON DELETE CASCADE,
            sitting_id        INTEGER NOT NULL REFERENCES sittings(id) ON DELETE CASCADE,
            person_id         INTEGER REFERENCES people(id) ON DELETE CASCADE,
            paper_resident_id INTEGER REFERENCES paper_residents(id) ON DELETE CASCADE,
            marked_by         INTEGER REFERENCES people(id) ON DELETE SET NULL,
            marked_at         TEXT    NOT NULL,
            CHECK ((person_id IS NULL) <> (paper_resident_id IS NULL)),
            UNIQUE (vote_id, person_id),
            UNIQUE (vote_id, paper_resident_id)
        );

        -- The count of a vote's paper ballots per option (a later entry replaces it;
        -- the audit log keeps the earlier one). Counter and witness: a registered
        -- person (the id) or a name typed by the secretary (the name).
        CREATE TABLE paper_counts (
            vote_id      INTEGER PRIMARY KEY REFERENCES votes(id) ON DELETE CASCADE,
            sitting_id   INTEGER REFERENCES sittings(id) ON DELETE SET NULL,
            counts       TEXT    NOT NULL,      -- JSON list, one count per option
            ballots      INTEGER NOT NULL CHECK (ballots >= 0),
            counter_id   INTEGER REFERENCES people(id) ON DELETE SET NULL,
            counter_name TEXT    CHECK (length(counter_name) <= 64),
            witness_id   INTEGER REFERENCES people(id) ON DELETE SET NULL,
            witness_name TEXT    CHECK (length(witness_name) <= 64),
            entered_by   INTEGER REFERENCES people(id) ON DELETE SET NULL,
            entered_at   TEXT    NOT NULL
        );
        """,
)
