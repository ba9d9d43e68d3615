"""Migration 23. The commitment system (党员承诺制): a member's commitments, their progress."""

from __future__ import annotations

from storage.migrations.step import Migration

# The Party members' own systems (issue 14, §1): a member proposes a commitment, a
# secretary approves it (a signed pledge card, posted) or returns it with a reason;
# the member reports progress and marks it carried out.
MIGRATION = Migration(
    23,
    "party commitments (党员承诺): what, for whom, by when; the secretary's decision; progress",
    """
        CREATE TABLE party_commitments (
            id           INTEGER PRIMARY KEY,
            -- The member's own words: they go with the member on /forget.
            person_id    INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            what         TEXT    NOT NULL,
            for_whom     TEXT    NOT NULL,
            due_on       TEXT    NOT NULL CHECK (due_on GLOB
                '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            -- A phone number shown on the pledge, only if the member chose to give one;
            -- otherwise they are reached through the bot.
            phone        TEXT,
            -- Every phone number the member gave for it (a JSON list; an edit may change
            -- it): /forget removes each from the messages the bot keeps.
            phones_given TEXT    NOT NULL DEFAULT '[]',
            state        TEXT    NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'returned', 'approved', 'done')),
            return_reason TEXT,
            submitted_at TEXT    NOT NULL,
            -- 1, then one more each time a returned commitment is resubmitted.
            round        INTEGER NOT NULL DEFAULT 1,
            decided_by   INTEGER REFERENCES people(id) ON DELETE SET NULL,
            decided_at   TEXT,
            approved_on  TEXT,
            done_at      TEXT,
            -- The reminder before the deadline, sent once.
            reminded_at  TEXT
        );
        CREATE INDEX party_commitments_person ON party_commitments (person_id);

        CREATE TABLE commitment_progress (
            id            INTEGER PRIMARY KEY,
            commitment_id INTEGER NOT NULL REFERENCES party_commitments(id) ON DELETE CASCADE,
            person_id     INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            text          TEXT    NOT NULL,
            photo         TEXT,
            at            TEXT    NOT NULL
        );
        CREATE INDEX commitment_progress_commitment ON commitment_progress (commitment_id);
        """,
)
