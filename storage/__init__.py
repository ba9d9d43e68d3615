"""Storage: SQLite through aiosqlite, numbered migrations, one repository per aggregate.

Only this package holds SQL. Services open a unit of work with
``Database.transaction()`` and use the repositories of the returned Session.
"""

from storage.db import Database
from storage.scope import UpdateScope, current_update

__all__ = ["Database", "UpdateScope", "current_update"]
