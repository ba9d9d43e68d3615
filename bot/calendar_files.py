"""Calendar files (.ics, RFC 5545) of an activity, a sitting or a make-up slot, so a
person can add it to their phone's calendar with one tap. No Telegram here.

Choices, for the phones our residents carry (iOS Calendar, Google Calendar on Android):

- The times are written on the community's wall clock with its zone named
  (``DTSTART;TZID=Asia/Shanghai:20261203T190000``) and the zone's VTIMEZONE in the
  file. Both phones know the IANA name and import it as the meeting's own zone, so
  a 19:00 meeting at the pavilion stays 19:00 Beijing time even on a phone set to
  another zone; the VTIMEZONE is there for clients that do not know the name
  (Outlook), as RFC 5545 asks. UTC would import right too, but would show the
  zone-less time to anyone reading the file.
- The UID is stable per object (``activity-12@<community>``): opening the file a
  second time updates the event already in the calendar instead of adding a twin.
- A reminder (VALARM, DISPLAY) an hour before: for elderly people it is the point.
- Escaping, line folding (75 octets, never inside a UTF-8 character) and the
  VTIMEZONE are icalendar's.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock, system_clock
from bot.community.calendar import local_moment, to_utc
from bot.community.forums import capitalised, forum_name
from bot.community.register import Actor
from bot.config import Language, Settings
from bot.errors import UserFacingError
from bot.i18n import translate
from storage import Storage

#: Our product identifier (RFC 5545 PRODID).
PRODID = "-//Pavilion//议事亭 bot//ZH"
#: The reminder before the start.
REMINDER = timedelta(hours=1)
#: Characters a file name cannot carry on common phones and desktops.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
#: The longest part of a file name taken from a title (characters).
MAX_NAME = 30


@dataclass(frozen=True)
class CalendarEntry:
    """One event as a calendar file shows it, in the person's language."""

    #: Unique per object and stable: ``activity-12``, ``sitting-session-20261203``, ``makeup-3``.
    key: str
    summary: str
    starts_at: datetime
    ends_at: datetime
    location: str
    description: str
    #: The reminder's text (VALARM DESCRIPTION).
    reminder: str
    #: The file name without ``.ics``, e.g. ``志愿活动-湖边清扫落叶``.
    name: str


def uid_domain(community: str) -> str:
    """The right-hand side of our UIDs, fixed per community and plain ASCII (some
    calendars mishandle other characters there): ``c-<hash of its name>.pavilion``."""
    digest = hashlib.sha256(community.strip().encode("utf-8")).hexdigest()[:12]
    return f"c-{digest}.pavilion"


def file_name(name: str) -> str:
    """A safe ``.ics`` file name from ``name`` (Chinese kept)."""
    cleaned = _UNSAFE.sub("-", name).strip(" .-")[:MAX_NAME] or "calendar"
    return f"{cleaned}.ics"


def ics_bytes(
    entry: CalendarEntry,
    *,
    tz: ZoneInfo,
    now: datetime,
    domain: str,
) -> bytes:
    """The calendar file of ``entry``: times on ``tz``'s wall clock with its VTIMEZONE,
    DTSTAMP ``now`` (UTC), a DISPLAY reminder :data:`REMINDER` before. (icalendar is
    imported here, at the first file, not at every start of the bot.)"""
    from icalendar import Alarm, Calendar, Event

    event = Event.new(
        uid=f"{entry.key}@{domain}",
        stamp=now.astimezone(ZoneInfo("UTC")),
        start=entry.starts_at.astimezone(tz),
        end=entry.ends_at.astimezone(tz),
        summary=entry.summary,
        location=entry.location or None,
        description=entry.description or None,
    )
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -REMINDER)
    alarm.add("description", entry.reminder)
    event.add_component(alarm)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    # The zone's rules around the event only (a short file), not since 1970.
    start = entry.starts_at.astimezone(tz).date()
    calendar.add_missing_timezones(
        first_date=start - timedelta(days=366), last_date=start + timedelta(days=366)
    )
    data: bytes = calendar.to_ical()
    return data


# --- the three kinds of event, from the database, in the person's language ------------------

#: The forums of a sitting, as written in a deep-link payload (``ics-s-20261203``).
FORUM_CODES = {"s": "session", "t": "talk_day"}
#: How long a make-up slot is shown in the calendar (slots have a start only).
MAKEUP_LENGTH = timedelta(hours=1)


@dataclass(frozen=True)
class CalendarFile:
    """A calendar file ready to send: its name and bytes."""

    filename: str
    data: bytes


