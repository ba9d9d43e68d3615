"""Migration 47. Services offered (服务清单) numbered per community.

The services list's sheet numbered each offer by its row id, shared by the whole
street, as needs were until migration 44: 和平社区's first offer could be #812.
``need_offers`` now carries ``number``, counted within its community; the repository
gives the next one at insert (storage/needs/repository.py), and existing offers keep
the number they were shown with (their id). Callback data keeps using ids (lookups
by id are scoped to the community). The SQL is storage/migrations/numbering.py's.
"""

from __future__ import annotations

from storage.migrations.numbering import postgres_numbering, sqlite_numbering
from storage.migrations.step import Migration

MIGRATION = Migration(
    47, "services offered numbered per community", sqlite_numbering("need_offers")
)

#: PostgreSQL's twin (storage/postgres/migrations.py), with its BEFORE INSERT trigger.
POSTGRES_SQL = postgres_numbering("need_offers")
