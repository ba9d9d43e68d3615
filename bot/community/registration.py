"""Joining the community register: consent first, then a name, building and grid.

Residents without Telegram are entered by their grid worker or a secretary
(:class:`PaperEntryService`, ``/addresident``): name, building, grid, and the
note that their consent was given on paper. A registered resident may ask
that their grid worker record their ballots (``/askproxy``). These two are
the only people a proxy ballot can be recorded for (bot/deliberation/voting.py).

The conversation is a short guided form whose progress is kept in the
``dialogs`` table, so every answer commits together with the step it moves
to, and a button pressed twice or after the form moved on changes nothing.
Nothing about a person is stored until they accept the consent text.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from bot import usertext
from bot.clock import Clock, system_clock
from bot.community.register import Actor, Caller, Role
from bot.config import CommunitySettings, Grid, Language, community_now
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from bot.i18n import from_telegram_code, parse_language
from storage import Storage, community_id
from storage.community.people import PaperResidentRow, PersonRow
from storage.dialogs import DialogRow
from storage.session import Session
from storage.times import from_db_time, to_db_time

FLOW = "register"
PAPER_FLOW = "paper_resident"
#: Setting a person's building and door (门牌): their household, for 一户一票 votes.
HOME_FLOW = "home"
MAX_NAME_LENGTH = 32
MAX_BUILDING_LENGTH = 16
MAX_DOOR_LENGTH = 16


class Step(StrEnum):
    """The questions of the registration form, in order."""

    CONSENT = "consent"
    NAME = "name"
    BUILDING = "building"
    GRID = "grid"


@dataclass(frozen=True)
class Prompt:
    """What to show next: a question (``step``), or the finished registration."""

    language: Language
    step: Step | None = None
    suggested_name: str | None = None
    person: PersonRow | None = None
    already_registered: bool = False


class RegistrationService:
    """Runs the registration form for one community."""

    @property
    def _settings(self) -> CommunitySettings:
        # The community being worked for (bot/config/community.py: current_profile).
        return community_now(self._configured)

    def __init__(
        self, db: Storage, settings: CommunitySettings, clock: Clock = system_clock
    ) -> None:
        self._db = db
        self._configured = settings
        self._clock = clock
        #: A registered person's building and door (门牌), later (``/me`` → 🏠 门牌).
        self.homes = HomeService(db, settings, clock)

    async def start(self, caller: Caller) -> Prompt:
        """Begin (or begin again) the form in the caller's private chat, for the current
        community (a person registered in another is told how to move instead)."""
        async with self._db.transaction() as session:
            person = await session.people.by_telegram_id(caller.tg_user_id)
            if person is not None:
                return Prompt(
                    parse_language(person.language), person=person, already_registered=True
                )
            if await session.communities.of_user(caller.tg_user_id) is not None:
                raise UserFacingError("join.registered_elsewhere")
            language = from_telegram_code(caller.language_code, self._settings.default_language)
            # The form notes its community: until it is done, nothing else says whose
            # the newcomer's messages are (storage/community/joining.py).
            data = {"language": language.value, "community": community_id()}
            await self._put(session, caller, Step.CONSENT, data)
        return Prompt(language, step=Step.CONSENT)

    async def choose_language(self, caller: Caller, language: Language) -> Prompt:
        """Switch the language of the form while it is still at the consent text."""
        async with self._db.transaction() as session:
            dialog = await self._expect(session, caller, Step.CONSENT)
            data = dict(dialog.data, language=language.value)
            await self._put(session, caller, Step.CONSENT, data)
        return Prompt(language, step=Step.CONSENT)

    async def decline(self, caller: Caller) -> Language:
        """The caller does not consent: end the form, keep nothing."""
        async with self._db.transaction() as session:
            dialog = await self._expect(session, caller, Step.CONSENT)
            # Everything: the form, and words kept from a group's "提议 …".
            await session.dialogs.end_all_of(caller.tg_user_id)
        return parse_language(dialog.data.get("language"))

    async def accept(self, caller: Caller) -> Prompt:
        """The caller consents: note when, and ask for their name."""
        async with self._db.transaction() as session:
            dialog = await self._expect(session, caller, Step.CONSENT)
            data = dict(dialog.data, consent_at=to_db_time(self._clock()))
            await self._put(session, caller, Step.NAME, data)
        return Prompt(_language(data), step=Step.NAME, suggested_name=_clip(caller.full_name))

    async def answer_name(self, caller: Caller, name: str | None) -> Prompt:
        """The display name: typed, or None to use the Telegram name."""
        chosen = _clean(name if name is not None else caller.full_name)
        if not chosen:
            raise UserFacingError("register.name_empty")
        if len(chosen) > MAX_NAME_LENGTH:
            raise UserFacingError("register.name_too_long", limit=MAX_NAME_LENGTH)
        async with self._db.transaction() as session:
            dialog = await self._expect(session, caller, Step.NAME)
            data = dict(dialog.data, name=chosen)
            await self._put(session, caller, Step.BUILDING, data)
        return Prompt(_language(data), step=Step.BUILDING)

    async def answer_building(self, caller: Caller, building: str | None) -> Prompt:
        """The building (optional: None skips it)."""
        chosen = _clean(building) if building is not None else None
        if chosen is not None and len(chosen) > MAX_BUILDING_LENGTH:
            raise UserFacingError("register.building_too_long", limit=MAX_BUILDING_LENGTH)
        async with self._db.transaction() as session:
            dialog = await self._expect(session, caller, Step.BUILDING)
            data = dict(dialog.data, building=chosen or None)
            if self._settings.grids:
                await self._put(session, caller, Step.GRID, data)
                return Prompt(_language(data), step=Step.GRID)
            person = await self._finish(session, caller, data)
        return Prompt(_language(data), person=person)

    async def answer_grid(self, caller: Caller, grid_id: str | None) -> Prompt:
        """The grid (optional: None if the person does not know it)."""
        if grid_id is not None and grid_id not in {grid.id for grid in self._settings.grids}:
            raise UserFacingError("register.expired")
        async with self._db.transaction() as session:
            dialog = await self._expect(session, caller, Step.GRID)
            data = dict(dialog.data, grid=grid_id)
            person = await self._finish(session, caller, data)
        return Prompt(_language(data), person=person)

    async def current_step(self, caller: Caller) -> Step | None:
        """The question the caller is at, or None if they are not registering."""
        async with self._db.read() as session:
            dialog = await session.dialogs.get(caller.tg_user_id, caller.tg_user_id)
        if dialog is None or dialog.flow != FLOW:
            return None
        return Step(dialog.step)

    async def _finish(self, session: Session, caller: Caller, data: dict[str, Any]) -> PersonRow:
        now = self._clock()
        person_id = await session.people.insert(
            tg_user_id=caller.tg_user_id,
            display_name=str(data["name"]),
            tg_username=caller.username,
            language=_language(data).value,
            building=data.get("building"),
            grid_id=data.get("grid"),
            consent_at=from_db_time(str(data["consent_at"])),
            now=now,
        )
        roles = [Role.RESIDENT.value]
        if caller.tg_user_id in self._settings.secretaries:
            roles.append(Role.SECRETARY.value)
        await session.people.grant_all(person_id, roles, None, now)
        await session.dialogs.end(caller.tg_user_id, caller.tg_user_id)
        await session.audit.record(at=now, action="person.register", actor_id=person_id)
        person = await session.people.by_id(person_id)
        assert person is not None  # noqa: S101 - inserted just above, same transaction
        return person

    async def _expect(self, session: Session, caller: Caller, step: Step) -> DialogRow:
        # Registered anywhere is registered: an account has one community at a time.
        if await session.communities.of_user(caller.tg_user_id) is not None:
            raise UserFacingError("register.already_registered")
        return await expect_step(
            session, caller.tg_user_id, caller.tg_user_id, FLOW, step.value, "register.expired"
        )

    async def _put(
        self, session: Session, caller: Caller, step: Step, data: dict[str, Any]
    ) -> None:
        await session.dialogs.put(
            caller.tg_user_id, caller.tg_user_id, FLOW, step.value, data, self._clock()
        )


@dataclass(frozen=True)
class HomePrompt:
    """Where setting a household stands: the person, and the question next (None: done).

    ``change``: the resident's own change of grid, building and door from /me (✏️), whose
    answers are kept in the conversation and saved together with the door, so 取消 at
    any step leaves the register as it was."""

    person: PersonRow
    step: str | None
    change: bool = False


@dataclass(frozen=True)
class GridChosen:
    """A grid pressed (None: "I don't know"); ``change``: in the change from /me, else
    under the acceptance of a move."""

    grid: Grid | None
    change: bool


#: The grid question of the 门牌 form (before the building), and its "I don't know".
HOME_GRID_STEP = "grid"
NO_GRID = "-"
#: The flow the move's grid question was kept under before it became the 门牌 form's
#: first step: such a conversation, still open, is answered the same way.
LEGACY_MOVED_FLOW = "moved"


def home_grid_callback(grid_id: str) -> str:
    """A grid button of the 门牌 form's grid question (decoded by
    handlers/community/callbacks.py HomeGrid; written here for the move's push)."""
    return f"mvg:{grid_id}"


