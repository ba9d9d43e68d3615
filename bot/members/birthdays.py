"""Party birthdays (政治生日): "在每名党员的入党纪念日，社区党总支还会为党员送上政治生日贺卡，
社区党总支书记与党员一起重温入党誓词".

- The joining date (入党日期) is optional, on the person: a Party member gives their
  own from /me (🎂 入党日期), a secretary gives a member's from the person's screen of
  /people; typed as people write it (2001-07-01, 2001年7月1日), never in the future
  nor before the Party was founded (1921-07-01); it can be cleared.
- On the anniversary, at ``[members] birthday_time``, the built-in daily schedule
  ``members.birthdays`` sends each member privately a greeting card (a picture
  drawn at send time, bot/members/cards.py) with their years in the Party and the
  oath, captioned in their language. One card per member per year: the card is
  recorded (``party_birthday_cards``, unique per person and year) in the unit of
  work that queues it, so a firing caught up later that day, a restart or a second
  firing never sends another. A 29 February joiner's day is 28 February in other years.
- A week before a month starts, the same firing sends each secretary
  privately the month's list (7月1日 张阿姨（入党 25 周年）), by day; nothing is sent
  when nobody has one that month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot import parsing, spoken
from bot.clock import Clock, system_clock
from bot.community.register import Actor, Role, secretaries_to_tell
from bot.config import Language, Settings
from bot.deliberation.ledger import SheetsOf
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from bot.i18n import translate
from bot.members.cards import BIRTHDAY_CARD
from bot.runtime.outbox import Delivery, OutgoingMessage, queue_push
from bot.runtime.scheduler import Firing, SchedulerService, daily_rule
from bot.spreadsheets import Sheet
from storage import Storage
from storage.community.people import PersonRow
from storage.session import Session

#: The guided step where a joining date is typed.
JOINED_FLOW = "party_joined"
JOINED_STEP = "date"
#: The Communist Party of China was founded on this day: no one joined earlier.
FOUNDED = date(1921, 7, 1)
#: One built-in daily schedule does both: the day's cards, and the list when it is due.
KIND = "members.birthdays"
SCHEDULE_KEY = "builtin:members_birthdays"
#: The kinds of push (in the outbox) of the cards and of the list.
CARDS_KIND = "members.birthday_cards"
LIST_KIND = "members.birthday_list"
#: The secretaries' list comes this many days before the month starts.
LIST_DAYS_BEFORE = 7


def anniversary(joined: date, year: int) -> date:
    """The day of ``year`` that is the anniversary of ``joined``: 28 February for a
    29 February joiner in a year without one."""
    try:
        return joined.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


def is_anniversary(joined: date, day: date) -> bool:
    """Whether ``day`` is a (first or later) anniversary of joining on ``joined``."""
    return joined.year < day.year and anniversary(joined, day.year) == day


def years_in_party(joined: date, today: date) -> int:
    """Whole years in the Party on ``today`` (党龄)."""
    years = today.year - joined.year
    return years if anniversary(joined, today.year) <= today else years - 1


def day_text(language: Language, day: date) -> str:
    """A day with its year as people say it: 2001年7月1日 / 1 July 2001."""
    return spoken.long_day(language, day)


def month_day_text(language: Language, day: date) -> str:
    """A day of the month: 7月1日 / 1 July."""
    return spoken.long_month_day(language, day)


@dataclass(frozen=True)
class JoinedPrompt:
    """Where giving a joining date stands: whose it is, and whether the actor's own."""

    person: PersonRow
    mine: bool


@dataclass(frozen=True)
class BirthdayLine:
    """One Party birthday of a month: the day, the member, their years in the Party."""

    day: date
    person: PersonRow
    years: int


