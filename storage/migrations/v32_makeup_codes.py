"""Migration 32. A make-up slot's check-in code is unique within its community.

The code a member says at a make-up (补课 123456, bot/lessons/makeup.py) is six
digits, drawn at random and looked up in the member's own community. Unique across
the whole street it would make one community's draws collide with another's and
tell nothing the lookup needs, so ``UNIQUE (code)`` becomes
``UNIQUE (community_id, code)``. SQLite cannot drop a column's UNIQUE: the table is
rebuilt, every column copied (``community_id`` too); it had no other index or
trigger. ``makeup_bookings`` refers to it by name, so its key finds the new table.
"""

from __future__ import annotations

from storage.migrations.step import Migration

MIGRATION = Migration(
    32,
    "make-up slots: the check-in code unique within its community",
    """
        CREATE TABLE makeup_slots_new (
            id           INTEGER PRIMARY KEY,
            lesson_id    INTEGER NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
            starts_at    TEXT    NOT NULL,
            place        TEXT    NOT NULL CHECK (length(place) BETWEEN 1 AND 60),
            capacity     INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 500),
            code         TEXT    NOT NULL,
            created_by   INTEGER REFERENCES people(id) ON DELETE SET NULL,
            created_at   TEXT    NOT NULL,
            community_id INTEGER NOT NULL DEFAULT 1,
            UNIQUE (community_id, code)
        );
        INSERT INTO makeup_slots_new (id, lesson_id, starts_at, place, capacity, code,
                                      created_by, created_at, community_id)
            SELECT id, lesson_id, starts_at, place, capacity, code,
                   created_by, created_at, community_id FROM makeup_slots;
        DROP TABLE makeup_slots;
        ALTER TABLE makeup_slots_new RENAME TO makeup_slots;
        """,
    rebuilds_tables=True,
)
