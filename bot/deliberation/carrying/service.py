"""CarryingService: owners, progress, referrals, overdue reminders, supervision, ratings.

See bot/deliberation/carrying/__init__.py for what carrying out is.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from bot import parsing, usertext
from bot.clock import Clock, system_clock
from bot.community.register import Actor, ChatKind, Role, secretaries_to_tell
from bot.config import Language, Settings
from bot.deliberation.carrying.rules import (
    ANSWER_FLOW,
    ASSIGN_FLOW,
    MAX_ANSWER,
    MAX_DEPARTMENT,
    MAX_NOTE,
    MAX_OWNER_NAME,
    MAX_PROGRESS_TEXT,
    MAX_REQUEST,
    NOTE_FLOW,
    OVERDUE_KIND,
    OVERDUE_SCHEDULE_KEY,
    OWNER_KINDS,
    PROGRESS_FLOW,
    RATINGS,
    REFER_FLOW,
    SUPERVISION_FLOW,
    TERM_END_KIND,
    TERM_END_SCHEDULE_KEY,
    VERDICTS,
    AssignStep,
    CarryingStatus,
    ProgressResult,
    RatingSummary,
    TermResult,
    VerdictResult,
    add_months,
    rating_callback,
    verdict_callback,
)
from bot.dialogs import advance_step, expect_step
from bot.errors import UserFacingError
from bot.i18n import parse_language, translate
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, queue_push
from bot.runtime.scheduler import Firing, SchedulerService
from storage import Database
from storage.community.people import PersonRow
from storage.deliberation.carrying import ProgressRow, ReferralRow, TermRow
from storage.deliberation.matters import MatterRow
from storage.session import Session
from storage.times import to_db_time


class CarryingService:
    """Owners, progress, referrals, overdue reminders, supervision and ratings."""

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
        self.tz = scheduler.calendar.tz
        scheduler.register_effect(OVERDUE_KIND, self._overdue_check)
        scheduler.register_effect(TERM_END_KIND, self._term_end)
        scheduler.add_builtin(OVERDUE_SCHEDULE_KEY, OVERDUE_KIND, self.overdue_rule())

    @property
    def _language(self) -> Language:
        return self._settings.community.default_language

    def overdue_rule(self) -> dict[str, Any]:
        """Every day at the configured local time (counted from a fixed day, so it is stable)."""
        at = self._settings.deliberation.overdue_check_time
        start = datetime.combine(date(2026, 1, 1), at, tzinfo=self.tz).astimezone(UTC)
        return {"type": "every", "seconds": 86400, "start": to_db_time(start)}

    def due_from_days(self, days: int) -> datetime:
        """The due moment ``days`` from today: the end of that local day."""
        today = self._clock().astimezone(self.tz).date()
        return self._end_of(today + timedelta(days=days))

    def parse_due(self, text: str) -> datetime:
        """A typed due date (YYYY-MM-DD), today or later; UserFacingError otherwise."""
        day = parsing.iso_day(text)
        if day is None:
            raise UserFacingError("carry.due_invalid")
        if day < self._clock().astimezone(self.tz).date():
            raise UserFacingError("carry.due_past")
        return self._end_of(day)

    def _end_of(self, day: date) -> datetime:
        return datetime.combine(day, time(23, 59), tzinfo=self.tz).astimezone(UTC)

    # --- owner and due date ----------------------------------------------------

    async def start_assign(
        self, actor: Actor, chat_id: int, matter_id: int, owner: PersonRow | None = None
    ) -> MatterRow:
        """/assign N: open the owner form for a passed (or already assigned) matter.

        With ``owner`` (the resident whose message the secretary replied to)
        the form skips to the due date.
        """
        actor.require(Role.SECRETARY)
        async with self._db.transaction() as session:
            matter = await _matter(session, matter_id)
            if matter.stage not in ("passed", "in_progress"):
                raise UserFacingError("carry.not_passed", number=matter_id)
            data: dict[str, Any] = {"matter_id": matter_id}
            if owner is not None:
                data |= {
                    "owner_kind": "resident",
                    "owner_person_id": owner.id,
                    "owner_name": owner.display_name,
                }
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                ASSIGN_FLOW,
                "kind" if owner is None else "due",
                data,
                self._clock(),
            )
        return matter

    async def choose_owner_kind(self, actor: Actor, chat_id: int, kind: str) -> AssignStep:
        """The kind of owner; then the person, the name, or (committee) the due date."""
        actor.require(Role.SECRETARY)
        if kind not in OWNER_KINDS:
            raise UserFacingError("carry.expired")
        step = {"resident": "person", "committee": "due"}.get(kind, "name")
        async with self._db.transaction() as session:
            data = await self._advance(
                session, actor, chat_id, ASSIGN_FLOW, "kind", step, owner_kind=kind
            )
        return AssignStep(int(data["matter_id"]), step, kind)

    async def choose_owner_person(self, actor: Actor, chat_id: int, person_id: int) -> PersonRow:
        """The resident who carries it out; then the due date."""
        actor.require(Role.SECRETARY)
        async with self._db.transaction() as session:
            data = await self._expect(session, actor, chat_id, ASSIGN_FLOW, "person")
            person = await session.people.by_id(person_id)
            if person is None:
                raise UserFacingError("people.gone")
            data = {**data, "owner_person_id": person_id, "owner_name": person.display_name}
            await session.dialogs.put(
                chat_id, actor.tg_user_id, ASSIGN_FLOW, "due", data, self._clock()
            )
        return person

    async def answer_owner_name(self, actor: Actor, chat_id: int, text: str) -> str:
        """The team's or unit's name; then the due date."""
        actor.require(Role.SECRETARY)
        name = usertext.line(text)
        if not name:
            raise UserFacingError("carry.name_empty")
        if len(name) > MAX_OWNER_NAME:
            raise UserFacingError("carry.too_long", limit=MAX_OWNER_NAME, length=len(name))
        async with self._db.transaction() as session:
            await self._advance(
                session, actor, chat_id, ASSIGN_FLOW, "name", "due", owner_name=name
            )
        return name

    async def assign(self, actor: Actor, chat_id: int, due_at: datetime) -> MatterRow:
        """The due date: the matter gets its owner and is being carried out."""
        actor.require(Role.SECRETARY)
        secretary = actor.person_id
        now = self._clock()
        async with self._db.transaction() as session:
            data = await self._expect(session, actor, chat_id, ASSIGN_FLOW, "due")
            matter = await _matter(session, int(data["matter_id"]))
            if matter.stage not in ("passed", "in_progress"):
                raise UserFacingError("carry.not_passed", number=matter.id)
            kind = str(data["owner_kind"])
            person_id = data.get("owner_person_id")
            name = data.get("owner_name")
            await session.carrying.assign(
                matter.id,
                owner_kind=kind,
                owner_person_id=int(person_id) if person_id is not None else None,
                owner_name=str(name) if name is not None else None,
                due_at=due_at,
                now=now,
            )
            await session.matters.add_event(
                matter.id,
                "assigned",
                actor_id=secretary,
                now=now,
                owner_kind=kind,
                owner=str(name) if name else "",
                due=self._local_date(due_at),
            )
            await session.dialogs.end(chat_id, actor.tg_user_id)
            await session.audit.record(
                at=now, action="matter.assign", actor_id=secretary, detail=str(matter.id)
            )
            if person_id is not None:
                owner = await session.people.by_id(int(person_id))
                if owner is not None and owner.reachable:
                    await queue_push(
                        session,
                        kind="matter.assigned",
                        title=matter.title,
                        deliveries=[
                            Delivery(
                                owner.tg_user_id,
                                owner.id,
                                OutgoingMessage(
                                    "carry.assigned_owner",
                                    parse_language(owner.language),
                                    {
                                        "number": matter.id,
                                        "title": matter.title,
                                        "due": self._local_date(due_at),
                                    },
                                ),
                            )
                        ],
                        dedupe_prefix=f"assigned:{matter.id}:{to_db_time(now)}",
                        now=now,
                    )
            updated = await _matter(session, matter.id)
        return updated

    # --- progress ----------------------------------------------------------------

    async def start_progress(self, actor: Actor, chat_id: int, matter_id: int) -> MatterRow:
        """/progress N: the owner (or a secretary) starts a report; first the percent."""
        async with self._db.transaction() as session:
            matter = await _matter(session, matter_id)
            self._check_reporter(actor, matter)
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                PROGRESS_FLOW,
                "percent",
                {"matter_id": matter_id},
                self._clock(),
            )
        return matter

    async def choose_percent(self, actor: Actor, chat_id: int, percent: int) -> int:
        """How far along it is (0–100); then a few words."""
        if not 0 <= percent <= 100:
            raise UserFacingError("carry.percent_invalid")
        async with self._db.transaction() as session:
            await self._advance(
                session, actor, chat_id, PROGRESS_FLOW, "percent", "text", percent=percent
            )
        return percent

    async def report(
        self, actor: Actor, chat_id: int, text: str, photo_file_id: str | None = None
    ) -> ProgressResult:
        """A few words (and a photo): record the report, tell the group, move the stage."""
        words = usertext.line(text)
        if not words and photo_file_id is None:
            raise UserFacingError("carry.progress_empty")
        if len(words) > MAX_PROGRESS_TEXT:
            raise UserFacingError("carry.too_long", limit=MAX_PROGRESS_TEXT, length=len(words))
        now = self._clock()
        async with self._db.transaction() as session:
            data = await self._expect(session, actor, chat_id, PROGRESS_FLOW, "text")
            matter = await _matter(session, int(data["matter_id"]))
            self._check_reporter(actor, matter)
            percent = int(data["percent"])
            report_id = await session.carrying.add_progress(
                matter.id,
                person_id=actor.person_id,
                percent=percent,
                text=words or None,
                photo_file_id=photo_file_id,
                now=now,
            )
            await session.matters.add_event(
                matter.id,
                "progress",
                actor_id=actor.person_id,
                now=now,
                percent=percent,
                photo=photo_file_id is not None,
            )
            await session.dialogs.end(chat_id, actor.tg_user_id)
            await self._to_residents(
                session,
                "carry.progress_note",
                {"number": matter.id, "title": matter.title, "percent": percent, "text": words},
                dedupe=f"progress:{report_id}",
                now=now,
            )
            if percent == 100:
                if matter.major:
                    await session.matters.set_stage(matter.id, "acceptance", now)
                    await session.matters.add_event(
                        matter.id, "acceptance_requested", actor_id=None, now=now
                    )
                    await self._ask_supervisors(session, matter, now)
                else:
                    await self._finish(session, matter, now)
            updated = await _matter(session, matter.id)
        return ProgressResult(updated, percent)

    def _check_reporter(self, actor: Actor, matter: MatterRow) -> None:
        if actor.person is None and not actor.has(Role.SECRETARY):
            raise UserFacingError("access.not_registered")
        if matter.stage != "in_progress":
            raise UserFacingError("carry.not_in_progress", number=matter.id)
        is_owner = matter.owner_person_id is not None and matter.owner_person_id == actor.person_id
        if not is_owner and not actor.has(Role.SECRETARY):
            raise UserFacingError("carry.not_owner", number=matter.id)

    async def _finish(self, session: Session, matter: MatterRow, now: datetime) -> None:
        """The matter is done: record it and ask its raiser and supporters to rate it."""
        await session.carrying.mark_done(matter.id, now)
        await session.matters.add_event(matter.id, "done", actor_id=None, now=now)
        asked: list[int] = []
        if matter.raised_by is not None:
            asked.append(matter.raised_by)
        for person_id in await session.carrying.supporter_ids(matter.id):
            if person_id not in asked:
                asked.append(person_id)
        deliveries = []
        for person_id in asked:
            person = await session.people.by_id(person_id)
            if person is None or not person.reachable:
                continue
            language = parse_language(person.language)
            deliveries.append(
                Delivery(
                    person.tg_user_id,
                    person.id,
                    OutgoingMessage(
                        "carry.rate_ask",
                        language,
                        {"number": matter.id, "title": matter.title},
                        buttons=tuple(
                            (
                                ButtonSpec(
                                    f"carry.rating.{rating}",
                                    callback_data=rating_callback(matter.id, rating),
                                ),
                            )
                            for rating in RATINGS
                        ),
                    ),
                )
            )
        if deliveries:
            await queue_push(
                session,
                kind="matter.rate",
                title=matter.title,
                deliveries=deliveries,
                dedupe_prefix=f"rate:{matter.id}",
                now=now,
            )

    async def progress_reports(self, matter_id: int) -> list[ProgressRow]:
        """The matter's progress reports, oldest first."""
        async with self._db.read() as session:
            return await session.carrying.progress_reports(matter_id)

    # --- major projects and acceptance -------------------------------------------------

    async def set_major(self, actor: Actor, matter_id: int, major: bool) -> MatterRow:
        """/major N: mark (or unmark) a major project, whose acceptance the supervisors sign."""
        actor.require(Role.SECRETARY)
        secretary = actor.person_id
        now = self._clock()
        async with self._db.transaction() as session:
            matter = await _matter(session, matter_id)
            if matter.stage in ("done", "withdrawn", "merged", "rejected", "no_quorum"):
                raise UserFacingError("carry.major_too_late", number=matter_id)
            if matter.stage == "acceptance" and not major:
                raise UserFacingError("carry.major_too_late", number=matter_id)
            await session.carrying.set_major(matter_id, major, now)
            await session.matters.add_event(
                matter_id, "major" if major else "not_major", actor_id=secretary, now=now
            )
            return await _matter(session, matter_id)

    async def _ask_supervisors(self, session: Session, matter: MatterRow, now: datetime) -> None:
        """Ask every member of the current term, privately, to sign the project off."""
        term = await session.carrying.current_term(now)
        if term is None:
            await self._to_secretaries(
                session,
                "carry.no_supervisors",
                {"number": matter.id, "title": matter.title},
                dedupe=f"no-supervisors:{matter.id}:{to_db_time(now)}",
                now=now,
            )
            return
        deliveries = []
        for person_id in await session.carrying.term_members(term.id):
            person = await session.people.by_id(person_id)
            if person is None or not person.reachable:
                continue
            deliveries.append(
                Delivery(
                    person.tg_user_id,
                    person.id,
                    OutgoingMessage(
                        "carry.acceptance_ask",
                        parse_language(person.language),
                        {"number": matter.id, "title": matter.title},
                        buttons=(
                            tuple(
                                ButtonSpec(
                                    f"carry.verdict.{verdict}",
                                    callback_data=verdict_callback(matter.id, verdict),
                                )
                                for verdict in VERDICTS
                            ),
                        ),
                    ),
                )
            )
        if deliveries:
            await queue_push(
                session,
                kind="matter.acceptance",
                title=matter.title,
                deliveries=deliveries,
                dedupe_prefix=f"acceptance:{matter.id}:{term.id}:{to_db_time(now)}",
                now=now,
            )

    async def verdict(
        self, actor: Actor, chat_id: int, matter_id: int, verdict: str
    ) -> VerdictResult:
        """A supervisor signs a major project off (验收通过) or sends it back (需要返工).

        One sign-off per supervisor per matter. More than half of the term's
        members accepting makes it done; one rework sends it back to the owner.
        Afterwards the supervisor may type a note, which is added to the sign-off.
        """
        if verdict not in VERDICTS:
            raise UserFacingError("carry.expired")
        person = actor.person
        if person is None:
            raise UserFacingError("access.not_registered")
        now = self._clock()
        async with self._db.transaction() as session:
            matter = await _matter(session, matter_id)
            if matter.stage != "acceptance":
                raise UserFacingError("carry.not_in_acceptance", number=matter_id)
            term = await session.carrying.current_term(now)
            members = await session.carrying.term_members(term.id) if term else []
            if person.id not in members:
                raise UserFacingError("carry.not_supervisor")
            if not await session.carrying.sign_off(matter_id, person.id, verdict, now):
                raise UserFacingError("carry.already_signed", number=matter_id)
            await session.matters.add_event(
                matter_id, f"acceptance_{verdict}", actor_id=person.id, now=now
            )
            accepted = sum(
                1
                for row in await session.carrying.acceptances(matter_id)
                if row.verdict == "accepted"
            )
            if verdict == "rework":
                await session.matters.set_stage(matter_id, "in_progress", now)
                await session.carrying.clear_acceptances(matter_id)
                await self._tell_rework(session, matter, now)
            elif accepted * 2 > len(members):
                await session.matters.add_event(
                    matter_id, "accepted", actor_id=None, now=now, accepted=accepted
                )
                await self._finish(session, matter, now)
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                NOTE_FLOW,
                "note",
                {"matter_id": matter_id, "verdict": verdict},
                now,
            )
            updated = await _matter(session, matter_id)
        return VerdictResult(updated, accepted, len(members))

    async def add_note(self, actor: Actor, chat_id: int, text: str) -> int:
        """The optional note after a verdict; returns the matter's number."""
        note = usertext.line(text)
        if not note:
            raise UserFacingError("carry.name_empty")
        if len(note) > MAX_NOTE:
            raise UserFacingError("carry.too_long", limit=MAX_NOTE, length=len(note))
        now = self._clock()
        async with self._db.transaction() as session:
            data = await self._expect(session, actor, chat_id, NOTE_FLOW, "note")
            matter_id = int(data["matter_id"])
            if actor.person_id is not None:
                # After a rework the round's sign-offs are cleared: the note lives in the history.
                await session.carrying.set_acceptance_note(matter_id, actor.person_id, note)
            await session.matters.add_event(
                matter_id, "acceptance_note", actor_id=actor.person_id, now=now, note=note
            )
            await session.dialogs.end(chat_id, actor.tg_user_id)
        return matter_id

    async def _tell_rework(self, session: Session, matter: MatterRow, now: datetime) -> None:
        params = {"number": matter.id, "title": matter.title}
        dedupe = f"rework:{matter.id}:{to_db_time(now)}"
        await self._to_secretaries(session, "carry.rework", params, dedupe=dedupe, now=now)
        if matter.owner_person_id is not None:
            owner = await session.people.by_id(matter.owner_person_id)
            if owner is not None and owner.reachable:
                await queue_push(
                    session,
                    kind="matter.rework",
                    title=matter.title,
                    deliveries=[
                        Delivery(
                            owner.tg_user_id,
                            owner.id,
                            OutgoingMessage("carry.rework", parse_language(owner.language), params),
                        )
                    ],
                    dedupe_prefix=f"{dedupe}:owner",
                    now=now,
                )

    # --- ratings (民意测评) -------------------------------------------------------------

    async def rate(self, actor: Actor, matter_id: int, rating: str) -> MatterRow:
        """One rating per asked person (the raiser and the supporters) of a done matter."""
        if rating not in RATINGS:
            raise UserFacingError("carry.expired")
        person = actor.person
        if person is None:
            raise UserFacingError("access.not_registered")
        now = self._clock()
        async with self._db.transaction() as session:
            matter = await _matter(session, matter_id)
            if matter.stage != "done":
                raise UserFacingError("carry.not_done", number=matter_id)
            asked = matter.raised_by == person.id or person.id in (
                await session.carrying.supporter_ids(matter_id)
            )
            if not asked:
                raise UserFacingError("carry.not_asked", number=matter_id)
            if not await session.carrying.rate(matter_id, person.id, rating, now):
                raise UserFacingError("carry.already_rated", number=matter_id)
            # The history says someone rated, not how: each choice is private.
            await session.matters.add_event(matter_id, "rated", actor_id=None, now=now)
        return matter

    async def rating_summary(self, matter_id: int) -> RatingSummary:
        """How residents rated the matter (for /matter N and the records)."""
        async with self._db.read() as session:
            counts = await session.carrying.rating_counts(matter_id)
        return RatingSummary(
            satisfied=counts.get("satisfied", 0),
            basically=counts.get("basically", 0),
            unsatisfied=counts.get("unsatisfied", 0),
        )

    async def status(self, matter_id: int) -> CarryingStatus:
        """The matter's owner, due date and progress, its referrals and its ratings."""
        async with self._db.read() as session:
            matter = await _matter(session, matter_id)
            referrals = await session.carrying.referrals_of(matter_id)
            counts = await session.carrying.rating_counts(matter_id)
        ratings = RatingSummary(
            satisfied=counts.get("satisfied", 0),
            basically=counts.get("basically", 0),
            unsatisfied=counts.get("unsatisfied", 0),
        )
        return CarryingStatus(matter, referrals, ratings)

    # --- referrals (社区吹哨、部门报到) --------------------------------------------------

    async def start_refer(self, actor: Actor, chat_id: int, matter_id: int) -> MatterRow:
        """/refer N: open the referral form; first the department."""
        actor.require(Role.SECRETARY)
        async with self._db.transaction() as session:
            matter = await _matter(session, matter_id)
            if matter.stage in ("withdrawn", "merged"):
                raise UserFacingError("matter.gone")
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                REFER_FLOW,
                "department",
                {"matter_id": matter_id},
                self._clock(),
            )
        return matter

    async def answer_department(self, actor: Actor, chat_id: int, text: str) -> str:
        """The department; then what is asked of it."""
        actor.require(Role.SECRETARY)
        department = _clean(text, MAX_DEPARTMENT)
        async with self._db.transaction() as session:
            await self._advance(
                session, actor, chat_id, REFER_FLOW, "department", "request", department=department
            )
        return department

    async def answer_request(self, actor: Actor, chat_id: int, text: str) -> str:
        """What is asked; then an optional due date."""
        actor.require(Role.SECRETARY)
        request = _clean(text, MAX_REQUEST)
        async with self._db.transaction() as session:
            await self._advance(
                session, actor, chat_id, REFER_FLOW, "request", "due", request=request
            )
        return request

    async def refer(self, actor: Actor, chat_id: int, due_at: datetime | None) -> ReferralRow:
        """The due date (or none): the referral is recorded and stays open until answered."""
        actor.require(Role.SECRETARY)
        secretary = actor.person_id
        now = self._clock()
        async with self._db.transaction() as session:
            data = await self._expect(session, actor, chat_id, REFER_FLOW, "due")
            matter_id = int(data["matter_id"])
            referral_id = await session.carrying.refer(
                matter_id,
                department=str(data["department"]),
                request=str(data["request"]),
                referred_by=secretary,
                due_at=due_at,
                now=now,
            )
            await session.matters.add_event(
                matter_id,
                "referred",
                actor_id=secretary,
                now=now,
                referral=referral_id,
                department=str(data["department"]),
                due=self._local_date(due_at) if due_at else "",
            )
            await session.dialogs.end(chat_id, actor.tg_user_id)
            await session.audit.record(
                at=now, action="matter.refer", actor_id=secretary, detail=str(matter_id)
            )
            referral = await session.carrying.referral(referral_id)
            assert referral is not None  # noqa: S101 - created just above
        return referral

    async def open_referrals(self, actor: Actor) -> list[ReferralRow]:
        """/referrals: the referrals still waiting for an answer."""
        actor.require(Role.SECRETARY)
        async with self._db.read() as session:
            return await session.carrying.open_referrals()

    async def start_answer(self, actor: Actor, chat_id: int, referral_id: int) -> ReferralRow:
        """A referral chosen from /answer's buttons; then its answer is typed."""
        actor.require(Role.SECRETARY)
        async with self._db.transaction() as session:
            referral = await session.carrying.referral(referral_id)
            if referral is None or referral.answered_at is not None:
                raise UserFacingError("carry.referral_closed")
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                ANSWER_FLOW,
                "text",
                {"referral_id": referral_id},
                self._clock(),
            )
        return referral

    async def record_answer(self, actor: Actor, chat_id: int, text: str) -> ReferralRow:
        """The department's answer: the referral is closed and the matter's history says so."""
        actor.require(Role.SECRETARY)
        secretary = actor.person_id
        answer = _clean(text, MAX_ANSWER)
        now = self._clock()
        async with self._db.transaction() as session:
            data = await self._expect(session, actor, chat_id, ANSWER_FLOW, "text")
            referral_id = int(data["referral_id"])
            if not await session.carrying.answer_referral(
                referral_id, answer=answer, recorded_by=secretary, now=now
            ):
                raise UserFacingError("carry.referral_closed")
            referral = await session.carrying.referral(referral_id)
            assert referral is not None  # noqa: S101 - updated just above
            await session.matters.add_event(
                referral.matter_id,
                "referral_answered",
                actor_id=secretary,
                now=now,
                referral=referral_id,
                department=referral.department,
                answer=answer,
            )
            await session.dialogs.end(chat_id, actor.tg_user_id)
        return referral

    # --- overdue reminders ---------------------------------------------------------------

    async def _overdue_check(self, firing: Firing) -> None:
        """The daily check: remind of what is past its due date, once a day per item."""
        await self.remind_overdue(firing.session, firing.now)

    async def remind_overdue(self, session: Session, now: datetime) -> int:
        """Queue reminders for overdue matters and referrals not yet reminded today.

        Runs inside the caller's unit of work (the firing's); returns how many
        items were reminded of.
        """
        today = now.astimezone(self.tz).date()

        def due_again(reminded: datetime | None) -> bool:
            return reminded is None or reminded.astimezone(self.tz).date() < today

        matters = [
            m
            for m in await session.carrying.overdue_matters(now)
            if due_again(m.overdue_reminded_at)
        ]
        referrals = [
            r for r in await session.carrying.overdue_referrals(now) if due_again(r.reminded_at)
        ]
        if not matters and not referrals:
            return 0
        stamp = today.isoformat()
        for matter in matters:
            await session.carrying.mark_overdue_reminded(matter.id, now)
            if matter.owner_person_id is None:
                continue
            owner = await session.people.by_id(matter.owner_person_id)
            if owner is None or not owner.reachable:
                continue
            await queue_push(
                session,
                kind="matter.overdue",
                title=matter.title,
                deliveries=[
                    Delivery(
                        owner.tg_user_id,
                        owner.id,
                        OutgoingMessage(
                            "carry.overdue_owner",
                            parse_language(owner.language),
                            {
                                "number": matter.id,
                                "title": matter.title,
                                "due": self._local_date(matter.due_at),
                            },
                        ),
                    )
                ],
                dedupe_prefix=f"overdue:{matter.id}:{stamp}",
                now=now,
            )
        for referral in referrals:
            await session.carrying.mark_referral_reminded(referral.id, now)
        secretaries = await secretaries_to_tell(session, self._settings.community)
        deliveries = []
        for person in secretaries:
            language = parse_language(person.language)
            lines = [
                translate(
                    language,
                    "carry.overdue_matter_line",
                    number=m.id,
                    title=m.title,
                    due=self._local_date(m.due_at),
                )
                for m in matters
            ] + [
                translate(
                    language,
                    "carry.overdue_referral_line",
                    number=r.matter_id,
                    department=r.department,
                    due=self._local_date(r.due_at) if r.due_at else "",
                )
                for r in referrals
            ]
            deliveries.append(
                Delivery(
                    person.tg_user_id,
                    person.id,
                    OutgoingMessage(
                        "carry.overdue_secretaries", language, {"lines": "\n".join(lines)}
                    ),
                )
            )
        if deliveries:
            await queue_push(
                session,
                kind="matter.overdue",
                title="overdue",
                deliveries=deliveries,
                # Each item is reminded once a day by its reminded_at; a second check the
                # same day (after a catch-up, say) only holds items new since, so it must
                # not be swallowed by the first one's dedupe key.
                dedupe_prefix=f"overdue-secretaries:{to_db_time(now)}",
                now=now,
            )
        return len(matters) + len(referrals)

    # --- the supervision group -----------------------------------------------------------

    async def current_term(self) -> tuple[TermRow | None, list[PersonRow]]:
        """The running term and its members (None and [] if there is none)."""
        now = self._clock()
        async with self._db.read() as session:
            term = await session.carrying.current_term(now)
            if term is None:
                return None, []
            members = [
                person
                for person_id in await session.carrying.term_members(term.id)
                if (person := await session.people.by_id(person_id)) is not None
            ]
        return term, members

    async def start_appointing(self, actor: Actor, chat_id: int) -> None:
        """Appoint the group by hand: a list of residents with toggle buttons."""
        actor.require(Role.SECRETARY)
        async with self._db.transaction() as session:
            await session.dialogs.put(
                chat_id, actor.tg_user_id, SUPERVISION_FLOW, "pick", {"chosen": []}, self._clock()
            )

    async def toggle_appointee(self, actor: Actor, chat_id: int, person_id: int) -> list[int]:
        """Add or remove a person from the group being appointed; returns who is chosen."""
        actor.require(Role.SECRETARY)
        async with self._db.transaction() as session:
            data = await self._expect(session, actor, chat_id, SUPERVISION_FLOW, "pick")
            chosen = [int(p) for p in data.get("chosen", [])]
            if person_id in chosen:
                chosen.remove(person_id)
            else:
                if await session.people.by_id(person_id) is None:
                    raise UserFacingError("people.gone")
                if len(chosen) >= self._settings.deliberation.supervision_size:
                    raise UserFacingError(
                        "carry.group_full", size=self._settings.deliberation.supervision_size
                    )
                chosen.append(person_id)
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                SUPERVISION_FLOW,
                "pick",
                {"chosen": chosen},
                self._clock(),
            )
        return chosen

    async def chosen_appointees(self, actor: Actor, chat_id: int) -> list[int]:
        """Who is chosen so far in the appointing form."""
        async with self._db.read() as session:
            data = await self._expect(session, actor, chat_id, SUPERVISION_FLOW, "pick")
        return [int(p) for p in data.get("chosen", [])]

    async def appoint(self, actor: Actor, chat_id: int) -> TermResult:
        """Start a term with the appointed members."""
        async with self._db.transaction() as session:
            data = await self._expect(session, actor, chat_id, SUPERVISION_FLOW, "pick")
            chosen = [int(p) for p in data.get("chosen", [])]
            if not chosen:
                raise UserFacingError("carry.nobody_chosen")
            await session.dialogs.end(chat_id, actor.tg_user_id)
            result = await self._start_term(session, actor, chosen, "appointed", short=False)
        await self._scheduler.arm_schedule(await self._term_end_schedule_id())
        return result

    async def draw_by_lot(self, actor: Actor) -> TermResult:
        """Draw the group by lot from the registered volunteers (all of them if too few)."""
        actor.require(Role.SECRETARY)
        size = self._settings.deliberation.supervision_size
        async with self._db.transaction() as session:
            volunteers = [p.id for p in await session.people.with_role(Role.VOLUNTEER.value)]
            if not volunteers:
                raise UserFacingError("carry.no_volunteers")
            short = len(volunteers) < size
            # SystemRandom: drawn from the OS's entropy, so nobody can predict or replay it.
            chosen = volunteers if short else random.SystemRandom().sample(volunteers, size)
            result = await self._start_term(session, actor, chosen, "lot", short=short)
        await self._scheduler.arm_schedule(await self._term_end_schedule_id())
        return result

    async def _start_term(
        self, session: Session, actor: Actor, chosen: list[int], method: str, *, short: bool
    ) -> TermResult:
        actor.require(Role.SECRETARY)
        secretary = actor.person_id
        now = self._clock()
        previous = await session.carrying.current_term(now)
        previous_members = (
            await session.carrying.term_members(previous.id) if previous is not None else []
        )
        if previous is not None:
            await session.carrying.end_term(previous.id, now)
        ends = add_months(now, self._settings.deliberation.supervision_term_months)
        term_id = await session.carrying.create_term(
            starts_at=now, ends_at=ends, method=method, created_by=secretary, now=now
        )
        for person_id in previous_members:
            if person_id not in chosen and await session.people.revoke(
                person_id, Role.SUPERVISOR.value
            ):
                await session.audit.record(
                    at=now,
                    action="role.revoke",
                    actor_id=secretary,
                    subject_id=person_id,
                    detail=Role.SUPERVISOR.value,
                )
        members: list[PersonRow] = []
        for person_id in chosen:
            await session.carrying.add_supervisor(term_id, person_id)
            if await session.people.grant(person_id, Role.SUPERVISOR.value, secretary, now):
                await session.audit.record(
                    at=now,
                    action="role.grant",
                    actor_id=secretary,
                    subject_id=person_id,
                    detail=Role.SUPERVISOR.value,
                )
            person = await session.people.by_id(person_id)
            if person is not None:
                members.append(person)
        await session.audit.record(
            at=now, action="supervision.term", actor_id=secretary, detail=f"{term_id}:{method}"
        )
        await queue_push(
            session,
            kind="supervision.term",
            title="supervision",
            deliveries=[
                Delivery(
                    person.tg_user_id,
                    person.id,
                    OutgoingMessage(
                        "carry.term_member",
                        parse_language(person.language),
                        {"until": self._local_date(ends)},
                    ),
                )
                for person in members
                if person.reachable
            ],
            dedupe_prefix=f"term:{term_id}",
            now=now,
        )
        await self._schedule_term_end(session, ends, now)
        term = await session.carrying.current_term(now)
        assert term is not None  # noqa: S101 - created just above
        # Major projects already waiting for acceptance go to the new members.
        for matter_id in await session.carrying.awaiting_acceptance():
            await self._ask_supervisors(session, await _matter(session, matter_id), now)
        return TermResult(term, members, short)

    async def _schedule_term_end(self, session: Session, ends: datetime, now: datetime) -> None:
        """One schedule, moved to each term's end, reminds secretaries to draw the next."""
        rule = {"type": "once", "at": to_db_time(ends)}
        existing = await session.schedules.by_key(TERM_END_SCHEDULE_KEY)
        if existing is None:
            await session.schedules.create(
                key=TERM_END_SCHEDULE_KEY,
                kind=TERM_END_KIND,
                title=TERM_END_KIND,
                rule=rule,
                payload={},
                owner_id=None,
                next_due_at=ends,
                now=now,
            )
        else:
            await session.schedules.update_rule(existing.id, rule, ends, now)

    async def _term_end_schedule_id(self) -> int:
        async with self._db.read() as session:
            row = await session.schedules.by_key(TERM_END_SCHEDULE_KEY)
        assert row is not None  # noqa: S101 - created with the term
        return row.id

    async def _term_end(self, firing: Firing) -> None:
        """A term ended: its members lose the role, secretaries are asked to draw the next."""
        session, now = firing.session, firing.now
        term = await session.carrying.latest_term()
        if term is None or term.ends_at > now:
            return
        for person_id in await session.carrying.term_members(term.id):
            if await session.people.revoke(person_id, Role.SUPERVISOR.value):
                await session.audit.record(
                    at=now,
                    action="role.revoke",
                    actor_id=None,
                    subject_id=person_id,
                    detail=Role.SUPERVISOR.value,
                )
        await self._to_secretaries(
            session, "carry.term_ended", {}, dedupe=f"term-ended:{term.id}", now=now
        )

    # --- helpers ------------------------------------------------------------------------

    def _local_date(self, moment: datetime) -> str:
        return moment.astimezone(self.tz).strftime("%Y-%m-%d")

    async def _advance(
        self,
        session: Session,
        actor: Actor,
        chat_id: int,
        flow: str,
        from_step: str,
        to_step: str,
        **answers: Any,
    ) -> dict[str, Any]:
        return await advance_step(
            session,
            chat_id,
            actor.tg_user_id,
            flow,
            from_step=from_step,
            to_step=to_step,
            expired_key="carry.expired",
            now=self._clock(),
            **answers,
        )

    async def _expect(
        self, session: Session, actor: Actor, chat_id: int, flow: str, step: str
    ) -> dict[str, Any]:
        dialog = await expect_step(session, chat_id, actor.tg_user_id, flow, step, "carry.expired")
        return dialog.data

    async def _to_residents(
        self, session: Session, key: str, params: dict[str, Any], *, dedupe: str, now: datetime
    ) -> None:
        chats = await session.chats.posting(ChatKind.RESIDENTS.value)
        if not chats:
            return
        message = OutgoingMessage(key, self._language, params)
        await queue_push(
            session,
            kind=key,
            title=str(params.get("title", key)),
            deliveries=[Delivery(chat.chat_id, None, message) for chat in chats],
            dedupe_prefix=dedupe,
            now=now,
        )

    async def _to_secretaries(
        self, session: Session, key: str, params: dict[str, Any], *, dedupe: str, now: datetime
    ) -> None:
        deliveries = [
            Delivery(
                person.tg_user_id,
                person.id,
                OutgoingMessage(key, parse_language(person.language), params),
            )
            for person in await secretaries_to_tell(session, self._settings.community)
        ]
        if deliveries:
            await queue_push(
                session,
                kind=key,
                title=str(params.get("title", key)),
                deliveries=deliveries,
                dedupe_prefix=dedupe,
                now=now,
            )


async def _matter(session: Session, matter_id: int) -> MatterRow:
    matter = await session.matters.get(matter_id)
    if matter is None:
        raise UserFacingError("matter.not_found", number=matter_id)
    return matter


def _clean(text: str, limit: int) -> str:
    cleaned = usertext.line(text)
    if not cleaned:
        raise UserFacingError("carry.name_empty")
    if len(cleaned) > limit:
        raise UserFacingError("carry.too_long", limit=limit, length=len(cleaned))
    return cleaned
