"""The yearly feedback of in-service Party members (在职党员 双向联系反馈), the part of
bot/members/inservice.py that reports on the year: "双向联系反馈制度".

- Per member, from the records of the year (:class:`Feedback`): volunteer hours and
  activities, commitments and their states, messages received and answered through the
  contact card, residents' ratings of their commitments (群众评价, counted and shared as
  the democratic appraisal does) and, once the year's appraisal is closed, the branch's
  grade (支部测评).
- 📄 年度反馈 (secretaries, on /inservice): a letter per member to their employer's Party
  organisation (反馈函, .docx: :meth:`InserviceFeedback.letter`) and a workbook with a
  row each (:meth:`InserviceFeedback.feedback_sheet`); the ledger (台账) has the same
  sheet for its period.
- With ``[members] inservice_feedback`` on, a daily schedule asks each secretary on 20
  December, with 📄 年度反馈, to send the year's feedback (once a year; nothing without
  in-service members).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from bot import spoken
from bot.clock import Clock, system_clock
from bot.community.calendar import local_moment, to_utc
from bot.community.register import Actor, Role, secretaries_to_tell
from bot.config import Language, Settings
from bot.deliberation.ledger import LedgerService, SheetsOf
from bot.documents import Bullets, Fields, Heading, Paragraph, TextDocument
from bot.i18n import translate, translate_count
from bot.members.appraisal import ratings_summary
from bot.members.appraisal_table import RATINGS, grade_text, satisfaction
from bot.members.commitments import state_key
from bot.runtime.outbox import ButtonSpec, Delivery, OutgoingMessage, queue_push
from bot.runtime.scheduler import Firing, SchedulerService, daily_rule
from bot.spreadsheets import Sheet, hours_cell
from storage import Storage
from storage.members.commitments import CommitmentRow
from storage.members.inservice import InserviceRow, ServedRow
from storage.session import Session

#: The daily schedule whose effect, on 20 December, asks the secretaries for the feedback.
FEEDBACK_KIND = "members.inservice_feedback"
FEEDBACK_SCHEDULE_KEY = "builtin:members_inservice_feedback"
#: The day (month, day) the secretaries are asked to send the year's feedback.
FEEDBACK_DAY = (12, 20)
#: Callback data of 📄 年度反馈 under that push (handlers/members/callbacks.py).
FEEDBACK_PREFIX = "isf"


@dataclass(frozen=True)
class Feedback:
    """What an in-service member did here in a year (双向联系反馈)."""

    record: InserviceRow
    year: int
    served: list[ServedRow]
    commitments: list[CommitmentRow]
    received: int
    answered: int
    #: Residents' ratings of the member's commitments of the year (群众评价).
    residents: Counter[str]
    #: The branch's grade (支部测评) once the year's appraisal is closed; None before.
    closed: bool = False
    branch_grade: str | None = None

    @property
    def minutes(self) -> int:
        """The volunteer minutes of the year, all activities together."""
        return sum(item.minutes for item in self.served)

    @property
    def satisfaction(self) -> int | None:
        """满意率, as the appraisal's table has it."""
        return satisfaction(self.residents)


