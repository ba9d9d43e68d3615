"""Which Telegram update and which community the current task is working for.

The update ingress sets :data:`current_update` around the handling of each
update. The database uses it to mark the update done in the same transaction
as its effect, and the audit log to note which update caused an entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class UpdateScope:
    """The update being handled in this task, and what became of it."""

    update_id: int
    completed: bool = False
    failed: bool = False


current_update: ContextVar[UpdateScope | None] = ContextVar("current_update", default=None)


class NoCommunityError(RuntimeError):
    """A community's data was asked for outside any community: a bug, never a user's error."""


#: The community the current unit of work belongs to. Set at each boundary where work
#: enters the bot (an update, once its chat or sender is known; a schedule firing; an
#: outbox row's follow-up; a command-line job); every scoped repository method reads
#: it through :func:`community_id`, so no query of a community's data can run unscoped.
current_community: ContextVar[int | None] = ContextVar("current_community", default=None)


def community_id() -> int:
    """The current community's id, for a scoped query; raises outside any community."""
    found = current_community.get()
    if found is None:
        raise NoCommunityError("no community is set for this unit of work")
    return found


@contextmanager
def in_community(community: int) -> Iterator[None]:
    """Run the block as work of ``community`` (and restore the previous one after)."""
    token = current_community.set(community)
    try:
        yield
    finally:
        current_community.reset(token)
