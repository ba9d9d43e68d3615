"""The survey builder (/survey) and sending: a guided conversation kept in ``dialogs``.

Steps: title → subject (buttons, or typed) → for each question its kind
(buttons), its text and, for a choice question, its options typed one per
line → audience (everyone, a building from the register, a grid from the
configuration) → named or anonymous → closing time (3/7/14 days, or a typed
date) → preview → send. Every answer is kept in the dialog row, so a draft
survives a restart; /survey again resumes it, /cancel drops it.

Sending creates the survey, notes its recipients (reachable residents of the
audience) and queues, through the outbox, an opening message and then one
message per question with its buttons; the close and the reminders are
scheduled in the same unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from bot import spoken, usertext
from bot.community.calendar import local_moment, to_utc
from bot.community.register import Actor, Role
from bot.config import Language
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from bot.i18n import translate
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, PushReport, queue_push
from bot.surveys import reminders
from bot.surveys.rules import (
    BUILD_FLOW,
    CHOICE_KINDS,
    CLOSE_DAYS,
    CLOSE_KIND,
    KINDS,
    MAX_OPTION,
    MAX_OPTIONS,
    MAX_QUESTION,
    MAX_QUESTIONS,
    MAX_SUBJECT,
    MAX_TITLE,
    MIN_OPTIONS,
    SCALE,
    SUBJECTS,
    SurveyContext,
    pick_callback,
    subject_name,
    submit_callback,
    toggle_callback,
    typed_day,
    write_callback,
)
from storage.community.people import PersonRow
from storage.session import Session
from storage.surveys.surveys import SurveyRow
from storage.times import from_db_time, to_db_time

#: A typed closing day closes at this local time.
TYPED_CLOSE_AT = time(20, 0)
EXPIRED = "survey.expired"


@dataclass(frozen=True)
class Draft:
    """Where the builder stands: the step and what has been answered so far."""

    step: str
    data: dict[str, Any] = field(default_factory=dict)
    #: How many would receive it (set from the audience step on).
    recipients: int = 0

    @property
    def questions(self) -> list[dict[str, Any]]:
        """The questions so far."""
        return list(self.data.get("questions") or [])

    @property
    def closes_at(self) -> datetime | None:
        """The closing time chosen, if any."""
        value = self.data.get("closes_at")
        return from_db_time(value) if value else None


@dataclass(frozen=True)
class Sent:
    """A survey just sent, and to how many."""

    survey: SurveyRow
    recipients: int


def audience_of(data: dict[str, Any]) -> dict[str, Any]:
    """The audience a draft holds ({"kind": "all"} by default)."""
    return dict(data.get("audience") or {"kind": "all"})


async def audience_people(session: Session, audience: dict[str, Any]) -> list[PersonRow]:
    """The reachable residents an audience names (everyone, a building, a grid)."""
    kind, value = audience.get("kind"), audience.get("value")
    return [
        person
        for person in await session.people.with_role(Role.RESIDENT.value)
        if person.reachable
        and (
            kind == "all"
            or (kind == "building" and person.building == value)
            or (kind == "grid" and person.grid_id == value)
        )
    ]


def question_buttons(
    survey: SurveyRow, index: int, mask: int = 0
) -> tuple[tuple[ButtonSpec, ...], ...]:
    """The buttons under a question: one tap, toggles and 提交, 1–5, or ✏️ 写回答."""
    question = survey.questions[index]
    kind = question["kind"]
    if kind == "single":
        return tuple(
            (
                ButtonSpec(
                    "survey.option_button",
                    callback_data=pick_callback(survey.id, index, number),
                    label_params={"label": label},
                ),
            )
            for number, label in enumerate(question["options"])
        )
    if kind == "multiple":
        rows: list[tuple[ButtonSpec, ...]] = [
            (
                ButtonSpec(
                    "survey.toggle_on" if mask & (1 << number) else "survey.toggle_off",
                    callback_data=toggle_callback(survey.id, index, mask, number),
                    label_params={"label": label},
                ),
            )
            for number, label in enumerate(question["options"])
        ]
        rows.append(
            (
                ButtonSpec(
                    "survey.submit_button", callback_data=submit_callback(survey.id, index, mask)
                ),
            )
        )
        return tuple(rows)
    if kind == "scale":
        return (
            tuple(
                ButtonSpec(
                    "survey.option_button",
                    callback_data=pick_callback(survey.id, index, point - 1),
                    label_params={"label": str(point)},
                )
                for point in SCALE
            ),
        )
    return ((ButtonSpec("survey.write_button", callback_data=write_callback(survey.id, index)),),)


def question_message(survey: SurveyRow, index: int, language: Language) -> OutgoingMessage:
    """One question as sent to a resident, with its buttons."""
    question = survey.questions[index]
    return OutgoingMessage(
        "survey.question",
        language,
        {
            "number": index + 1,
            "total": len(survey.questions),
            "title": survey.title,
            "text": question["text"],
            "hint": translate(language, f"survey.hint.{question['kind']}"),
        },
        buttons=question_buttons(survey, index),
    )


class BuildingService:
    """The builder's steps, and sending what it built."""

    def __init__(self, ctx: SurveyContext) -> None:
        self._ctx = ctx

    async def start(self, actor: Actor, chat_id: int) -> Draft:
        """/survey: a new draft at its title, or the draft under way where it stopped."""
        actor.member(Role.SECRETARY, "survey.need_secretary")
        async with self._ctx.db.transaction() as session:
            dialog = await session.dialogs.get(chat_id, actor.tg_user_id)
            if dialog is not None and dialog.flow == BUILD_FLOW:
                return await self._draft(session, dialog.step, dialog.data)
            await session.dialogs.put(
                chat_id, actor.tg_user_id, BUILD_FLOW, "title", {}, self._ctx.clock()
            )
        return Draft("title")

    async def typed(self, actor: Actor, chat_id: int, step: str, text: str) -> Draft:
        """A typed answer at ``step``: title, subject, a question, its options, a date."""
        actor.member(Role.SECRETARY, "survey.need_secretary")
        if step == "title":
            return await self._advance(
                actor, chat_id, step, "subject", title=_line(text, MAX_TITLE)
            )
        if step == "subject":
            return await self._advance(
                actor, chat_id, step, "kind", subject=_line(text, MAX_SUBJECT)
            )
        if step == "question":
            return await self._question_text(actor, chat_id, _block(text, MAX_QUESTION))
        if step == "options":
            return await self._options(actor, chat_id, text)
        if step == "closes":
            day = typed_day(text, self._ctx.clock().astimezone(self._ctx.tz).date())
            if day is None:
                raise UserFacingError("survey.bad_date", text=usertext.line(text)[:20])
            at = to_utc(local_moment(day, TYPED_CLOSE_AT, self._ctx.tz))
            return await self._closes(actor, chat_id, at)
        raise UserFacingError("survey.use_buttons")

    async def pressed(self, actor: Actor, chat_id: int, step: str, value: str) -> Draft:
        """A button at ``step``: subject, question kind (or 完成), audience, anonymity, days."""
        actor.member(Role.SECRETARY, "survey.need_secretary")
        if step == "subject" and value in SUBJECTS:
            return await self._advance(actor, chat_id, step, "kind", subject_key=value)
        if step == "kind" and value in KINDS:
            return await self._kind(actor, chat_id, value)
        if step == "kind" and value == "done":
            return await self._done(actor, chat_id)
        if step == "audience":
            return await self._audience(actor, chat_id, value)
        if step == "anonymous" and value in ("0", "1"):
            return await self._advance(actor, chat_id, step, "closes", anonymous=value == "1")
        if step == "closes" and value.isdigit() and int(value) in CLOSE_DAYS:
            return await self._closes(
                actor, chat_id, self._ctx.clock() + timedelta(days=int(value))
            )
        raise UserFacingError(EXPIRED)

    # --- steps ----------------------------------------------------------------------------

    async def _advance(
        self, actor: Actor, chat_id: int, step: str, to_step: str, **answers: Any
    ) -> Draft:
        async with self._ctx.db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, BUILD_FLOW, step, EXPIRED
            )
            data = {**dialog.data, **answers}
            if "subject_key" in answers:
                data.pop("subject", None)
            if "subject" in answers:
                data.pop("subject_key", None)
            await session.dialogs.put(
                chat_id, actor.tg_user_id, BUILD_FLOW, to_step, data, self._ctx.clock()
            )
            return await self._draft(session, to_step, data)

    async def _kind(self, actor: Actor, chat_id: int, kind: str) -> Draft:
        async with self._ctx.db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, BUILD_FLOW, "kind", EXPIRED
            )
            if len(dialog.data.get("questions") or []) >= MAX_QUESTIONS:
                raise UserFacingError("survey.too_many_questions", most=MAX_QUESTIONS)
            data = {**dialog.data, "pending": {"kind": kind}}
            await session.dialogs.put(
                chat_id, actor.tg_user_id, BUILD_FLOW, "question", data, self._ctx.clock()
            )
        return Draft("question", data)

    async def _question_text(self, actor: Actor, chat_id: int, text: str) -> Draft:
        async with self._ctx.db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, BUILD_FLOW, "question", EXPIRED
            )
            pending = {**dict(dialog.data.get("pending") or {}), "text": text}
            data = dict(dialog.data)
            if pending.get("kind") in CHOICE_KINDS:
                data["pending"] = pending
                step = "options"
            else:
                data = _with_question(data, {"kind": pending.get("kind", "text"), "text": text})
                step = "kind"
            await session.dialogs.put(
                chat_id, actor.tg_user_id, BUILD_FLOW, step, data, self._ctx.clock()
            )
        return Draft(step, data)

    async def _options(self, actor: Actor, chat_id: int, text: str) -> Draft:
        options: list[str] = []
        for raw in usertext.block(text).split("\n"):
            option = usertext.line(raw).lstrip("-•·、.0123456789 ").strip() or usertext.line(raw)
            if not option:
                continue
            if len(option) > MAX_OPTION:
                raise UserFacingError("survey.option_too_long", limit=MAX_OPTION, text=option[:20])
            if option not in options:
                options.append(option)
        if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
            raise UserFacingError("survey.option_count", least=MIN_OPTIONS, most=MAX_OPTIONS)
        async with self._ctx.db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, BUILD_FLOW, "options", EXPIRED
            )
            pending = dict(dialog.data.get("pending") or {})
            question = {"kind": pending.get("kind", "single"), "text": pending.get("text", "")}
            data = _with_question(dict(dialog.data), {**question, "options": options})
            await session.dialogs.put(
                chat_id, actor.tg_user_id, BUILD_FLOW, "kind", data, self._ctx.clock()
            )
        return Draft("kind", data)

    async def _done(self, actor: Actor, chat_id: int) -> Draft:
        async with self._ctx.db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, BUILD_FLOW, "kind", EXPIRED
            )
            if not dialog.data.get("questions"):
                raise UserFacingError("survey.no_questions")
            buildings = await session.surveys.resident_buildings()
            data = {**dialog.data, "buildings": buildings}
            await session.dialogs.put(
                chat_id, actor.tg_user_id, BUILD_FLOW, "audience", data, self._ctx.clock()
            )
            return await self._draft(session, "audience", data)

    async def _audience(self, actor: Actor, chat_id: int, value: str) -> Draft:
        async with self._ctx.db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, BUILD_FLOW, "audience", EXPIRED
            )
            buildings = list(dialog.data.get("buildings") or [])
            grids = {grid.id for grid in self._ctx.settings.community.grids}
            kind, rest = value[:1], value[1:]
            audience: dict[str, Any]
            if value == "all":
                audience = {"kind": "all"}
            elif kind == "b" and rest.isdigit() and int(rest) < len(buildings):
                audience = {"kind": "building", "value": buildings[int(rest)]}
            elif kind == "g" and rest in grids:
                audience = {"kind": "grid", "value": rest}
            else:
                raise UserFacingError(EXPIRED)
            if not await audience_people(session, audience):
                raise UserFacingError("survey.nobody")
            data = {**dialog.data, "audience": audience}
            await session.dialogs.put(
                chat_id, actor.tg_user_id, BUILD_FLOW, "anonymous", data, self._ctx.clock()
            )
            return await self._draft(session, "anonymous", data)

    async def _closes(self, actor: Actor, chat_id: int, at: datetime) -> Draft:
        if at <= self._ctx.clock() + timedelta(hours=1):
            raise UserFacingError("survey.too_soon")
        if at > self._ctx.clock() + timedelta(days=92):
            raise UserFacingError("survey.too_late")
        return await self._advance(actor, chat_id, "closes", "preview", closes_at=to_db_time(at))

    async def _draft(self, session: Session, step: str, data: dict[str, Any]) -> Draft:
        count = 0
        if step in ("audience", "anonymous", "closes", "preview") and "audience" in data:
            count = len(await audience_people(session, audience_of(data)))
        return Draft(step, data, count)

    # --- sending --------------------------------------------------------------------------

    async def send(self, actor: Actor, chat_id: int) -> Sent:
        """Send the previewed survey to its audience; the close and reminders scheduled."""
        person = actor.member(Role.SECRETARY, "survey.need_secretary")
        ctx, now = self._ctx, self._ctx.clock()
        async with ctx.db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, BUILD_FLOW, "preview", EXPIRED
            )
            data = dialog.data
            people = await audience_people(session, audience_of(data))
            if not people:
                raise UserFacingError("survey.nobody")
            closes_at = from_db_time(str(data["closes_at"]))
            anonymous = bool(data.get("anonymous"))
            survey_id = await session.surveys.create(
                title=str(data["title"]),
                subject=subject_of(data),
                questions=list(data["questions"]),
                audience=audience_of(data),
                anonymous=anonymous,
                salt=ctx.keys.new_vote_secret() if anonymous else None,
                created_by=person.id,
                closes_at=closes_at,
                now=now,
            )
            await session.surveys.add_recipients(survey_id, [p.id for p in people])
            survey = await session.surveys.get(survey_id)
            assert survey is not None  # noqa: S101 - written in this unit of work
            await self._queue(session, survey, people, actor, chat_id, now)
            close_id, close_due = await ctx.scheduler.create_in(
                session,
                kind=CLOSE_KIND,
                title=f"survey {survey_id} close",
                rule={"type": "once", "at": to_db_time(closes_at)},
                payload={"survey_id": survey_id},
                owner_id=person.id,
                now=now,
            )
            await session.surveys.set_schedule(survey_id, close_id)
            armed = await reminders.schedule_reminders(ctx, session, survey, now)
            if close_due is not None:
                armed.append((close_id, close_due))
            await session.dialogs.end(chat_id, actor.tg_user_id)
            await session.audit.record(
                at=now, action="survey.send", actor_id=person.id, detail=str(survey_id)
            )
        for schedule_id, due in armed:
            ctx.scheduler.arm(schedule_id, due)
        return Sent(survey, len(people))

    async def _queue(
        self,
        session: Session,
        survey: SurveyRow,
        people: list[PersonRow],
        actor: Actor,
        chat_id: int,
        now: datetime,
    ) -> None:
        """The opening message, then one message per question, to each recipient."""
        tz = self._ctx.tz
        today = spoken.local_date(self._ctx.clock(), tz)

        def opening(language: Language) -> OutgoingMessage:
            return OutgoingMessage(
                "survey.opening",
                language,
                {
                    "community": self._ctx.settings.community.name_in(language),
                    "title": survey.title,
                    "subject": subject_name(survey.subject, language),
                    "count": len(survey.questions),
                    "closes": spoken.moment(language, survey.closes_at, tz, today),
                    "mode": translate(
                        language,
                        "survey.mode.anonymous" if survey.anonymous else "survey.mode.named",
                    ),
                },
            )

        await queue_push(
            session,
            kind="survey",
            title=survey.title,
            deliveries=[
                Delivery(p.tg_user_id, p.id, opening(Language(p.language))) for p in people
            ],
            dedupe_prefix=f"survey:{survey.id}:open",
            now=now,
            report=PushReport(actor.person_id, chat_id, actor.language),
        )
        for index in range(len(survey.questions)):
            await queue_push(
                session,
                kind="survey.question",
                title=survey.title,
                deliveries=[
                    Delivery(
                        p.tg_user_id, p.id, question_message(survey, index, Language(p.language))
                    )
                    for p in people
                ],
                dedupe_prefix=f"survey:{survey.id}:q{index}",
                now=now,
            )


def subject_of(data: dict[str, Any]) -> str:
    """The subject as kept: a chosen subject's key ("committee"…) or the typed words."""
    key = data.get("subject_key")
    return f"key:{key}" if key else str(data.get("subject") or "key:other")


def _with_question(data: dict[str, Any], question: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    data["questions"] = [*(data.get("questions") or []), question]
    data.pop("pending", None)
    return data


def _line(text: str, limit: int) -> str:
    cleaned = usertext.line(text)
    if not cleaned:
        raise UserFacingError("survey.empty")
    if len(cleaned) > limit:
        raise UserFacingError("survey.too_long", limit=limit, length=len(cleaned))
    return cleaned


def _block(text: str, limit: int) -> str:
    cleaned = usertext.block(text)
    if not cleaned:
        raise UserFacingError("survey.empty")
    if len(cleaned) > limit:
        raise UserFacingError("survey.too_long", limit=limit, length=len(cleaned))
    return cleaned
