"""Joining the community register: consent first, then a name, building and grid.

The conversation is a short guided form whose progress is kept in the
``dialogs`` table, so every answer commits together with the step it moves
to, and a button pressed twice or after the form moved on changes nothing.
Nothing about a person is stored until they accept the consent text.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.clock import Clock, system_clock
from bot.community import Caller, Role
from bot.config import CommunitySettings, Language
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from bot.i18n import from_telegram_code, parse_language
from storage import Database
from storage.dialogs import DialogRow
from storage.people import PersonRow
from storage.session import Session
from storage.times import from_db_time, to_db_time

FLOW = "register"
MAX_NAME_LENGTH = 32
MAX_BUILDING_LENGTH = 16


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

    def __init__(
        self, db: Database, settings: CommunitySettings, clock: Clock = system_clock
    ) -> None:
        self._db = db
        self._settings = settings
        self._clock = clock

    async def start(self, caller: Caller) -> Prompt:
        """Begin (or begin again) the form in the caller's private chat."""
        async with self._db.transaction() as session:
            person = await session.people.by_telegram_id(caller.tg_user_id)
            if person is not None:
                return Prompt(
                    parse_language(person.language), person=person, already_registered=True
                )
            language = from_telegram_code(caller.language_code, self._settings.default_language)
            await self._put(session, caller, Step.CONSENT, {"language": language.value})
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
        if await session.people.by_telegram_id(caller.tg_user_id) is not None:
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


def _language(data: dict[str, Any]) -> Language:
    return parse_language(data.get("language"))


def _clean(text: str) -> str:
    """Collapse whitespace and drop control characters from a typed answer."""
    return " ".join("".join(ch for ch in text if ch.isprintable() or ch == " ").split())


def _clip(name: str) -> str:
    cleaned = _clean(name)
    return cleaned[:MAX_NAME_LENGTH] if cleaned else cleaned
