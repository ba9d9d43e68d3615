"""Migration 39. The inbox learns who is handling an update, and until when.

Several ``pavilion run`` processes may share a PostgreSQL database (issue #12):
each update is then claimed by one worker for a lease (``claimed_by``,
``lease_until``), and a person's updates are handled one after the other across
the workers (``order_key``: ``user:<id>``, else ``chat:<id>``), see
bot/runtime/claims.py. SQLite is one process's and leaves the three columns
empty; they are here so both engines have the same tables and columns.
"""

from __future__ import annotations

from storage.migrations.step import Migration

MIGRATION = Migration(
    39,
    "inbox: order key, claiming worker and lease (several workers on PostgreSQL)",
    """
        ALTER TABLE inbox ADD COLUMN order_key TEXT;
        ALTER TABLE inbox ADD COLUMN claimed_by TEXT;
        ALTER TABLE inbox ADD COLUMN lease_until TEXT;
    """,
)
