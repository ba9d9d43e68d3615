"""Answering a survey: one tap, toggles and 提交, a 1–5 point, or a short typed text.

A person may change an answer until the close; a press after the close, or
one that changes nothing, gets a short reply and writes nothing.

Anonymous surveys: the database file must not link an answer to a person.
Each answer row is keyed by ``respondent``. In a named survey that is
``p<person id>`` beside the person's id. In an anonymous one it is the keyed
hash of bot/deliberation/ballot_keys.py (the same scheme as anonymous
ballots): HMAC(HMAC(master key file, the survey's nonce), "<survey id>:survey:p<id>"),
and the row has no person id. So one person still has one changeable answer
per question, and who has answered (for reminders) is found by recomputing
each recipient's key, but without the key file kept outside the database
nobody can recompute it. No time is stored with an answer, and the table is
ordered by its key (WITHOUT ROWID), so neither the moment nor the order of
the rows tells who wrote them. What is kept apart is only who the survey was
sent to (``survey_recipients``). At the close the nonce is erased
(``secure_delete`` zeroes it, a WAL checkpoint follows), and from then on not
even the key file links an answer to anyone. Each anonymous answer asks for a
WAL checkpoint (within a second, once for a burst), so the stored update that
carried the press does not linger in the ``-wal`` beside the row. A typed
answer waits in a dialog row naming the survey and the question, never the
answer; it goes once the answer is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import usertext
from bot.community.register import Actor, Role
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from bot.surveys.rules import MAX_TEXT_ANSWER, TEXT_FLOW, SurveyContext, option_count
from storage.session import Session
from storage.surveys.surveys import SurveyRow


@dataclass(frozen=True)
class Answered:
    """An answer recorded: the survey, the question, what was chosen, whether it changed one."""

    survey: SurveyRow
    question: int
    choice: tuple[int, ...] | None
    changed: bool
    #: Questions of the survey the person has now answered, and how many it has.
    done: int = 0


@dataclass(frozen=True)
class PendingSurvey:
    """An open survey sent to the person, with how many of its questions they have left."""

    survey: SurveyRow
    unanswered: int


class AnsweringService:
    """Recording answers, for recipients of an open survey."""

    def __init__(self, ctx: SurveyContext) -> None:
        self._ctx = ctx

    async def pick(self, actor: Actor, survey_id: int, question: int, index: int) -> Answered:
        """A single-choice option or a scale point, pressed."""
        return await self._choose(actor, survey_id, question, (index,), ("single", "scale"))

    async def submit(self, actor: Actor, survey_id: int, question: int, mask: int) -> Answered:
        """提交 under a multiple-choice question: the options toggled on."""
        chosen = tuple(index for index in range(32) if mask & (1 << index))
        if not chosen:
            raise UserFacingError("survey.choose_one")
        return await self._choose(actor, survey_id, question, chosen, ("multiple",))

    async def toggled(self, actor: Actor, survey_id: int, question: int, index: int) -> SurveyRow:
        """A multiple-choice option toggled (nothing is kept until 提交): the survey to redraw."""
        async with self._ctx.db.read() as session:
            survey = await self._open_for(session, actor, survey_id)
        kind = _kind(survey, question)
        if kind != "multiple" or not 0 <= index < option_count(survey.questions[question]):
            raise UserFacingError("survey.stale")
        return survey

    async def start_text(self, actor: Actor, chat_id: int, survey_id: int, question: int) -> str:
        """✏️ 写回答: the next message is the answer; returns the question's text."""
        now = self._ctx.clock()
        async with self._ctx.db.transaction() as session:
            survey = await self._open_for(session, actor, survey_id)
            if _kind(survey, question) != "text":
                raise UserFacingError("survey.stale")
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                TEXT_FLOW,
                "answer",
                {"survey_id": survey_id, "question": question},
                now,
            )
        return str(survey.questions[question]["text"])

    async def text(self, actor: Actor, chat_id: int, text: str) -> Answered:
        """The typed answer to the question asked by :meth:`start_text`."""
        cleaned = usertext.block(text)
        if not cleaned:
            raise UserFacingError("survey.empty")
        if len(cleaned) > MAX_TEXT_ANSWER:
            raise UserFacingError("survey.too_long", limit=MAX_TEXT_ANSWER, length=len(cleaned))
        async with self._ctx.db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, TEXT_FLOW, "answer", "survey.stale"
            )
            await session.dialogs.end(chat_id, actor.tg_user_id)
            survey_id, question = int(dialog.data["survey_id"]), int(dialog.data["question"])
            survey = await self._open_for(session, actor, survey_id)
            result = await self._record(session, actor, survey, question, None, cleaned)
        return self._committed(result)

    async def unanswered(self, actor: Actor, survey_id: int) -> tuple[SurveyRow, list[int]]:
        """The questions of an open survey the person has not answered yet."""
        async with self._ctx.db.read() as session:
            survey = await self._open_for(session, actor, survey_id)
            person = actor.registered_person()
            key = self._ctx.respondent(survey, person.id)
            missing = [
                index
                for index in range(len(survey.questions))
                if await session.surveys.answer_of(survey.id, index, key) is None
            ]
        return survey, missing

    async def pending(self, session: Session, person_id: int) -> list[PendingSurvey]:
        """The open surveys sent to the person that they have not finished (/mine), read
        in the caller's ``session``."""
        now = self._ctx.clock()
        pending = []
        for survey in await session.surveys.open_for(person_id):
            if now >= survey.closes_at:
                continue  # its close is due: no answer can be given any more
            try:
                key = self._ctx.respondent(survey, person_id)
            except UserFacingError:
                continue  # the key file is lost: answers are refused, so nothing awaits
            done = (await session.surveys.answered_counts(survey.id)).get(key, 0)
            if done < len(survey.questions):
                pending.append(PendingSurvey(survey, len(survey.questions) - done))
        return pending

    async def _choose(
        self,
        actor: Actor,
        survey_id: int,
        question: int,
        choice: tuple[int, ...],
        kinds: tuple[str, ...],
    ) -> Answered:
        async with self._ctx.db.transaction() as session:
            survey = await self._open_for(session, actor, survey_id)
            if _kind(survey, question) not in kinds:
                raise UserFacingError("survey.stale")
            if any(not 0 <= index < option_count(survey.questions[question]) for index in choice):
                raise UserFacingError("survey.stale")
            result = await self._record(session, actor, survey, question, choice, None)
        return self._committed(result)

    def _committed(self, result: Answered) -> Answered:
        if result.survey.anonymous:
            # The stored update that carried the press (or the words) must not linger
            # in the WAL beside the answer: a checkpoint follows the burst.
            self._ctx.db.request_checkpoint()
        return result

    async def _record(
        self,
        session: Session,
        actor: Actor,
        survey: SurveyRow,
        question: int,
        choice: tuple[int, ...] | None,
        text: str | None,
    ) -> Answered:
        person = actor.registered_person()
        key = self._ctx.respondent(survey, person.id)
        before = await session.surveys.answer_of(survey.id, question, key)
        if before is not None and before.choice == choice and before.text == text:
            raise UserFacingError("survey.same_answer")
        await session.surveys.put_answer(
            survey.id,
            question,
            key,
            None if survey.anonymous else person.id,
            choice=choice,
            text=text,
        )
        done = (await session.surveys.answered_counts(survey.id)).get(key, 0)
        return Answered(survey, question, choice, before is not None, done)

    async def _open_for(self, session: Session, actor: Actor, survey_id: int) -> SurveyRow:
        """The survey, open and sent to the actor; refused with the reason otherwise."""
        person = actor.member(Role.RESIDENT, "survey.need_resident")
        survey = await session.surveys.get(survey_id)
        if survey is None:
            raise UserFacingError("survey.not_found")
        if not survey.is_open or self._ctx.clock() >= survey.closes_at:
            raise UserFacingError("survey.closed", title=survey.title)
        if not await session.surveys.is_recipient(survey.id, person.id):
            raise UserFacingError("survey.not_yours")
        return survey


def _kind(survey: SurveyRow, question: int) -> str | None:
    if not 0 <= question < len(survey.questions):
        return None
    return str(survey.questions[question]["kind"])
