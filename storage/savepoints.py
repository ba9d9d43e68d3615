"""A step of a unit of work that may fail alone (SQL SAVEPOINT, on both engines).

On SQLite a statement that breaks a constraint fails alone; on PostgreSQL it
spoils the whole transaction unless a savepoint was set before it. A step whose
failure the caller handles (a code already taken, say) runs inside
:func:`savepoint`, so the rest of the unit of work goes on in both.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

_names = itertools.count(1)


@asynccontextmanager
async def savepoint(conn: Any) -> AsyncIterator[None]:
    """Undo only this block's changes if it raises (the exception still propagates)."""
    name = f"step{next(_names)}"
    await conn.execute(f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        await conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
        await conn.execute(f"RELEASE SAVEPOINT {name}")
        raise
    await conn.execute(f"RELEASE SAVEPOINT {name}")
