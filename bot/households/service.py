"""Households and the members who look after them (党员联户): "每个党员中心户联系10名左右
党员，每名党员联系10户左右群众".

- A household is (building, door) of the register (people and residents entered on
  paper, as one vote per household counts them); one not in the register can be added
  by hand (building, door, who lives there as a note). Each gets a row in
  ``households`` when first listed: its flags (独居老人 …, ``[households] flags``) and
  its contact member (联系党员).
- /households: a secretary (the community) or a grid worker (their grid) pages through
  them by grid and building, adds one, toggles its flags and links a contact member
  (the Party members of its grid, or of the community).
- Lead households (党员中心户): a secretary marks a Party member as one and links
  members to them; more than ``members_per_lead`` members, or a member with more than
  ``households_per_member`` households, is warned, never refused (leads.py, composed
  as ``.leads``).
- A member sees their households (/myhouseholds, 🏠 我联系的住户 on /me) and logs a
  visit (入户走访) with a note, today or an earlier day, never a later one (visits.py,
  composed as ``.visits``).
- The tree grid → 中心户 → members → households, with the households nobody looks after
  (flagged ones first), as a message and a workbook; a sheet of the ledger (台账).

Who sees what: residents see no household but their own (in /export); a member only
the households they look after; a grid worker their grid's; a secretary all.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot import usertext
from bot.clock import Clock, system_clock
from bot.community.register import Actor, Role
from bot.config import HouseholdsSettings, Language, Settings
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from bot.households.leads import PAGE_SIZE, LeadHouseholds, party_members
from bot.households.records import household_key, visits_per_member
from bot.households.sheets import tree_sheet, visits_sheet
from bot.households.views import (
    ContactChoices,
    GridBranch,
    Household,
    HouseholdPage,
    HouseholdView,
    LeadBranch,
    MemberBranch,
    MemberChoice,
    NeedRecorder,
    NeedStep,
    RecordedNeed,
    Tree,
    natural,
    place_order,
    urgency_order,
)
from bot.households.visits import HouseholdVisits
from bot.members.appraisal_table import register_appraisal_column
from bot.spreadsheets import Sheet
from storage import Storage
from storage.community.people import PersonRow
from storage.households.repository import HouseholdRow, Resident
from storage.session import Session

#: Adding a household by hand: building, door, note (or skipped), grid (a secretary's).
ADD_FLOW = "households_add"
#: Recording a need for a household (🙋 记录需求): resident (when more than one),
#: category, urgency, then the text (or a photo).
NEED_FLOW = "households_need"
MAX_BUILDING = 32
MAX_DOOR = 16
MAX_NOTE = 200
#: A household's screen lists this many of its latest visits.
VISITS_SHOWN = 5


class HouseholdsService:
    """Households, contact members, lead households, visits and the tree."""

    def __init__(
        self,
        db: Storage,
        settings: Settings,
        clock: Clock = system_clock,
        record_need: NeedRecorder | None = None,
    ) -> None:
        self._db = db
        self._settings = settings
        self._clock = clock
        self._record_need = record_need
        #: ⭐ 党员中心户 (bot/households/leads.py).
        self.leads = LeadHouseholds(db, settings, clock)
        #: /myhouseholds and 📝 记录走访 (bot/households/visits.py).
        self.visits = HouseholdVisits(self, db, clock)

    def record_needs_with(self, record_need: NeedRecorder) -> None:
        """Plug in the needs list (§3): 🙋 记录需求 records through it."""
        self._record_need = record_need

    @property
    def config(self) -> HouseholdsSettings:
        return self._settings.households

    @property
    def tz(self) -> ZoneInfo:
        return self._settings.community.tz

    def today(self) -> date:
        return self._clock().astimezone(self.tz).date()

    # --- reading the households -------------------------------------------------------

    async def load(self, session: Session, *, write: bool) -> list[Household]:
        """Every household: the register's (building, door) pairs and those added by
        hand. With ``write`` each gets its row; otherwise the register's without one
        stand in with id 0 (nothing set on them yet)."""
        repo = session.households
        by_key: dict[str, list[Resident]] = {}
        for resident in await repo.residents():
            key = household_key(resident.building, resident.door)
            if key is not None:
                by_key.setdefault(key, []).append(resident)
        now = self._clock()
        if write:
            for key, residents in by_key.items():
                await repo.ensure(key, residents[0].building, residents[0].door, now)
        rows = {row.key: row for row in await repo.every()}
        households = []
        for key in {*rows, *by_key}:
            residents = by_key.get(key, [])
            row = rows.get(key)
            if row is None:
                first = residents[0]
                row = HouseholdRow(
                    0, key, first.building, first.door, False, None, None, (), None, None, now, None
                )
            elif not residents and not row.added:
                continue  # nobody of the register lives there any more
            grid = row.grid_id if row.added and row.grid_id else None
            grid = grid or next((r.grid_id for r in residents if r.grid_id), row.grid_id)
            households.append(
                Household(
                    row,
                    tuple(r.name for r in residents),
                    tuple(r.person_id for r in residents if r.person_id is not None),
                    grid,
                )
            )
        grid_order = {grid.id: index for index, grid in enumerate(self._settings.community.grids)}
        households.sort(
            key=lambda h: (grid_order.get(h.grid_id or "", len(grid_order)), *place_order(h))
        )
        return households

    def _scope(self, actor: Actor) -> tuple[bool, str | None]:
        """(whole community, the grid): a secretary sees all, a grid worker their grid."""
        if actor.has(Role.SECRETARY):
            return True, None
        if actor.has(Role.GRID_WORKER):
            person = actor.registered_person()
            if not self._settings.community.grids:
                return True, None
            if person.grid_id is None:
                raise UserFacingError("households.no_grid")
            return False, person.grid_id
        raise UserFacingError("households.staff_only")

    def _sees(self, scope: tuple[bool, str | None], household: Household) -> bool:
        everything, grid = scope
        return everything or household.grid_id == grid

    async def page(self, actor: Actor, page: int = 0) -> HouseholdPage:
        """/households: a page of the households the actor may see, by grid and building."""
        scope = self._scope(actor)
        async with self._db.transaction() as session:
            households = [h for h in await self.load(session, write=True) if self._sees(scope, h)]
        pages = max(1, -(-len(households) // PAGE_SIZE))
        page = min(max(page, 0), pages - 1)
        shown = households[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        return HouseholdPage(shown, page, pages, len(households), scope[1])

    async def access(
        self, session: Session, actor: Actor, household_id: int
    ) -> tuple[Household, bool, bool]:
        """The household, whether the actor is staff for it, whether they are its contact;
        refused unless they are one or the other."""
        found = next(
            (h for h in await self.load(session, write=False) if h.id == household_id), None
        )
        if found is None or household_id == 0:
            raise UserFacingError("households.gone")
        staff = False
        if actor.has(Role.SECRETARY) or actor.has(Role.GRID_WORKER):
            try:
                staff = self._sees(self._scope(actor), found)
            except UserFacingError:
                staff = False
        contact = actor.person_id is not None and found.row.contact_id == actor.person_id
        if not staff and not contact:
            raise UserFacingError("households.not_yours")
        return found, staff, contact

    async def view(self, actor: Actor, household_id: int) -> HouseholdView:
        """One household: residents, note, flags, contact member, the latest visits."""
        async with self._db.read() as session:
            household, staff, contact = await self.access(session, actor, household_id)
            visits = await session.households.visits_of(household.id)
            over = None
            if household.row.contact_id is not None:
                counts = await session.households.contact_counts()
                count = counts.get(household.row.contact_id, 0)
                if count > self.config.households_per_member:
                    over = count
        return HouseholdView(household, visits[:VISITS_SHOWN], staff, contact, over)

    # --- adding one by hand -----------------------------------------------------------------

    async def start_add(self, actor: Actor, chat_id: int) -> None:
        """➕ 添加住户: the building is asked."""
        self._scope(actor)
        async with self._db.transaction() as session:
            await session.dialogs.put(
                chat_id, actor.tg_user_id, ADD_FLOW, "building", {}, self._clock()
            )

    async def add_answer(
        self, actor: Actor, chat_id: int, step: str, text: str
    ) -> tuple[str, Household | None]:
        """A typed building, door or note; returns the next step ("done" with the household)."""
        scope = self._scope(actor)
        if step == "grid":
            raise UserFacingError("households.use_buttons")
        value = usertext.line(text)
        limit = {"building": MAX_BUILDING, "door": MAX_DOOR}.get(step, MAX_NOTE)
        if not value:
            raise UserFacingError("households.empty")
        if len(value) > limit:
            raise UserFacingError("households.too_long", limit=limit, length=len(value))
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, ADD_FLOW, step, "households.expired"
            )
            data = dict(dialog.data, **{step: value})
            if step == "door":
                key = household_key(str(data["building"]), value)
                if any(h.row.key == key for h in await self.load(session, write=False)):
                    raise UserFacingError("households.exists", home=f"{data['building']} {value}")
            following = {"building": "door", "door": "note"}.get(step)
            if following is not None:
                await session.dialogs.put(
                    chat_id, actor.tg_user_id, ADD_FLOW, following, data, self._clock()
                )
                return following, None
        return await self._after_note(actor, chat_id, data, scope)

    async def skip_note(self, actor: Actor, chat_id: int) -> tuple[str, Household | None]:
        """⏭ 不填: no note of who lives there."""
        scope = self._scope(actor)
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, ADD_FLOW, "note", "households.expired"
            )
            data = dict(dialog.data, note=None)
        return await self._after_note(actor, chat_id, data, scope)

    async def _after_note(
        self, actor: Actor, chat_id: int, data: dict[str, Any], scope: tuple[bool, str | None]
    ) -> tuple[str, Household | None]:
        """A secretary chooses the grid (if the community has grids); a grid worker's is theirs."""
        if scope[0] and actor.has(Role.SECRETARY) and self._settings.community.grids:
            async with self._db.transaction() as session:
                await session.dialogs.put(
                    chat_id, actor.tg_user_id, ADD_FLOW, "grid", data, self._clock()
                )
            return "grid", None
        return "done", await self._create(actor, chat_id, data, scope[1], "note")

    async def choose_grid(self, actor: Actor, chat_id: int, grid_id: str) -> Household:
        """A secretary's grid for the household added ("-": none)."""
        actor.require(Role.SECRETARY)
        grids = {grid.id for grid in self._settings.community.grids}
        if grid_id != "-" and grid_id not in grids:
            raise UserFacingError("households.expired")
        async with self._db.read() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, ADD_FLOW, "grid", "households.expired"
            )
        return await self._create(
            actor, chat_id, dict(dialog.data), None if grid_id == "-" else grid_id, "grid"
        )

    async def _create(
        self, actor: Actor, chat_id: int, data: dict[str, Any], grid: str | None, step: str
    ) -> Household:
        building, door = str(data["building"]), str(data["door"])
        key = household_key(building, door)
        assert key is not None  # noqa: S101 - both typed, not empty
        now = self._clock()
        async with self._db.transaction() as session:
            await expect_step(
                session, chat_id, actor.tg_user_id, ADD_FLOW, step, "households.expired"
            )
            await session.dialogs.end(chat_id, actor.tg_user_id)
            if any(h.row.key == key for h in await self.load(session, write=True)):
                raise UserFacingError("households.exists", home=f"{building} {door}")
            note = data.get("note")
            household_id = await session.households.add(
                key, building, door, grid, str(note) if note else None, now
            )
            if household_id is None:
                raise UserFacingError("households.exists", home=f"{building} {door}")
            await session.audit.record(
                at=now, action="household.add", actor_id=actor.person_id, detail=str(household_id)
            )
            household = next(
                h for h in await self.load(session, write=False) if h.id == household_id
            )
        return household

    # --- flags and the contact member --------------------------------------------------------

    async def toggle_flag(self, actor: Actor, household_id: int, flag: str) -> HouseholdView:
        """A flag set or cleared (a secretary, the grid's worker)."""
        if flag not in {f.id for f in self.config.flags}:
            raise UserFacingError("households.gone")
        now = self._clock()
        async with self._db.transaction() as session:
            household, staff, _ = await self.access(session, actor, household_id)
            if not staff:
                raise UserFacingError("households.staff_only")
            flags = list(household.row.flags)
            flags = [f for f in flags if f != flag] if flag in flags else [*flags, flag]
            await session.households.set_flags(household.id, flags)
            await session.audit.record(
                at=now, action="household.flags", actor_id=actor.person_id, detail=str(household.id)
            )
        return await self.view(actor, household_id)

    async def contact_choices(
        self, actor: Actor, household_id: int, scope: str = "g"
    ) -> ContactChoices:
        """👤 联系党员: the Party members of the household's grid ("g"), or all ("a")."""
        async with self._db.read() as session:
            household, staff, _ = await self.access(session, actor, household_id)
            if not staff:
                raise UserFacingError("households.staff_only")
            members = await party_members(session)
            counts = await session.households.contact_counts()
        if scope == "g" and household.grid_id is not None:
            in_grid = [p for p in members if p.grid_id == household.grid_id]
            members = in_grid or members
            scope = "g" if in_grid else "a"
        else:
            scope = "a"
        return ContactChoices(
            household,
            [
                MemberChoice(p, counts.get(p.id, 0), chosen=p.id == household.row.contact_id)
                for p in members
            ],
            scope,
            self.config.households_per_member,
        )

    async def link_contact(self, actor: Actor, household_id: int, person_id: int) -> HouseholdView:
        """The household's contact member (0: nobody)."""
        now = self._clock()
        async with self._db.transaction() as session:
            household, staff, _ = await self.access(session, actor, household_id)
            if not staff:
                raise UserFacingError("households.staff_only")
            if person_id:
                person = await session.people.by_id(person_id)
                if person is None or Role.PARTY_MEMBER.value not in person.roles:
                    raise UserFacingError("households.not_member")
            await session.households.set_contact(household.id, person_id or None)
            await session.audit.record(
                at=now,
                action="household.contact",
                actor_id=actor.person_id,
                subject_id=person_id or None,
                detail=str(household.id),
            )
        return await self.view(actor, household_id)

    # --- a need recorded for a household (🙋 记录需求) -------------------------------------

    async def _registered(
        self, session: Session, household: Household
    ) -> tuple[tuple[int, str], ...]:
        found = []
        for person_id in household.person_ids:
            person = await session.people.by_id(person_id)
            if person is not None:
                found.append((person.id, person.display_name))
        return tuple(found)

    def _step(self, household: Household, data: dict[str, Any]) -> NeedStep:
        residents = tuple((int(i), str(n)) for i, n in data.get("residents", []))
        chosen = data.get("resident")
        resident = next((r for r in residents if r[0] == chosen), None)
        return NeedStep(household, str(data.get("step", "")), residents, resident)

    async def start_need(self, actor: Actor, chat_id: int, household_id: int) -> NeedStep:
        """🙋 记录需求 (its contact member, its grid's worker, a secretary): the resident
        is asked, unless only one of the register lives there; then the category."""
        actor.registered_person()
        async with self._db.transaction() as session:
            household, _, _ = await self.access(session, actor, household_id)
            residents = await self._registered(session, household)
            if not residents:
                raise UserFacingError("households.need_nobody", home=household.name)
            step = "resident" if len(residents) > 1 else "category"
            data: dict[str, Any] = {
                "household": household.id,
                "residents": [list(r) for r in residents],
                "resident": residents[0][0] if len(residents) == 1 else None,
                "step": step,
            }
            await session.dialogs.put(
                chat_id, actor.tg_user_id, NEED_FLOW, step, data, self._clock()
            )
        return self._step(household, data)

    async def _need_dialog(
        self, session: Session, actor: Actor, chat_id: int, step: str
    ) -> tuple[dict[str, Any], Household]:
        dialog = await expect_step(
            session, chat_id, actor.tg_user_id, NEED_FLOW, step, "households.expired"
        )
        try:
            household, _, _ = await self.access(session, actor, int(dialog.data["household"]))
        except UserFacingError:
            await session.dialogs.end(chat_id, actor.tg_user_id)
            raise
        return dict(dialog.data), household

    async def _need_advance(
        self, actor: Actor, chat_id: int, step: str, following: str, **answers: Any
    ) -> NeedStep:
        async with self._db.transaction() as session:
            data, household = await self._need_dialog(session, actor, chat_id, step)
            data.update(answers, step=following)
            await session.dialogs.put(
                chat_id, actor.tg_user_id, NEED_FLOW, following, data, self._clock()
            )
        return self._step(household, data)

    async def need_resident(self, actor: Actor, chat_id: int, person_id: int) -> NeedStep:
        """The resident's button: then the category."""
        async with self._db.read() as session:
            dialog = await session.dialogs.get(chat_id, actor.tg_user_id)
        known = [int(r[0]) for r in dialog.data.get("residents", [])] if dialog else []
        if dialog is not None and dialog.flow == NEED_FLOW and person_id not in known:
            raise UserFacingError("households.expired")
        return await self._need_advance(actor, chat_id, "resident", "category", resident=person_id)

    async def need_category(self, actor: Actor, chat_id: int, key: str) -> NeedStep:
        """A category of the needs list: then 一般/紧急."""
        if self._settings.needs.category(key) is None:
            raise UserFacingError("households.expired")
        return await self._need_advance(actor, chat_id, "category", "urgency", category=key)

    async def need_urgency(self, actor: Actor, chat_id: int, urgent: bool) -> NeedStep:
        """一般/紧急: then the text (or a photo)."""
        return await self._need_advance(actor, chat_id, "urgency", "text", urgent=urgent)

    async def record_need(
        self, actor: Actor, chat_id: int, text: str, *, photo: str | None = None
    ) -> RecordedNeed:
        """The text: the need is recorded for the resident through the needs list (its
        routing, clocks and the resident's notice), marked as recorded by the actor."""
        if self._record_need is None:
            raise UserFacingError("households.expired")
        if not usertext.block(text) and photo is None:
            raise UserFacingError("households.empty")
        async with self._db.transaction() as session:
            data, household = await self._need_dialog(session, actor, chat_id, "text")
            # Ended before recording: a second message cannot record it twice.
            await session.dialogs.end(chat_id, actor.tg_user_id)
        step = self._step(household, data)
        if step.resident is None:
            raise UserFacingError("households.expired")
        need = await self._record_need(
            actor,
            step.resident[0],
            category=str(data["category"]),
            text=text,
            building=household.row.building,
            urgent=bool(data.get("urgent")),
            photo=photo,
        )
        return RecordedNeed(need, household, step.resident[1])

    # --- the tree ---------------------------------------------------------------------------

    async def tree(self, actor: Actor) -> Tree:
        """🌳 联户情况: a grid worker's grid, a secretary's community."""
        scope = self._scope(actor)
        async with self._db.transaction() as session:
            households = await self.load(session, write=True)
            tree = await self._tree(session, households, scope)
        return tree

    async def _tree(
        self, session: Session, households: list[Household], scope: tuple[bool, str | None]
    ) -> Tree:
        everything, grid = scope
        repo = session.households
        lead_ids = await repo.leads()
        under = await repo.lead_of_members()
        people: dict[int, PersonRow] = {p.id: p for p in await party_members(session)}
        for person_id in {
            *lead_ids,
            *under,
            *(h.row.contact_id for h in households if h.row.contact_id),
        }:
            if person_id is not None and person_id not in people:
                found = await session.people.by_id(person_id)
                if found is not None:
                    people[person_id] = found
        looked: dict[int, list[Household]] = {}
        for household in households:
            if household.row.contact_id is not None:
                looked.setdefault(household.row.contact_id, []).append(household)
        grid_ids: list[str | None] = [g.id for g in self._settings.community.grids]
        if not everything:
            grid_ids = [grid]
        else:
            grid_ids.append(None)
        known = set(grid_ids)
        branches = []
        for grid_id in grid_ids:

            def in_grid(person: PersonRow, grid_id: str | None = grid_id) -> bool:
                person_grid = person.grid_id if person.grid_id in known else None
                return person_grid == grid_id

            def branch(person: PersonRow) -> MemberBranch:
                return MemberBranch(person, sorted(looked.get(person.id, []), key=place_order))

            leads = []
            for lead_id in lead_ids:
                if lead_id not in people or not in_grid(people[lead_id]):
                    continue
                members = sorted(
                    (m for m, of in under.items() if of == lead_id and m in people),
                    key=lambda m: (natural(people[m].display_name), m),
                )
                own = sorted(looked.get(lead_id, []), key=place_order)
                leads.append(LeadBranch(people[lead_id], [branch(people[m]) for m in members], own))
            loose = [
                branch(p)
                for p in sorted(people.values(), key=lambda p: (natural(p.display_name), p.id))
                if in_grid(p) and p.id not in under and p.id not in lead_ids
            ]
            if leads or loose or grid_id is not None:
                branches.append(GridBranch(grid_id, leads, loose))
        unlooked = sorted(
            (h for h in households if h.row.contact_id is None and self._sees(scope, h)),
            key=lambda h: urgency_order(h, self.config.flags),
        )
        return Tree(
            branches,
            unlooked,
            grid,
            self.config.members_per_lead,
            self.config.households_per_member,
        )

    # --- the ledger (台账) ----------------------------------------------------------------------

    async def ledger_section(
        self, session: Session, start: datetime, end: datetime
    ) -> Callable[[Language, ZoneInfo], list[Sheet]]:
        """The ledger's 党员联户 sheet (as things stand) and 入户走访 (the period's visits)."""
        households = await self.load(session, write=False)
        tree = await self._tree(session, households, (True, None))
        first = start.astimezone(self.tz).date()
        last = (end - timedelta(microseconds=1)).astimezone(self.tz).date()
        visits = await session.households.visits_between(first, last)
        names = {h.id: h for h in households}
        flags = self.config.flags
        grids = self._settings.community.grids

        def render(language: Language, tz: ZoneInfo) -> list[Sheet]:
            return [
                tree_sheet(language, tree, flags, grids),
                visits_sheet(language, visits, names),
            ]

        return render


async def _visits_column(session: Session, people: list[int], year: int) -> dict[int, int]:
    """The appraisal's 入户走访 column: the visits each member logged in the year."""
    return await visits_per_member(session, people, year)


# The visits a member logged count in their yearly appraisal (民主评议), §4 of #14.
register_appraisal_column("household_visits", "households.appraisal_visits", _visits_column)
