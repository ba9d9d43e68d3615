"""Setting a vote up: the settings screen a secretary steps through before opening it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from bot import parsing, usertext
from bot.community.register import Actor, Role
from bot.deliberation.voting.ballots import Tally
from bot.deliberation.voting.cards import vote_card
from bot.deliberation.voting.context import VotingContext, get_matter, residents_chats
from bot.deliberation.voting.electorate import (
    ALL,
    BUILDINGS,
    GRID,
    HOUSEHOLDS,
    Scope,
    electorate_size,
    electors,
    known_buildings,
    size_of,
)
from bot.deliberation.voting.reminders import schedule_reminders
from bot.deliberation.voting.rules import (
    CLOSE_KIND,
    CLOSE_PRESETS_HOURS,
    MAX_OPTION_LENGTH,
    MAX_OPTIONS,
    MAX_QUORUM,
    QUORUM_STEPS,
    SETUP_FLOW,
    VOTABLE_STAGES,
    YES_NO,
)
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from bot.runtime.outbox import Delivery, queue_push
from storage.deliberation.matters import MatterRow
from storage.deliberation.votes import ConventionRow, VoteRow
from storage.session import Session
from storage.times import to_db_time


@dataclass(frozen=True)
class VoteSetup:
    """The settings screen of a vote being prepared."""

    matter: MatterRow
    kind: str = "yes_no"
    options: tuple[str, ...] = ()
    anonymous: bool = False
    close_hours: int = 2
    quorum: int = 10
    threshold: str = "majority"
    convention: bool = False
    amends: ConventionRow | None = None
    step: str = "settings"
    #: Who may vote (electorate.py): its kind, the buildings or the grid chosen.
    electorate: str = ALL
    buildings: tuple[str, ...] = ()
    grid: str | None = None
    #: The buildings offered as toggles (kept, so a button's index keeps its meaning).
    building_choices: tuple[str, ...] = ()
    #: Which screen the handler shows: "settings", "electorate", "buildings" or "grid".
    screen: str = "settings"
    #: How many may vote as chosen now (people, or households), for the screen.
    eligible: int = 0

    def to_data(self) -> dict[str, Any]:
        """What the dialog row keeps."""
        return {
            "electorate": self.electorate,
            "buildings": list(self.buildings),
            "grid": self.grid,
            "building_choices": list(self.building_choices),
            "matter_id": self.matter.id,
            "kind": self.kind,
            "options": list(self.options),
            "anonymous": self.anonymous,
            "close_hours": self.close_hours,
            "quorum": self.quorum,
            "threshold": self.threshold,
            "convention": self.convention,
            "amends": self.amends.id if self.amends else None,
        }


def _next(presets: Sequence[int], current: int) -> int:
    later = [value for value in presets if value > current]
    return later[0] if later else presets[0]


def _next_convention(
    in_force: list[ConventionRow], current: ConventionRow | None
) -> ConventionRow | None:
    if not in_force:
        return None
    if current is None:
        return in_force[0]
    ids = [row.id for row in in_force]
    if current.id not in ids or ids.index(current.id) == len(ids) - 1:
        return None
    return in_force[ids.index(current.id) + 1]


class SetupService:
    """The settings screen of a vote, and opening it."""

    def __init__(self, ctx: VotingContext) -> None:
        self._ctx = ctx

    async def start_setup(self, actor: Actor, chat_id: int, matter_id: int) -> VoteSetup:
        """Open the settings screen for a vote on the matter, with the defaults."""
        actor.member(Role.SECRETARY, "vote.need_secretary")
        async with self._ctx.db.transaction() as session:
            matter = await self._votable(session, matter_id)
            setup = VoteSetup(
                matter,
                quorum=self._ctx.settings.deliberation.default_quorum,
                convention=matter.kind == "convention",
                threshold="two_thirds" if matter.kind == "convention" else "majority",
            )
            setup = await self._counted(session, setup)
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                SETUP_FLOW,
                "settings",
                setup.to_data(),
                self._ctx.clock(),
            )
        return setup

    async def change_setting(self, actor: Actor, chat_id: int, field: str) -> VoteSetup:
        """One press on the settings screen: the field moves to its next value."""
        actor.member(Role.SECRETARY, "vote.need_secretary")
        async with self._ctx.db.transaction() as session:
            setup = await self._setup(session, actor, chat_id, "settings")
            if field == "kind":
                kinds = ("yes_no", "single", "multiple")
                kind = kinds[(kinds.index(setup.kind) + 1) % len(kinds)]
                setup = replace(
                    setup, kind=kind, step="options" if kind != "yes_no" else "settings"
                )
            elif field == "options":
                setup = replace(setup, step="options")
            elif field == "anonymous":
                setup = replace(setup, anonymous=not setup.anonymous)
            elif field == "close":
                setup = replace(setup, close_hours=_next(CLOSE_PRESETS_HOURS, setup.close_hours))
            elif field == "quorum":
                setup = replace(setup, step="quorum")  # the number is typed next
            elif field in QUORUM_STEPS:
                quorum = min(MAX_QUORUM, max(0, setup.quorum + QUORUM_STEPS[field]))
                setup = replace(setup, quorum=quorum)
            elif field == "threshold":
                threshold = "two_thirds" if setup.threshold == "majority" else "majority"
                setup = replace(setup, threshold=threshold)
            elif field == "convention":
                convention = not setup.convention
                setup = replace(
                    setup,
                    convention=convention,
                    amends=None,
                    threshold="two_thirds" if convention else "majority",
                )
            elif field == "amends":
                in_force = [c for c in await session.votes.conventions() if c.superseded_by is None]
                setup = replace(setup, amends=_next_convention(in_force, setup.amends))
            elif field == "electorate":
                setup = replace(setup, screen="electorate")
            else:
                raise UserFacingError("vote.setup_expired")
            await self._save_setup(session, actor, chat_id, setup)
        return await self._recount(setup)

    async def choose_electorate(self, actor: Actor, chat_id: int, kind: str) -> VoteSetup:
        """Who may vote: the whole community, one vote per household (back to the
        settings), some buildings (their toggles next) or a grid (its buttons next);
        "done" ends the choice of buildings."""
        actor.member(Role.SECRETARY, "vote.need_secretary")
        async with self._ctx.db.transaction() as session:
            setup = await self._setup(session, actor, chat_id, "settings")
            if kind in (ALL, HOUSEHOLDS):
                setup = replace(setup, electorate=kind, buildings=(), grid=None)
            elif kind == BUILDINGS:
                choices = known_buildings(await session.people.known_buildings())
                if not choices:
                    raise UserFacingError("vote.no_buildings")
                setup = replace(setup, building_choices=tuple(choices), screen="buildings")
            elif kind == GRID:
                if not self._ctx.settings.community.grids:
                    raise UserFacingError("vote.no_grids")
                setup = replace(setup, screen="grid")
            elif kind == "back":
                setup = replace(setup, screen="settings")
            elif kind == "done":
                if not setup.buildings:
                    raise UserFacingError("vote.buildings_missing")
                setup = replace(setup, electorate=BUILDINGS, grid=None)
            else:
                raise UserFacingError("vote.setup_expired")
            await self._save_setup(session, actor, chat_id, setup)
        return await self._recount(setup)

    async def toggle_building(self, actor: Actor, chat_id: int, index: int) -> VoteSetup:
        """A building's toggle on the buildings screen (✅ chosen, ▫️ not)."""
        actor.member(Role.SECRETARY, "vote.need_secretary")
        async with self._ctx.db.transaction() as session:
            setup = await self._setup(session, actor, chat_id, "settings")
            if not 0 <= index < len(setup.building_choices):
                raise UserFacingError("vote.setup_expired")
            chosen = set(setup.buildings) ^ {setup.building_choices[index]}
            buildings = tuple(name for name in setup.building_choices if name in chosen)
            setup = replace(setup, buildings=buildings, screen="buildings")
            await self._save_setup(session, actor, chat_id, setup)
        return await self._recount(setup)

    async def choose_grid(self, actor: Actor, chat_id: int, grid_id: str) -> VoteSetup:
        """The grid whose residents may vote."""
        actor.member(Role.SECRETARY, "vote.need_secretary")
        if grid_id not in {grid.id for grid in self._ctx.settings.community.grids}:
            raise UserFacingError("vote.setup_expired")
        async with self._ctx.db.transaction() as session:
            setup = await self._setup(session, actor, chat_id, "settings")
            setup = replace(setup, electorate=GRID, grid=grid_id, buildings=())
            await self._save_setup(session, actor, chat_id, setup)
        return await self._recount(setup)

    async def _recount(self, setup: VoteSetup) -> VoteSetup:
        async with self._ctx.db.read() as session:
            return await self._counted(session, setup)

    async def _counted(self, session: Session, setup: VoteSetup) -> VoteSetup:
        """The setup with the size of its electorate as chosen now."""
        if setup.screen == "buildings":  # the buildings ticked so far
            scope = Scope(BUILDINGS, setup.buildings)
        else:
            scope = Scope(setup.electorate, setup.buildings, setup.grid)
        return replace(setup, eligible=size_of(scope, await electors(session)))

    async def answer_options(self, actor: Actor, chat_id: int, text: str) -> VoteSetup:
        """The options of a single/multiple choice vote, one per line."""
        actor.member(Role.SECRETARY, "vote.need_secretary")
        options = tuple(dict.fromkeys(usertext.line(line) for line in text.splitlines()))
        options = tuple(option for option in options if option)
        if not 2 <= len(options) <= MAX_OPTIONS:
            raise UserFacingError("vote.options_count", most=MAX_OPTIONS)
        too_long = [option for option in options if len(option) > MAX_OPTION_LENGTH]
        if too_long:
            raise UserFacingError("vote.option_too_long", limit=MAX_OPTION_LENGTH)
        async with self._ctx.db.transaction() as session:
            setup = await self._setup(session, actor, chat_id, "options")
            setup = replace(setup, options=options, step="settings")
            await self._save_setup(session, actor, chat_id, setup)
        return await self._recount(setup)

    async def answer_quorum(self, actor: Actor, chat_id: int, text: str) -> VoteSetup:
        """The quorum, typed as a whole number (0 to MAX_QUORUM; "5" or "5人")."""
        actor.member(Role.SECRETARY, "vote.need_secretary")
        quorum = parsing.number(text.strip().removesuffix("人"), high=MAX_QUORUM)
        if quorum is None:
            raise UserFacingError("vote.quorum_bad", most=MAX_QUORUM)
        async with self._ctx.db.transaction() as session:
            setup = await self._setup(session, actor, chat_id, "quorum")
            setup = replace(setup, quorum=quorum, step="settings")
            await self._save_setup(session, actor, chat_id, setup)
        return await self._recount(setup)

    async def open(self, actor: Actor, chat_id: int) -> VoteRow:
        """Open the vote as set up: its card goes out and its close is scheduled."""
        person = actor.member(Role.SECRETARY, "vote.need_secretary")
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            setup = await self._setup(session, actor, chat_id, "settings")
            if setup.kind != "yes_no" and len(setup.options) < 2:
                raise UserFacingError("vote.options_missing")
            matter = await self._votable(session, setup.matter.id)
            closes_at = now + timedelta(hours=setup.close_hours)
            vote_id = await session.votes.create(
                matter_id=matter.id,
                kind=setup.kind,
                options=YES_NO if setup.kind == "yes_no" else setup.options,
                anonymous=setup.anonymous,
                salt=self._ctx.keys.new_vote_secret() if setup.anonymous else None,
                quorum=setup.quorum,
                threshold=setup.threshold,
                opened_by=person.id,
                closes_at=closes_at,
                now=now,
                electorate=setup.electorate,
                electorate_buildings=setup.buildings,
                electorate_grid=setup.grid,
            )
            kind = "convention" if setup.convention else "matter"
            await session.matters.set_kind(matter.id, kind, now)
            await session.matters.set_stage(matter.id, "voting", now)
            await session.matters.add_event(
                matter.id,
                "vote_opened",
                actor_id=person.id,
                now=now,
                vote=vote_id,
                closes=to_db_time(closes_at),
                quorum=setup.quorum,
                threshold=setup.threshold,
                anonymous=setup.anonymous,
                amends=setup.amends.id if setup.amends else None,
                electorate=setup.electorate,
                buildings=list(setup.buildings),
                grid=setup.grid,
            )
            await session.audit.record(
                at=now, action="vote.open", actor_id=person.id, detail=str(vote_id)
            )
            schedule_id, due = await self._ctx.scheduler.create_in(
                session,
                kind=CLOSE_KIND,
                title=f"vote {vote_id}",
                rule={"type": "once", "at": to_db_time(closes_at)},
                payload={"vote_id": vote_id},
                owner_id=person.id,
                now=now,
            )
            await session.votes.set_schedule(vote_id, schedule_id)
            await session.dialogs.end(chat_id, actor.tg_user_id)
            vote = await session.votes.get(vote_id)
            assert vote is not None  # noqa: S101 - created just above
            reminders = await schedule_reminders(self._ctx, session, vote, now)
            matter = await get_matter(session, matter.id)
            await self._post_card(session, vote, matter, now)
        if due is not None:
            self._ctx.scheduler.arm(schedule_id, due)
        for reminder_id, reminder_due in reminders:
            self._ctx.scheduler.arm(reminder_id, reminder_due)
        return vote

    async def _post_card(
        self, session: Session, vote: VoteRow, matter: MatterRow, now: datetime
    ) -> None:
        chats = await residents_chats(session)
        if not chats:
            return
        message = vote_card(
            vote,
            matter,
            Tally((0,) * len(vote.options), 0),
            self._ctx.language,
            self._ctx.tz,
            await electorate_size(session, vote),
            self._ctx.settings.community.grids,
        )
        push_id = await queue_push(
            session,
            kind="vote.card",
            title=matter.title,
            deliveries=[Delivery(chat_id, None, message) for chat_id in chats],
            dedupe_prefix=f"vote-card:{vote.id}",
            now=now,
        )
        await session.votes.set_card_push(vote.id, push_id)

    async def _votable(self, session: Session, matter_id: int) -> MatterRow:
        matter = await session.matters.get(matter_id)
        if matter is None:
            raise UserFacingError("matter.not_found", number=matter_id)
        if matter.stage == "voting":
            raise UserFacingError("vote.already_open", number=matter.number)
        if matter.stage not in VOTABLE_STAGES:
            raise UserFacingError("vote.not_votable", number=matter.number)
        return matter

    async def _setup(self, session: Session, actor: Actor, chat_id: int, step: str) -> VoteSetup:
        dialog = await expect_step(
            session, chat_id, actor.tg_user_id, SETUP_FLOW, step, "vote.setup_expired"
        )
        return await self._load_setup(session, dialog.data, dialog.step)

    async def _load_setup(self, session: Session, data: dict[str, Any], step: str) -> VoteSetup:
        matter = await get_matter(session, int(data["matter_id"]))
        amends = None
        if data.get("amends") is not None:
            amends = await session.votes.convention(int(data["amends"]))
        return VoteSetup(
            matter=matter,
            kind=str(data["kind"]),
            options=tuple(str(option) for option in data["options"]),
            anonymous=bool(data["anonymous"]),
            close_hours=int(data["close_hours"]),
            quorum=int(data["quorum"]),
            threshold=str(data["threshold"]),
            convention=bool(data["convention"]),
            amends=amends,
            step=step,
            electorate=str(data.get("electorate", ALL)),
            buildings=tuple(str(name) for name in data.get("buildings", [])),
            grid=str(data["grid"]) if data.get("grid") is not None else None,
            building_choices=tuple(str(name) for name in data.get("building_choices", [])),
        )

    async def _save_setup(
        self, session: Session, actor: Actor, chat_id: int, setup: VoteSetup
    ) -> None:
        await session.dialogs.put(
            chat_id, actor.tg_user_id, SETUP_FLOW, setup.step, setup.to_data(), self._ctx.clock()
        )
