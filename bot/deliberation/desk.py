"""The secretary's desk for matters, and a matter's whole history.

A secretary can, for a matter still gathering support or on an agenda, put
it on an agenda directly (the next Thursday pavilion or the next talk day),
merge a duplicate into another matter (its supporters move over), or
withdraw it with a reason that stays on its card. Every step is one unit of
work with an audit record and a step in the matter's history
(``matter_events``); :meth:`MatterDeskService.history` reads that history back.

Event kinds recorded here: ``agenda_set`` (forum, at), ``merged`` (into,
moved) on the duplicate, ``merged_in`` (source, moved) on the kept matter,
``agenda`` (forum, at, supports) when merged supports reach the threshold,
and ``withdrawn`` (reason).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from bot import usertext
from bot.clock import Clock, system_clock
from bot.community.register import Actor, Role
from bot.deliberation.raising import MatterService
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from storage import Storage
from storage.deliberation.matters import MatterEventRow, MatterRow
from storage.session import Session

WITHDRAW_FLOW = "withdraw"
MAX_REASON = 200
FORUMS = ("session", "talk_day")
#: Stages in which a secretary may still place, merge or withdraw a matter.
OPEN_STAGES = ("raised", "agenda")
#: How many other matters the merge screen offers as targets.
MERGE_CHOICES = 8


@dataclass(frozen=True)
class MergeResult:
    """A merge: the duplicate, the matter kept, and how many supports moved over."""

    duplicate: MatterRow
    kept: MatterRow
    moved: int


@dataclass(frozen=True)
class MatterHistory:
    """A matter with every step of its history and the names of those who acted."""

    matter: MatterRow
    events: tuple[MatterEventRow, ...]
    names: dict[int, str]
    merged: tuple[int, ...]


class MatterDeskService:
    """Secretaries' agenda controls (place, merge, withdraw) and matter histories."""

    def __init__(self, db: Storage, matters: MatterService, clock: Clock = system_clock) -> None:
        self._db = db
        self._matters = matters
        self._clock = clock

    async def place_on_agenda(self, actor: Actor, matter_id: int, forum: str | None) -> MatterRow:
        """Put the matter on the agenda of ``forum`` (None: the community's usual choice)."""
        actor.require(Role.SECRETARY, "desk.secretaries_only")
        if forum is not None and forum not in FORUMS:
            raise UserFacingError("desk.agenda_usage")
        now = self._clock()
        if forum is None:
            forum, when = self._matters.next_forum(now)
        else:
            when = self._matters.forum_at(forum, now)
        async with self._db.transaction() as session:
            matter = await _open_matter(session, matter_id)
            if matter.stage == "agenda" and matter.agenda_forum == forum:
                raise UserFacingError("desk.already_on_agenda", number=matter.number)
            await session.matters.put_on_agenda(matter_id, forum, when, now)
            await session.audit.record(
                at=now, action="matter.agenda_set", actor_id=actor.person_id, detail=str(matter_id)
            )
            await session.matters.add_event(
                matter_id,
                "agenda_set",
                actor_id=actor.person_id,
                now=now,
                forum=forum,
                at=when.isoformat(),
            )
            updated = await session.matters.get(matter_id)
        assert updated is not None  # noqa: S101 - read in the same transaction
        return updated

    async def merge(self, actor: Actor, matter_id: int, into_id: int) -> MergeResult:
        """Merge duplicate ``matter_id`` into ``into_id``; its supporters move over."""
        actor.require(Role.SECRETARY, "desk.secretaries_only")
        if matter_id == into_id:
            raise UserFacingError("desk.merge_self")
        now = self._clock()
        async with self._db.transaction() as session:
            duplicate = await _open_matter(session, matter_id)
            kept = await _open_matter(session, into_id)
            moved = await session.matters.merge_into(duplicate.id, kept.id, now)
            await session.audit.record(
                at=now,
                action="matter.merge",
                actor_id=actor.person_id,
                detail=f"{duplicate.id}->{kept.id}",
            )
            await session.matters.add_event(
                duplicate.id,
                "merged",
                actor_id=actor.person_id,
                now=now,
                into=kept.number,
                moved=moved,
            )
            await session.matters.add_event(
                kept.id,
                "merged_in",
                actor_id=actor.person_id,
                now=now,
                source=duplicate.id,
                moved=moved,
            )
            kept_now = await session.matters.get(kept.id)
            assert kept_now is not None  # noqa: S101 - read in the same transaction
            if kept_now.stage == "raised" and kept_now.supports >= self._matters.threshold:
                # The supports that moved over are enough: the same rule as 附议.
                forum, when = self._matters.next_forum(now)
                await session.matters.put_on_agenda(kept.id, forum, when, now)
                await session.matters.add_event(
                    kept.id,
                    "agenda",
                    actor_id=None,
                    now=now,
                    forum=forum,
                    at=when.isoformat(),
                    supports=kept_now.supports,
                )
                kept_now = await session.matters.get(kept.id)
                assert kept_now is not None  # noqa: S101 - read in the same transaction
            merged = await session.matters.get(duplicate.id)
        assert merged is not None  # noqa: S101 - read in the same transaction
        return MergeResult(merged, kept_now, moved)

    async def merge_targets(self, matter_id: int) -> list[MatterRow]:
        """Other open matters a duplicate could be merged into, most alike first."""
        async with self._db.read() as session:
            matter = await session.matters.get(matter_id)
            rows = await session.matters.open()
        if matter is None:
            raise UserFacingError("matter.not_found", number=matter_id)
        others = [row for row in rows if row.id != matter_id]
        others.sort(key=lambda row: -difflib.SequenceMatcher(None, matter.title, row.title).ratio())
        return others[:MERGE_CHOICES]

    async def withdraw(self, actor: Actor, matter_id: int, reason: str) -> MatterRow:
        """Withdraw the matter; the reason (1–200 characters) is shown on its card."""
        actor.require(Role.SECRETARY, "desk.secretaries_only")
        reason = _check_reason(reason)
        async with self._db.transaction() as session:
            await _open_matter(session, matter_id)
            await self._withdraw(session, actor, matter_id, reason)
            updated = await session.matters.get(matter_id)
        assert updated is not None  # noqa: S101 - read in the same transaction
        return updated

    async def start_withdraw(self, actor: Actor, chat_id: int, matter_id: int) -> MatterRow:
        """The withdraw button: check the matter, then ask for the reason."""
        actor.require(Role.SECRETARY, "desk.secretaries_only")
        async with self._db.transaction() as session:
            matter = await _open_matter(session, matter_id)
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                WITHDRAW_FLOW,
                "reason",
                {"matter_id": matter_id},
                self._clock(),
            )
        return matter

    async def answer_withdraw_reason(self, actor: Actor, chat_id: int, text: str) -> MatterRow:
        """The typed reason: withdraw the matter the conversation is about."""
        actor.require(Role.SECRETARY, "desk.secretaries_only")
        reason = _check_reason(text)
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, WITHDRAW_FLOW, "reason", "desk.expired"
            )
            matter_id = int(dialog.data["matter_id"])
            await _open_matter(session, matter_id)
            await self._withdraw(session, actor, matter_id, reason)
            await session.dialogs.end(chat_id, actor.tg_user_id)
            updated = await session.matters.get(matter_id)
        assert updated is not None  # noqa: S101 - read in the same transaction
        return updated

    async def withdraw_in(
        self, session: Session, actor: Actor, matter_id: int, reason: str
    ) -> None:
        """Withdraw an open matter in the caller's unit of work (a matter turned back
        into the resident's need, bot/needs)."""
        actor.require(Role.SECRETARY, "desk.secretaries_only")
        await _open_matter(session, matter_id)
        await self._withdraw(session, actor, matter_id, _check_reason(reason))

    async def _withdraw(self, session: Session, actor: Actor, matter_id: int, reason: str) -> None:
        now = self._clock()
        await session.matters.withdraw(matter_id, reason, now)
        await session.audit.record(
            at=now, action="matter.withdraw", actor_id=actor.person_id, detail=str(matter_id)
        )
        await session.matters.add_event(
            matter_id, "withdrawn", actor_id=actor.person_id, now=now, reason=reason
        )

    # --- looking back -------------------------------------------------------------

    async def history(self, matter_id: int) -> MatterHistory:
        """The matter and its whole history, with the names of those who acted."""
        async with self._db.read() as session:
            matter = await session.matters.get(matter_id)
            if matter is None:
                raise UserFacingError("matter.not_found", number=matter_id)
            events = await session.matters.events(matter_id)
            names: dict[int, str] = {}
            for actor_id in {event.actor_id for event in events if event.actor_id is not None}:
                person = await session.people.by_id(actor_id)
                if person is not None:
                    names[actor_id] = person.display_name
            merged = await session.matters.merged_from(matter_id)
        return MatterHistory(matter, tuple(events), names, tuple(merged))

    async def merged_from(self, matter_id: int) -> tuple[int, ...]:
        """The duplicates merged into the matter (its card names them)."""
        async with self._db.read() as session:
            return tuple(await session.matters.merged_from(matter_id))


async def _open_matter(session: Session, matter_id: int) -> MatterRow:
    """The matter, which must still be gathering support or on an agenda."""
    matter = await session.matters.get(matter_id)
    if matter is None:
        raise UserFacingError("matter.not_found", number=matter_id)
    if matter.stage == "merged":
        raise UserFacingError("desk.merged_into", number=matter.merged_into_number or 0)
    if matter.stage not in OPEN_STAGES:
        raise UserFacingError("desk.not_open", number=matter.number)
    return matter


def _check_reason(text: str) -> str:
    reason = usertext.line(text)
    if not reason:
        raise UserFacingError("desk.reason_empty")
    if len(reason) > MAX_REASON:
        raise UserFacingError("desk.reason_too_long", limit=MAX_REASON, length=len(reason))
    return reason
