"""Migration 3. Deliberation, first steps: matters raised by residents and their supports."""

from __future__ import annotations

from storage.migrations.step import Migration

MIGRATION = Migration(
    3,
    "deliberation: matters raised by residents and their supports",
    """
        CREATE TABLE matters (
            id               INTEGER PRIMARY KEY,
            title            TEXT    NOT NULL CHECK (length(title) BETWEEN 2 AND 40),
            details          TEXT    NOT NULL CHECK (length(details) BETWEEN 1 AND 500),
            raised_by        INTEGER REFERENCES people(id) ON DELETE SET NULL,
            stage            TEXT    NOT NULL DEFAULT 'raised'
                             CHECK (stage IN ('raised', 'agenda', 'withdrawn')),
            support_until    TEXT    NOT NULL,
            agenda_forum     TEXT    CHECK (agenda_forum IN ('session', 'talk_day')),
            agenda_at        TEXT,
            withdrawn_reason TEXT,
            card_push_id     INTEGER REFERENCES pushes(id) ON DELETE SET NULL,
            created_at       TEXT    NOT NULL,
            updated_at       TEXT    NOT NULL
        );
        CREATE INDEX matters_by_stage ON matters(stage, id);

        -- One support per person per matter; a forgotten person's support
        -- still counts, without them.
        CREATE TABLE matter_supports (
            matter_id INTEGER NOT NULL REFERENCES matters(id) ON DELETE CASCADE,
            person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
            at        TEXT    NOT NULL,
            UNIQUE (matter_id, person_id)
        );
        """,
)
