"""Guided conversations in general: which one a person is in, and leaving it.

Each flow (registration now; raising a matter, writing a lesson later) keeps
its own steps; this service only answers "which flow and step is this person
at?" so the handler layer can route a typed answer, and ends a flow on /cancel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.clock import Clock, system_clock
from bot.errors import UserFacingError
from storage import Storage
from storage.dialogs import DialogRow
from storage.session import Session


@dataclass(frozen=True)
class OpenDialog:
    """The flow and step a person is at in one chat."""

    flow: str
    step: str


class DialogService:
    """Looks up and ends guided conversations."""

    def __init__(self, db: Storage, clock: Clock = system_clock) -> None:
        self._db = db
        self._clock = clock

    async def current(self, chat_id: int, user_id: int) -> OpenDialog | None:
        """The person's open conversation in this chat, or None."""
        async with self._db.read() as session:
            dialog = await session.dialogs.get(chat_id, user_id)
        return OpenDialog(dialog.flow, dialog.step) if dialog else None

    async def cancel(self, chat_id: int, user_id: int) -> bool:
        """End the person's conversation in this chat; False if there was none."""
        async with self._db.transaction() as session:
            return await session.dialogs.end(chat_id, user_id)


async def expect_step(
    session: Session, chat_id: int, user_id: int, flow: str, step: str, expired_key: str
) -> DialogRow:
    """The person's conversation, which must be at ``step`` of ``flow``.

    Otherwise the answer (a button pressed twice or late, say) is refused with
    ``expired_key``, and nothing changes.
    """
    dialog = await session.dialogs.get(chat_id, user_id)
    if dialog is None or dialog.flow != flow or dialog.step != step:
        raise UserFacingError(expired_key)
    return dialog


async def advance_step(
    session: Session,
    chat_id: int,
    user_id: int,
    flow: str,
    *,
    from_step: str,
    to_step: str,
    expired_key: str,
    now: datetime,
    **answers: Any,
) -> dict[str, Any]:
    """Take an answer at ``from_step`` of ``flow`` and move on to ``to_step``.

    The answers are added to what the conversation holds; returns the whole.
    Refused with ``expired_key`` (nothing changes) if the person is not at
    ``from_step`` - a button pressed twice or late.
    """
    dialog = await expect_step(session, chat_id, user_id, flow, from_step, expired_key)
    data = {**dialog.data, **answers}
    await session.dialogs.put(chat_id, user_id, flow, to_step, data, now)
    return data