class CalendarFiles:
    """The .ics file of an activity the person signed up for, of a sitting, of a make-up
    slot they booked; a short refusal (UserFacingError) for a cancelled or past one."""

    def __init__(self, db: Storage, settings: Settings, clock: Clock = system_clock) -> None:
        self._db = db
        self._settings = settings
        self._clock = clock
        self._tz = settings.community.tz
        self._domain = uid_domain(settings.community.name)

    def _file(self, entry: CalendarEntry) -> CalendarFile:
        data = ics_bytes(entry, tz=self._tz, now=self._clock(), domain=self._domain)
        return CalendarFile(file_name(entry.name), data)

    def _day(self, language: Language, moment: datetime) -> str:
        return self.day_name(language, moment.astimezone(self._tz).date())

    def day_name(self, language: Language, day: date) -> str:
        """ "12月3日" (English "12/3")."""
        return translate(language, "ics.day", month=day.month, day=day.day)

    async def activity(self, actor: Actor, activity_id: int) -> CalendarFile:
        """A volunteer activity the person signed up for (or waits for)."""
        person = actor.registered_person()
        language = actor.language
        async with self._db.read() as session:
            activity = await session.volunteering.activities.activity(activity_id)
            if activity is None:
                raise UserFacingError("vol.not_found")
            if activity.cancelled_at is not None:
                raise UserFacingError("ics.activity_cancelled", title=activity.title)
            if activity.ends_at <= self._clock():
                raise UserFacingError("vol.ended", title=activity.title)
            signup = await session.volunteering.signups.signup(activity.id, person.id)
        if signup is None or signup.state == "cancelled":
            raise UserFacingError("vol.not_signed", title=activity.title)
        return self._file(
            CalendarEntry(
                key=f"activity-{activity.id}",
                summary=translate(language, "ics.activity_summary", title=activity.title),
                starts_at=activity.starts_at,
                ends_at=activity.ends_at,
                location=activity.place,
                description=translate(
                    language,
                    "ics.activity_description",
                    description=activity.description or "",
                    community=self._settings.community.name,
                ).strip(),
                reminder=translate(language, "ics.reminder", title=activity.title),
                name=translate(language, "ics.activity_name", title=activity.title),
            )
        )

    def sitting_times(self, forum: str, day: date) -> tuple[datetime, datetime] | None:
        """When the sitting of ``forum`` on ``day`` runs (UTC), or None if there is none
        that day by the community's calendar."""
        calendar = self._settings.calendar
        if forum == "session" and day.weekday() == calendar.session_weekday_number:
            start, end = calendar.session_time, calendar.session_end_time
        elif forum == "talk_day" and day.day in calendar.talk_days:
            start, end = calendar.talk_day_time, calendar.talk_day_end_time
        else:
            return None
        return (
            to_utc(local_moment(day, start, self._tz)),
            to_utc(local_moment(day, end, self._tz)),
        )

    def next_sitting(self, forum: str = "session") -> date:
        """The day of the next (or running) sitting of ``forum``."""
        now = self._clock()
        day = now.astimezone(self._tz).date()
        for _ in range(400):
            times = self.sitting_times(forum, day)
            if times is not None and times[1] > now:
                return day
            day += timedelta(days=1)
        raise UserFacingError("ics.no_sitting")

    async def sitting(self, language: Language, forum: str, day: date) -> CalendarFile:
        """The weekly session (周四议事亭) or the talk day (逢四说事) of ``day``."""
        times = self.sitting_times(forum, day)
        if times is None:
            raise UserFacingError("ics.no_sitting")
        starts_at, ends_at = times
        if ends_at <= self._clock():
            raise UserFacingError("ics.sitting_past", day=self._day(language, starts_at))
        community = self._settings.community
        calendar = self._settings.calendar
        # The event's title names the forum as the community's calendar does (周三议事亭).
        title = translate(
            language,
            f"ics.{forum}_summary",
            community=community.name,
            forum=capitalised(forum_name(language, forum, calendar, held_on=day)),
        )
        return self._file(
            CalendarEntry(
                key=f"sitting-{forum}-{day:%Y%m%d}",
                summary=title,
                starts_at=starts_at,
                ends_at=ends_at,
                location=translate(language, "ics.sitting_location", community=community.name),
                description=translate(language, f"ics.{forum}_description"),
                reminder=title,
                name=translate(language, f"ics.{forum}_name", day=self._day(language, starts_at)),
            )
        )

    async def makeup(self, actor: Actor, slot_id: int) -> CalendarFile:
        """A make-up slot (补课) the member booked."""
        person = actor.registered_person()
        language = actor.language
        async with self._db.read() as session:
            slot = await session.makeup.slot(slot_id)
            if slot is None:
                raise UserFacingError("lesson.expired")
            booked = {b.person_id for b in await session.makeup.bookings(slot.id)}
            lesson = await session.lessons.get(slot.lesson_id)
        if person.id not in booked:
            raise UserFacingError("lesson.not_booked")
        if slot.starts_at <= self._clock():
            raise UserFacingError("lesson.slot_past")
        title = lesson.title if lesson is not None else ""
        return self._file(
            CalendarEntry(
                key=f"makeup-{slot.id}",
                summary=translate(language, "ics.makeup_summary", title=title),
                starts_at=slot.starts_at,
                ends_at=slot.starts_at + MAKEUP_LENGTH,
                location=slot.place,
                description=translate(language, "ics.makeup_description"),
                reminder=translate(language, "ics.makeup_summary", title=title),
                name=translate(
                    language, "ics.makeup_name", day=self._day(language, slot.starts_at)
                ),
            )
        )
