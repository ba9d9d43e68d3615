"""Migration 10.

Privacy: rewrite the file once, so bytes deleted before secure_delete was on are gone.
"""

from __future__ import annotations

from storage.migrations.step import Migration

# Privacy: deleted means gone from the file (issue 10).
MIGRATION = Migration(
    10,
    "rewrite the file once: bytes deleted before secure_delete was on are gone",
    """
        -- Nothing changes in the schema. Every connection now runs with
        -- PRAGMA secure_delete = ON; what was deleted before (by a build of SQLite
        -- without it on by default) may still sit in free space, so the runner
        -- rewrites the file once after this step (VACUUM).
        SELECT 1;
        """,
    vacuums=True,
)