class InserviceFeedback:
    """The yearly feedback: gathered per member, the letter, the workbook's sheet, the
    ledger's sheet and the 20 December push (``InserviceService.yearly``)."""

    def __init__(
        self,
        db: Storage,
        settings: Settings,
        scheduler: SchedulerService,
        post_name: Callable[[Language, str], str],
        clock: Clock = system_clock,
        ledger: LedgerService | None = None,
    ) -> None:
        """``post_name``: a post as the reader calls it (``InserviceService.post_name``).
        Adds the ledger's sheet; registers the daily schedule of the 20 December push."""
        self._db = db
        self._settings = settings
        self._post_name = post_name
        self._clock = clock
        if ledger is not None:
            ledger.add_section(self.ledger_section)
        scheduler.register_effect(FEEDBACK_KIND, self._feedback_effect)
        config = settings.members
        rule = (
            daily_rule(config.inservice_feedback_time, settings.community.tz)
            if config.inservice_feedback
            else None
        )
        scheduler.add_builtin(FEEDBACK_SCHEDULE_KEY, FEEDBACK_KIND, rule)

    @property
    def tz(self) -> ZoneInfo:
        """The current community's time zone."""
        return self._settings.community.tz

    def today(self) -> date:
        """Today in the community's zone (the letter's date)."""
        return self._clock().astimezone(self.tz).date()

    def _bounds(self, year: int) -> tuple[datetime, datetime]:
        start = to_utc(local_moment(date(year, 1, 1), time(0), self.tz))
        end = to_utc(local_moment(date(year + 1, 1, 1), time(0), self.tz))
        return start, end

    async def _feedback(
        self, session: Session, record: InserviceRow, start: datetime, end: datetime
    ) -> Feedback:
        repo = session.members.inservice
        served = await repo.served(record.person_id, start, end)
        first_day = start.astimezone(self.tz).date()
        commitments = [
            c
            for c in await session.members.commitments.of_person(record.person_id)
            if c.submitted_at < end and c.due_on >= first_day
        ]
        received, answered = await repo.message_counts(record.person_id, start, end)
        year = first_day.year
        appraisal = session.members.appraisal
        residents = (await appraisal.pledge_counts([record.person_id], year)).get(
            record.person_id, Counter()
        )
        closed = await appraisal.of_year(year)
        grade = None
        if closed is not None and closed.closed:
            branch = (await appraisal.branch(closed.id)).get(record.person_id)
            grade = branch.grade if branch else None
        return Feedback(
            record,
            year,
            served,
            commitments,
            received,
            answered,
            residents,
            closed is not None and closed.closed,
            grade,
        )

    async def feedback(self, actor: Actor, year: int | None = None) -> list[Feedback]:
        """📄 年度反馈: each in-service member's year (this year unless given)."""
        actor.require(Role.SECRETARY)
        start, end = self._bounds(year or self.today().year)
        async with self._db.read() as session:
            return [
                await self._feedback(session, record, start, end)
                for record in await session.members.inservice.every()
            ]

    async def _feedback_effect(self, firing: Firing) -> None:
        """On 20 December: each secretary is asked, with 📄 年度反馈, to send the year's
        feedback to the employers (once a year; nothing without in-service members)."""
        day = firing.due_at.astimezone(self.tz).date()
        if (day.month, day.day) != FEEDBACK_DAY:
            return
        session = firing.session
        count = len(await session.members.inservice.every())
        if not count:
            return
        deliveries = [
            Delivery(
                person.tg_user_id,
                person.id,
                OutgoingMessage(
                    "inservice.feedback_push",
                    Language(person.language),
                    {"count": count, "year": day.year},
                    buttons=(
                        (ButtonSpec("inservice.feedback_button", callback_data=FEEDBACK_PREFIX),),
                    ),
                ),
            )
            for person in await secretaries_to_tell(session, self._settings.community)
        ]
        if deliveries:
            await queue_push(
                session,
                kind=FEEDBACK_KIND,
                title=str(day.year),
                deliveries=deliveries,
                dedupe_prefix=f"{FEEDBACK_KIND}:{day.year}",
                now=firing.now,
            )

    async def ledger_section(self, session: Session, start: datetime, end: datetime) -> SheetsOf:
        """The ledger's sheet: each in-service member's service in the ledger's period."""
        found = [
            await self._feedback(session, record, start, end)
            for record in await session.members.inservice.every()
        ]

        def sheets(language: Language, tz: ZoneInfo) -> list[Sheet]:
            return [self.feedback_sheet(language, found)]

        return sheets

    def feedback_sheet(self, language: Language, found: list[Feedback]) -> Sheet:
        """One row per in-service member: where they work, what they did here."""
        columns = (
            "member",
            "employer",
            "org",
            "org_contact",
            "post",
            "building",
            "since",
            "hours",
            "activities",
            "commitments",
            "done",
            "received",
            "answered",
        )
        headers = tuple(translate(language, f"inservice.sheet.{column}") for column in columns)
        headers += tuple(
            translate(
                language,
                "appraisal.col.residents",
                rating=translate(language, f"appraisal.rate.{r}"),
            )
            for r in RATINGS
        )
        headers += (
            translate(language, "appraisal.col.satisfaction"),
            translate(language, "appraisal.col.branch"),
        )
        rows = tuple(
            (
                f.record.name,
                f.record.employer,
                f.record.party_org,
                f"{f.record.org_contact_name} {f.record.org_contact}",
                self._post_name(language, f.record.post),
                f.record.building,
                f.record.registered_at.astimezone(self.tz).date(),
                hours_cell(f.minutes),
                len(f.served),
                len(f.commitments),
                sum(1 for c in f.commitments if c.state == "done"),
                f.received,
                f.answered,
                *(f.residents[r] for r in RATINGS),
                f.satisfaction,
                grade_text(language, f.branch_grade),
            )
            for f in found
        )
        return Sheet("inservice", translate(language, "inservice.sheet.title"), headers, rows)

    def _ratings(self, language: Language, found: Feedback) -> str:
        """群众评价: "满意率 75%（满意 2 · 基本满意 1 · 不满意 1）", or "暂无评价"."""
        share = found.satisfaction
        if share is None:
            return translate(language, "appraisal.residents_none")
        return translate(
            language,
            "appraisal.residents_share",
            share=share,
            count=sum(found.residents.values()),
            ratings=ratings_summary(language, found.residents),
        )

    def letter(self, language: Language, found: Feedback) -> TextDocument:
        """The feedback letter to the member's employer's Party organisation (反馈函)."""
        record = found.record
        community = self._settings.community.name_in(language)
        post = self._post_name(language, record.post)
        since = record.registered_at.astimezone(self.tz)
        today = self.today()
        intro_key = (
            "inservice.letter.intro_building" if record.building else "inservice.letter.intro"
        )
        blocks: list[Heading | Paragraph | Fields | Bullets] = [
            Paragraph(translate(language, "inservice.letter.to", org=record.party_org)),
            Paragraph(
                translate(
                    language,
                    intro_key,
                    employer=record.employer,
                    name=record.name,
                    year=since.year,
                    community=community,
                    post=post,
                    building=record.building or "",
                    report_year=found.year,
                )
            ),
            Fields(
                (
                    (
                        translate(language, "inservice.letter.hours"),
                        translate(
                            language,
                            "inservice.letter.hours_value",
                            hours=spoken.hours_total(language, found.minutes),
                            activities=translate_count(
                                language, "inservice.count.activities", len(found.served)
                            ),
                        ),
                    ),
                    (
                        translate(language, "inservice.letter.commitments"),
                        translate(
                            language,
                            "inservice.letter.commitments_value",
                            total=translate_count(
                                language, "inservice.count.commitments", len(found.commitments)
                            ),
                            done=sum(1 for c in found.commitments if c.state == "done"),
                        ),
                    ),
                    (
                        translate(language, "inservice.letter.messages"),
                        translate(
                            language,
                            "inservice.letter.messages_value",
                            received=translate_count(
                                language, "inservice.count.messages", found.received
                            ),
                            answered=found.answered,
                        ),
                    ),
                    (
                        translate(language, "inservice.letter.ratings"),
                        self._ratings(language, found),
                    ),
                    *(
                        (
                            (
                                translate(language, "inservice.letter.branch"),
                                grade_text(language, found.branch_grade)
                                or translate(language, "appraisal.not_rated"),
                            ),
                        )
                        if found.closed
                        else ()
                    ),
                )
            ),
        ]
        if found.served:
            blocks.append(Heading(translate(language, "inservice.letter.served_heading"), 2))
            blocks.append(
                Bullets(
                    tuple(
                        translate(
                            language,
                            "inservice.letter.served_item",
                            day=spoken.long_day(language, item.starts_at.astimezone(self.tz)),
                            title=item.title,
                            duration=spoken.duration(language, item.minutes),
                        )
                        for item in found.served
                    )
                )
            )
        if found.commitments:
            blocks.append(Heading(translate(language, "inservice.letter.commitments_heading"), 2))
            blocks.append(
                Bullets(
                    tuple(
                        translate(
                            language,
                            "inservice.letter.commitment_item",
                            what=c.what,
                            due=spoken.long_day(language, c.due_on),
                            state=translate(language, state_key(c, today)),
                        )
                        for c in found.commitments
                    )
                )
            )
        blocks += [
            Paragraph(translate(language, "inservice.letter.closing")),
            Paragraph(translate(language, "inservice.letter.signature", community=community)),
            Paragraph(spoken.long_day(language, today)),
        ]
        return TextDocument(
            title=translate(language, "inservice.letter.title"),
            subtitle=translate(
                language, "inservice.letter.subtitle", name=record.name, year=found.year
            ),
            blocks=tuple(blocks),
            made_at=self._clock().astimezone(UTC).replace(tzinfo=None),
            author=community,
        )
