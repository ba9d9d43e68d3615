"""Referrals out (社区吹哨、部门报到): a matter referred to an outside department.

/refer N records the department, what is asked and an optional due date; the
referral stays open until /answer records the department's answer.
"""

from __future__ import annotations

from datetime import datetime

from bot.community.register import Actor, Role
from bot.deliberation.carrying.context import CarryingContext, clean, get_matter
from bot.deliberation.carrying.rules import (
    ANSWER_FLOW,
    MAX_ANSWER,
    MAX_DEPARTMENT,
    MAX_REQUEST,
    REFER_FLOW,
)
from bot.errors import UserFacingError
from storage.deliberation.carrying import ReferralRow
from storage.deliberation.matters import MatterRow


class ReferralService:
    """/refer, /referrals and /answer."""

    def __init__(self, ctx: CarryingContext) -> None:
        self._ctx = ctx

    async def start_refer(self, actor: Actor, chat_id: int, matter_id: int) -> MatterRow:
        """/refer N: open the referral form; first the department."""
        actor.require(Role.SECRETARY)
        async with self._ctx.db.transaction() as session:
            matter = await get_matter(session, matter_id)
            if matter.stage in ("withdrawn", "merged"):
                raise UserFacingError("matter.gone")
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                REFER_FLOW,
                "department",
                {"matter_id": matter_id},
                self._ctx.clock(),
            )
        return matter

    async def answer_department(self, actor: Actor, chat_id: int, text: str) -> str:
        """The department; then what is asked of it."""
        actor.require(Role.SECRETARY)
        department = clean(text, MAX_DEPARTMENT)
        async with self._ctx.db.transaction() as session:
            await self._ctx.advance(
                session, actor, chat_id, REFER_FLOW, "department", "request", department=department
            )
        return department

    async def answer_request(self, actor: Actor, chat_id: int, text: str) -> str:
        """What is asked; then an optional due date."""
        actor.require(Role.SECRETARY)
        request = clean(text, MAX_REQUEST)
        async with self._ctx.db.transaction() as session:
            await self._ctx.advance(
                session, actor, chat_id, REFER_FLOW, "request", "due", request=request
            )
        return request

    async def refer(self, actor: Actor, chat_id: int, due_at: datetime | None) -> ReferralRow:
        """The due date (or none): the referral is recorded and stays open until answered."""
        actor.require(Role.SECRETARY)
        secretary = actor.person_id
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            data = await self._ctx.expect(session, actor, chat_id, REFER_FLOW, "due")
            matter_id = int(data["matter_id"])
            referral_id = await session.carrying.refer(
                matter_id,
                department=str(data["department"]),
                request=str(data["request"]),
                referred_by=secretary,
                due_at=due_at,
                now=now,
            )
            await session.matters.add_event(
                matter_id,
                "referred",
                actor_id=secretary,
                now=now,
                referral=referral_id,
                department=str(data["department"]),
                due=self._ctx.local_date(due_at) if due_at else "",
            )
            await session.dialogs.end(chat_id, actor.tg_user_id)
            await session.audit.record(
                at=now, action="matter.refer", actor_id=secretary, detail=str(matter_id)
            )
            referral = await session.carrying.referral(referral_id)
            assert referral is not None  # noqa: S101 - created just above
        return referral

    async def open_referrals(self, actor: Actor) -> list[ReferralRow]:
        """/referrals: the referrals still waiting for an answer."""
        actor.require(Role.SECRETARY)
        async with self._ctx.db.read() as session:
            return await session.carrying.open_referrals()

    async def start_answer(self, actor: Actor, chat_id: int, referral_id: int) -> ReferralRow:
        """A referral chosen from /answer's buttons; then its answer is typed."""
        actor.require(Role.SECRETARY)
        async with self._ctx.db.transaction() as session:
            referral = await session.carrying.referral(referral_id)
            if referral is None or referral.answered_at is not None:
                raise UserFacingError("carry.referral_closed")
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                ANSWER_FLOW,
                "text",
                {"referral_id": referral_id},
                self._ctx.clock(),
            )
        return referral

    async def record_answer(self, actor: Actor, chat_id: int, text: str) -> ReferralRow:
        """The department's answer: the referral is closed and the matter's history says so."""
        actor.require(Role.SECRETARY)
        secretary = actor.person_id
        answer = clean(text, MAX_ANSWER)
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            data = await self._ctx.expect(session, actor, chat_id, ANSWER_FLOW, "text")
            referral_id = int(data["referral_id"])
            if not await session.carrying.answer_referral(
                referral_id, answer=answer, recorded_by=secretary, now=now
            ):
                raise UserFacingError("carry.referral_closed")
            referral = await session.carrying.referral(referral_id)
            assert referral is not None  # noqa: S101 - updated just above
            await session.matters.add_event(
                referral.matter_id,
                "referral_answered",
                actor_id=secretary,
                now=now,
                referral=referral_id,
                department=referral.department,
                answer=answer,
            )
            await session.dialogs.end(chat_id, actor.tg_user_id)
        return referral
