"""Migration 14. Excused absence (请假): leave asked for a lesson, a make-up or an activity."""

from __future__ import annotations

from storage.migrations.step import Migration

# Participation (issue 15): a member or volunteer asks for leave with a reason; a
# secretary (lessons) or the activity's organiser decides.
MIGRATION = Migration(
    14,
    "excused absence: leave asked for a lesson, a make-up or an activity, and the decision",
    """
        -- One request per person per lesson, make-up slot or activity (target_id is
        -- the lesson's, the slot's or the activity's id, as kind says). A refused
        -- request may be asked again: the row is asked anew. The reason goes with the
        -- person (ON DELETE CASCADE); a decider who leaves the register leaves the
        -- decision nameless.
        CREATE TABLE leave_requests (
            id           INTEGER PRIMARY KEY,
            kind         TEXT    NOT NULL CHECK (kind IN ('lesson', 'makeup', 'activity')),
            target_id    INTEGER NOT NULL,
            person_id    INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            reason       TEXT    NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
            state        TEXT    NOT NULL DEFAULT 'requested'
                                 CHECK (state IN ('requested', 'approved', 'refused')),
            decided_by   INTEGER REFERENCES people(id) ON DELETE SET NULL,
            decided_at   TEXT,
            requested_at TEXT    NOT NULL,
            UNIQUE (kind, target_id, person_id)
        );
        CREATE INDEX leave_requests_by_person ON leave_requests(person_id);
        """,
)
