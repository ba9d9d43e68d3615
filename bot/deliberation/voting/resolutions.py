"""The resolution of a decided matter and the conventions register."""

from __future__ import annotations

from storage.deliberation.votes import VoteRow
from storage.session import Session


async def _amends_of(session: Session, vote: VoteRow) -> int | None:
    """The convention the vote's matter amends, as recorded when the vote was opened."""
    for event in reversed(await session.matters.events(vote.matter_id)):
        if event.kind == "vote_opened" and event.detail.get("vote") == vote.id:
            amends = event.detail.get("amends")
            return int(amends) if amends is not None else None
    return None
