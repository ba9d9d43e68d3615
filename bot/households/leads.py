"""Lead households (党员中心户): a secretary marks a Party member as one and links
members to them ("每个党员中心户联系10名左右党员").

More than ``[households] members_per_lead`` members under one lead, or a member with
more than ``households_per_member`` households, is warned on the screen, never
refused. ``HouseholdsService`` composes this as ``.leads``; the tree and the contact
choices share :func:`party_members` with it.
"""

from __future__ import annotations

from bot.clock import Clock
from bot.community.register import Actor, Role
from bot.config import Settings
from bot.errors import UserFacingError
from bot.households.views import CandidatePage, LeadSummary, LeadView, MemberChoice, natural
from storage import Storage
from storage.community.people import PersonRow
from storage.session import Session

#: Party members offered on one page of a lead's screen or of the candidates.
PAGE_SIZE = 8


async def party_members(session: Session) -> list[PersonRow]:
    """The community's Party members, in the order people read names (natural, then id)."""
    members = await session.people.with_role(Role.PARTY_MEMBER.value)
    return sorted(members, key=lambda p: (natural(p.display_name), p.id))


class LeadHouseholds:
    """The lead households and the members linked to each (secretaries only)."""

    def __init__(self, db: Storage, settings: Settings, clock: Clock) -> None:
        self._db = db
        self._settings = settings
        self._clock = clock

    async def summaries(self, actor: Actor) -> list[LeadSummary]:
        """⭐ 党员中心户: each with how many members it looks after."""
        actor.require(Role.SECRETARY)
        async with self._db.read() as session:
            lead_ids = await session.households.leads()
            under = await session.households.lead_of_members()
            found = []
            for lead_id in lead_ids:
                person = await session.people.by_id(lead_id)
                if person is not None:
                    found.append(
                        LeadSummary(person, sum(1 for v in under.values() if v == lead_id))
                    )
        return found

    async def candidates(self, actor: Actor, page: int = 0) -> CandidatePage:
        """➕ 设立中心户: the Party members not yet a lead household."""
        actor.require(Role.SECRETARY)
        async with self._db.read() as session:
            leads = set(await session.households.leads())
            people = [p for p in await party_members(session) if p.id not in leads]
        pages = max(1, -(-len(people) // PAGE_SIZE))
        page = min(max(page, 0), pages - 1)
        return CandidatePage(people[page * PAGE_SIZE : (page + 1) * PAGE_SIZE], page, pages)

    async def mark(self, actor: Actor, person_id: int) -> LeadView:
        """A Party member made a lead household (again: nothing changes); its screen."""
        actor.require(Role.SECRETARY)
        now = self._clock()
        async with self._db.transaction() as session:
            person = await session.people.by_id(person_id)
            if person is None or Role.PARTY_MEMBER.value not in person.roles:
                raise UserFacingError("households.not_member")
            if await session.households.mark_lead(person_id, now):
                await session.audit.record(
                    at=now, action="household.lead", actor_id=actor.person_id, subject_id=person_id
                )
        return await self.view(actor, person_id)

    async def unmark(self, actor: Actor, person_id: int) -> PersonRow:
        """🗑 The person is no longer a lead household; returns them (for the reply)."""
        actor.require(Role.SECRETARY)
        now = self._clock()
        async with self._db.transaction() as session:
            person = await session.people.by_id(person_id)
            if person is None or not await session.households.unmark_lead(person_id):
                raise UserFacingError("households.lead_gone")
            await session.audit.record(
                at=now, action="household.unlead", actor_id=actor.person_id, subject_id=person_id
            )
        return person

    async def view(self, actor: Actor, lead_id: int, page: int = 0) -> LeadView:
        """A lead household: its members (with their households), the members to link."""
        actor.require(Role.SECRETARY)
        async with self._db.read() as session:
            if lead_id not in await session.households.leads():
                raise UserFacingError("households.lead_gone")
            lead = await session.people.by_id(lead_id)
            assert lead is not None  # noqa: S101 - a lead row goes with its person
            under = await session.households.lead_of_members()
            counts = await session.households.contact_counts()
            leads = set(await session.households.leads())
            party = await party_members(session)
        everyone = [p for p in party if p.id not in leads]
        names = {p.id: p.display_name for p in party}
        members = [
            MemberChoice(p, counts.get(p.id, 0), lead.display_name, True)
            for p in everyone
            if under.get(p.id) == lead_id
        ]
        # Offered: theirs first, then the lead's grid, then the others.
        offered_people = sorted(
            everyone,
            key=lambda p: (
                under.get(p.id) != lead_id,
                p.grid_id != lead.grid_id,
                natural(p.display_name),
                p.id,
            ),
        )
        pages = max(1, -(-len(offered_people) // PAGE_SIZE))
        page = min(max(page, 0), pages - 1)
        offered = [
            MemberChoice(
                p,
                counts.get(p.id, 0),
                names.get(under[p.id]) if p.id in under else None,
                under.get(p.id) == lead_id,
            )
            for p in offered_people[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        ]
        return LeadView(
            lead,
            members,
            offered,
            page,
            pages,
            self._settings.households.members_per_lead,
            self._settings.households.households_per_member,
        )

    async def toggle_member(
        self, actor: Actor, lead_id: int, member_id: int, page: int = 0
    ) -> LeadView:
        """A member linked to the lead household (moved from another), or unlinked."""
        actor.require(Role.SECRETARY)
        now = self._clock()
        async with self._db.transaction() as session:
            leads = await session.households.leads()
            if lead_id not in leads:
                raise UserFacingError("households.lead_gone")
            member = await session.people.by_id(member_id)
            if member is None or Role.PARTY_MEMBER.value not in member.roles or member_id in leads:
                raise UserFacingError("households.not_member")
            under = await session.households.lead_of_members()
            if under.get(member_id) == lead_id:
                await session.households.unlink_member(lead_id, member_id)
                action = "household.lead_unlink"
            else:
                await session.households.link_member(lead_id, member_id, now)
                action = "household.lead_link"
            await session.audit.record(
                at=now,
                action=action,
                actor_id=actor.person_id,
                subject_id=member_id,
                detail=str(lead_id),
            )
        return await self.view(actor, lead_id, page)
