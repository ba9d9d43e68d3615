"""Excused absence (请假): the rules lessons and volunteering share.

A member who cannot attend a lesson or a make-up, or a volunteer who cannot make
an activity, asks for leave with a reason (one line, at most :data:`MAX_REASON`
characters); someone who may decide (a secretary for lessons, the organiser or a
secretary for an activity) approves or refuses it, once. The features decide who
may ask, until when, who decides and what an approval does (bot/lessons/leave.py,
bot/volunteering/leave.py); this module keeps what is the same for all of them:
the reason, one open request per person and target, a refused one asked anew, a
decision taken once (a second press says who decided already).
"""

from __future__ import annotations

from datetime import datetime

from bot import usertext
from bot.errors import UserFacingError
from storage.community.leave import EXCUSING, LeaveRow
from storage.session import Session

__all__ = ["EXCUSING", "MAX_REASON", "ask", "decide", "may_ask", "reason_of"]

#: The longest reason, in characters (the table's CHECK says the same).
MAX_REASON = 200


def reason_of(text: str) -> str:
    """The typed reason made safe, or a short refusal."""
    reason = usertext.line(text)
    if not reason or len(reason) > MAX_REASON:
        raise UserFacingError("leave.reason_bad", limit=MAX_REASON)
    return reason


async def may_ask(session: Session, kind: str, target_id: int, person_id: int) -> None:
    """Refuse a second request while one is open or approved (a refused one may be asked
    again)."""
    existing = await session.leave.of(kind, target_id, person_id)
    if existing is not None and existing.state == "requested":
        raise UserFacingError("leave.already_asked")
    if existing is not None and existing.state == "approved":
        raise UserFacingError("leave.already_approved")


async def ask(
    session: Session, kind: str, target_id: int, person_id: int, reason: str, now: datetime
) -> LeaveRow:
    """Record the request in this unit of work; returns it."""
    await may_ask(session, kind, target_id, person_id)
    request_id = await session.leave.ask(kind, target_id, person_id, reason, now)
    request = await session.leave.get(request_id)
    assert request is not None  # noqa: S101 - just written
    return request


async def decide(
    session: Session, request_id: int, approve: bool, decider_id: int, now: datetime
) -> LeaveRow:
    """Approve or refuse, once: a request decided before is refused with who decided;
    nobody decides their own."""
    request = await session.leave.get(request_id)
    if request is None:
        raise UserFacingError("leave.not_found")
    if request.person_id == decider_id:
        raise UserFacingError("leave.not_own")
    if not await session.leave.decide(request_id, approve, decider_id, now):
        key = "leave.decided_approved" if request.state == "approved" else "leave.decided_refused"
        raise UserFacingError(key, name=request.decided_by_name or "—")
    decided = await session.leave.get(request_id)
    assert decided is not None  # noqa: S101 - it exists
    return decided
