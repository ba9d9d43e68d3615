"""Migration 42. Conventions (社区公约 #N) and Micro Party lessons (微党课 #N) numbered
per community.

As matters were until migration 30, a convention's and a lesson's number was its row
id, shared by the whole street: 幸福社区's first convention could be 公约 #7. Each now
carries ``number``, counted within its community (the repositories give the next one
at insert: storage/deliberation/votes.py, storage/lessons/lessons.py); existing rows
keep the number they were shown with (their id), so nothing printed or posted before
changes meaning. Callback data, dialogs and schedule payloads keep using ids (lookups
by id are scoped to the community).
"""

from __future__ import annotations

import textwrap

from storage.migrations.numbering import postgres_numbering
from storage.migrations.step import Migration

MIGRATION = Migration(
    42,
    "conventions and lessons numbered per community (number, unique within it)",
    """
        ALTER TABLE conventions ADD COLUMN number INTEGER CHECK (number >= 1);
        UPDATE conventions SET number = id;
        CREATE UNIQUE INDEX conventions_by_number ON conventions(community_id, number);
        -- A row inserted without a number (by hand, or an old test fixture) gets the
        -- next one of its community; the repositories always write it.
        CREATE TRIGGER conventions_next_number AFTER INSERT ON conventions
            WHEN NEW.number IS NULL
        BEGIN
            UPDATE conventions SET number = (SELECT coalesce(max(number), 0) + 1
                FROM conventions WHERE community_id = NEW.community_id) WHERE id = NEW.id;
        END;

        ALTER TABLE lessons ADD COLUMN number INTEGER CHECK (number >= 1);
        UPDATE lessons SET number = id;
        CREATE UNIQUE INDEX lessons_by_number ON lessons(community_id, number);
        CREATE TRIGGER lessons_next_number AFTER INSERT ON lessons WHEN NEW.number IS NULL
        BEGIN
            UPDATE lessons SET number = (SELECT coalesce(max(number), 0) + 1
                FROM lessons WHERE community_id = NEW.community_id) WHERE id = NEW.id;
        END;
    """,
)

#: PostgreSQL's twin (storage/postgres/migrations.py): the same columns and indexes; a
#: BEFORE INSERT trigger numbers a row that comes without one, as baseline.py's
#: ``matters_next_number`` does for matters (storage/migrations/numbering.py writes both).
POSTGRES_SQL = (
    "\n"
    + textwrap.indent(
        "\n\n".join(postgres_numbering(table) for table in ("conventions", "lessons")), "    "
    )
    + "\n"
)
