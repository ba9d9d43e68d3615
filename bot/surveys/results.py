"""A survey's close, its results, the committee's response, and its sheet in the ledger.

At the closing time the scheduler closes the survey (or a secretary does,
earlier): answers stop, the anonymous survey's key secret is erased, the
reminders still to come are finished and whoever sent it is told privately.
The results count each option and each scale point (share, average) and
list the text answers without names. Publishing posts the results with the
committee's response (what will be done) to the residents' groups and
privately to each recipient; the response stays on the survey's screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import usertext
from bot.community.register import Actor, ChatKind, Role
from bot.config import Language
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from bot.i18n import translate
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, queue_push
from bot.runtime.scheduler import Firing
from bot.spreadsheets import Sheet, local_cell
from bot.surveys.reminders import describe_schedule, stop_reminders
from bot.surveys.rules import (
    CLOSE_KIND,
    MAX_RESPONSE,
    RESPONSE_FLOW,
    SCALE,
    SurveyContext,
    subject_name,
    view_callback,
)
from storage.session import Session
from storage.surveys.surveys import AnswerRow, SurveyRow

#: How many surveys /surveys lists.
LIST_SIZE = 10
#: The most of the results a post carries (the response and the rest fit beside it
#: in one message); the survey's screen, one button away, has them all.
POST_RESULTS_LIMIT = 2200


@dataclass(frozen=True)
class QuestionResult:
    """One question's results: labels with counts (choice, scale) or the texts."""

    index: int
    kind: str
    text: str
    labels: tuple[str, ...]
    counts: tuple[int, ...]
    answered: int
    texts: tuple[str, ...] = ()

    @property
    def average(self) -> float | None:
        """A scale question's average point (None without answers or for other kinds)."""
        if self.kind != "scale" or not self.answered:
            return None
        return sum(point * count for point, count in zip(SCALE, self.counts, strict=True)) / (
            self.answered
        )


@dataclass(frozen=True)
class Results:
    """A survey's results: how many it went to, how many answered, each question."""

    survey: SurveyRow
    sent: int
    answered: int
    questions: tuple[QuestionResult, ...]


def count_results(survey: SurveyRow, sent: int, answers: list[AnswerRow]) -> Results:
    """Count the answers of each question (pure: the results screen, the post, the ledger)."""
    questions = []
    for index, question in enumerate(survey.questions):
        own = [answer for answer in answers if answer.question == index]
        kind = str(question["kind"])
        if kind == "text":
            questions.append(
                QuestionResult(
                    index,
                    kind,
                    str(question["text"]),
                    (),
                    (),
                    len(own),
                    tuple(answer.text or "" for answer in own),
                )
            )
            continue
        labels = (
            tuple(str(point) for point in SCALE)
            if kind == "scale"
            else tuple(str(option) for option in question["options"])
        )
        counts = [0] * len(labels)
        for answer in own:
            for chosen in answer.choice or ():
                if 0 <= chosen < len(counts):
                    counts[chosen] += 1
        questions.append(
            QuestionResult(index, kind, str(question["text"]), labels, tuple(counts), len(own))
        )
    respondents = {answer.respondent for answer in answers}
    return Results(survey, sent, len(respondents), tuple(questions))


def share(count: int, total: int) -> int:
    """A count's share of the total, in whole percent."""
    return round(100 * count / total) if total else 0


def summary_lines(results: Results, language: Language, *, texts: bool) -> list[str]:
    """The results as lines: each question, its counts with shares (and average), texts."""
    lines = []
    for question in results.questions:
        lines.append(
            translate(
                language,
                "survey.result.question",
                number=question.index + 1,
                text=question.text,
                answered=question.answered,
            )
        )
        if question.kind == "text":
            if texts:
                lines.extend(
                    translate(language, "survey.result.text_line", text=text)
                    for text in question.texts
                )
            else:
                lines.append(translate(language, "survey.result.texts", count=question.answered))
            continue
        for number, (label, count) in enumerate(
            zip(question.labels, question.counts, strict=True), start=1
        ):
            lines.append(
                translate(
                    language,
                    "survey.result.line",
                    number=number,
                    label=label,
                    count=count,
                    share=share(count, question.answered),
                )
            )
        if question.average is not None:
            lines.append(
                translate(language, "survey.result.average", average=f"{question.average:.1f}")
            )
    return lines


