"""Which Telegram update the current task is handling, for exactly-once bookkeeping.

The update ingress sets :data:`current_update` around the handling of each
update. The database uses it to mark the update done in the same transaction
as its effect, and the audit log to note which update caused an entry.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class UpdateScope:
    """The update being handled in this task, and what became of it."""

    update_id: int
    completed: bool = False
    failed: bool = False


current_update: ContextVar[UpdateScope | None] = ContextVar("current_update", default=None)