class HomeService:
    """A person's grid, building and door: the building and door (门牌) set by
    themselves on /me (🏠 门牌) or by a secretary on the person's screen of /people (a
    household is (building, door)); all three changed by the resident on /me (✏️), and
    asked of a person whose move to this community was accepted. One form, HOME_FLOW:
    grid (if the community has grids), building, door."""

    @property
    def _grids(self) -> list[Grid]:
        # The current community's grids (bot/config/community.py: current_profile), never another's.
        return community_now(self._configured).grids

    def __init__(self, db: Storage, settings: CommunitySettings, clock: Clock = system_clock):
        self._db = db
        self._configured = settings
        self._clock = clock

    async def start(self, actor: Actor, chat_id: int, person_id: int | None = None) -> HomePrompt:
        """Ask the building (if the register has none) or the door of the person (the
        actor themselves, or for a secretary anyone)."""
        me = actor.registered_person("me.not_registered")
        target_id = me.id if person_id is None else person_id
        if target_id != me.id:
            actor.require(Role.SECRETARY)
        async with self._db.transaction() as session:
            person = await session.people.by_id(target_id)
            if person is None:
                raise UserFacingError("people.gone")
            step = "door" if person.building else "building"
            await session.dialogs.put(
                chat_id, actor.tg_user_id, HOME_FLOW, step, {"person": person.id}, self._clock()
            )
        return HomePrompt(person, step)

    async def start_change(self, actor: Actor, chat_id: int) -> HomePrompt:
        """✏️ on /me: the resident changes their own grid (if the community has grids),
        then building, then door; nothing is saved before the door."""
        me = actor.registered_person("me.not_registered")
        step = HOME_GRID_STEP if self._grids else "building"
        async with self._db.transaction() as session:
            person = await session.people.by_id(me.id)
            if person is None:
                raise UserFacingError("me.not_registered")
            data = {"person": person.id, "change": True}
            now = self._clock()
            await session.dialogs.put(chat_id, actor.tg_user_id, HOME_FLOW, step, data, now)
        return HomePrompt(person, step, change=True)

    def grids(self) -> list[Grid]:
        """The current community's grids, for the grid question's buttons."""
        return list(self._grids)

    async def choose_grid(self, actor: Actor, chat_id: int, grid_id: str) -> GridChosen:
        """The grid question answered (``NO_GRID``: they do not know it), once; then the
        building is asked. Only a grid of the current community is taken (a button of
        another's, or forged, is refused). Under a move the grid is saved at once (until
        then they have none); in the change from /me it waits for the door."""
        person = actor.registered_person("me.not_registered")
        grids = {grid.id: grid for grid in self._grids}
        chosen = None if grid_id == NO_GRID else grids.get(grid_id)
        if grid_id != NO_GRID and chosen is None:
            raise UserFacingError("join.move_grid_expired")  # removed since, or not ours
        now = self._clock()
        async with self._db.transaction() as session:
            dialog = await session.dialogs.get(chat_id, actor.tg_user_id)
            if (
                dialog is None
                or dialog.flow not in (HOME_FLOW, LEGACY_MOVED_FLOW)
                or dialog.step != HOME_GRID_STEP
                or int(dialog.data["person"]) != person.id
            ):
                raise UserFacingError("join.move_grid_expired")
            change = bool(dialog.data.get("change"))
            data: dict[str, Any] = {"person": person.id}
            if change:
                data.update(change=True, grid=chosen.id if chosen else NO_GRID)
            else:
                await session.people.set_grid(person.id, chosen.id if chosen else None)
                await session.audit.record(
                    at=now, action="person.grid", actor_id=person.id, subject_id=person.id
                )
            await session.dialogs.put(chat_id, actor.tg_user_id, HOME_FLOW, "building", data, now)
        return GridChosen(chosen, change)

    async def current(self, actor: Actor, chat_id: int) -> HomePrompt | None:
        """The question of the 门牌 form the actor is at in this chat (to ask it again
        after an answer that could not be taken), or None."""
        async with self._db.read() as session:
            dialog = await session.dialogs.get(chat_id, actor.tg_user_id)
            if dialog is None or dialog.flow != HOME_FLOW:
                return None
            person = await session.people.by_id(int(dialog.data["person"]))
        if person is None:
            return None
        building = dialog.data.get("building")
        if building:
            person = replace(person, building=str(building))
        return HomePrompt(person, dialog.step, change=bool(dialog.data.get("change")))

    async def cancel(self, actor: Actor, chat_id: int) -> None:
        """取消: the 门牌 form ends and nothing of it is saved (refused once it is over)."""
        async with self._db.transaction() as session:
            dialog = await session.dialogs.get(chat_id, actor.tg_user_id)
            if dialog is None or dialog.flow != HOME_FLOW:
                raise UserFacingError("home.cancel_expired")
            await session.dialogs.end(chat_id, actor.tg_user_id)

    async def answer(self, actor: Actor, chat_id: int, step: str, text: str) -> HomePrompt:
        """The typed building or door; with the door, the household is set (and, in the
        change from /me, the grid chosen before)."""
        actor.registered_person("me.not_registered")
        if step == HOME_GRID_STEP:
            raise UserFacingError("register.use_buttons")
        value = _clean(text)
        limit = MAX_BUILDING_LENGTH if step == "building" else MAX_DOOR_LENGTH
        if not value:
            raise UserFacingError("home.empty")
        if len(value) > limit:
            raise UserFacingError("home.too_long", limit=limit)
        now = self._clock()
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, HOME_FLOW, step, "home.expired"
            )
            person = await session.people.by_id(int(dialog.data["person"]))
            if person is None:
                raise UserFacingError("people.gone")
            change = bool(dialog.data.get("change"))
            if step == "building":
                data = dict(dialog.data, building=value)
                await session.dialogs.put(chat_id, actor.tg_user_id, HOME_FLOW, "door", data, now)
                return HomePrompt(replace(person, building=value), "door", change)
            building = str(dialog.data.get("building") or person.building or "")
            await session.people.set_home(person.id, building or None, value)
            if "grid" in dialog.data:
                # Checked again: a grid removed while the form was open is not kept.
                grid = str(dialog.data["grid"])
                known = grid in {g.id for g in self._grids}
                await session.people.set_grid(person.id, grid if known else None)
                await session.audit.record(
                    at=now, action="person.grid", actor_id=actor.person_id, subject_id=person.id
                )
            await session.dialogs.end(chat_id, actor.tg_user_id)
            await session.audit.record(
                at=now, action="person.home", actor_id=actor.person_id, subject_id=person.id
            )
            fresh = await session.people.by_id(person.id)
        assert fresh is not None  # noqa: S101 - read in the same transaction
        return HomePrompt(fresh, None, change)


