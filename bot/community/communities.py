"""The street's communities: the list, each one's profile, and entering one for a unit of work.

One deployment serves a street office's communities (issue 12). Community 1 is the one
the configuration's ``[community]`` section describes (a database of the older,
single-community shape becomes its own in place); street administrators create the
others in the bot, with a name and, later, grids.

Work enters a community at its boundary: an update once its chat or sender is known
(handlers/access.py), a schedule's firing, an outbox row's follow-up, a command-line
job. :meth:`Communities.enter` sets both the storage scope (every repository method then
reads and writes that community's rows only) and the profile ``settings.community``
reads (its name, grids, secretaries), and the calendar ``settings.calendar`` reads (its
weekly session, talk days and Party day), so the services below need no community
argument.

A community's calendar is the street's (the configuration's ``[calendar]``) with the
community's own choices over it (:data:`CALENDAR_CHOICES`, set by its secretary in the
bot: bot/community/calendar_choices.py). Community 1's is the configuration's, as its
name and grids are.

No Telegram types here.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

from pydantic import ValidationError

from bot import usertext
from bot.clock import Clock, system_clock
from bot.config import (
    CalendarSettings,
    CommunitySettings,
    Grid,
    Language,
    Settings,
    current_calendar,
    current_profile,
)
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from storage import Storage, current_community, in_community
from storage.community.communities import CommunityRow, GridRow, community_of_user

log = logging.getLogger(__name__)

#: The first community: the configured one, and every row of an older database.
FIRST_COMMUNITY = 1

#: A community's name: what fits a button and a heading.
NAME_MAX = 20

#: The calendar fields a community chooses itself; the time zone, the holidays and the
#: sittings' lengths stay the street's (``[calendar]``).
CALENDAR_CHOICES = (
    "session_weekday",
    "session_time",
    "talk_days",
    "talk_day_time",
    "party_day",
    "party_day_time",
    "party_day_max_shift",
)


@dataclass(frozen=True)
class CommunityChoice:
    """One community as a list shows it."""

    id: int
    name: str

    @property
    def label(self) -> str:
        """What the button says."""
        return self.name


class Communities:
    """The street's communities, cached in memory (a handful of rows, read on every update)."""

    def __init__(self, db: Storage, settings: Settings, clock: Clock = system_clock) -> None:
        self._db = db
        self._settings = settings
        self._clock = clock
        self._rows: dict[int, CommunityRow] = {}
        self._profiles: dict[int, CommunitySettings] = {}
        self._calendars: dict[int, CalendarSettings] = {}
        #: Which community each group chat belongs to: chats change community never.
        self._chat_communities: dict[int, int] = {}
        #: What to do for a community just created or whose calendar changed (its
        #: built-in schedules, planned or planned again).
        self._on_created: list[Callable[[int], Awaitable[None]]] = []

    def on_created(self, callback: Callable[[int], Awaitable[None]]) -> None:
        """Have ``callback(community_id)`` run after each new community is created, and
        after a community's calendar changed (it plans the community's schedules)."""
        self._on_created.append(callback)

    # -- the list -----------------------------------------------------------

    async def load(self) -> None:
        """Read the communities (at start, and after a change); community 1 takes the
        configured name, so renaming it in the file renames it here."""
        first = self._settings.first_community
        async with self._db.transaction(completes_update=False) as session:
            row = await session.communities.get(FIRST_COMMUNITY)
            if row is not None and (row.name, row.name_en) != (first.name, first.name_en):
                clash = await session.communities.by_name(first.name)
                if clash is None or clash.id == FIRST_COMMUNITY:
                    await session.communities.rename(
                        FIRST_COMMUNITY, first.name, first.name_en, None
                    )
                else:
                    log.warning(
                        "community 1 keeps its name: another community is already called"
                        " what [community] name says"
                    )
            rows = await session.communities.all()
        self._rows = {row.id: row for row in rows}
        self._profiles = {row.id: self._profile_of(row) for row in rows}
        self._calendars = {row.id: self._calendar_of(row) for row in rows}

    def _profile_of(self, row: CommunityRow) -> CommunitySettings:
        first = self._settings.first_community
        if row.id == FIRST_COMMUNITY:
            return first
        return CommunitySettings(
            name=row.name,
            name_en=row.name_en,
            # The street's zone and language, until a community sets its own.
            timezone=first.timezone,
            default_language=first.default_language,
            # Secretaries named in the file are the first community's; the others'
            # are appointed in the bot (their role is in the register).
            secretaries=[],
            grids=[Grid(id=g.id, name=g.name, name_en=g.name_en) for g in row.grids],
        )

    def _calendar_of(self, row: CommunityRow) -> CalendarSettings:
        """The street's calendar with the community's own choices over it (the same
        object as before when nothing changed: the calendars built from it are kept)."""
        street = self._settings.street_calendar
        choices = {k: v for k, v in row.calendar.items() if k in CALENDAR_CHOICES}
        if row.id == FIRST_COMMUNITY or not choices:
            return street
        try:
            merged = merge_calendar(street, choices)
        except ValidationError:
            # The street's defaults changed under the choices (a session now too long).
            log.warning("community %s: its own calendar no longer fits; the street's", row.id)
            return street
        before = self._calendars.get(row.id)
        return before if before == merged else merged

    def calendar(self, community: int) -> CalendarSettings:
        """The community's calendar: the street's, with the community's own choices."""
        found = self._calendars.get(community)
        return found if found is not None else self._settings.street_calendar

    async def calendar_changed(self, community: int) -> None:
        """A community's calendar was stored: read it, and plan its schedules again."""
        await self.load()
        log.info("community %s: its calendar changed", community)
        for callback in self._on_created:
            await callback(community)

    @property
    def count(self) -> int:
        """How many communities there are."""
        return len(self._rows) or 1

    @property
    def several(self) -> bool:
        """Whether the deployment serves more than one community."""
        return len(self._rows) > 1

    def ids(self) -> list[int]:
        """Every community's id (the first alone until the list is loaded)."""
        return sorted(self._rows) or [FIRST_COMMUNITY]

    def all(self) -> list[CommunityRow]:
        """Every community, in the order they were created."""
        return [self._rows[key] for key in sorted(self._rows)]

    def get(self, community: int) -> CommunityRow | None:
        """The community, or None."""
        return self._rows.get(community)

    def choices(self, language: Language) -> list[CommunityChoice]:
        """The communities as a list a person chooses from."""
        return [
            CommunityChoice(id=row.id, name=self.profile(row.id).name_in(language))
            for row in self.all()
        ]

    def profile(self, community: int) -> CommunitySettings:
        """The community's profile: its name, grids, secretaries, zone and language."""
        found = self._profiles.get(community)
        if found is None:
            # Not loaded yet (a test that skipped start): the configured one.
            return self._settings.first_community
        return found

    def name_in(self, community: int, language: Language) -> str:
        """The community's name for a reader of ``language``."""
        return self.profile(community).name_in(language)

    def is_street_admin(self, tg_user_id: int) -> bool:
        """Whether the configuration names this account a street administrator."""
        return tg_user_id in self._settings.street.admins

    # -- entering one --------------------------------------------------------

    @contextmanager
    def enter(self, community: int) -> Iterator[None]:
        """Run the block as work of ``community``: its rows, its profile."""
        token = current_profile.set(self.profile(community))
        calendar_token = current_calendar.set(self.calendar(community))
        try:
            with in_community(community):
                yield
        finally:
            current_calendar.reset(calendar_token)
            current_profile.reset(token)

    def enter_for_update(self, community: int) -> None:
        """Enter ``community`` for the rest of the current task (an update's handling: its
        task ends with it, so nothing is restored)."""
        current_profile.set(self.profile(community))
        current_calendar.set(self.calendar(community))
        current_community.set(community)

    async def of_chat(self, chat_id: int) -> int | None:
        """The community a group chat belongs to, or None if the bot has not seen it."""
        found = self._chat_communities.get(chat_id)
        if found is not None:
            return found
        async with self._db.read() as session:
            found = await session.communities.of_chat(chat_id)
        if found is not None:
            self._chat_communities[chat_id] = found
        return found

    def chat_joined(self, chat_id: int, community: int) -> None:
        """Remember that ``chat_id`` now belongs to ``community``."""
        self._chat_communities[chat_id] = community

    async def of_user(self, tg_user_id: int) -> int | None:
        """The community a Telegram user is registered in, or None."""
        return await self._db.run_read(partial(community_of_user, tg_user_id=tg_user_id))

    async def resolve(self, *, chat_id: int | None, private: bool, tg_user_id: int) -> int | None:
        """Whose work an update is: a group's community, else the sender's; with only one
        community, that one. None: a newcomer who has not chosen yet (they are asked)."""
        if not self.several:
            return FIRST_COMMUNITY
        if chat_id is not None and not private:
            found = await self.of_chat(chat_id)
            if found is not None:
                return found
        found = await self.of_user(tg_user_id)
        if found is None and tg_user_id in self._settings.first_community.secretaries:
            # The file names the first community's secretaries: theirs before they register.
            return FIRST_COMMUNITY
        return found

    # -- a community's grids (网格) -------------------------------------------

    async def add_grid(self, community: int, name: str) -> GridRow:
        """A new grid of ``community`` (the first community's are configured)."""
        clean = usertext.line(unicodedata.normalize("NFC", name))
        if community == FIRST_COMMUNITY:
            raise UserFacingError("grids.first_in_config")
        if not clean:
            raise UserFacingError("grids.name_empty")
        if len(clean) > GRID_NAME_MAX:
            raise UserFacingError("grids.name_too_long", limit=GRID_NAME_MAX)
        async with self._db.transaction() as session:
            row = await session.communities.get(community)
            if row is None:
                raise UserFacingError("street.no_such_community")
            if any(grid.name == clean for grid in row.grids):
                raise UserFacingError("grids.name_taken", name=clean)
            grid = GridRow(id=_next_grid_id(row.grids), name=clean)
            await session.communities.set_grids(community, [*row.grids, grid])
        await self.load()
        return grid

    async def ask_grid_name(self, community: int, tg_user_id: int, chat_id: int) -> None:
        """➕ 添加网格: the next message the secretary types is the new grid's name."""
        if community == FIRST_COMMUNITY:
            raise UserFacingError("grids.first_in_config")
        async with self._db.transaction() as session:
            await session.dialogs.put(
                chat_id, tg_user_id, GRID_FLOW, GRID_STEP, {"community": community}, self._clock()
            )

    async def answer_grid_name(self, tg_user_id: int, chat_id: int, text: str) -> GridRow:
        """The typed name: the grid is added and the form ends; a refused name (empty, too
        long, taken) keeps the form open for another try."""
        async with self._db.read() as session:
            dialog = await expect_step(
                session, chat_id, tg_user_id, GRID_FLOW, GRID_STEP, "grids.form_expired"
            )
        community = int(dialog.data["community"])
        if current_community.get() != community:
            raise UserFacingError("grids.form_expired")  # moved or appointed elsewhere since
        grid = await self.add_grid(community, text)
        async with self._db.transaction() as session:
            await session.dialogs.end(chat_id, tg_user_id)
        return grid

    async def remove_grid(self, community: int, grid_id: str) -> GridRow:
        """Remove a grid nobody is registered in."""
        if community == FIRST_COMMUNITY:
            raise UserFacingError("grids.first_in_config")
        with self.enter(community):
            async with self._db.transaction() as session:
                row = await session.communities.get(community)
                grid = next((g for g in row.grids if g.id == grid_id), None) if row else None
                if row is None or grid is None:
                    raise UserFacingError("grids.gone")
                people = await session.people.count_in_grid(grid_id)
                if people:
                    raise UserFacingError("grids.not_empty", name=grid.name, count=people)
                await session.communities.set_grids(
                    community, [g for g in row.grids if g.id != grid_id]
                )
        await self.load()
        return grid

    # -- creating and renaming ----------------------------------------------

    async def create(self, name: str, *, created_by: int | None) -> CommunityRow:
        """A new community named ``name`` (checked, unique)."""
        clean = valid_name(name)
        async with self._db.transaction() as session:
            if await session.communities.by_name(clean) is not None:
                raise UserFacingError("street.name_taken", name=clean)
            new_id = await session.communities.create(clean, None, created_by, self._clock())
        await self.load()
        row = self._rows[new_id]
        log.info("community %s created", new_id)
        for callback in self._on_created:
            await callback(new_id)
        return row

    async def rename(self, community: int, name: str) -> CommunityRow:
        """Give ``community`` a new name (community 1's lives in the configuration)."""
        clean = valid_name(name)
        if community == FIRST_COMMUNITY:
            raise UserFacingError("street.first_in_config")
        async with self._db.transaction() as session:
            if await session.communities.get(community) is None:
                raise UserFacingError("street.no_such_community")
            clash = await session.communities.by_name(clean)
            if clash is not None and clash.id != community:
                raise UserFacingError("street.name_taken", name=clean)
            await session.communities.rename(community, clean, None, self._clock())
        await self.load()
        return self._rows[community]


#: A grid's name: what fits a button beside another.
GRID_NAME_MAX = 16
#: The guided conversation of ➕ 添加网格 (handlers/community/grids.py).
GRID_FLOW = "grid_name"
GRID_STEP = "name"


def _next_grid_id(grids: tuple[GridRow, ...]) -> str:
    numbers = [int(g.id[1:]) for g in grids if g.id[:1] == "g" and g.id[1:].isdigit()]
    return f"g{max(numbers, default=0) + 1}"


def merge_calendar(street: CalendarSettings, choices: dict[str, Any]) -> CalendarSettings:
    """The street's calendar with ``choices`` over it (checked: ValidationError)."""
    return CalendarSettings.model_validate({**street.model_dump(), **choices})


def valid_name(text: str) -> str:
    """A community's name as typed, cleaned (bot/usertext.py); refused if empty or too long."""
    clean = usertext.line(unicodedata.normalize("NFC", text))
    if not clean:
        raise UserFacingError("street.name_empty")
    if len(clean) > NAME_MAX:
        raise UserFacingError("street.name_too_long", limit=NAME_MAX)
    return clean
