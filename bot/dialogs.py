"""Guided conversations in general: which one a person is in, and leaving it.

Each flow (registration now; raising a matter, writing a lesson later) keeps
its own steps; this service only answers "which flow and step is this person
at?" so the handler layer can route a typed answer, and ends a flow on /cancel.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock, system_clock
from bot.errors import UserFacingError
from storage import Database
from storage.dialogs import DialogRow
from storage.session import Session


@dataclass(frozen=True)
class OpenDialog:
    """The flow and step a person is at in one chat."""

    flow: str
    step: str


class DialogService:
    """Looks up and ends guided conversations."""

    def __init__(self, db: Database, clock: Clock = system_clock) -> None:
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
