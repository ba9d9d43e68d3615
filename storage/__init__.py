"""Storage: SQLite through aiosqlite (or PostgreSQL through asyncpg), numbered migrations,
one repository per aggregate.

Only this package holds SQL. Services open a unit of work with
``Storage.transaction()`` and use the repositories of the returned Session. Every
repository method that touches a community's data is scoped to the current
community (:func:`storage.scope.community_id`), which the boundary that let the work
in has set (:func:`storage.scope.in_community`).
"""

from storage.backend import Storage, open_storage
from storage.db import Database
from storage.scope import (
    NoCommunityError,
    UpdateScope,
    community_id,
    current_community,
    current_update,
    in_community,
)

__all__ = [
    "Database",
    "NoCommunityError",
    "Storage",
    "UpdateScope",
    "community_id",
    "current_community",
    "current_update",
    "in_community",
    "open_storage",
]
