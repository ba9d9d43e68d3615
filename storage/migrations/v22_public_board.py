"""Migration 22. The public board (信息公开): how-to pages, and who follows which matter."""

from __future__ import annotations

from storage.migrations.step import Migration

# The public board (issue 14, §6): residents browse the committee, the how-to pages a
# secretary writes (办事流程) and the resolutions; a resident may follow a matter and
# is told privately of each change.
MIGRATION = Migration(
    22,
    "public board: how-to pages (办事流程) and the matters residents follow (关注)",
    """
        -- A how-to page (办事流程) a secretary writes: a title and a text. Its writer is
        -- kept for the record; the page stays (nameless) when they are forgotten.
        CREATE TABLE board_pages (
            id         INTEGER PRIMARY KEY,
            title      TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 40),
            body       TEXT    NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
            created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
            created_at TEXT    NOT NULL,
            updated_at TEXT    NOT NULL
        );

        -- A resident follows a matter (关注): told privately of each change of it. Goes
        -- with the person (and with the matter).
        CREATE TABLE matter_follows (
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            matter_id INTEGER NOT NULL REFERENCES matters(id) ON DELETE CASCADE,
            since     TEXT    NOT NULL,
            PRIMARY KEY (person_id, matter_id)
        ) WITHOUT ROWID;
        CREATE INDEX matter_follows_by_matter ON matter_follows(matter_id, person_id);
        """,
)
