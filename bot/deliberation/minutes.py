"""Completing a sitting's minutes (会议记录): chair, recorder and the opinions quoted.

A secretary opens the minutes' panel (/minutes, privately) and sets, with buttons:

- who chaired (主持人) and who recorded (记录人) the sitting: one of the committee in
  the register (secretaries and grid workers), or a typed name; until set, the minutes
  name the community's first secretary as chair and whoever kept the attendance list as
  recorder (bot/deliberation/sittings.py :func:`officers_of`);
- per matter on the agenda, the comments quoted as its main opinions (主要意见), each a
  ✅ toggle; with none chosen, the minutes quote the comments residents agreed with most.

Every change is audited. The minutes themselves are built in bot/deliberation/sittings.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot import usertext
from bot.clock import Clock, system_clock
from bot.community.register import Actor, Role
from bot.config import Settings
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from storage import Storage
from storage.community.people import PersonRow
from storage.deliberation.comments import CommentRow
from storage.deliberation.matters import MatterRow
from storage.deliberation.minutes import OFFICER_ROLES
from storage.deliberation.sittings import SittingRow
from storage.session import Session

if TYPE_CHECKING:  # bot/deliberation/sittings.py makes this service and hands in its builder
    from bot.deliberation.sittings import Minutes

#: Builds a sitting's minutes as they stand (bot/deliberation/sittings.py build_minutes).
MinutesBuilder = Callable[[Session, Settings, SittingRow, datetime], Awaitable["Minutes"]]
#: The typed name of a chair or recorder.
OFFICER_FLOW = "minutes_officer"
MAX_OFFICER_NAME = 32
#: A secretary chooses at most this many comments of one matter.
MAX_CHOSEN = 5
#: The choice screen lists at most this many comments (the most agreed with first).
MAX_LISTED = 20


@dataclass(frozen=True)
class OfficerChoices:
    """Whom a secretary may name chair or recorder: the committee in the register."""

    sitting: SittingRow
    role: str
    people: tuple[PersonRow, ...]
    current: str | None


@dataclass(frozen=True)
class ExcerptChoice:
    """The comments of one matter for a secretary to quote: (comment, 👍, chosen)."""

    sitting: SittingRow
    matter: MatterRow
    comments: tuple[tuple[CommentRow, int, bool], ...]
    left_out: int


class MinutesEditing:
    """The secretary's panel of a sitting's minutes."""

    def __init__(
        self,
        db: Storage,
        settings: Settings,
        build: MinutesBuilder,
        clock: Clock = system_clock,
    ) -> None:
        self._db = db
        self._settings = settings
        self._build = build
        self._clock = clock

    def _secretary(self, actor: Actor) -> int:
        return actor.member(Role.SECRETARY, "minutes.secretaries_only").id

    async def panel(self, actor: Actor, sitting_id: int) -> Minutes:
        """The minutes as they stand, for the panel."""
        self._secretary(actor)
        async with self._db.read() as session:
            sitting = await _sitting(session, sitting_id)
            return await self._build(session, self._settings, sitting, self._clock())

    async def officer_choices(self, actor: Actor, sitting_id: int, role: str) -> OfficerChoices:
        """The committee to choose the chair or recorder from."""
        self._secretary(actor)
        _role(role)
        async with self._db.read() as session:
            sitting = await _sitting(session, sitting_id)
            minutes = await self._build(session, self._settings, sitting, self._clock())
            people: dict[int, PersonRow] = {}
            for held in (Role.SECRETARY, Role.GRID_WORKER):
                for person in await session.people.with_role(held.value):
                    people.setdefault(person.id, person)
        current = minutes.chair if role == "chair" else minutes.recorder
        return OfficerChoices(sitting, role, tuple(people.values()), current)

    async def set_officer(
        self, actor: Actor, sitting_id: int, role: str, person_id: int
    ) -> Minutes:
        """The pressed person chaired (recorded) the sitting."""
        by = self._secretary(actor)
        _role(role)
        now = self._clock()
        async with self._db.transaction() as session:
            sitting = await _sitting(session, sitting_id)
            person = await session.people.by_id(person_id)
            if person is None:
                raise UserFacingError("minutes.not_in_register")
            await session.minutes.set_officer(sitting.id, role, person.id, None, by, now)
            await session.audit.record(
                at=now,
                action=f"minutes.{role}",
                actor_id=by,
                subject_id=person.id,
                detail=str(sitting.id),
            )
            return await self._build(session, self._settings, sitting, now)

    async def ask_officer_name(
        self, actor: Actor, chat_id: int, sitting_id: int, role: str
    ) -> None:
        """The chair's (recorder's) name will be typed."""
        self._secretary(actor)
        _role(role)
        async with self._db.transaction() as session:
            sitting = await _sitting(session, sitting_id)
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                OFFICER_FLOW,
                "name",
                {"sitting_id": sitting.id, "role": role},
                self._clock(),
            )

    async def answer_officer_name(self, actor: Actor, chat_id: int, text: str) -> Minutes:
        """The typed name of the chair (recorder)."""
        by = self._secretary(actor)
        name = usertext.line(text)
        if not name or len(name) > MAX_OFFICER_NAME:
            raise UserFacingError("minutes.name_bad", most=MAX_OFFICER_NAME)
        now = self._clock()
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, OFFICER_FLOW, "name", "minutes.expired"
            )
            role = _role(str(dialog.data["role"]))
            sitting = await _sitting(session, int(dialog.data["sitting_id"]))
            await session.minutes.set_officer(sitting.id, role, None, name, by, now)
            await session.dialogs.end(chat_id, actor.tg_user_id)
            await session.audit.record(
                at=now, action=f"minutes.{role}", actor_id=by, detail=str(sitting.id)
            )
            return await self._build(session, self._settings, sitting, now)

    async def excerpts(self, actor: Actor, sitting_id: int, matter_id: int) -> ExcerptChoice:
        """A matter's comments, each to be chosen for the minutes or not."""
        self._secretary(actor)
        async with self._db.read() as session:
            return await self._excerpts(session, await _sitting(session, sitting_id), matter_id)

    async def toggle_excerpt(self, actor: Actor, sitting_id: int, comment_id: int) -> ExcerptChoice:
        """Quote the comment in the minutes, or no longer."""
        by = self._secretary(actor)
        now = self._clock()
        async with self._db.transaction() as session:
            sitting = await _sitting(session, sitting_id)
            comment = await session.comments.get(comment_id)
            if comment is None or comment.hidden:
                raise UserFacingError("minutes.comment_gone")
            chosen = await session.minutes.excerpts(sitting.id)
            if comment.id not in chosen:
                of_matter = {c.id for c in await session.comments.of_matter(comment.matter_id)}
                if len(chosen & of_matter) >= MAX_CHOSEN:
                    raise UserFacingError("minutes.too_many", most=MAX_CHOSEN)
            on = await session.minutes.toggle_excerpt(sitting.id, comment.id, by, now)
            await session.audit.record(
                at=now,
                action="minutes.excerpt" if on else "minutes.excerpt_dropped",
                actor_id=by,
                subject_id=comment.person_id,
                detail=f"{sitting.id}:{comment.id}",
            )
            return await self._excerpts(session, sitting, comment.matter_id)

    async def _excerpts(
        self, session: Session, sitting: SittingRow, matter_id: int
    ) -> ExcerptChoice:
        matter = await session.matters.get(matter_id)
        if matter is None:
            raise UserFacingError("matter.not_found", number=matter_id)
        comments = [c for c in await session.comments.of_matter(matter_id) if not c.hidden]
        supports = await session.comments.support_counts(matter_id)
        chosen = await session.minutes.excerpts(sitting.id)
        # The chosen ones always, then the most agreed with, up to MAX_LISTED; thread order.
        ranked = sorted(comments, key=lambda c: (c.id not in chosen, -supports.get(c.id, 0), c.id))
        listed = sorted(ranked[:MAX_LISTED], key=lambda c: c.id)
        return ExcerptChoice(
            sitting,
            matter,
            tuple((c, supports.get(c.id, 0), c.id in chosen) for c in listed),
            len(comments) - len(listed),
        )


def _role(role: str) -> str:
    if role not in OFFICER_ROLES:
        raise UserFacingError("minutes.expired")
    return role


async def _sitting(session: Session, sitting_id: int) -> SittingRow:
    sitting = await session.sittings.get(sitting_id)
    if sitting is None:
        raise UserFacingError("attendance.no_sitting")
    return sitting
