"""Reminders to vote: before a vote closes, residents who have not voted hear of it.

Where a vote's reminders are scheduled: here. When a vote opens,
:func:`schedule_reminders` adds one ``vote.remind`` schedule for each of
``[deliberation] vote_reminder_hours`` (24 h and 2 h before the close by
default) that still lies ahead. Each firing reminds privately every
registered resident in the vote's electorate (electorate.py) who has not voted
(in a household vote: whose household has not), can be reached and has not
turned these reminders off, with the ballot buttons in the message. A firing
is done once and each message is queued once (its outbox key), so nobody is
reminded twice for one moment. Closing the vote, by hand or on time, stops
the reminders still to come (:func:`stop_reminders`).

Anonymous votes: who has voted is found by recomputing each resident's
ballot key, as a ballot press does; nothing is written about who was
reminded beyond the queued message itself.
"""

from __future__ import annotations

from datetime import datetime

from bot.community.register import Actor, Role
from bot.config import Language
from bot.deliberation.voting.cards import ballot_buttons
from bot.deliberation.voting.context import VotingContext
from bot.deliberation.voting.electorate import ballot_box, may_vote
from bot.deliberation.voting.rules import option_labels, reminders_callback
from bot.i18n import translate
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, queue_push
from bot.runtime.scheduler import Firing
from bot.runtime.scheduler.before import schedule_before, stop_before
from bot.runtime.scheduler.titles import lead_time, spoken_time
from storage.community.people import PersonRow
from storage.deliberation.matters import MatterRow
from storage.deliberation.votes import VoteRow
from storage.session import Session

#: The schedule kind of a reminder; its payload holds the vote and the lead in minutes.
REMIND_KIND = "vote.remind"
#: The kind of reminder a resident turns off (``reminder_opt_outs.kind``).
OPT_OUT_KIND = "vote"


async def schedule_reminders(
    ctx: VotingContext, session: Session, vote: VoteRow, now: datetime
) -> list[tuple[int, datetime]]:
    """Add the vote's reminders in the opening's unit of work; returns (id, due) to arm.
    A vote shorter than a lead gets no reminder for it (it would come at once)."""
    return await schedule_before(
        ctx.scheduler,
        session,
        kind=REMIND_KIND,
        title=f"vote {vote.id} reminder",
        moment=vote.closes_at,
        hours=ctx.settings.deliberation.vote_reminder_hours,
        field="vote_id",
        value=vote.id,
        owner_id=vote.opened_by,
        now=now,
    )


async def stop_reminders(session: Session, vote_id: int, now: datetime) -> list[int]:
    """Finish the vote's reminders still to come (it closed); returns their ids to disarm."""
    return await stop_before(session, REMIND_KIND, "vote_id", vote_id, now)


class ReminderService:
    """The reminder firings, and a resident turning reminders off or on."""

    def __init__(self, ctx: VotingContext) -> None:
        self._ctx = ctx
        ctx.scheduler.register_effect(REMIND_KIND, self._remind_effect)

    async def set_reminders(self, actor: Actor, on: bool) -> bool:
        """The resident's 🔕 / 🔔 button; False if they were already so."""
        person = actor.member(Role.RESIDENT, "vote.need_resident")
        async with self._ctx.db.transaction() as session:
            return await session.people.set_reminders(
                person.id, OPT_OUT_KIND, on, self._ctx.clock()
            )

    async def _remind_effect(self, firing: Firing) -> None:
        session = firing.session
        vote = await session.votes.get(int(firing.schedule.payload["vote_id"]))
        if vote is None or not vote.is_open or firing.now >= vote.closes_at:
            return  # closed meanwhile: nothing to remind of
        matter = await session.matters.get(vote.matter_id)
        if matter is None:
            return
        minutes = int(firing.schedule.payload["minutes"])
        deliveries = [
            Delivery(
                person.tg_user_id,
                person.id,
                self._message(vote, matter, minutes, Language(person.language)),
            )
            for person in await self._not_voted(session, vote)
        ]
        if deliveries:
            await queue_push(
                session,
                kind=REMIND_KIND,
                title=matter.title,
                deliveries=deliveries,
                dedupe_prefix=f"vote-remind:{vote.id}:{minutes}",
                now=firing.now,
            )

    async def _not_voted(self, session: Session, vote: VoteRow) -> list[PersonRow]:
        """Reachable residents in the vote's electorate who have not voted (in a household
        vote: whose household has not) and still want reminders."""
        box = await ballot_box(session, vote)
        off = await session.people.reminders_off(OPT_OUT_KIND)
        return [
            person
            for person in await session.people.with_role(Role.RESIDENT.value)
            if person.reachable
            and person.id not in off
            and may_vote(person, vote)
            and not box.has_voted(vote, person, self._ctx.voter_key)
        ]

    def _message(
        self, vote: VoteRow, matter: MatterRow, minutes: int, language: Language
    ) -> OutgoingMessage:
        off = ButtonSpec("vote.reminders_off_button", callback_data=reminders_callback(False))
        buttons = (*ballot_buttons(vote, option_labels(vote, language)), (off,))
        params = {
            "number": matter.number,
            "title": matter.title,
            "closes": spoken_time(vote.closes_at, self._ctx.tz, language),
            "lead": lead_time(language, minutes),
            "mode": translate(
                language, "vote.mode.anonymous" if vote.anonymous else "vote.mode.public"
            ),
        }
        return OutgoingMessage("vote.reminder", language, params, buttons=buttons)
