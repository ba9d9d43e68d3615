"""Migration 44. Needs (需求 #N), surveys (问卷 #N), volunteer check-in records (记录 #N)
and Party members' commitments (党员承诺 #N) numbered per community.

As leave requests and activities were until migration 43, their number was the row
id, shared by the whole street: 和平社区's first need could be 需求 #5734, which told
every resident how busy the whole street is. Each now carries ``number``, counted
within its community. The repositories give the next one at insert
(storage/needs/repository.py, storage/surveys/surveys.py, storage/volunteering/desk.py,
storage/members/commitments.py); existing rows keep the number they were shown with
(their id), so nothing printed or posted before changes meaning. Callback data,
dialogs and schedule payloads keep using ids (lookups by id are scoped to the
community). The SQL is storage/migrations/numbering.py's, as the PostgreSQL twin's is.
"""

from __future__ import annotations

from storage.migrations.numbering import postgres_numbering, sqlite_numbering
from storage.migrations.step import Migration

#: The tables numbered by this step.
TABLES = ("needs", "surveys", "checkins", "party_commitments")

MIGRATION = Migration(
    44,
    "needs, surveys, check-ins and Party commitments numbered per community",
    "\n".join(sqlite_numbering(table) for table in TABLES),
)

#: PostgreSQL's twin (storage/postgres/migrations.py): the same columns and indexes, with
#: BEFORE INSERT plpgsql triggers as the other numbered tables have.
POSTGRES_SQL = "\n".join(postgres_numbering(table) for table in TABLES)