@dataclass(frozen=True)
class PaperEntry:
    """Where /addresident stands: the answers so far and the next step (None: entered)."""

    name: str | None = None
    building: str | None = None
    grid: str | None = None
    step: str | None = "name"
    door: str | None = None
    resident: PaperResidentRow | None = None


class PaperEntryService:
    """Residents without Telegram entered by their grid worker or a secretary, and the
    registered residents' requests that their grid worker vote for them."""

    @property
    def _settings(self) -> CommunitySettings:
        # The community being worked for (bot/config/community.py: current_profile).
        return community_now(self._configured)

    def __init__(
        self, db: Storage, settings: CommunitySettings, clock: Clock = system_clock
    ) -> None:
        self._db = db
        self._configured = settings
        self._clock = clock

    async def start(self, actor: Actor, chat_id: int) -> PaperEntry:
        """/addresident: ask the resident's name."""
        self._grid_of_worker(actor)
        async with self._db.transaction() as session:
            await session.dialogs.put(
                chat_id, actor.tg_user_id, PAPER_FLOW, "name", {}, self._clock()
            )
        return PaperEntry()

    async def answer(self, actor: Actor, chat_id: int, step: str, text: str) -> PaperEntry:
        """A typed name, building or door (门牌)."""
        value = _clean(text)
        if not value:
            raise UserFacingError("paper.empty")
        limits = {"name": MAX_NAME_LENGTH, "door": MAX_DOOR_LENGTH}
        limit = limits.get(step, MAX_BUILDING_LENGTH)
        if len(value) > limit:
            raise UserFacingError("paper.too_long", limit=limit)
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, PAPER_FLOW, step, "paper.expired"
            )
            if step == "name":
                data, following = dict(dialog.data, name=value), "building"
            elif step == "building":
                data, following = dict(dialog.data, building=value), "door"
            elif step == "door":
                data, following = self._after_door(actor, dict(dialog.data, door=value))
            else:
                raise UserFacingError("register.use_buttons")
            await session.dialogs.put(
                chat_id, actor.tg_user_id, PAPER_FLOW, following, data, self._clock()
            )
        return _entry(data, following)

    async def skip_door(self, actor: Actor, chat_id: int) -> PaperEntry:
        """No door (门牌) known: the resident cannot vote where it is one vote per household."""
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, PAPER_FLOW, "door", "paper.expired"
            )
            data, following = self._after_door(actor, dict(dialog.data, door=None))
            await session.dialogs.put(
                chat_id, actor.tg_user_id, PAPER_FLOW, following, data, self._clock()
            )
        return _entry(data, following)

    def _after_door(self, actor: Actor, data: dict[str, Any]) -> tuple[dict[str, Any], str]:
        """After the door: a secretary chooses the grid; a grid worker's is their own."""
        if actor.has(Role.SECRETARY) and self._settings.grids:
            return data, "grid"
        return dict(data, grid=self._grid_of_worker(actor)), "confirm"

    async def choose_grid(self, actor: Actor, chat_id: int, grid_id: str) -> PaperEntry:
        """A secretary's choice of the resident's grid."""
        if not actor.has(Role.SECRETARY):
            raise UserFacingError("paper.need_worker")
        if grid_id not in {grid.id for grid in self._settings.grids}:
            raise UserFacingError("paper.expired")
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, PAPER_FLOW, "grid", "paper.expired"
            )
            data = dict(dialog.data, grid=grid_id)
            await session.dialogs.put(
                chat_id, actor.tg_user_id, PAPER_FLOW, "confirm", data, self._clock()
            )
        return _entry(data, "confirm")

    async def confirm(self, actor: Actor, chat_id: int, accept: bool) -> PaperEntry:
        """The consent form is signed on paper: enter the resident (or drop the entry)."""
        person = self._entering_person(actor)
        now = self._clock()
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, PAPER_FLOW, "confirm", "paper.expired"
            )
            await session.dialogs.end(chat_id, actor.tg_user_id)
            if not accept:
                return _entry(dialog.data, None)
            grid = dialog.data.get("grid")
            resident_id = await session.people.add_paper_resident(
                display_name=str(dialog.data["name"]),
                building=str(dialog.data["building"]),
                grid_id=str(grid) if grid is not None else None,
                entered_by=person.id,
                now=now,
                door=str(dialog.data["door"]) if dialog.data.get("door") else None,
            )
            await session.audit.record(
                at=now, action="paper_resident.add", actor_id=person.id, detail=str(resident_id)
            )
            resident = await session.people.paper_resident(resident_id)
        return PaperEntry(step=None, resident=resident)

    async def listed(self, actor: Actor) -> list[PaperResidentRow]:
        """/paperresidents: those a grid worker entered for their grid (a secretary: all)."""
        grid = self._grid_of_worker(actor)
        async with self._db.read() as session:
            rows = await session.people.paper_residents()
        if actor.has(Role.SECRETARY) or not self._settings.grids:
            return rows
        return [row for row in rows if row.grid_id == grid]

    async def remove(self, actor: Actor, resident_id: int) -> PaperResidentRow:
        """Take a resident without Telegram out of the register (their ballots stay
        counted, without them)."""
        person = self._entering_person(actor)
        allowed = {row.id for row in await self.listed(actor)}
        now = self._clock()
        async with self._db.transaction() as session:
            resident = await session.people.paper_resident(resident_id)
            if resident is None or resident.id not in allowed:
                raise UserFacingError("paper.gone")
            await session.people.delete_paper_resident(resident.id)
            await session.audit.record(
                at=now, action="paper_resident.remove", actor_id=person.id, detail=str(resident.id)
            )
        return resident

    async def ask_proxy(self, actor: Actor, asked: bool | None = None) -> bool:
        """/askproxy: whether the resident asks their grid worker to record their ballots
        (``asked`` None: only read it). Returns the request's state now."""
        if actor.person is None:
            raise UserFacingError("access.not_registered")
        if not actor.has(Role.RESIDENT):
            raise UserFacingError("vote.need_resident")
        person = actor.person
        if asked is None:
            async with self._db.read() as session:
                return await session.people.asked_for_proxy(person.id)
        now = self._clock()
        async with self._db.transaction() as session:
            if await session.people.set_proxy_request(person.id, asked, now):
                await session.audit.record(
                    at=now,
                    action="proxy.ask" if asked else "proxy.withdraw",
                    actor_id=person.id,
                )
        return asked

    def _entering_person(self, actor: Actor) -> PersonRow:
        if actor.person is None:
            raise UserFacingError("access.not_registered")
        if not (actor.has(Role.GRID_WORKER) or actor.has(Role.SECRETARY)):
            raise UserFacingError("paper.need_worker")
        return actor.person

    def _grid_of_worker(self, actor: Actor) -> str | None:
        """The grid a grid worker enters residents into (a secretary chooses one)."""
        person = self._entering_person(actor)
        if actor.has(Role.SECRETARY) or not self._settings.grids:
            return person.grid_id
        if person.grid_id is None:
            raise UserFacingError("paper.no_grid")
        return person.grid_id


def _entry(data: dict[str, Any], step: str | None) -> PaperEntry:
    grid = data.get("grid")
    return PaperEntry(
        name=data.get("name"),
        building=data.get("building"),
        grid=str(grid) if grid is not None else None,
        step=step,
        door=data.get("door"),
    )


def _language(data: dict[str, Any]) -> Language:
    return parse_language(data.get("language"))


def _clean(text: str) -> str:
    """Collapse whitespace and drop control and format characters from a typed answer."""
    return usertext.line(text)


def _clip(name: str) -> str:
    cleaned = _clean(name)
    return cleaned[:MAX_NAME_LENGTH] if cleaned else cleaned
