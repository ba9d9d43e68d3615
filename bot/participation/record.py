"""One record per person (我的参与): what a person did in a year, counted from each
feature's own tables; a secretary sees anyone's, and the community's table for a year
with a workbook for the democratic appraisal of members (民主评议) and the year's
volunteer recognition.

A year is the community's calendar year (its time zone), the current one by the clock
seam unless asked. What counts where:

- matters raised and supported, comments (not hidden), ratings given: by their date;
- votes cast: the poll book (that they voted, never what), in the year the vote opened;
- lessons: in the year they reached the member; studied on time (within
  ``[lessons] remind_after_days``) or late, the quiz score over the answered quizzes;
  make-ups attended;
- volunteer activities and hours: counted check-ins, by the activity's start; no-shows:
  signed up, the activity over, no check-in;
- sittings attended: a hook that counts nothing yet (no attendance data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from bot.clock import Clock, system_clock
from bot.community.calendar import local, local_moment, to_utc
from bot.community.register import Actor, Role
from bot.config import Settings
from bot.errors import UserFacingError
from storage import Storage
from storage.community.people import PersonRow
from storage.participation.records import MEASURES
from storage.session import Session

#: The years a record can be asked for.
FIRST_YEAR, LAST_YEAR = 2000, 2100
#: More people than any community has: the whole register in one read.
EVERYONE = 1_000_000


@dataclass(frozen=True)
class PersonRecord:
    """A person's participation in one year: measure -> number (see MEASURES)."""

    person: PersonRow
    year: int
    counts: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, measure: str) -> int:
        return self.counts.get(measure, 0)

    @property
    def lessons_studied(self) -> int:
        """Lessons studied, on time or late."""
        return self["lessons_on_time"] + self["lessons_late"]

    @property
    def quiz_percent(self) -> int | None:
        """The share of quiz questions answered right, in percent; None without a quiz."""
        questions = self["quiz_questions"]
        return round(100 * self["quiz_correct"] / questions) if questions else None

    @property
    def hours(self) -> float:
        """Volunteer hours, to a tenth."""
        return round(self["minutes"] / 60, 1)

    @property
    def empty(self) -> bool:
        """Nothing was counted."""
        return not any(self.counts.values())


@dataclass(frozen=True)
class CommunityTable:
    """Everyone's record for a year, and the totals."""

    year: int
    records: tuple[PersonRecord, ...]

    def total(self, measure: str) -> int:
        """The measure summed over everyone."""
        return sum(record[measure] for record in self.records)

    @property
    def active(self) -> int:
        """How many people have anything counted."""
        return sum(1 for record in self.records if not record.empty)

    def holding(self, role: Role) -> tuple[PersonRecord, ...]:
        """The records of those holding ``role``."""
        return tuple(r for r in self.records if role.value in r.person.roles)


class RecordService:
    """Participation records: one's own, anyone's (secretaries), the community's table."""

    def __init__(self, db: Storage, settings: Settings, clock: Clock = system_clock) -> None:
        self._db = db
        self._settings = settings
        self._clock = clock

    def current_year(self) -> int:
        """The community's current calendar year, by the clock seam."""
        return local(self._clock(), self._settings.community.tz).year

    def year_or_current(self, year: int | None) -> int:
        """``year`` if given (refused outside 2000-2100), else the current one."""
        if year is None:
            return self.current_year()
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise UserFacingError("participation.bad_year")
        return year

    def _period(self, year: int) -> tuple[datetime, datetime]:
        tz = self._settings.community.tz
        return (
            to_utc(local_moment(date(year, 1, 1), time(), tz)),
            to_utc(local_moment(date(year + 1, 1, 1), time(), tz)),
        )

    async def _measures(
        self, session: Session, year: int, person_id: int | None
    ) -> dict[int, dict[str, int]]:
        start, end = self._period(year)
        return await session.participation.records.measures(
            start,
            end,
            now=self._clock(),
            lesson_days=self._settings.lessons.remind_after_days,
            person_id=person_id,
        )

    async def of(self, actor: Actor, person_id: int | None, year: int | None) -> PersonRecord:
        """A person's record for ``year``: the actor's own, or (secretaries) anyone's."""
        me = actor.registered_person()
        if person_id is not None and person_id != me.id:
            actor.require(Role.SECRETARY, "participation.secretaries_only")
        target = me.id if person_id is None else person_id
        chosen = self.year_or_current(year)
        async with self._db.read() as session:
            person = await session.people.by_id(target)
            if person is None:
                raise UserFacingError("people.gone")
            counts = (await self._measures(session, chosen, target)).get(target, {})
        return PersonRecord(person, chosen, counts)

    async def table(self, actor: Actor, year: int | None) -> CommunityTable:
        """Every registered person's record for ``year`` (secretaries only)."""
        actor.require(Role.SECRETARY, "participation.secretaries_only")
        chosen = self.year_or_current(year)
        async with self._db.read() as session:
            people = await session.people.page(0, EVERYONE)
            measures = await self._measures(session, chosen, None)
        records = tuple(
            PersonRecord(person, chosen, measures.get(person.id, {})) for person in people
        )
        return CommunityTable(chosen, records)

    async def export(self, actor: Actor) -> dict[str, dict[str, int]]:
        """The actor's record for every year with something counted (for /export)."""
        me = actor.registered_person("me.not_registered")
        async with self._db.read() as session:
            years = [int(y) for y in await session.participation.records.active_years(me.id)]
            found: dict[str, dict[str, int]] = {}
            # A year in UTC text may be the next one in community time (New Year's night).
            for year in sorted({y for y in years} | {y + 1 for y in years}):
                if not FIRST_YEAR <= year <= LAST_YEAR:
                    continue
                counts = (await self._measures(session, year, me.id)).get(me.id, {})
                if any(counts.values()):
                    found[str(year)] = {m: counts.get(m, 0) for m in MEASURES}
        return found