class ResultsService:
    """Closing, results, publishing with the response, the list, the ledger's sheet."""

    def __init__(self, ctx: SurveyContext) -> None:
        self._ctx = ctx
        #: Called with a survey's id when its schedule closed it (nothing to refresh yet).
        self.on_closed: Callable[[int], None] = lambda survey_id: None
        ctx.scheduler.register_effect(CLOSE_KIND, self._close_effect)
        ctx.scheduler.register_describer(CLOSE_KIND, describe_schedule)

    async def latest(self, actor: Actor) -> list[SurveyRow]:
        """/surveys: the latest surveys, newest first."""
        actor.member(Role.SECRETARY, "survey.need_secretary")
        async with self._ctx.db.read() as session:
            return await session.surveys.latest(LIST_SIZE)

    async def results(self, actor: Actor, survey_id: int) -> Results:
        """A survey's results: a secretary's any time; a recipient's once published."""
        async with self._ctx.db.read() as session:
            survey = await _survey(session, survey_id)
            if not actor.has(Role.SECRETARY) and survey.response is None:
                # Residents see the results once published (the groups saw them then).
                raise UserFacingError("survey.not_published")
            sent = len(await session.surveys.recipients(survey.id))
            return count_results(survey, sent, await session.surveys.answers(survey.id))

    async def close_now(self, actor: Actor, survey_id: int) -> SurveyRow:
        """A secretary closes the survey before its time."""
        person = actor.member(Role.SECRETARY, "survey.need_secretary")
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            survey = await _survey(session, survey_id)
            closed = await self._close(session, survey, person.id, now)
            if survey.schedule_id is not None:
                await session.schedules.set_next_due(survey.schedule_id, None, now)
            stopped = await stop_reminders(session, survey.id, now)
        for schedule_id in (*stopped, *([survey.schedule_id] if survey.schedule_id else [])):
            self._ctx.scheduler.disarm(schedule_id)
        if survey.anonymous:
            await self._ctx.db.settle_checkpoints()
        return closed

    async def _close_effect(self, firing: Firing) -> None:
        survey = await firing.session.surveys.get(int(firing.schedule.payload["survey_id"]))
        if survey is None or not survey.is_open:
            return
        await self._close(firing.session, survey, None, firing.now)
        await stop_reminders(firing.session, survey.id, firing.now)
        self.on_closed(survey.id)

    async def _close(
        self, session: Session, survey: SurveyRow, closed_by: int | None, now: datetime
    ) -> SurveyRow:
        if not await session.surveys.close(survey.id, now):
            raise UserFacingError("survey.closed", title=survey.title)
        await session.audit.record(
            at=now, action="survey.close", actor_id=closed_by, detail=str(survey.id)
        )
        if survey.anonymous:
            # The erased nonce must leave the WAL too (after this commit).
            self._ctx.db.request_checkpoint()
        closed = await _survey(session, survey.id)
        creator = await session.people.by_id(survey.created_by) if survey.created_by else None
        if creator is not None and creator.reachable:
            answered = len(set((await session.surveys.answered_counts(survey.id)).keys()))
            sent = len(await session.surveys.recipients(survey.id))
            language = Language(creator.language)
            await queue_push(
                session,
                kind="survey.closed",
                title=survey.title,
                deliveries=[
                    Delivery(
                        creator.tg_user_id,
                        creator.id,
                        OutgoingMessage(
                            "survey.closed_notice",
                            language,
                            {"title": survey.title, "answered": answered, "sent": sent},
                            buttons=(
                                (
                                    ButtonSpec(
                                        "survey.open_button",
                                        callback_data=view_callback(survey.id),
                                    ),
                                ),
                            ),
                        ),
                    )
                ],
                dedupe_prefix=f"survey-closed:{survey.id}",
                now=now,
            )
        return closed

    # --- the response ---------------------------------------------------------------------

    async def start_response(self, actor: Actor, chat_id: int, survey_id: int) -> SurveyRow:
        """📣 发布结果: the next message is the committee's response."""
        actor.member(Role.SECRETARY, "survey.need_secretary")
        async with self._ctx.db.transaction() as session:
            survey = await _survey(session, survey_id)
            if survey.is_open:
                raise UserFacingError("survey.still_open")
            if survey.response is not None:
                raise UserFacingError("survey.already_published")
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                RESPONSE_FLOW,
                "text",
                {"survey_id": survey_id},
                self._ctx.clock(),
            )
        return survey

    async def set_response(self, actor: Actor, chat_id: int, text: str) -> tuple[SurveyRow, str]:
        """The typed response; then it is previewed before publishing."""
        actor.member(Role.SECRETARY, "survey.need_secretary")
        cleaned = usertext.block(text)
        if not cleaned:
            raise UserFacingError("survey.empty")
        if len(cleaned) > MAX_RESPONSE:
            raise UserFacingError("survey.too_long", limit=MAX_RESPONSE, length=len(cleaned))
        async with self._ctx.db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, RESPONSE_FLOW, "text", "survey.expired"
            )
            survey = await _survey(session, int(dialog.data["survey_id"]))
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                RESPONSE_FLOW,
                "confirm",
                {"survey_id": survey.id, "response": cleaned},
                self._ctx.clock(),
            )
        return survey, cleaned

    async def publish(self, actor: Actor, chat_id: int, survey_id: int) -> tuple[SurveyRow, int]:
        """Post the results and the response to the residents' groups and the recipients."""
        person = actor.member(Role.SECRETARY, "survey.need_secretary")
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, RESPONSE_FLOW, "confirm", "survey.expired"
            )
            if int(dialog.data["survey_id"]) != survey_id:
                raise UserFacingError("survey.expired")
            survey = await _survey(session, survey_id)
            if survey.response is not None:
                raise UserFacingError("survey.already_published")
            response = str(dialog.data["response"])
            await session.surveys.set_response(survey.id, response, person.id, now)
            await session.dialogs.end(chat_id, actor.tg_user_id)
            published = await _survey(session, survey.id)
            recipients = await session.surveys.recipients(survey.id)
            results = count_results(
                published, len(recipients), await session.surveys.answers(survey.id)
            )
            default = self._ctx.settings.community.default_language
            deliveries = [
                # In a group a button would open the screen there: the post stands alone.
                Delivery(chat.chat_id, None, self._post(results, default, button=False))
                for chat in await session.chats.posting(ChatKind.RESIDENTS.value)
            ]
            for person_id in recipients:
                recipient = await session.people.by_id(person_id)
                if recipient is not None and recipient.reachable:
                    deliveries.append(
                        Delivery(
                            recipient.tg_user_id,
                            recipient.id,
                            self._post(results, Language(recipient.language)),
                        )
                    )
            if deliveries:
                await queue_push(
                    session,
                    kind="survey.published",
                    title=survey.title,
                    deliveries=deliveries,
                    dedupe_prefix=f"survey-published:{survey.id}",
                    now=now,
                )
            await session.audit.record(
                at=now, action="survey.publish", actor_id=person.id, detail=str(survey.id)
            )
        return published, len(deliveries)

    def _post(
        self, results: Results, language: Language, *, button: bool = True
    ) -> OutgoingMessage:
        survey = results.survey
        return OutgoingMessage(
            "survey.published_post",
            language,
            {
                "title": survey.title,
                "subject": subject_name(survey.subject, language),
                "sent": results.sent,
                "answered": results.answered,
                "lines": _fitted(summary_lines(results, language, texts=False), language),
                "response": survey.response or "",
            },
            buttons=(
                (ButtonSpec("survey.details_button", callback_data=view_callback(survey.id)),),
            )
            if button
            else (),
        )

    # --- the ledger -----------------------------------------------------------------------

    async def ledger_section(
        self, session: Session, start: datetime, end: datetime
    ) -> Callable[[Language, ZoneInfo], list[Sheet]]:
        """The ledger's surveys sheet for [start, end) (a hook of bot/deliberation/ledger.py)."""
        rows = []
        for survey in await session.surveys.sent_between(start, end):
            sent = len(await session.surveys.recipients(survey.id))
            rows.append(count_results(survey, sent, await session.surveys.answers(survey.id)))

        def render(language: Language, tz: ZoneInfo) -> list[Sheet]:
            return [ledger_sheet(rows, language, tz)]

        return render


