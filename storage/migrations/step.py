"""One schema step, and the SQL fragments more than one step shares."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    """One schema step: its number, what it is for, and its SQL."""

    version: int
    description: str
    sql: str
    #: Rebuilds a table (SQLite cannot change a CHECK in place): run with
    #: foreign-key enforcement off, as SQLite's documented procedure asks, so
    #: dropping the old table does not cascade; keys are checked before commit.
    rebuilds_tables: bool = False
    #: After it commits, the whole file is rewritten (VACUUM, then the WAL truncated).
    vacuums: bool = False


#: The roles a person can hold, as an SQL list for CHECK constraints.
ROLES_SQL = "'resident','volunteer','party_member','grid_worker','supervisor','secretary'"
