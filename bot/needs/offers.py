"""The services list (服务清单): offered by members, volunteers and units; claimed by residents.

- /offer: what (at most 200 characters), when (a day from the date picker, or 长期),
  for how many people or times (buttons, or typed).
- /services: the open offers; a resident presses 认领 (once per offer while it waits);
  the offerer is told and agrees (✅ 同意) or declines. Agreed, it becomes a task for
  the offerer: a need of the resident, claimed by the offerer, carried out, confirmed
  and rated as any (bot/needs/service.py). An offer whose places are all taken closes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot import parsing, usertext
from bot.community.register import Actor, Role
from bot.config import Language
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from bot.needs import rules
from bot.needs.clocks import Armed
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, queue_push
from storage.community.people import PersonRow
from storage.needs.repository import NeedRow, OfferRow
from storage.session import Session

if TYPE_CHECKING:
    from bot.needs.service import NeedsService

#: Who offers services: members, volunteers (a unit's people are), grid workers, secretaries.
OFFERER_ROLES = rules.CLAIMER_ROLES
MAX_CAPACITY = 1000
RESIDENTS_PAGE = 8


@dataclass(frozen=True)
class OfferStep:
    step: str
    data: dict[str, object]
    offer: OfferRow | None = None


class OfferService:
    """Offering, listing and claiming services."""

    def __init__(self, needs: NeedsService) -> None:
        self._needs = needs
        self._db = needs._db
        self._settings = needs._settings

    def _offerer(self, actor: Actor) -> None:
        actor.registered_person()
        if not any(actor.has(Role(role)) for role in OFFERER_ROLES):
            raise UserFacingError("needs.offerers_only")

    async def start(self, actor: Actor, chat_id: int) -> OfferStep:
        """/offer: what do you offer?"""
        self._offerer(actor)
        async with self._db.transaction() as session:
            await session.dialogs.put(
                chat_id, actor.tg_user_id, rules.OFFER_FLOW, "what", {}, self._needs.now()
            )
        return OfferStep("what", {})

    async def _advance(
        self, session: Session, actor: Actor, chat_id: int, step: str, to: str, **answers: object
    ) -> dict[str, object]:
        dialog = await expect_step(
            session, chat_id, actor.tg_user_id, rules.OFFER_FLOW, step, "needs.expired"
        )
        data = {**dialog.data, **answers}
        await session.dialogs.put(
            chat_id, actor.tg_user_id, rules.OFFER_FLOW, to, data, self._needs.now()
        )
        return data

    async def answer(self, actor: Actor, chat_id: int, step: str, text: str) -> OfferStep:
        """A typed answer: what; the day; how many."""
        self._offerer(actor)
        if step == "what":
            what = usertext.line(text)
            if not what:
                raise UserFacingError("needs.empty")
            if len(what) > rules.MAX_WHAT:
                raise UserFacingError("needs.too_long", limit=rules.MAX_WHAT, length=len(what))
            async with self._db.transaction() as session:
                data = await self._advance(session, actor, chat_id, "what", "when", what=what)
            return OfferStep("when", data)
        if step == "when":
            day = parsing.iso_day(text) or parsing.written_day(text)
            if day is None:
                raise UserFacingError("needs.due_unreadable")
            if day < self._needs.today():
                raise UserFacingError("needs.due_past")
            return await self.when(actor, chat_id, day.isoformat())
        if step == "count":
            count = parsing.number(usertext.line(text), low=1, high=MAX_CAPACITY)
            if count is None:
                raise UserFacingError("needs.count_bad", limit=MAX_CAPACITY)
            return await self.count(actor, chat_id, count)
        raise UserFacingError("needs.use_buttons")

    async def when(self, actor: Actor, chat_id: int, day: str | None) -> OfferStep:
        """The day (ISO) or None for 长期 (long-term)."""
        self._offerer(actor)
        async with self._db.transaction() as session:
            data = await self._advance(session, actor, chat_id, "when", "count", day=day)
        return OfferStep("count", data)

    async def count(self, actor: Actor, chat_id: int, count: int) -> OfferStep:
        """How many: the offer is on the services list."""
        me = actor.registered_person()
        self._offerer(actor)
        if not 1 <= count <= MAX_CAPACITY:
            raise UserFacingError("needs.count_bad", limit=MAX_CAPACITY)
        now = self._needs.now()
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, rules.OFFER_FLOW, "count", "needs.expired"
            )
            data = dialog.data
            await session.dialogs.end(chat_id, actor.tg_user_id)
            day = parsing.iso_day(str(data["day"])) if data.get("day") else None
            offer_id = await session.needs.add_offer(me.id, str(data["what"]), day, count, now)
            await session.audit.record(
                at=now, action="offer.add", actor_id=me.id, detail=str(offer_id)
            )
            offer = await session.needs.offer(offer_id)
        return OfferStep("done", data, offer)

    async def page(self, actor: Actor, page: int) -> tuple[list[OfferRow], int, int]:
        """/services: the open offers (page, page number, pages)."""
        actor.registered_person()
        async with self._db.read() as session:
            offers = await session.needs.open_offers(self._needs.today(), 0, 1000)
        pages = max(1, -(-len(offers) // rules.PAGE_SIZE))
        page = min(max(page, 0), pages - 1)
        return offers[page * rules.PAGE_SIZE : (page + 1) * rules.PAGE_SIZE], page, pages

    async def offer(self, actor: Actor, offer_id: int) -> OfferRow:
        actor.registered_person()
        async with self._db.read() as session:
            offer = await session.needs.offer(offer_id)
        if offer is None:
            raise UserFacingError("needs.offer_gone")
        return offer

    async def residents(self, actor: Actor, page: int) -> tuple[list[PersonRow], int, int]:
        """The residents a secretary may claim a service for (page, page number, pages)."""
        actor.require(Role.SECRETARY)
        async with self._db.read() as session:
            people = await session.people.with_role(Role.RESIDENT.value)
        pages = max(1, -(-len(people) // RESIDENTS_PAGE))
        page = min(max(page, 0), pages - 1)
        return people[page * RESIDENTS_PAGE : (page + 1) * RESIDENTS_PAGE], page, pages

    async def claim(
        self, actor: Actor, offer_id: int, for_person: int | None = None
    ) -> tuple[OfferRow, PersonRow]:
        """认领 a service (a resident, or a secretary on a resident's behalf): the
        offerer is asked; returns the offer and the resident it is for."""
        if for_person is None:
            me = actor.member(Role.RESIDENT, "needs.residents_only")
        else:
            actor.require(Role.SECRETARY)
        claimer = actor.registered_person()
        now = self._needs.now()
        async with self._db.transaction() as session:
            if for_person is not None:
                resident = await session.people.by_id(for_person)
                if resident is None:
                    raise UserFacingError("needs.gone")
                me = resident
            offer = await session.needs.offer(offer_id)
            if offer is None or offer.state != "open":
                raise UserFacingError("needs.offer_gone")
            if offer.person_id == me.id:
                raise UserFacingError("needs.own_offer")
            claim_id = await session.needs.add_claim(offer_id, claimer.id, me.id, now)
            if claim_id is None:
                raise UserFacingError("needs.claimed_already")
            await session.audit.record(
                at=now, action="offer.claim", actor_id=me.id, detail=str(offer_id)
            )
            offerer = await session.people.by_id(offer.person_id)
            if offerer is not None and offerer.reachable:
                language = Language(offerer.language)
                answer = f"{rules.OFFER_ANSWER_PREFIX}:{claim_id}"
                message = OutgoingMessage(
                    "needs.offer_claimed_push",
                    language,
                    {
                        "what": offer.what,
                        "name": me.display_name,
                        "building": me.building or "",
                    },
                    buttons=(
                        (
                            ButtonSpec("needs.agree_button", callback_data=f"{answer}:1"),
                            ButtonSpec("needs.decline_button", callback_data=f"{answer}:0"),
                        ),
                    ),
                )
                await queue_push(
                    session,
                    kind=rules.OFFER_KIND,
                    title=str(offer.id),
                    deliveries=[Delivery(offerer.tg_user_id, offerer.id, message)],
                    dedupe_prefix=f"{rules.OFFER_KIND}:{claim_id}",
                    now=now,
                )
        return offer, me

    async def decide(
        self, actor: Actor, claim_id: int, agreed: bool
    ) -> tuple[OfferRow, NeedRow | None]:
        """The offerer's ✅ 同意 (a task for them) or 婉拒; once."""
        me = actor.registered_person()
        now = self._needs.now()
        armed: Armed = []
        stopped: list[int] = []
        need: NeedRow | None = None
        async with self._db.transaction() as session:
            claim = await session.needs.claim_of_offer(claim_id)
            offer = await session.needs.offer(claim.offer_id) if claim else None
            if claim is None or offer is None:
                raise UserFacingError("needs.offer_gone")
            if offer.person_id != me.id:
                raise UserFacingError("needs.not_owner")
            if claim.state != "asked":
                raise UserFacingError("needs.answered_already")
            if agreed and claim.for_person is not None:
                resident = await session.people.by_id(claim.for_person)
                keys = [c.key for c in self._settings.needs.categories]
                category = "other" if "other" in keys else keys[0]
                need = await self._needs.post_in(
                    session,
                    armed,
                    route=False,
                    resident_id=claim.for_person,
                    recorded_by=None,
                    category=category,
                    building=resident.building if resident else None,
                    urgent=False,
                    text=offer.what,
                    photo=None,
                    voice=None,
                )
                await session.needs.set_offer(need.id, offer.id)
                need, stopped = await self._needs.take_in(session, me, need.id, armed)
                if offer.taken + 1 >= offer.capacity:
                    await session.needs.close_offer(offer.id)
            elif claim.for_person is not None:
                person = await session.people.by_id(claim.for_person)
                if person is not None and person.reachable:
                    language = Language(person.language)
                    message = OutgoingMessage(
                        "needs.offer_declined_push",
                        language,
                        {"what": offer.what, "name": me.display_name},
                    )
                    await queue_push(
                        session,
                        kind=rules.OFFER_KIND,
                        title=str(offer.id),
                        deliveries=[Delivery(person.tg_user_id, person.id, message)],
                        dedupe_prefix=f"{rules.OFFER_KIND}:declined:{claim_id}",
                        now=now,
                    )
            if not await session.needs.decide_claim(
                claim_id, agreed, need.id if need else None, now
            ):
                raise UserFacingError("needs.answered_already")
        self._needs.clocks.arm(armed, stopped)
        return offer, need