class BirthdayService:
    """Joining dates, the anniversary cards and the secretaries' monthly list."""

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
        scheduler.register_effect(KIND, self._daily_effect)
        scheduler.add_builtin(SCHEDULE_KEY, KIND, self._daily_rule())

    def _daily_rule(self) -> dict[str, Any] | None:
        """Every day at ``birthday_time`` (the effect picks its days); None when all off."""
        config = self._settings.members
        if not (config.birthday_greetings or config.birthday_list):
            return None
        return daily_rule(config.birthday_time, self._settings.community.tz)

    def today(self) -> date:
        """The community's date now."""
        return self._clock().astimezone(self._settings.community.tz).date()

    # --- the joining date -----------------------------------------------------

    async def start(self, actor: Actor, chat_id: int, person_id: int | None) -> JoinedPrompt:
        """🎂 入党日期: ask the day (of the actor, a Party member, or for a secretary of a
        member on /people)."""
        async with self._db.transaction() as session:
            person, mine = await self._target(session, actor, person_id)
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                JOINED_FLOW,
                JOINED_STEP,
                {"person": person.id},
                self._clock(),
            )
        return JoinedPrompt(person, mine)

    async def answer(self, actor: Actor, chat_id: int, text: str) -> JoinedPrompt:
        """The typed day: read, checked, kept; a bad one is refused with its reason and
        the question stays open."""
        day = parsing.written_day(text, first_year=1900)
        if day is None:
            raise UserFacingError("members.joined_unreadable")
        if day > self.today():
            raise UserFacingError("members.joined_future")
        if day < FOUNDED:
            raise UserFacingError("members.joined_too_early")
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, JOINED_FLOW, JOINED_STEP, "members.expired"
            )
            person, mine = await self._target(session, actor, int(dialog.data["person"]))
            await session.dialogs.end(chat_id, actor.tg_user_id)
            return JoinedPrompt(await self._set(session, actor, person, day), mine)

    async def clear(self, actor: Actor, chat_id: int, person_id: int | None) -> JoinedPrompt:
        """🗑 清除: no joining date any more (and no question open)."""
        async with self._db.transaction() as session:
            person, mine = await self._target(session, actor, person_id)
            dialog = await session.dialogs.get(chat_id, actor.tg_user_id)
            if dialog is not None and dialog.flow == JOINED_FLOW:
                await session.dialogs.end(chat_id, actor.tg_user_id)
            return JoinedPrompt(await self._set(session, actor, person, None), mine)

    async def _target(
        self, session: Session, actor: Actor, person_id: int | None
    ) -> tuple[PersonRow, bool]:
        """Whose date it is: one's own (a Party member) or, for a secretary, a member's."""
        me = actor.registered_person("me.not_registered")
        if person_id is None or person_id == me.id:
            actor.require(Role.PARTY_MEMBER, "members.members_only")
            person = await session.people.by_id(me.id)
            mine = True
        else:
            actor.require(Role.SECRETARY)
            person = await session.people.by_id(person_id)
            mine = False
        if person is None:
            raise UserFacingError("people.gone")
        if Role.PARTY_MEMBER.value not in person.roles:
            raise UserFacingError("members.not_a_member", name=person.display_name)
        return person, mine

    async def _set(
        self, session: Session, actor: Actor, person: PersonRow, day: date | None
    ) -> PersonRow:
        if not await session.members.birthdays.set_joined(person.id, day):
            raise UserFacingError("people.gone")
        await session.audit.record(
            at=self._clock(),
            action="person.party_joined",
            actor_id=actor.person_id,
            subject_id=person.id,
        )
        fresh = await session.people.by_id(person.id)
        if fresh is None:
            raise UserFacingError("people.gone")
        return fresh

    # --- the daily firing -------------------------------------------------------

    async def _daily_effect(self, firing: Firing) -> None:
        """The day's cards, then (a week before a month) the secretaries' list."""
        if self._settings.members.birthday_greetings:
            await self._cards_effect(firing)
        if self._settings.members.birthday_list:
            await self._list_effect(firing)

    # --- the anniversary cards --------------------------------------------------

    async def _cards_effect(self, firing: Firing) -> None:
        """Each member whose anniversary is the firing's day gets this year's card, once.

        Caught up later the same day, the cards still go; a day late they do not (a card
        saying "today" would be wrong), and the scheduler's missed report says so."""
        tz = self._settings.community.tz
        day = firing.due_at.astimezone(tz).date()
        if firing.now.astimezone(tz).date() != day:
            return
        session = firing.session
        deliveries = []
        for person in await session.people.with_role(Role.PARTY_MEMBER.value):
            joined = person.party_joined_on
            if joined is None or not person.reachable or not is_anniversary(joined, day):
                continue
            years = day.year - joined.year
            if not await session.members.birthdays.record_card(
                person.id, day.year, years, firing.now
            ):
                continue  # this year's card is queued already
            message = card_message(Language(person.language), person, years, day, self._name())
            deliveries.append(Delivery(person.tg_user_id, person.id, message))
        if deliveries:
            await queue_push(
                session,
                kind=CARDS_KIND,
                title=day.isoformat(),
                deliveries=deliveries,
                dedupe_prefix=f"{CARDS_KIND}:{day.year}",
                now=firing.now,
            )

    def _name(self) -> str:
        return self._settings.community.name

    # --- the secretaries' list --------------------------------------------------

    async def month_list(self, session: Session, first: date) -> list[BirthdayLine]:
        """The Party birthdays of the month starting ``first``, by day then name."""
        lines = []
        for person in await session.people.with_role(Role.PARTY_MEMBER.value):
            joined = person.party_joined_on
            if joined is None:
                continue
            day = anniversary(joined, first.year)
            if day.month == first.month and is_anniversary(joined, day):
                lines.append(BirthdayLine(day, person, day.year - joined.year))
        return sorted(lines, key=lambda line: (line.day, line.person.display_name))

    async def ledger_section(self, session: Session, start: datetime, end: datetime) -> SheetsOf:
        """The ledger's 政治生日 sheet: the Party birthdays of the months in [start, end)
        (入党纪念日), with the years and whether the card went out."""
        tz = self._settings.community.tz
        first = start.astimezone(tz).date().replace(day=1)
        last = (end - timedelta(microseconds=1)).astimezone(tz).date()
        lines: list[BirthdayLine] = []
        sent: dict[int, set[int]] = {}
        while first <= last:
            lines += [
                line
                for line in await self.month_list(session, first)
                if start.astimezone(tz).date() <= line.day <= last
            ]
            if first.year not in sent:
                sent[first.year] = await session.members.birthdays.cards_of_year(first.year)
            first = (first + timedelta(days=32)).replace(day=1)

        def sheets(language: Language, tz: ZoneInfo) -> list[Sheet]:
            if not lines:
                return []
            headers = tuple(
                translate(language, f"members.sheet.{column}")
                for column in ("day", "member", "joined", "years", "card")
            )
            rows = tuple(
                (
                    line.day,
                    line.person.display_name,
                    line.person.party_joined_on,
                    line.years,
                    translate(
                        language,
                        "members.sheet.sent"
                        if line.person.id in sent.get(line.day.year, set())
                        else "members.sheet.not_sent",
                    ),
                )
                for line in lines
            )
            return [Sheet("birthdays", translate(language, "members.sheet.title"), headers, rows)]

        return sheets

    async def _list_effect(self, firing: Firing) -> None:
        """A week before a month starts: its list to every secretary (nothing if empty)."""
        day = firing.due_at.astimezone(self._settings.community.tz).date()
        first = day + timedelta(days=LIST_DAYS_BEFORE)
        if first.day != 1:
            return
        session = firing.session
        lines = await self.month_list(session, first)
        if not lines:
            return
        deliveries = [
            Delivery(person.tg_user_id, person.id, list_message(Language(person.language), lines))
            for person in await secretaries_to_tell(session, self._settings.community)
        ]
        if deliveries:
            await queue_push(
                session,
                kind=LIST_KIND,
                title=f"{first:%Y-%m}",
                deliveries=deliveries,
                dedupe_prefix=f"{LIST_KIND}:{first:%Y-%m}",
                now=firing.now,
            )


def card_message(
    language: Language, person: PersonRow, years: int, day: date, community: str
) -> OutgoingMessage:
    """The greeting: the card (drawn at send time) with a short caption."""
    params = {"name": person.display_name, "years": years, "community": community}
    return OutgoingMessage(
        "members.card_caption",
        language,
        params,
        card={
            "renderer": BIRTHDAY_CARD,
            "params": {
                "title": translate(language, "members.card.title"),
                "salutation": translate(language, "members.card.salutation", **params),
                "years": translate(language, "members.card.years", **params),
                "oath_title": translate(language, "members.card.oath_title"),
                "oath": translate(language, "members.card.oath"),
                "community": community,
                "date": day_text(language, day),
            },
        },
    )


def list_message(language: Language, lines: list[BirthdayLine]) -> OutgoingMessage:
    """The secretaries' list of next month's Party birthdays."""
    first = lines[0].day.replace(day=1)
    rows = "\n".join(
        translate(
            language,
            "members.list_line",
            day=month_day_text(language, line.day),
            name=line.person.display_name,
            years=line.years,
        )
        for line in lines
    )
    month = spoken.month(language, first)
    return OutgoingMessage(
        "members.list", language, {"month": month, "count": len(lines), "lines": rows}
    )
