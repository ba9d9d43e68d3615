"""Migration 35. A household's key (its building and door) is unique per community.

Migration 27 made ``households.key`` ("h<building>/<door>") unique across the whole
database; with many communities in one deployment (issue 12) two communities may each
have a 3栋 1单元101. SQLite cannot drop a column-level UNIQUE, so the table is rebuilt
(every column copied, ``community_id`` included) with the key unique within its
community, and its index recreated. ``household_visits`` refers to it by name and keeps
its rows: the ids are copied as they were.
"""

from __future__ import annotations

from storage.migrations.step import Migration

MIGRATION = Migration(
    35,
    "households: a household's building and door unique per community, not street-wide",
    """
        CREATE TABLE households_new (
            id         INTEGER PRIMARY KEY,
            -- The household as compared (bot/deliberation/voting/electorate.household_of):
            -- "h<building>/<door>" without case, width or spaces; unique in its community.
            key        TEXT    NOT NULL,
            building   TEXT    NOT NULL CHECK (length(building) BETWEEN 1 AND 32),
            door       TEXT    NOT NULL CHECK (length(door) BETWEEN 1 AND 16),
            added      INTEGER NOT NULL DEFAULT 0 CHECK (added IN (0, 1)),
            grid_id    TEXT,
            note       TEXT    CHECK (note IS NULL OR length(note) <= 200),
            flags      TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(flags)),
            contact_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
            created_at TEXT    NOT NULL,
            community_id INTEGER NOT NULL DEFAULT 1
        );
        INSERT INTO households_new (id, key, building, door, added, grid_id, note, flags,
                                    contact_id, created_at, community_id)
            SELECT id, key, building, door, added, grid_id, note, flags,
                   contact_id, created_at, community_id FROM households;
        DROP TABLE households;
        ALTER TABLE households_new RENAME TO households;
        CREATE UNIQUE INDEX households_key ON households (community_id, key);
        CREATE INDEX households_contact ON households (contact_id);
        """,
    rebuilds_tables=True,
)