def _fitted(lines: list[str], language: Language) -> str:
    """The lines, cut at a line boundary to :data:`POST_RESULTS_LIMIT` characters."""
    kept: list[str] = []
    used = 0
    for line in lines:
        if used + len(line) + 1 > POST_RESULTS_LIMIT:
            kept.append(translate(language, "survey.result.more"))
            break
        kept.append(line)
        used += len(line) + 1
    return "\n".join(kept)


def audience_name(audience: dict[str, object], language: Language) -> str:
    """Who a survey went to, as people say it."""
    kind = audience.get("kind")
    if kind == "building":
        return translate(language, "survey.audience.building", name=audience.get("value"))
    if kind == "grid":
        return translate(language, "survey.audience.grid", name=audience.get("value"))
    return translate(language, "survey.audience.all")


def ledger_sheet(rows: list[Results], language: Language, tz: ZoneInfo) -> Sheet:
    """One line per survey: what it asked of whom, how many answered, results, response."""

    def when(moment: datetime | None) -> datetime | None:
        return local_cell(moment, tz)

    columns = (
        "survey",
        "title",
        "subject",
        "audience",
        "anonymous",
        "sent_at",
        "closes_at",
        "closed_at",
        "sent",
        "answered",
        "results",
        "response",
    )
    return Sheet(
        "surveys",
        translate(language, "survey.ledger.sheet"),
        tuple(translate(language, f"survey.ledger.col.{column}") for column in columns),
        tuple(
            (
                r.survey.number,
                r.survey.title,
                subject_name(r.survey.subject, language),
                audience_name(r.survey.audience, language),
                translate(language, "ledger.yes" if r.survey.anonymous else "ledger.no"),
                when(r.survey.sent_at),
                when(r.survey.closes_at),
                when(r.survey.closed_at),
                r.sent,
                r.answered,
                "\n".join(summary_lines(r, language, texts=True)),
                r.survey.response,
            )
            for r in rows
        ),
    )


async def _survey(session: Session, survey_id: int) -> SurveyRow:
    survey = await session.surveys.get(survey_id)
    if survey is None:
        raise UserFacingError("survey.not_found")
    return survey
