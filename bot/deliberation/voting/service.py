"""VoteService: setting votes up, ballots, proxies, the close, the resolution.

See bot/deliberation/voting/__init__.py for how voting works.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from bot import parsing, usertext
from bot.clock import Clock, system_clock
from bot.community.register import Actor, ChatKind, Role
from bot.config import Language, Settings
from bot.deliberation.ballot_keys import BallotKeys
from bot.deliberation.voting.ballots import CastResult, Tally, count_ballots, decide
from bot.deliberation.voting.cards import draft_resolution, vote_card
from bot.deliberation.voting.closing import ClosedVote
from bot.deliberation.voting.proxies import (
    ProxyCandidate,
    ProxyResult,
    ProxyScreen,
    _asked_candidate,
    _paper_candidate,
    _require_proxy_recorder,
    _vote_choosing_a_person,
)
from bot.deliberation.voting.resolutions import _amends_of
from bot.deliberation.voting.rules import (
    CLOSE_KIND,
    CLOSE_PRESETS_HOURS,
    MAX_OPTION_LENGTH,
    MAX_OPTIONS,
    MAX_QUORUM,
    MAX_RESOLUTION,
    PROXY_FLOW,
    QUORUM_STEPS,
    RESOLUTION_FLOW,
    SETUP_FLOW,
    VOTABLE_STAGES,
    YES_NO,
    option_labels,
)
from bot.deliberation.voting.setup import VoteSetup, _next, _next_convention
from bot.dialogs import advance_step, expect_step
from bot.errors import UserFacingError
from bot.i18n import translate
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, queue_push
from bot.runtime.scheduler import Firing, SchedulerService
from storage import Database
from storage.deliberation.matters import MatterRow
from storage.deliberation.votes import BallotBox, ConventionRow, VoteRow
from storage.session import Session
from storage.times import to_db_time


class VoteService:
    """Opening votes, casting ballots, closing and recording the result."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        scheduler: SchedulerService,
        clock: Clock = system_clock,
    ) -> None:
        self._db = db
        self._settings = settings
        self._scheduler = scheduler
        self._clock = clock
        self._tz = scheduler.calendar.tz
        self._keys = BallotKeys(settings.storage.ballot_key_path)
        #: Called with the ids of a vote and its matter when its schedule closed it; the
        #: composition root connects it to the cards' refresh (a service edits no message).
        self.on_closed: Callable[[int, int], None] = lambda vote_id, matter_id: None
        scheduler.register_effect(CLOSE_KIND, self._close_effect)

    @property
    def language(self) -> Language:
        """The language of what is posted to groups and kept in the record."""
        return self._settings.community.default_language

    # --- setting a vote up --------------------------------------------------------------

    async def start_setup(self, actor: Actor, chat_id: int, matter_id: int) -> VoteSetup:
        """Open the settings screen for a vote on the matter, with the defaults."""
        actor.member(Role.SECRETARY, "vote.need_secretary")
        async with self._db.transaction() as session:
            matter = await self._votable(session, matter_id)
            setup = VoteSetup(
                matter,
                quorum=self._settings.deliberation.default_quorum,
                convention=matter.kind == "convention",
                threshold="two_thirds" if matter.kind == "convention" else "majority",
            )
            await session.dialogs.put(
                chat_id, actor.tg_user_id, SETUP_FLOW, "settings", setup.to_data(), self._clock()
            )
        return setup

    async def change_setting(self, actor: Actor, chat_id: int, field: str) -> VoteSetup:
        """One press on the settings screen: the field moves to its next value."""
        actor.member(Role.SECRETARY, "vote.need_secretary")
        async with self._db.transaction() as session:
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
            else:
                raise UserFacingError("vote.setup_expired")
            await self._save_setup(session, actor, chat_id, setup)
        return setup

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
        async with self._db.transaction() as session:
            setup = await self._setup(session, actor, chat_id, "options")
            setup = replace(setup, options=options, step="settings")
            await self._save_setup(session, actor, chat_id, setup)
        return setup

    async def answer_quorum(self, actor: Actor, chat_id: int, text: str) -> VoteSetup:
        """The quorum, typed as a whole number (0 to MAX_QUORUM; "5" or "5人")."""
        actor.member(Role.SECRETARY, "vote.need_secretary")
        quorum = parsing.number(text.strip().removesuffix("人"), high=MAX_QUORUM)
        if quorum is None:
            raise UserFacingError("vote.quorum_bad", most=MAX_QUORUM)
        async with self._db.transaction() as session:
            setup = await self._setup(session, actor, chat_id, "quorum")
            setup = replace(setup, quorum=quorum, step="settings")
            await self._save_setup(session, actor, chat_id, setup)
        return setup

    async def open(self, actor: Actor, chat_id: int) -> VoteRow:
        """Open the vote as set up: its card goes out and its close is scheduled."""
        person = actor.member(Role.SECRETARY, "vote.need_secretary")
        now = self._clock()
        async with self._db.transaction() as session:
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
                salt=self._keys.new_vote_secret() if setup.anonymous else None,
                quorum=setup.quorum,
                threshold=setup.threshold,
                opened_by=person.id,
                closes_at=closes_at,
                now=now,
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
            )
            await session.audit.record(
                at=now, action="vote.open", actor_id=person.id, detail=str(vote_id)
            )
            schedule_id, due = await self._scheduler.create_in(
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
            matter = await _matter(session, matter.id)
            await self._post_card(session, vote, matter, now)
        if due is not None:
            self._scheduler.arm(schedule_id, due)
        return vote

    async def _post_card(
        self, session: Session, vote: VoteRow, matter: MatterRow, now: datetime
    ) -> None:
        chats = await _residents_chats(session)
        if not chats:
            return
        message = vote_card(
            vote, matter, Tally((0,) * len(vote.options), 0), self.language, self._tz
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

    # --- ballots ---------------------------------------------------------------------------

    async def cast(self, actor: Actor, vote_id: int, index: int) -> CastResult:
        """A resident's ballot button: choose (or, in a multiple-choice vote, toggle) an option.

        The hottest write of the bot: the whole unit of work runs in one hop
        to the database thread (see ``Database.run_unit``).
        """
        person = actor.member(Role.RESIDENT, "vote.need_resident")
        now = self._clock()
        language = actor.language

        def work(conn: sqlite3.Connection) -> CastResult:
            box = BallotBox(conn)
            vote = _check_open(box.vote(vote_id), index, now)
            key = self._voter_key(vote, f"p{person.id}")
            existing = box.ballot(vote.id, key)
            # A ballot a grid worker recorded for them: their own press replaces it.
            proxied = existing is not None and existing.recorded_by is not None
            if vote.kind == "multiple":
                chosen = set(existing.choice) if existing and not proxied else set()
                chosen ^= {index}
                choice = tuple(sorted(chosen))
            else:
                choice = (index,)
                if existing is not None and existing.choice == choice and not proxied:
                    raise UserFacingError(
                        "vote.already_cast", label=option_labels(vote, language)[index]
                    )
            if choice:
                box.put_ballot(
                    vote.id,
                    key,
                    None if vote.anonymous else person.id,
                    choice,
                    _ballot_time(vote, now),
                )
            else:
                box.delete_ballot(vote.id, key)
            return CastResult(vote, choice, existing is not None, replaced_proxy=proxied)

        result = await self._db.run_unit(work)
        if result.vote.anonymous:
            # The update (who pressed which button) must not linger in the WAL.
            self._db.request_checkpoint()
        return result

    # --- proxy ballots ------------------------------------------------------------------
    #
    # A proxy ballot is only for someone in the register who cannot vote themselves: a
    # resident without Telegram entered on paper (bot/community/register.py), or a registered
    # resident who asked for it (/askproxy). A grid worker sees the people of their own
    # grid, a secretary everyone's, as buttons: nobody is ever matched by a typed name.

    async def start_proxy(self, actor: Actor, chat_id: int, matter_id: int) -> ProxyScreen:
        """/proxyvote N: the people whose ballot the grid worker may record, as buttons."""
        _require_proxy_recorder(actor)
        async with self._db.transaction() as session:
            vote = await self._open_vote_of(session, matter_id)
            matter = await _matter(session, vote.matter_id)
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                PROXY_FLOW,
                "person",
                {"vote_id": vote.id},
                self._clock(),
            )
            people = await self._proxy_candidates(session, actor)
        return ProxyScreen(vote, matter, people)

    async def proxy_list(self, actor: Actor, chat_id: int) -> ProxyScreen:
        """The list of /proxyvote again (another page of it)."""
        _require_proxy_recorder(actor)
        async with self._db.read() as session:
            vote = await _vote_choosing_a_person(session, actor, chat_id)
            matter = await _matter(session, vote.matter_id)
            people = await self._proxy_candidates(session, actor)
        return ProxyScreen(vote, matter, people)

    async def proxy_person(
        self, actor: Actor, chat_id: int, kind: str, subject_id: int
    ) -> tuple[VoteRow, ProxyCandidate]:
        """The person pressed in the list; then the grid worker picks their option."""
        _require_proxy_recorder(actor)
        async with self._db.transaction() as session:
            vote = await _vote_choosing_a_person(session, actor, chat_id)
            candidate = await self._proxy_candidate(session, actor, kind, subject_id)
            existing = await session.votes.ballot(
                vote.id, self._voter_key(vote, candidate.identity)
            )
            if existing is not None and existing.recorded_by is None:
                raise UserFacingError("vote.proxy_voted_themselves", name=candidate.name)
            await advance_step(
                session,
                chat_id,
                actor.tg_user_id,
                PROXY_FLOW,
                from_step="person",
                to_step="choice",
                expired_key="vote.setup_expired",
                now=self._clock(),
                kind=candidate.kind,
                subject=candidate.id,
            )
        return vote, candidate

    async def proxy_choice(self, actor: Actor, chat_id: int, index: int) -> ProxyResult:
        """Record the proxy ballot: it names who recorded it and why (paper or asked); in an
        anonymous vote not for whom. A registered resident is told (see ProxyResult)."""
        person = _require_proxy_recorder(actor)
        now = self._clock()
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, PROXY_FLOW, "choice", "vote.setup_expired"
            )
            vote = _check_open(await session.votes.get(int(dialog.data["vote_id"])), index, now)
            matter = await _matter(session, vote.matter_id)
            candidate = await self._proxy_candidate(
                session, actor, str(dialog.data["kind"]), int(dialog.data["subject"])
            )
            key = self._voter_key(vote, candidate.identity)
            existing = await session.votes.ballot(vote.id, key)
            if existing is not None and existing.recorded_by is None:
                raise UserFacingError("vote.proxy_voted_themselves", name=candidate.name)
            named = not vote.anonymous
            await session.votes.put_ballot(
                vote_id=vote.id,
                voter_key=key,
                person_id=candidate.id if named and candidate.kind == "p" else None,
                paper_resident_id=candidate.id if named and candidate.kind == "w" else None,
                choice=(index,),
                now=_ballot_time(vote, now),
                recorded_by=person.id,
                proxy_reason=candidate.basis,
            )
            await session.audit.record(
                at=now, action="vote.proxy", actor_id=person.id, detail=str(vote.id)
            )
            await session.dialogs.end(chat_id, actor.tg_user_id)
            notice = None
            if candidate.tg_user_id is not None:
                notice = self._proxy_notice(vote, matter, candidate, person, index)
                if named:
                    # Durable, like every push. Not for an anonymous vote: the outbox
                    # row would record that this person was proxied in this vote.
                    await queue_push(
                        session,
                        kind="vote.proxy_notice",
                        title=matter.title,
                        deliveries=[notice],
                        dedupe_prefix=f"vote-proxy:{vote.id}:{candidate.id}:{to_db_time(now)}",
                        now=now,
                    )
        if vote.anonymous:
            self._db.request_checkpoint()
        return ProxyResult(
            CastResult(vote, (index,), existing is not None, candidate.name),
            candidate,
            notice if vote.anonymous else None,
        )

    def _proxy_notice(
        self,
        vote: VoteRow,
        matter: MatterRow,
        candidate: ProxyCandidate,
        recorder: Any,
        index: int,
    ) -> Delivery:
        assert candidate.tg_user_id is not None  # noqa: S101 - registered residents only
        language = candidate.language
        return Delivery(
            candidate.tg_user_id,
            candidate.id,
            OutgoingMessage(
                "vote.proxy_notice",
                language,
                {
                    "worker": recorder.display_name,
                    "number": matter.id,
                    "title": matter.title,
                    "label": option_labels(vote, language)[index],
                },
            ),
        )

    async def _proxy_candidates(self, session: Session, actor: Actor) -> list[ProxyCandidate]:
        """Everyone the actor may record a ballot for: their grid's (a secretary: all)."""
        people = [
            _paper_candidate(row)
            for row in await session.people.paper_residents()
            if self._may_proxy_in(actor, row.grid_id)
        ] + [
            _asked_candidate(row)
            for row in await session.people.proxy_requesters()
            if self._may_proxy_in(actor, row.grid_id) and row.id != actor.person_id
        ]
        return sorted(people, key=lambda c: (c.name, c.building or "", c.kind, c.id))

    async def _proxy_candidate(
        self, session: Session, actor: Actor, kind: str, subject_id: int
    ) -> ProxyCandidate:
        """The person, checked again: still in the register, still eligible, in the grid."""
        if kind == "w":
            paper = await session.people.paper_resident(subject_id)
            if paper is not None and self._may_proxy_in(actor, paper.grid_id):
                return _paper_candidate(paper)
        elif kind == "p":
            registered = await session.people.by_id(subject_id)
            if (
                registered is not None
                and Role.RESIDENT.value in registered.roles
                and registered.id != actor.person_id
                and await session.people.asked_for_proxy(registered.id)
                and self._may_proxy_in(actor, registered.grid_id)
            ):
                return _asked_candidate(registered)
        raise UserFacingError("vote.proxy_not_allowed")

    def _may_proxy_in(self, actor: Actor, grid_id: str | None) -> bool:
        """Secretaries record for any grid; a grid worker only for their own (in a
        community without configured grids, everyone is in the one grid)."""
        if actor.has(Role.SECRETARY):
            return True
        if actor.person is None or not actor.has(Role.GRID_WORKER):
            return False
        if not self._settings.community.grids:
            return True
        return grid_id is not None and grid_id == actor.person.grid_id

    # --- tally and close ---------------------------------------------------------------------

    async def live(self, vote_id: int) -> tuple[VoteRow, MatterRow, Tally]:
        """The vote, its matter and the tally so far (counted from the ballots)."""
        async with self._db.read() as session:
            vote = await session.votes.get(vote_id)
            if vote is None:
                raise UserFacingError("vote.not_found")
            matter = await _matter(session, vote.matter_id)
            tally = self._tally(vote, await session.votes.choices(vote.id))
        return vote, matter, tally

    async def card_messages(self, vote: VoteRow) -> list[tuple[int, int]]:
        """Where the vote's card stands: (chat id, message id) pairs."""
        if vote.card_push_id is None:
            return []
        async with self._db.read() as session:
            return await session.outbox.sent_messages(vote.card_push_id)

    async def close_now(self, actor: Actor, matter_id: int) -> ClosedVote:
        """A secretary closes the matter's open vote before its time."""
        person = actor.member(Role.SECRETARY, "vote.need_secretary")
        now = self._clock()
        async with self._db.transaction() as session:
            vote = await self._open_vote_of(session, matter_id)
            closed = await self._close(session, vote, person.id, now)
            if vote.schedule_id is not None:
                await session.schedules.set_next_due(vote.schedule_id, None, now)
        if vote.schedule_id is not None:
            self._scheduler.disarm(vote.schedule_id)
        if vote.anonymous:
            await self._db.settle_checkpoints()
        return closed

    async def _close_effect(self, firing: Firing) -> None:
        vote = await firing.session.votes.get(int(firing.schedule.payload["vote_id"]))
        if vote is None or not vote.is_open:
            return  # closed by hand already
        await self._close(firing.session, vote, None, firing.now)
        self.on_closed(vote.id, vote.matter_id)

    async def _close(
        self,
        session: Session,
        vote: VoteRow,
        closed_by: int | None,
        now: datetime,
    ) -> ClosedVote:
        tally = self._tally(vote, await session.votes.choices(vote.id))
        result, winners = decide(vote, tally)
        record = {**tally.as_json(), "winners": list(winners)}
        if not await session.votes.close(
            vote.id, result=result, tally=record, voters=tally.voters, closed_by=closed_by, now=now
        ):
            raise UserFacingError("vote.closed")
        await session.matters.set_stage(vote.matter_id, result, now)
        await session.matters.add_event(
            vote.matter_id,
            "vote_closed",
            actor_id=closed_by,
            now=now,
            vote=vote.id,
            result=result,
            voters=tally.voters,
            counts=list(tally.counts),
        )
        await session.audit.record(
            at=now, action="vote.close", actor_id=closed_by, detail=f"{vote.id}:{result}"
        )
        if vote.anonymous:
            # The nonce erased by the close must leave the WAL too (after this commit).
            self._db.request_checkpoint()
        closed = await session.votes.get(vote.id)
        assert closed is not None  # noqa: S101 - read in the same transaction
        matter = await _matter(session, vote.matter_id)
        await self._post_result(session, closed, matter, now)
        return ClosedVote(closed, matter)

    def _voter_key(self, vote: VoteRow, identity: str) -> str:
        """The ballot's key: the identity itself, or in an anonymous vote its keyed hash."""
        if not vote.anonymous:
            return identity
        if vote.salt is None:
            raise UserFacingError("vote.closed")
        return self._keys.voter_key(vote.salt, vote.id, identity)

    def _tally(self, vote: VoteRow, choices: list[tuple[int, ...]]) -> Tally:
        return count_ballots(choices, len(vote.options))

    async def _post_result(
        self,
        session: Session,
        vote: VoteRow,
        matter: MatterRow,
        now: datetime,
    ) -> None:
        """The result to the residents' groups (with its chart); the draft resolution to the
        secretary who opened the vote."""
        language = self.language
        labels = option_labels(vote, language)
        tally = vote.tally or {}
        counts = list(tally.get("counts", []))
        # Numbered like the chart's bars (which carry only numbers without a CJK font).
        lines = "\n".join(
            translate(language, "vote.result_line", index=index, label=label, count=count)
            for index, (label, count) in enumerate(zip(labels, counts, strict=True), start=1)
        )
        message = OutgoingMessage(
            "vote.result_post",
            language,
            {
                "number": matter.id,
                "title": matter.title,
                "result": translate(language, f"vote.result.{vote.result}"),
                "lines": lines,
                "voters": vote.voters or 0,
                "quorum": vote.quorum,
                "threshold": translate(language, f"vote.threshold.{vote.threshold}"),
            },
            chart={
                "title": f"#{matter.id} {matter.title}",
                "bars": [[label, count] for label, count in zip(labels, counts, strict=True)],
            },
        )
        deliveries = [
            Delivery(chat_id, None, message) for chat_id in await _residents_chats(session)
        ]
        opener = await session.people.by_id(vote.opened_by) if vote.opened_by else None
        if opener is not None and opener.reachable:
            opener_language = Language(opener.language)
            deliveries.append(
                Delivery(
                    opener.tg_user_id,
                    opener.id,
                    OutgoingMessage(
                        "resolution.ask",
                        opener_language,
                        {
                            "number": matter.id,
                            "title": matter.title,
                            "draft": draft_resolution(vote, matter, language),
                        },
                        buttons=(
                            (
                                ButtonSpec(
                                    "resolution.accept_button",
                                    callback_data=f"ra:{matter.id}:{vote.id}",
                                ),
                            ),
                            (
                                ButtonSpec(
                                    "resolution.write_button",
                                    callback_data=f"rw:{matter.id}:{vote.id}",
                                ),
                            ),
                        ),
                    ),
                )
            )
        if deliveries:
            await queue_push(
                session,
                kind="vote.result",
                title=matter.title,
                deliveries=deliveries,
                dedupe_prefix=f"vote-result:{vote.id}",
                now=now,
            )

    # --- resolution and conventions ---------------------------------------------------------

    async def accept_draft(self, actor: Actor, matter_id: int, vote_id: int) -> MatterRow:
        """The secretary accepts the bot's draft as the resolution."""
        actor.member(Role.SECRETARY, "vote.need_secretary")
        async with self._db.read() as session:
            vote = await session.votes.get(vote_id)
            matter = await session.matters.get(matter_id)
        if vote is None or matter is None or vote.matter_id != matter_id or vote.is_open:
            raise UserFacingError("resolution.not_ready")
        return await self._resolve(
            actor, matter_id, vote_id, draft_resolution(vote, matter, self.language)
        )

    async def start_resolution(
        self, actor: Actor, chat_id: int, matter_id: int, vote_id: int
    ) -> MatterRow:
        """The secretary will type the resolution themselves."""
        actor.member(Role.SECRETARY, "vote.need_secretary")
        async with self._db.transaction() as session:
            vote = await session.votes.get(vote_id)
            if vote is None or vote.matter_id != matter_id or vote.is_open:
                raise UserFacingError("resolution.not_ready")
            matter = await _matter(session, matter_id)
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                RESOLUTION_FLOW,
                "text",
                {"matter_id": matter_id, "vote_id": vote_id},
                self._clock(),
            )
        return matter

    async def answer_resolution(self, actor: Actor, chat_id: int, text: str) -> MatterRow:
        """The typed resolution."""
        actor.member(Role.SECRETARY, "vote.need_secretary")
        resolution = usertext.block(text)
        if not resolution:
            raise UserFacingError("resolution.empty")
        if len(resolution) > MAX_RESOLUTION:
            raise UserFacingError(
                "resolution.too_long", limit=MAX_RESOLUTION, length=len(resolution)
            )
        async with self._db.read() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, RESOLUTION_FLOW, "text", "vote.setup_expired"
            )
        return await self._resolve(
            actor,
            int(dialog.data["matter_id"]),
            int(dialog.data["vote_id"]),
            resolution,
            end_dialog_in=chat_id,
        )

    async def _resolve(
        self,
        actor: Actor,
        matter_id: int,
        vote_id: int,
        resolution: str,
        end_dialog_in: int | None = None,
    ) -> MatterRow:
        person = actor.member(Role.SECRETARY, "vote.need_secretary")
        now = self._clock()
        async with self._db.transaction() as session:
            matter = await _matter(session, matter_id)
            if matter.resolution is not None:
                raise UserFacingError("resolution.already", number=matter_id)
            vote = await session.votes.get(vote_id)
            if vote is None or vote.is_open:
                raise UserFacingError("resolution.not_ready")
            await session.matters.set_resolution(matter_id, resolution, now)
            await session.matters.add_event(
                matter_id, "resolution", actor_id=person.id, now=now, vote=vote_id
            )
            if matter.kind == "convention" and vote.result == "passed":
                amends = await _amends_of(session, vote)
                convention_id = await session.votes.add_convention(
                    title=matter.title,
                    text=resolution,
                    matter_id=matter_id,
                    vote_id=vote_id,
                    amends=amends,
                    now=now,
                )
                await session.matters.add_event(
                    matter_id, "convention", actor_id=person.id, now=now, convention=convention_id
                )
            if end_dialog_in is not None:
                await session.dialogs.end(end_dialog_in, actor.tg_user_id)
            await session.audit.record(
                at=now, action="matter.resolution", actor_id=person.id, detail=str(matter_id)
            )
            return await _matter(session, matter_id)

    async def conventions(self) -> list[tuple[ConventionRow, VoteRow | None]]:
        """The conventions register with the vote that adopted each entry."""
        async with self._db.read() as session:
            rows = await session.votes.conventions()
            return [(row, await session.votes.get(row.vote_id)) for row in rows]

    async def votes_of(self, matter_id: int) -> list[VoteRow]:
        """Every vote held on a matter."""
        async with self._db.read() as session:
            return await session.votes.for_matter(matter_id)

    # --- helpers --------------------------------------------------------------------------

    async def _votable(self, session: Session, matter_id: int) -> MatterRow:
        matter = await session.matters.get(matter_id)
        if matter is None:
            raise UserFacingError("matter.not_found", number=matter_id)
        if matter.stage == "voting":
            raise UserFacingError("vote.already_open", number=matter_id)
        if matter.stage not in VOTABLE_STAGES:
            raise UserFacingError("vote.not_votable", number=matter_id)
        return matter

    async def _open_vote_of(self, session: Session, matter_id: int) -> VoteRow:
        votes = await session.votes.for_matter(matter_id)
        open_votes = [vote for vote in votes if vote.is_open]
        if not open_votes:
            raise UserFacingError("vote.none_open", number=matter_id)
        return open_votes[-1]

    async def _setup(self, session: Session, actor: Actor, chat_id: int, step: str) -> VoteSetup:
        dialog = await expect_step(
            session, chat_id, actor.tg_user_id, SETUP_FLOW, step, "vote.setup_expired"
        )
        return await self._load_setup(session, dialog.data, dialog.step)

    async def _load_setup(self, session: Session, data: dict[str, Any], step: str) -> VoteSetup:
        matter = await _matter(session, int(data["matter_id"]))
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
        )

    async def _save_setup(
        self, session: Session, actor: Actor, chat_id: int, setup: VoteSetup
    ) -> None:
        await session.dialogs.put(
            chat_id, actor.tg_user_id, SETUP_FLOW, setup.step, setup.to_data(), self._clock()
        )


def _check_open(vote: VoteRow | None, index: int, now: datetime) -> VoteRow:
    """The vote, which must be open and have option ``index``."""
    if vote is None or not 0 <= index < len(vote.options):
        raise UserFacingError("vote.not_found")
    if not vote.is_open or now >= vote.closes_at:
        raise UserFacingError("vote.closed")
    return vote


def _ballot_time(vote: VoteRow, now: datetime) -> datetime:
    """When a ballot is recorded as cast: now, or for an anonymous vote its opening time
    (a ballot's exact time could be matched against someone's other records)."""
    return vote.opened_at if vote.anonymous else now


async def _matter(session: Session, matter_id: int) -> MatterRow:
    matter = await session.matters.get(matter_id)
    if matter is None:
        raise UserFacingError("matter.not_found", number=matter_id)
    return matter


async def _residents_chats(session: Session) -> list[int]:
    return [chat.chat_id for chat in await session.chats.posting(ChatKind.RESIDENTS.value)]
