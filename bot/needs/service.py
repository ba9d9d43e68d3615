"""Residents' needs (需求清单), "接诉即办": posted, claimed, carried out, confirmed, rated.

- A resident posts a need privately (/need, 🙋 我有需求 on /me or the keyboard):
  category by buttons (``[needs] categories``, each with its clocks), building
  (buttons from the register, their own first), urgency (一般/紧急), then the text, a
  photo or a voice note. They get the need's number and "we answer within N hours".
- Routing (:data:`FirstResponder`): a plug-in may name who hears of it first (the
  household's contact member, §4); by default the grid's workers and the
  secretaries are told, and the need is on the open list (/needs) for every member,
  volunteer, grid worker and secretary.
- Claimed (认领), it is a task with an owner and a deadline (``done_days``, the
  date picker to change it), or a volunteer activity (组织志愿活动) made by the
  volunteering service itself, so sign-up, check-in and hours are an activity's.
  The first answer (a claim, a reply, a matter) stops the answer clock.
- The owner reports it done; the resident is asked "问题解决了吗？": solved, they
  rate it 1–5 ⭐ (once); not solved, it is open again and the secretaries are told.
- The clocks (bot/needs/clocks.py): a ``once`` schedule at the answer deadline and
  one at the done deadline; each pushes to the secretaries once if still unanswered
  / not done.
- One button turns a need into a raised matter (the deliberation's own service,
  the matter says it came from 需求 #N); a secretary can turn it back from the
  matter's screen: the matter is withdrawn with that reason and the need reopened.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from bot import parsing, spoken, usertext
from bot.clock import Clock, system_clock
from bot.community.register import Actor, Role, secretaries_to_tell
from bot.config import Language, NeedsSettings, Settings
from bot.deliberation.desk import MatterDeskService
from bot.deliberation.ledger import LedgerService
from bot.deliberation.raising import MatterService
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from bot.i18n import translate
from bot.needs import rules
from bot.needs.clocks import Armed, NeedClocks
from bot.needs.offers import OfferService
from bot.needs.report import NeedsReports
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, queue_push
from bot.runtime.scheduler import SchedulerService
from bot.volunteering.activities import create_activity
from bot.volunteering.rules import MAX_DESCRIPTION, MAX_PLACE, parse_when
from bot.volunteering.service import Volunteering
from storage import Storage
from storage.community.people import PersonRow
from storage.deliberation.matters import MatterRow
from storage.needs.repository import NeedRow
from storage.session import Session
from storage.times import to_db_time

#: Who hears of a new need first: a person's register id, or None (the default routing).
FirstResponder = Callable[[Session, NeedRow], Awaitable[int | None]]


@dataclass(frozen=True)
class Step:
    """Where posting stands: the step now asked and the answers so far."""

    step: str
    data: dict[str, Any]


@dataclass(frozen=True)
class NeedsPage:
    needs: list[NeedRow]
    page: int
    pages: int


class NeedsService:
    """The needs list: posting, routing, claiming, carrying out, confirming, the clocks."""

    def __init__(
        self,
        db: Storage,
        settings: Settings,
        scheduler: SchedulerService,
        matters: MatterService,
        desk: MatterDeskService,
        volunteer: Volunteering,
        ledger: LedgerService,
        clock: Clock = system_clock,
        first_responder: FirstResponder | None = None,
    ) -> None:
        self._db = db
        self._settings = settings
        self._matters = matters
        self._desk = desk
        self._volunteer = volunteer
        self._clock = clock
        self._first_responder = first_responder
        #: The answer and done clocks (registers their effects and describers).
        self.clocks = NeedClocks(self, scheduler, settings, clock)
        #: The services list (服务清单): offers and their claims.
        self.offers = OfferService(self)
        #: The monthly report (and its daily schedule), the ledger's two sheets.
        self.reports = NeedsReports(db, settings, scheduler, ledger, clock)

    @property
    def config(self) -> NeedsSettings:
        return self._settings.needs

    def route_first(self, first_responder: FirstResponder | None) -> None:
        """Plug in who hears of a new need first (households, §4)."""
        self._first_responder = first_responder

    def now(self) -> datetime:
        return self._clock()

    def category_name(self, key: str, language: Language) -> str:
        return rules.category_name(self.config, key, language)

    # --- posting ----------------------------------------------------------------------

    async def start(self, actor: Actor, chat_id: int) -> Step:
        """/need: the first question (the category)."""
        actor.member(Role.RESIDENT, "needs.residents_only")
        async with self._db.transaction() as session:
            await session.dialogs.put(
                chat_id, actor.tg_user_id, rules.FLOW, "category", {}, self._clock()
            )
        return Step("category", {})

    async def _advance(
        self, actor: Actor, chat_id: int, from_step: str, to_step: str, **answers: Any
    ) -> Step:
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, rules.FLOW, from_step, "needs.expired"
            )
            data = {**dialog.data, **answers}
            await session.dialogs.put(
                chat_id, actor.tg_user_id, rules.FLOW, to_step, data, self._clock()
            )
        return Step(to_step, data)

    async def choose_category(self, actor: Actor, chat_id: int, key: str) -> Step:
        """A category button: then the building, the resident's own first."""
        me = actor.member(Role.RESIDENT, "needs.residents_only")
        if self.config.category(key) is None:
            raise UserFacingError("needs.expired")
        async with self._db.read() as session:
            known = await session.people.known_buildings()
        choices = [b for b in ([me.building] if me.building else []) + known if b]
        unique = list(dict.fromkeys(choices))[: rules.BUILDING_CHOICES]
        return await self._advance(
            actor, chat_id, "category", "building", category=key, buildings=unique
        )

    async def choose_building(self, actor: Actor, chat_id: int, index: int) -> Step:
        """A building button (-1: not about a building)."""
        actor.member(Role.RESIDENT, "needs.residents_only")
        async with self._db.read() as session:
            dialog = await session.dialogs.get(chat_id, actor.tg_user_id)
        buildings = list(dialog.data.get("buildings", [])) if dialog else []
        building = buildings[index] if 0 <= index < len(buildings) else None
        return await self._advance(actor, chat_id, "building", "urgency", building=building)

    async def type_building(self, actor: Actor, chat_id: int, text: str) -> Step:
        """A building typed instead of pressed."""
        actor.member(Role.RESIDENT, "needs.residents_only")
        building = usertext.line(text)
        if not building:
            raise UserFacingError("needs.empty")
        if len(building) > rules.MAX_BUILDING:
            raise UserFacingError("needs.too_long", limit=rules.MAX_BUILDING, length=len(building))
        return await self._advance(actor, chat_id, "building", "urgency", building=building)

    async def choose_urgency(self, actor: Actor, chat_id: int, urgent: bool) -> Step:
        actor.member(Role.RESIDENT, "needs.residents_only")
        return await self._advance(actor, chat_id, "urgency", "text", urgent=urgent)

    async def describe(
        self,
        actor: Actor,
        chat_id: int,
        text: str,
        *,
        photo: str | None = None,
        voice: str | None = None,
    ) -> NeedRow:
        """The text (or a photo or voice note with an optional caption): the need is posted."""
        me = actor.member(Role.RESIDENT, "needs.residents_only")
        words = usertext.block(text)
        if not words and photo is None and voice is None:
            raise UserFacingError("needs.empty")
        if len(words) > rules.MAX_TEXT:
            raise UserFacingError("needs.too_long", limit=rules.MAX_TEXT, length=len(words))
        armed: Armed = []
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, rules.FLOW, "text", "needs.expired"
            )
            data = dialog.data
            await session.dialogs.end(chat_id, actor.tg_user_id)
            need = await self.post_in(
                session,
                armed,
                resident_id=me.id,
                recorded_by=None,
                category=str(data["category"]),
                building=data.get("building"),
                urgent=bool(data.get("urgent")),
                text=words,
                photo=photo,
                voice=voice,
            )
        self.clocks.arm(armed)
        return need

    async def record_for(
        self,
        actor: Actor,
        resident_id: int,
        *,
        category: str,
        text: str,
        building: str | None = None,
        urgent: bool = False,
        photo: str | None = None,
        voice: str | None = None,
    ) -> NeedRow:
        """A need recorded on a resident's behalf (a member visiting a household, a
        secretary on the phone): posted as theirs, routed and clocked the same way; the
        resident is told who recorded it."""
        me = actor.registered_person()
        if not any(actor.has(Role(role)) for role in rules.CLAIMER_ROLES):
            raise UserFacingError("needs.claimers_only")
        if self.config.category(category) is None:
            raise UserFacingError("needs.expired")
        words = usertext.block(text)
        if not words and photo is None and voice is None:
            raise UserFacingError("needs.empty")
        if len(words) > rules.MAX_TEXT:
            raise UserFacingError("needs.too_long", limit=rules.MAX_TEXT, length=len(words))
        armed: Armed = []
        async with self._db.transaction() as session:
            resident = await session.people.by_id(resident_id)
            if resident is None:
                raise UserFacingError("needs.gone")
            need = await self.post_in(
                session,
                armed,
                resident_id=resident.id,
                recorded_by=me.id,
                category=category,
                building=building or resident.building,
                urgent=urgent,
                text=words,
                photo=photo,
                voice=voice,
            )
            if resident.id != me.id:  # the resident hears who recorded it for them
                await self._tell_resident(
                    session, need, "needs.recorded_push", self._clock(), by=me.display_name
                )
        self.clocks.arm(armed)
        return need

    async def post_in(
        self, session: Session, armed: Armed, *, route: bool = True, **fields: Any
    ) -> NeedRow:
        now = self._clock()
        category = self.config.category(str(fields["category"]))
        answer_hours = category.answer_hours if category else 24
        done_days = category.done_days if category else 7
        need_id = await session.needs.create(
            **fields,
            answer_due_at=now + timedelta(hours=answer_hours),
            done_due_at=now + timedelta(days=done_days),
            now=now,
        )
        need = await session.needs.by_id(need_id)
        assert need is not None  # noqa: S101 - written just now
        await session.audit.record(
            at=now,
            action="need.post",
            actor_id=fields.get("recorded_by") or fields.get("resident_id"),
            detail=str(need_id),
        )
        armed += await self.clocks.start_in(
            session, rules.UNANSWERED_KIND, need, need.answer_due_at
        )
        armed += await self.clocks.start_in(session, rules.OVERDUE_KIND, need, need.done_due_at)
        if route:
            await self._route(session, need, now)
        return need

    async def _route(self, session: Session, need: NeedRow, now: datetime) -> None:
        """Who hears of the new need: the first responder, or the grid's workers and
        the secretaries."""
        people: list[PersonRow] = []
        first = await self._first_responder(session, need) if self._first_responder else None
        if first is not None:
            person = await session.people.by_id(first)
            # One who blocked the bot cannot be first: the grid and secretaries are.
            people = [person] if person is not None and person.reachable else []
        if not people:
            resident = await session.people.by_id(need.resident_id) if need.resident_id else None
            grid = resident.grid_id if resident else None
            if grid is not None:
                people = [
                    p
                    for p in await session.people.with_role(Role.GRID_WORKER.value)
                    if p.grid_id == grid
                ]
            known = {p.id for p in people}
            people += [
                p
                for p in await secretaries_to_tell(session, self._settings.community)
                if p.id not in known
            ]
        deliveries = [
            Delivery(p.tg_user_id, p.id, self.new_message(Language(p.language), need))
            for p in people
            if p.reachable and p.id != need.resident_id
        ]
        if deliveries:
            await queue_push(
                session,
                kind=rules.NEW_KIND,
                title=str(need.id),
                deliveries=deliveries,
                dedupe_prefix=f"{rules.NEW_KIND}:{need.id}",
                now=now,
            )

    def details(self, language: Language, need: NeedRow) -> dict[str, Any]:
        """The need's facts, for the catalogs' texts."""
        tz = self._settings.community.tz
        return {
            "number": need.number,
            "category": self.category_name(need.category, language),
            "building": need.building or translate(language, "needs.no_building"),
            "urgency": translate(language, "needs.urgent" if need.urgent else "needs.ordinary"),
            "text": need.text or translate(language, "needs.no_text"),
            "name": need.resident_name or translate(language, "needs.someone"),
            "posted": spoken.moment(language, need.posted_at, tz, self.today()),
            "state": rules.state_name(language, need.state),
        }

    def today(self) -> date:
        return self._clock().astimezone(self._settings.community.tz).date()

    def answer_hours(self, need: NeedRow) -> int:
        category = self.config.category(need.category)
        return category.answer_hours if category else 24

    def new_message(self, language: Language, need: NeedRow) -> OutgoingMessage:
        return OutgoingMessage(
            "needs.new_push",
            language,
            self.details(language, need),
            buttons=((self._open_button(need),),),
            photo=need.photo,
            voice=need.voice,
        )

    def _open_button(self, need: NeedRow) -> ButtonSpec:
        return ButtonSpec("needs.open_button", callback_data=f"{rules.OPEN_PREFIX}:{need.id}")

    # --- the open list and one need ----------------------------------------------------

    def _claimer(self, actor: Actor) -> PersonRow:
        me = actor.registered_person()
        if not any(actor.has(Role(role)) for role in rules.CLAIMER_ROLES):
            raise UserFacingError("needs.claimers_only")
        return me

    async def open_page(self, actor: Actor, page: int) -> NeedsPage:
        """/needs: the open needs, urgent first then oldest."""
        self._claimer(actor)
        async with self._db.read() as session:
            rows, total = await session.needs.open_page(page * rules.PAGE_SIZE, rules.PAGE_SIZE)
        pages = max(1, -(-total // rules.PAGE_SIZE))
        return NeedsPage(rows, page, pages)

    async def need(self, actor: Actor, need_id: int) -> NeedRow:
        """One need, for its resident, its owner or a claimer."""
        async with self._db.read() as session:
            need = await session.needs.by_id(need_id)
        if need is None:
            raise UserFacingError("needs.gone")
        if actor.person_id not in (need.resident_id, need.owner_id):
            self._claimer(actor)
        return need

    async def mine(self, actor: Actor) -> tuple[list[NeedRow], list[NeedRow]]:
        """The person's own needs, and the ones they carry out."""
        me = actor.registered_person()
        async with self._db.read() as session:
            return await session.needs.of_resident(me.id), await session.needs.owned_by(me.id)

    # --- claiming ---------------------------------------------------------------------

    async def claim(self, actor: Actor, need_id: int) -> NeedRow:
        """🙋 认领: a task for the claimer, due ``done_days`` from today."""
        me = self._claimer(actor)
        armed: Armed = []
        async with self._db.transaction() as session:
            need, stopped = await self.take_in(session, me, need_id, armed)
        self.clocks.arm(armed, stopped)
        return need

    async def take_in(
        self, session: Session, me: PersonRow, need_id: int, armed: Armed
    ) -> tuple[NeedRow, list[int]]:
        now = self._clock()
        tz = self._settings.community.tz
        need = await session.needs.by_id(need_id)
        if need is None:
            raise UserFacingError("needs.gone")
        if need.state != "open":
            raise UserFacingError("needs.taken")
        due = rules.task_due(self.config.category(need.category), now, tz)
        deadline = rules.end_of(due, tz)
        if not await session.needs.claim(need_id, me.id, due, deadline, now):
            raise UserFacingError("needs.taken")
        stopped = await self.clocks.stop_in(
            session, need_id, now, rules.UNANSWERED_KIND, rules.OVERDUE_KIND
        )
        fresh = await session.needs.by_id(need_id)
        assert fresh is not None  # noqa: S101 - updated just now
        armed += await self.clocks.start_in(session, rules.OVERDUE_KIND, fresh, deadline)
        await session.audit.record(at=now, action="need.claim", actor_id=me.id, detail=str(need_id))
        await self._tell_resident(
            session, fresh, "needs.claimed_push", now, owner=me.display_name, due=due
        )
        return fresh, stopped

    async def _tell_resident(
        self, session: Session, need: NeedRow, key: str, now: datetime, **params: Any
    ) -> None:
        if need.resident_id is None:
            return
        resident = await session.people.by_id(need.resident_id)
        if resident is None or not resident.reachable:
            return
        language = Language(resident.language)
        if "due" in params:
            # A push is read later: no 明天, but the year only when it is another.
            params["due"] = spoken.day(language, params["due"], self.today(), relative=False)
        message = OutgoingMessage(key, language, {**self.details(language, need), **params})
        await queue_push(
            session,
            kind=rules.CLAIMED_KIND,
            title=str(need.id),
            deliveries=[Delivery(resident.tg_user_id, resident.id, message)],
            dedupe_prefix=f"{key}:{need.id}:{need.reopened}:{to_db_time(now)}",
            now=now,
        )

    async def start_due(self, actor: Actor, chat_id: int, need_id: int) -> NeedRow:
        """📅 改期限: the owner picks another day."""
        need = await self._owned(actor, need_id, "claimed")
        async with self._db.transaction() as session:
            await session.dialogs.put(
                chat_id, actor.tg_user_id, rules.DUE_FLOW, "due", {"id": need_id}, self._clock()
            )
        return need

    async def set_due(self, actor: Actor, chat_id: int, text: str) -> NeedRow:
        """The new deadline (typed, or from the date picker): the done clock moves."""
        day = parsing.iso_day(text) or parsing.written_day(text)
        if day is None:
            raise UserFacingError("needs.due_unreadable")
        if day < self.today():
            raise UserFacingError("needs.due_past")
        tz = self._settings.community.tz
        now = self._clock()
        armed: Armed = []
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, rules.DUE_FLOW, "due", "needs.expired"
            )
            need_id = int(dialog.data["id"])
            await session.dialogs.end(chat_id, actor.tg_user_id)
            need = await session.needs.by_id(need_id)
            if need is None or need.owner_id != actor.person_id:
                raise UserFacingError("needs.not_owner")
            if not await session.needs.set_due(need_id, day, rules.end_of(day, tz)):
                raise UserFacingError("needs.not_claimed")
            stopped = await self.clocks.stop_in(session, need_id, now, rules.OVERDUE_KIND)
            fresh = await session.needs.by_id(need_id)
            assert fresh is not None  # noqa: S101 - updated just now
            armed += await self.clocks.start_in(
                session, rules.OVERDUE_KIND, fresh, rules.end_of(day, tz)
            )
        self.clocks.arm(armed, stopped)
        return fresh

    async def start_activity(self, actor: Actor, chat_id: int, need_id: int) -> NeedRow:
        """组织志愿活动: when will the volunteers go? (the date picker's span)."""
        self._claimer(actor)
        async with self._db.transaction() as session:
            need = await session.needs.by_id(need_id)
            if need is None:
                raise UserFacingError("needs.gone")
            if need.state != "open":
                raise UserFacingError("needs.taken")
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                rules.ACTIVITY_FLOW,
                "when",
                {"id": need_id},
                self._clock(),
            )
        return need

    async def organise(self, actor: Actor, chat_id: int, text: str) -> tuple[NeedRow, int]:
        """The activity's time: the need is claimed and a volunteer activity made by the
        volunteering service (its card, reminders, check-in and hours as for any)."""
        me = self._claimer(actor)
        ctx = self._volunteer.context
        start, end = parse_when(usertext.line(text), ctx.today(), ctx.tz)
        now = self._clock()
        if end <= now:
            raise UserFacingError("vol.new.when_past")
        armed: Armed = []
        language = self._settings.community.default_language
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, rules.ACTIVITY_FLOW, "when", "needs.expired"
            )
            need_id = int(dialog.data["id"])
            await session.dialogs.end(chat_id, actor.tg_user_id)
            need, stopped = await self.take_in(session, me, need_id, armed)
            title = translate(
                language,
                "needs.activity_title",
                number=need.number,
                category=self.category_name(need.category, language),
            )
            place = need.building or self._settings.community.name_in(language)
            activity = await create_activity(
                ctx,
                session,
                armed,
                series_id=None,
                title=title[:60],
                description=need.text[:MAX_DESCRIPTION],
                place=place[:MAX_PLACE],
                latitude=None,
                longitude=None,
                radius_m=200,
                starts_at=start,
                ends_at=end,
                capacity=self.config.activity_capacity,
                by_location=False,
                by_code=False,
                audience="volunteers",
                unit_id=None,
                organiser_id=me.id,
                now=now,
            )
            await session.needs.set_activity(need_id, activity.id)
            fresh = await session.needs.by_id(need_id)
            assert fresh is not None  # noqa: S101 - updated just now
        self.clocks.arm(armed, stopped)
        return fresh, activity.id

    async def start_reply(self, actor: Actor, chat_id: int, need_id: int) -> NeedRow:
        """💬 回复居民: the text is asked."""
        need = await self.need(actor, need_id)
        async with self._db.transaction() as session:
            await session.dialogs.put(
                chat_id, actor.tg_user_id, rules.REPLY_FLOW, "text", {"id": need_id}, self._clock()
            )
        return need

    async def reply(self, actor: Actor, chat_id: int, text: str) -> NeedRow:
        """The reply goes to the resident; the first answer stops the answer clock."""
        me = actor.registered_person()
        words = usertext.block(text)
        if not words:
            raise UserFacingError("needs.empty")
        if len(words) > rules.MAX_TEXT:
            raise UserFacingError("needs.too_long", limit=rules.MAX_TEXT, length=len(words))
        now = self._clock()
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, rules.REPLY_FLOW, "text", "needs.expired"
            )
            need_id = int(dialog.data["id"])
            await session.dialogs.end(chat_id, actor.tg_user_id)
            await session.needs.answer(need_id, me.id, words, now)
            stopped = await self.clocks.stop_in(session, need_id, now, rules.UNANSWERED_KIND)
            need = await session.needs.by_id(need_id)
            if need is None:
                raise UserFacingError("needs.gone")
            await self._tell_resident(
                session, need, "needs.reply_push", now, reply=words, owner=me.display_name
            )
        self.clocks.arm([], stopped)
        return need

    # --- done, confirmed, rated ------------------------------------------------------------

    async def _owned(self, actor: Actor, need_id: int, state: str) -> NeedRow:
        async with self._db.read() as session:
            need = await session.needs.by_id(need_id)
        if need is None:
            raise UserFacingError("needs.gone")
        if need.owner_id is None or need.owner_id != actor.person_id:
            raise UserFacingError("needs.not_owner")
        if need.state != state:
            raise UserFacingError("needs.not_claimed")
        return need

    async def finish(self, actor: Actor, need_id: int) -> NeedRow:
        """✅ 已办好: the owner says it is done; the resident is asked if it is solved."""
        me = actor.registered_person()
        await self._owned(actor, need_id, "claimed")
        now = self._clock()
        async with self._db.transaction() as session:
            if not await session.needs.finish(need_id, me.id, now):
                raise UserFacingError("needs.not_claimed")
            need = await session.needs.by_id(need_id)
            assert need is not None  # noqa: S101 - updated just now
            await session.audit.record(
                at=now, action="need.done", actor_id=me.id, detail=str(need_id)
            )
            resident = await session.people.by_id(need.resident_id) if need.resident_id else None
            if resident is not None and resident.reachable:
                language = Language(resident.language)
                solved = f"{rules.SOLVED_PREFIX}:{need.id}"
                message = OutgoingMessage(
                    "needs.ask_solved",
                    language,
                    {**self.details(language, need), "owner": me.display_name},
                    buttons=(
                        (
                            ButtonSpec("needs.solved_button", callback_data=f"{solved}:1"),
                            ButtonSpec("needs.unsolved_button", callback_data=f"{solved}:0"),
                        ),
                    ),
                )
                await queue_push(
                    session,
                    kind=rules.ASK_KIND,
                    title=str(need.id),
                    deliveries=[Delivery(resident.tg_user_id, resident.id, message)],
                    dedupe_prefix=f"{rules.ASK_KIND}:{need.id}:{need.reopened}",
                    now=now,
                )
        return need

    async def _residents(self, session: Session, actor: Actor, need_id: int) -> NeedRow:
        need = await session.needs.by_id(need_id)
        if need is None:
            raise UserFacingError("needs.gone")
        if need.resident_id is None or need.resident_id != actor.person_id:
            raise UserFacingError("needs.not_yours")
        return need

    async def confirm(self, actor: Actor, need_id: int, solved: bool) -> NeedRow:
        """✅ 已解决 (then the stars) / ❌ 没有解决 (open again, the secretaries told)."""
        actor.registered_person()
        now = self._clock()
        stopped: list[int] = []
        async with self._db.transaction() as session:
            need = await self._residents(session, actor, need_id)
            if need.state != "done":
                raise UserFacingError("needs.answered_already")
            if solved:
                await session.needs.confirm(need_id, now)
                stopped = await self.clocks.stop_in(session, need_id, now, rules.OVERDUE_KIND)
            else:
                await session.needs.reopen(need_id)
                await self.tell_secretaries(
                    session,
                    need,
                    "needs.reopened_push",
                    rules.REOPENED_KIND,
                    f"{need.reopened}",
                    now,
                    owner=need.owner_name or "",
                )
            await session.audit.record(
                at=now,
                action="need.solved" if solved else "need.unsolved",
                actor_id=actor.person_id,
                detail=str(need_id),
            )
            fresh = await session.needs.by_id(need_id)
        self.clocks.arm([], stopped)
        assert fresh is not None  # noqa: S101 - updated just now
        return fresh

    async def rate(self, actor: Actor, need_id: int, stars: int) -> NeedRow:
        """⭐ 1–5, once."""
        if not 1 <= stars <= 5:
            raise UserFacingError("needs.expired")
        now = self._clock()
        async with self._db.transaction() as session:
            need = await self._residents(session, actor, need_id)
            if need.state != "solved" or not await session.needs.rate(need_id, stars, now):
                raise UserFacingError("needs.rated_already")
            fresh = await session.needs.by_id(need_id)
        assert fresh is not None  # noqa: S101 - updated just now
        return fresh

    async def tell_secretaries(
        self,
        session: Session,
        need: NeedRow,
        key: str,
        kind: str,
        tag: str,
        now: datetime,
        **params: Any,
    ) -> None:
        """A push of ``key`` about the need to the secretaries, once per ``kind`` and ``tag``."""
        deliveries = [
            Delivery(
                p.tg_user_id,
                p.id,
                OutgoingMessage(
                    key,
                    Language(p.language),
                    {**self.details(Language(p.language), need), **params},
                    buttons=((self._open_button(need),),),
                ),
            )
            for p in await secretaries_to_tell(session, self._settings.community)
        ]
        if deliveries:
            await queue_push(
                session,
                kind=kind,
                title=str(need.id),
                deliveries=deliveries,
                dedupe_prefix=f"{kind}:{need.id}:{tag}",
                now=now,
            )

    # --- to a matter, and back ----------------------------------------------------------------

    async def to_matter(self, actor: Actor, need_id: int) -> tuple[NeedRow, MatterRow]:
        """🏛 转为议题: raised as a matter (the resident's, saying it came from 需求 #N)."""
        me = self._claimer(actor)
        now = self._clock()
        language = self._settings.community.default_language
        async with self._db.transaction() as session:
            need = await session.needs.by_id(need_id)
            if need is None:
                raise UserFacingError("needs.gone")
            if need.state not in ("open", "claimed"):
                raise UserFacingError("needs.not_open")
            category = self.category_name(need.category, language)
            title = translate(language, "needs.matter_title", number=need.number, category=category)
            details = translate(
                language,
                "needs.matter_details",
                number=need.number,
                building=need.building or translate(language, "needs.no_building"),
                text=need.text or translate(language, "needs.no_text"),
            )
            matter = await self._matters.raise_in(
                session,
                title=title[:40],
                details=details[:500],
                raised_by=need.resident_id,
                actor_id=me.id,
                photo=need.photo,
                now=now,
            )
            if not await session.needs.to_matter(need_id, matter.id, me.id, now):
                raise UserFacingError("needs.not_open")
            stopped = await self.clocks.stop_in(
                session, need_id, now, rules.UNANSWERED_KIND, rules.OVERDUE_KIND
            )
            await self._tell_resident(session, need, "needs.matter_push", now, matter=matter.number)
            fresh = await session.needs.by_id(need_id)
        self.clocks.arm([], stopped)
        assert fresh is not None  # noqa: S101 - updated just now
        return fresh, matter

    async def of_matter(self, matter_id: int) -> NeedRow | None:
        """The need a matter came from, while it is that matter (for the matter screen)."""
        async with self._db.read() as session:
            need = await session.needs.by_matter(matter_id)
        return need if need is not None and need.state == "matter" else None

    async def back_from_matter(self, actor: Actor, matter_id: int) -> NeedRow:
        """↩ 转回需求 (a secretary, on the matter's screen): the matter is withdrawn,
        its reason naming the need, and the need is open again with a fresh clock."""
        actor.require(Role.SECRETARY)
        now = self._clock()
        language = self._settings.community.default_language
        armed: Armed = []
        async with self._db.transaction() as session:
            need = await session.needs.by_matter(matter_id)
            if need is None or need.state != "matter":
                raise UserFacingError("needs.no_need_of_matter")
            reason = translate(language, "needs.back_reason", number=need.number)
            await self._desk.withdraw_in(session, actor, matter_id, reason)
            if not await session.needs.back_from_matter(need.id):
                raise UserFacingError("needs.no_need_of_matter")
            fresh = await session.needs.by_id(need.id)
            assert fresh is not None  # noqa: S101 - updated just now
            done_days = rules.task_due(
                self.config.category(need.category), now, self._settings.community.tz
            )
            armed += await self.clocks.start_in(
                session,
                rules.OVERDUE_KIND,
                fresh,
                rules.end_of(done_days, self._settings.community.tz),
            )
            await session.audit.record(
                at=now,
                action="need.back_from_matter",
                actor_id=actor.person_id,
                detail=str(need.id),
            )
        self.clocks.arm(armed)
        return fresh
