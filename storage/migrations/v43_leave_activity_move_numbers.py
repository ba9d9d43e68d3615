"""Migration 43. Leave requests (请假 #N), volunteer activities (志愿活动 #N) and move
requests (搬入申请 #N) numbered per community.

As conventions and lessons were until migration 42, their number was the row id,
shared by the whole street: 和平社区's first activity could be 志愿活动 #57. Each now
carries ``number``, counted within its community (a move request within the community
it asks to join, whose secretaries decide it). The repositories give the next one at
insert (storage/community/leave.py, storage/volunteering/activities.py,
storage/community/joining.py); existing rows keep the number they were shown with
(their id), so nothing printed or posted before changes meaning. Callback data, QR
codes, dialogs and schedule payloads keep using ids (lookups by id are scoped to the
community). The SQL is storage/migrations/numbering.py's, as the PostgreSQL twin's is.
"""

from __future__ import annotations

from storage.migrations.numbering import postgres_numbering, sqlite_numbering
from storage.migrations.step import Migration

#: The tables numbered by this step.
TABLES = ("leave_requests", "activities", "move_requests")

MIGRATION = Migration(
    43,
    "leave requests, activities and move requests numbered per community",
    "\n".join(sqlite_numbering(table) for table in TABLES),
)

#: PostgreSQL's twin (storage/postgres/migrations.py): the same columns and indexes, with
#: BEFORE INSERT plpgsql triggers as matters, conventions and lessons have.
POSTGRES_SQL = "\n".join(postgres_numbering(table) for table in TABLES)
