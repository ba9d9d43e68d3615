"""The commitment system (党员承诺制): "合理定诺 … 郑重承诺 … 切实践诺 … 动态查诺".

- A Party member proposes a commitment (/commit, or 🤝 我的承诺 on /me), guided step
  by step: what (承诺事项, at most 200 characters), for whom (服务对象), by when (a day,
  from the date picker or typed), and how residents reach them: through the bot
  only, or also a phone number they type (only if they choose to).
- Submitted, every secretary gets it privately with ✅ 通过 / ↩ 退回; 退回 asks for a
  reason, typed. Returned, the member is told the reason and can edit and resubmit
  (✏️ 修改后重新提交: the same steps, the earlier answers shown). A decision is taken
  once: a press on a decided commitment is refused with a short alert.
- Approved, it becomes the signed pledge (承诺书): a card image (bot/members/cards.py,
  drawn at send time) with the member's name, the commitment, for whom, the deadline,
  the contact and the community with the day of approval, posted to the residents'
  group(s) and sent to the member.
- The member reports progress (text, a photo) and marks it 已践诺 from 🤝 我的承诺.
  ``[members] commitment_reminder_days`` before the deadline (at ``commitment_time``),
  a ``once`` schedule added on approval (bot/runtime/scheduler/before.py, as the vote
  reminders do) reminds the member, once per commitment (``reminded_at``, written in
  the unit of work that queues it); carried out before, the reminder is stopped. One
  approved later than that before its deadline gets none.
- /commitments: the secretary's review (动态查诺), every commitment with its state,
  the overdue ones flagged, and a workbook.
- The year-end appraisal (民主评诺: self, peer, residents, branch): bot/members/appraisal.py;
  residents rate the pledge under its card in the group.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot import parsing, spoken, usertext
from bot.clock import Clock, system_clock
from bot.community.register import Actor, ChatKind, Role, secretaries_to_tell
from bot.config import Language, Settings
from bot.deliberation.ledger import SheetsOf
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from bot.i18n import translate
from bot.members.appraisal import rating_buttons
from bot.members.cards import PLEDGE_CARD
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, queue_push
from bot.runtime.scheduler import Firing, SchedulerService
from bot.runtime.scheduler.before import schedule_before, stop_before
from bot.spreadsheets import Sheet
from storage import Storage
from storage.members.commitments import CommitmentRow, ProgressRow
from storage.runtime.schedules import ScheduleRow
from storage.session import Session

#: Proposing (or editing a returned) commitment: what, whom, due, contact, phone.
FLOW = "party_commit"
#: A secretary's reason for returning one.
RETURN_FLOW = "party_commit_return"
#: A member's progress report (text, or a photo with its caption).
PROGRESS_FLOW = "party_commit_progress"
STEPS = ("what", "whom", "due", "contact", "phone")
MAX_WHAT = 200
MAX_WHOM = 40
MAX_NOTE = 500
#: The schedule kind of the reminder before the deadline (payload: commitment_id, minutes).
REMIND_KIND = "members.commitment_remind"
SUBMITTED_KIND = "members.commitment_submitted"
DECIDED_KIND = "members.commitment_decided"
PLEDGE_KIND = "members.commitment_pledge"
REMINDER_KIND = "members.commitment_reminder"
_PHONE = re.compile(r"\+?[0-9][0-9 \-]{5,18}[0-9]")

#: Callback data of the buttons in pushes (handlers/members/callbacks.py decodes them).
VERDICT_PREFIX = "cmv"
EDIT_PREFIX = "cme"
OPEN_PREFIX = "cmo"


async def describe_schedule(session: Session, schedule: ScheduleRow) -> dict[str, Any]:
    """A commitment's reminder is named by its number in the community (党员承诺 #3),
    not its id."""
    commitment = await session.members.commitments.by_id(int(schedule.payload["commitment_id"]))
    # A gone commitment has no community number to show (its id is the street's).
    return {"number": commitment.number if commitment is not None else "—"}


@dataclass(frozen=True)
class Step:
    """Where proposing stands: the step now asked, and the answers so far."""

    step: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Overview:
    """One commitment with its progress reports, as its member sees it."""

    commitment: CommitmentRow
    progress: list[ProgressRow]
    overdue: bool


def state_key(commitment: CommitmentRow, today: date) -> str:
    """The catalog key of its state: 待审核, 已退回, 践诺中, 已践诺, 已逾期."""
    if commitment.state == "approved" and commitment.due_on < today:
        return "commit.state.overdue"
    return f"commit.state.{commitment.state}"


def contact_text(language: Language, phone: str | None) -> str:
    """How residents reach the member: through the bot, or the phone they gave."""
    if phone:
        return translate(language, "commit.contact_phone", phone=phone)
    return translate(language, "commit.contact_bot")


class CommitmentService:
    """Proposals, decisions, pledges, progress, the reminder and the review."""

    def __init__(
        self,
        db: Storage,
        settings: Settings,
        scheduler: SchedulerService,
        clock: Clock = system_clock,
    ) -> None:
        self._db = db
        self._settings = settings
        self._clock = clock
        self._scheduler = scheduler
        scheduler.register_effect(REMIND_KIND, self._remind_effect)
        scheduler.register_describer(REMIND_KIND, describe_schedule)

    def today(self) -> date:
        return self._clock().astimezone(self._settings.community.tz).date()

    # --- proposing ------------------------------------------------------------------

    async def start(self, actor: Actor, chat_id: int, commitment_id: int | None = None) -> Step:
        """/commit or ✏️ 修改: the first question (for an edit, the earlier answers kept)."""
        me = actor.member(Role.PARTY_MEMBER, "commit.members_only")
        data: dict[str, Any] = {"id": None}
        async with self._db.transaction() as session:
            if commitment_id is not None:
                commitment = await session.members.commitments.by_id(commitment_id)
                if commitment is None or commitment.person_id != me.id:
                    raise UserFacingError("commit.gone")
                if commitment.state != "returned":
                    raise UserFacingError("commit.not_returned")
                data = {
                    "id": commitment.id,
                    "old_what": commitment.what,
                    "old_whom": commitment.for_whom,
                    "old_due": commitment.due_on.isoformat(),
                    "reason": commitment.return_reason,
                }
            await session.dialogs.put(chat_id, actor.tg_user_id, FLOW, "what", data, self._clock())
        return Step("what", data)

    async def answer(self, actor: Actor, chat_id: int, step: str, text: str) -> Step:
        """A typed answer at ``step``: checked, kept, the next step asked."""
        actor.require(Role.PARTY_MEMBER, "commit.members_only")
        if step == "what":
            value: str = usertext.block(text)
            if not value:
                raise UserFacingError("commit.empty")
            if len(value) > MAX_WHAT:
                raise UserFacingError("commit.too_long", limit=MAX_WHAT, length=len(value))
            return await self._advance(actor, chat_id, "what", "whom", what=value)
        if step == "whom":
            value = usertext.line(text)
            if not value:
                raise UserFacingError("commit.empty")
            if len(value) > MAX_WHOM:
                raise UserFacingError("commit.too_long", limit=MAX_WHOM, length=len(value))
            return await self._advance(actor, chat_id, "whom", "due", whom=value)
        if step == "due":
            day = parsing.iso_day(text) or parsing.written_day(text)
            if day is None:
                raise UserFacingError("commit.due_unreadable")
            if day <= self.today():
                raise UserFacingError("commit.due_past")
            return await self._advance(actor, chat_id, "due", "contact", due=day.isoformat())
        if step == "phone":
            phone = usertext.line(text)
            if not _PHONE.fullmatch(phone):
                raise UserFacingError("commit.phone_unreadable")
            return await self._submit(actor, chat_id, "phone", phone)
        raise UserFacingError("commit.use_buttons")

    async def contact(self, actor: Actor, chat_id: int, phone: bool) -> Step:
        """📱 留电话 (then typed) or 💬 只通过议事亭联系 (submitted now)."""
        actor.require(Role.PARTY_MEMBER, "commit.members_only")
        if phone:
            return await self._advance(actor, chat_id, "contact", "phone")
        return await self._submit(actor, chat_id, "contact", None)

    async def _advance(
        self, actor: Actor, chat_id: int, from_step: str, to_step: str, **answers: Any
    ) -> Step:
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, FLOW, from_step, "commit.expired"
            )
            data = {**dialog.data, **answers}
            await session.dialogs.put(chat_id, actor.tg_user_id, FLOW, to_step, data, self._clock())
        return Step(to_step, data)

    async def _submit(self, actor: Actor, chat_id: int, step: str, phone: str | None) -> Step:
        """The last answer: the commitment waits for the secretaries, who are told."""
        me = actor.member(Role.PARTY_MEMBER, "commit.members_only")
        now = self._clock()
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, FLOW, step, "commit.expired"
            )
            data = dict(dialog.data)
            raw_id = data.get("id")
            await session.dialogs.end(chat_id, actor.tg_user_id)
            commitment = await self.submit_in(
                session,
                me.id,
                str(data["what"]),
                str(data["whom"]),
                date.fromisoformat(str(data["due"])),
                phone,
                now,
                commitment_id=int(raw_id) if raw_id is not None else None,
            )
        return Step("submitted", {**data, "id": commitment.id, "phone": phone})

    async def submit_in(
        self,
        session: Session,
        person_id: int,
        what: str,
        whom: str,
        due: date,
        phone: str | None,
        now: datetime,
        *,
        commitment_id: int | None = None,
    ) -> CommitmentRow:
        """A commitment submitted for review in ``session`` (new, or a returned one
        resubmitted), the secretaries told; also for other parts that make a pledge
        (an in-service member's 包楼栋, bot/members/inservice.py)."""
        commitment_id = await session.members.commitments.submit(
            commitment_id, person_id, what, whom, due, phone, now
        )
        if commitment_id is None:
            raise UserFacingError("commit.not_returned")
        await session.audit.record(
            at=now, action="commitment.submit", actor_id=person_id, detail=str(commitment_id)
        )
        commitment = await session.members.commitments.by_id(commitment_id)
        assert commitment is not None  # noqa: S101 - written just now
        deliveries = [
            Delivery(p.tg_user_id, p.id, self._review_message(Language(p.language), commitment))
            for p in await secretaries_to_tell(session, self._settings.community)
        ]
        if deliveries:
            await queue_push(
                session,
                kind=SUBMITTED_KIND,
                title=str(commitment.id),
                deliveries=deliveries,
                dedupe_prefix=f"{SUBMITTED_KIND}:{commitment.id}:{commitment.round}",
                now=now,
            )
        return commitment

    def _details(self, language: Language, commitment: CommitmentRow) -> dict[str, Any]:
        return {
            "number": commitment.number,
            "name": commitment.member_name,
            "what": commitment.what,
            "whom": commitment.for_whom,
            "due": spoken.long_day(language, commitment.due_on),
            "contact": contact_text(language, commitment.phone),
        }

    def _review_message(self, language: Language, commitment: CommitmentRow) -> OutgoingMessage:
        verdict = f"{VERDICT_PREFIX}:{commitment.id}"
        return OutgoingMessage(
            "commit.review_push",
            language,
            self._details(language, commitment),
            buttons=(
                (
                    ButtonSpec("commit.approve_button", callback_data=f"{verdict}:a"),
                    ButtonSpec("commit.return_button", callback_data=f"{verdict}:r"),
                ),
            ),
        )

    # --- the secretary's decision -----------------------------------------------------

    async def _pending(self, session: Session, actor: Actor, commitment_id: int) -> CommitmentRow:
        actor.require(Role.SECRETARY)
        commitment = await session.members.commitments.by_id(commitment_id)
        if commitment is None:
            raise UserFacingError("commit.gone")
        if commitment.state != "pending":
            raise UserFacingError("commit.decided")
        return commitment

    async def approve(self, actor: Actor, commitment_id: int) -> CommitmentRow:
        """✅ 通过: the pledge card to the member and the residents' group(s)."""
        now = self._clock()
        day = self.today()
        async with self._db.transaction() as session:
            await self._pending(session, actor, commitment_id)
            repo = session.members.commitments
            if not await repo.approve(commitment_id, actor.person_id, day, now):
                raise UserFacingError("commit.decided")
            commitment = await repo.by_id(commitment_id)
            assert commitment is not None  # noqa: S101 - updated just now
            armed = await self._schedule_reminder(session, commitment, actor.person_id, now)
            await session.audit.record(
                at=now,
                action="commitment.approve",
                actor_id=actor.person_id,
                subject_id=commitment.person_id,
                detail=str(commitment_id),
            )
            deliveries: list[Delivery] = []
            member = await session.people.by_id(commitment.person_id)
            if member is not None and member.reachable:
                language = Language(member.language)
                message = self.pledge_message(language, commitment, "commit.approved_member")
                deliveries.append(Delivery(member.tg_user_id, member.id, message))
            group_language = self._settings.community.default_language
            for chat in await session.chats.posting(ChatKind.RESIDENTS.value):
                message = self.pledge_message(group_language, commitment, "commit.pledge_caption")
                # Residents rate it there (群众参评, bot/members/appraisal.py).
                message = replace(message, buttons=rating_buttons(commitment.id))
                deliveries.append(Delivery(chat.chat_id, None, message))
            if deliveries:
                await queue_push(
                    session,
                    kind=PLEDGE_KIND,
                    title=str(commitment.id),
                    deliveries=deliveries,
                    dedupe_prefix=f"{PLEDGE_KIND}:{commitment.id}",
                    now=now,
                )
        for schedule_id, due in armed:
            self._scheduler.arm(schedule_id, due)
        return commitment

    async def _schedule_reminder(
        self, session: Session, commitment: CommitmentRow, owner_id: int | None, now: datetime
    ) -> list[tuple[int, datetime]]:
        """The reminder ``commitment_reminder_days`` before the deadline, if still ahead."""
        config = self._settings.members
        if config.commitment_reminder_days <= 0:
            return []
        tz = self._settings.community.tz
        deadline = datetime.combine(commitment.due_on, config.commitment_time, tzinfo=tz)
        return await schedule_before(
            self._scheduler,
            session,
            kind=REMIND_KIND,
            title=f"commitment {commitment.id} reminder",
            moment=deadline.astimezone(UTC),
            hours=(config.commitment_reminder_days * 24,),
            field="commitment_id",
            value=commitment.id,
            owner_id=owner_id,
            now=now,
        )

    def pledge_message(
        self, language: Language, commitment: CommitmentRow, caption: str
    ) -> OutgoingMessage:
        """The signed pledge (承诺书), a card drawn at send time, with ``caption``."""
        details = self._details(language, commitment)
        approved = commitment.approved_on or self.today()
        return OutgoingMessage(
            caption,
            language,
            details,
            card={
                "renderer": PLEDGE_CARD,
                "params": {
                    "title": translate(language, "commit.card.title"),
                    "rows": [
                        [translate(language, "commit.card.member"), commitment.member_name],
                        [translate(language, "commit.card.what"), commitment.what],
                        [translate(language, "commit.card.whom"), commitment.for_whom],
                        [translate(language, "commit.card.due"), details["due"]],
                        [translate(language, "commit.card.contact"), details["contact"]],
                    ],
                    "community": self._settings.community.name_in(language),
                    "date": translate(
                        language,
                        "commit.card.approved",
                        day=spoken.long_day(language, approved),
                    ),
                },
            },
        )

    async def ask_reason(self, actor: Actor, chat_id: int, commitment_id: int) -> CommitmentRow:
        """↩ 退回: the reason is asked (typed next)."""
        async with self._db.transaction() as session:
            commitment = await self._pending(session, actor, commitment_id)
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                RETURN_FLOW,
                "reason",
                {"id": commitment_id},
                self._clock(),
            )
        return commitment

    async def give_back(self, actor: Actor, chat_id: int, text: str) -> CommitmentRow:
        """The typed reason: the commitment goes back to its member, who is told why."""
        reason = usertext.line(text)
        if not reason:
            raise UserFacingError("commit.empty")
        if len(reason) > MAX_NOTE:
            raise UserFacingError("commit.too_long", limit=MAX_NOTE, length=len(reason))
        await self._end_if_moved_on(
            actor, chat_id, RETURN_FLOW, "reason", "pending", "commit.decided"
        )
        now = self._clock()
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, RETURN_FLOW, "reason", "commit.expired"
            )
            commitment_id = int(dialog.data["id"])
            await session.dialogs.end(chat_id, actor.tg_user_id)
            await self._pending(session, actor, commitment_id)
            repo = session.members.commitments
            if not await repo.give_back(commitment_id, actor.person_id, reason, now):
                raise UserFacingError("commit.decided")
            commitment = await repo.by_id(commitment_id)
            assert commitment is not None  # noqa: S101 - updated just now
            await session.audit.record(
                at=now,
                action="commitment.return",
                actor_id=actor.person_id,
                subject_id=commitment.person_id,
                detail=str(commitment_id),
            )
            member = await session.people.by_id(commitment.person_id)
            if member is not None and member.reachable:
                language = Language(member.language)
                message = OutgoingMessage(
                    "commit.returned_member",
                    language,
                    {**self._details(language, commitment), "reason": reason},
                    buttons=(
                        (
                            ButtonSpec(
                                "commit.edit_button",
                                callback_data=f"{EDIT_PREFIX}:{commitment.id}",
                            ),
                        ),
                    ),
                )
                await queue_push(
                    session,
                    kind=DECIDED_KIND,
                    title=str(commitment.id),
                    deliveries=[Delivery(member.tg_user_id, member.id, message)],
                    dedupe_prefix=f"{DECIDED_KIND}:{commitment.id}:{commitment.round}",
                    now=now,
                )
        return commitment

    async def _end_if_moved_on(
        self, actor: Actor, chat_id: int, flow: str, step: str, state: str, refusal: str
    ) -> None:
        """A question about a commitment that has left ``state`` since (decided by another
        secretary, carried out): the question ends, and the answer is refused."""
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, flow, step, "commit.expired"
            )
            commitment = await session.members.commitments.by_id(int(dialog.data["id"]))
            if commitment is not None and commitment.state == state:
                return
            await session.dialogs.end(chat_id, actor.tg_user_id)
        raise UserFacingError(refusal if commitment is not None else "commit.gone")

    # --- carrying it out ---------------------------------------------------------------

    async def mine(self, actor: Actor) -> list[CommitmentRow]:
        """🤝 我的承诺: the member's commitments, by deadline."""
        me = actor.member(Role.PARTY_MEMBER, "commit.members_only")
        async with self._db.read() as session:
            return await session.members.commitments.of_person(me.id)

    async def _own(self, session: Session, actor: Actor, commitment_id: int) -> CommitmentRow:
        me = actor.member(Role.PARTY_MEMBER, "commit.members_only")
        commitment = await session.members.commitments.by_id(commitment_id)
        if commitment is None or commitment.person_id != me.id:
            raise UserFacingError("commit.gone")
        return commitment

    async def overview(self, actor: Actor, commitment_id: int) -> Overview:
        """One of the member's commitments, with its progress reports."""
        async with self._db.read() as session:
            commitment = await self._own(session, actor, commitment_id)
            progress = await session.members.commitments.progress(commitment_id)
        overdue = commitment.state == "approved" and commitment.due_on < self.today()
        return Overview(commitment, progress, overdue)

    async def start_progress(self, actor: Actor, chat_id: int, commitment_id: int) -> CommitmentRow:
        """📝 汇报进展: the text (or a photo with a caption) is asked."""
        async with self._db.transaction() as session:
            commitment = await self._own(session, actor, commitment_id)
            if commitment.state != "approved":
                raise UserFacingError("commit.not_in_progress")
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                PROGRESS_FLOW,
                "text",
                {"id": commitment_id},
                self._clock(),
            )
        return commitment

    async def report(
        self, actor: Actor, chat_id: int, text: str, photo: str | None
    ) -> CommitmentRow:
        """The progress report, kept with the commitment."""
        note = usertext.block(text)
        if not note and photo is None:
            raise UserFacingError("commit.empty")
        if len(note) > MAX_NOTE:
            raise UserFacingError("commit.too_long", limit=MAX_NOTE, length=len(note))
        await self._end_if_moved_on(
            actor, chat_id, PROGRESS_FLOW, "text", "approved", "commit.not_in_progress"
        )
        now = self._clock()
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, PROGRESS_FLOW, "text", "commit.expired"
            )
            commitment = await self._own(session, actor, int(dialog.data["id"]))
            if commitment.state != "approved":
                raise UserFacingError("commit.not_in_progress")
            await session.dialogs.end(chat_id, actor.tg_user_id)
            await session.members.commitments.add_progress(
                commitment.id, commitment.person_id, note, photo, now
            )
            await session.audit.record(
                at=now,
                action="commitment.progress",
                actor_id=commitment.person_id,
                detail=str(commitment.id),
            )
        return commitment

    async def finish(self, actor: Actor, commitment_id: int) -> CommitmentRow:
        """✅ 已践诺: done (once; a second press is refused)."""
        now = self._clock()
        async with self._db.transaction() as session:
            commitment = await self._own(session, actor, commitment_id)
            repo = session.members.commitments
            if not await repo.finish(commitment.id, commitment.person_id, now):
                raise UserFacingError("commit.not_in_progress")
            stopped = await stop_before(session, REMIND_KIND, "commitment_id", commitment.id, now)
            await session.audit.record(
                at=now,
                action="commitment.done",
                actor_id=commitment.person_id,
                detail=str(commitment.id),
            )
            fresh = await repo.by_id(commitment.id)
        for schedule_id in stopped:
            self._scheduler.disarm(schedule_id)
        assert fresh is not None  # noqa: S101 - updated just now
        return fresh

    # --- for others: the public board, the review -----------------------------------------

    async def approved(self) -> list[CommitmentRow]:
        """The public commitments (approved: being carried out, or carried out), by
        deadline: for the public board (党务公开栏)."""
        async with self._db.read() as session:
            return await session.members.commitments.in_state("approved", "done")

    async def review(self, actor: Actor) -> list[CommitmentRow]:
        """/commitments: every commitment (a secretary's monthly review, 动态查诺)."""
        actor.require(Role.SECRETARY)
        async with self._db.read() as session:
            return await session.members.commitments.every()

    async def ledger_section(self, session: Session, start: datetime, end: datetime) -> SheetsOf:
        """The ledger's 党员承诺 sheet: the commitments live in [start, end) (submitted
        before its end, not carried out before its start), each with its state; one is
        overdue against the period's last day, or today while the period runs."""
        live = [
            commitment
            for commitment in await session.members.commitments.every()
            if commitment.submitted_at < end
            and (commitment.done_at is None or commitment.done_at >= start)
        ]
        last_day = (end - timedelta(microseconds=1)).astimezone(self._settings.community.tz).date()
        reckoned = min(self.today(), last_day)

        def sheets(language: Language, tz: ZoneInfo) -> list[Sheet]:
            return [review_sheet(language, live, reckoned, tz)] if live else []

        return sheets

    # --- the reminder before the deadline ----------------------------------------------------

    async def _remind_effect(self, firing: Firing) -> None:
        """The reminder before the deadline: to the member, once, while it is carried out."""
        session = firing.session
        repo = session.members.commitments
        commitment = await repo.by_id(int(firing.schedule.payload["commitment_id"]))
        if commitment is None or commitment.state != "approved":
            return  # carried out (or gone) meanwhile
        member = await session.people.by_id(commitment.person_id)
        if member is None or not member.reachable:
            return
        if not await repo.mark_reminded(commitment.id, firing.now):
            return  # reminded already
        language = Language(member.language)
        message = OutgoingMessage(
            "commit.reminder",
            language,
            self._details(language, commitment),
            buttons=(
                (ButtonSpec("commit.open_button", callback_data=f"{OPEN_PREFIX}:{commitment.id}"),),
            ),
        )
        await queue_push(
            session,
            kind=REMIND_KIND,
            title=str(commitment.id),
            deliveries=[Delivery(member.tg_user_id, member.id, message)],
            dedupe_prefix=f"{REMINDER_KIND}:{commitment.id}",
            now=firing.now,
        )


def review_sheet(
    language: Language, commitments: list[CommitmentRow], today: date, tz: ZoneInfo
) -> Sheet:
    """The review as a table: one row per commitment, its state (已逾期 for the overdue),
    the day it was carried out in the community's zone."""
    headers = tuple(
        translate(language, f"commit.sheet.{column}")
        for column in ("number", "member", "what", "whom", "due", "state", "approved", "done")
    )
    rows = tuple(
        (
            c.number,
            c.member_name,
            c.what,
            c.for_whom,
            c.due_on,
            translate(language, state_key(c, today)),
            c.approved_on,
            c.done_at.astimezone(tz).date() if c.done_at else None,
        )
        for c in commitments
    )
    return Sheet("commitments", translate(language, "commit.sheet.title"), headers, rows)
