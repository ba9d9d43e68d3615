"""Migration 30. Matters numbered per community; a sitting's time unique per community.

Until now a matter's number (#12) was its row id, shared by every community of the
street: 幸福社区's twelfth matter could be #57. Each matter now carries ``number``,
counted within its community (the repository gives the next one at insert,
storage/deliberation/matters.py); existing matters keep the number they were shown
with (their id), so nothing printed or posted before changes meaning. Callback data
keep using ids (lookups by id are scoped to the community).

Two communities may hold a Thursday session at the same hour: ``sittings``'
UNIQUE (forum, starts_at) becomes UNIQUE (community_id, forum, starts_at). SQLite
cannot drop a table constraint, so the table is rebuilt (same ids, so attendance,
codes, officers, excerpts and paper counts keep pointing right).
"""

from __future__ import annotations

from storage.migrations.step import Migration

MIGRATION = Migration(
    30,
    "matters numbered per community (number, unique within it); sittings' time unique"
    " per community",
    """
        ALTER TABLE matters ADD COLUMN number INTEGER CHECK (number >= 1);
        UPDATE matters SET number = id;
        CREATE UNIQUE INDEX matters_by_number ON matters(community_id, number);
        -- A matter inserted without a number (by hand, or an old test fixture) gets the
        -- next one of its community; the repository always writes it.
        CREATE TRIGGER matters_next_number AFTER INSERT ON matters WHEN NEW.number IS NULL
        BEGIN
            UPDATE matters SET number = (SELECT coalesce(max(number), 0) + 1 FROM matters
                WHERE community_id = NEW.community_id) WHERE id = NEW.id;
        END;

        CREATE TABLE sittings_new (
            id                INTEGER PRIMARY KEY,
            forum             TEXT    NOT NULL CHECK (forum IN ('session', 'talk_day')),
            starts_at         TEXT    NOT NULL,
            agenda_posted_at  TEXT,
            opened_at         TEXT,
            closed_at         TEXT,
            notes             TEXT    CHECK (length(notes) <= 2000),
            minutes_posted_at TEXT,
            community_id      INTEGER NOT NULL DEFAULT 1,
            UNIQUE (community_id, forum, starts_at)
        );
        INSERT INTO sittings_new (id, forum, starts_at, agenda_posted_at, opened_at,
            closed_at, notes, minutes_posted_at, community_id)
        SELECT id, forum, starts_at, agenda_posted_at, opened_at, closed_at, notes,
            minutes_posted_at, community_id FROM sittings;
        DROP TABLE sittings;
        ALTER TABLE sittings_new RENAME TO sittings;
        CREATE INDEX sittings_by_start ON sittings(community_id, starts_at);
    """,
    rebuilds_tables=True,
)
