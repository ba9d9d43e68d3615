"""Which days and times a secretary is offered as buttons when a flow asks for a date.

The picker (handlers/datepicker/) shows, first, the days of the coming week by
the names people use — 今天（周二）, 明天（周三）, 本周四, 下周一 … — with a
holiday or a sitting (议事亭, 逢四说事) noted on its button, and "下周 ▶" for
the days of the following weeks; then, where the flow needs a time, the usual
times (上午9点 … 晚上7点半), and where it needs an end, how long.

The choice becomes the text a secretary would have typed ("2026-12-02 19:00")
and goes through the flow's own rules, so nothing here decides what is allowed:
the offer only leaves out what cannot be chosen any more (today's times that
have passed).

Labels are formatted here by :func:`day_label` and :func:`clock_label` (the
words come from the catalogs, bot/locales/datepicker.pot and en/datepicker.po).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from bot import spoken
from bot.community.calendar import CommunityCalendar, local_moment
from bot.community.calendar_notes import spoken_date
from bot.community.holidays import DayOff
from bot.config import Language
from bot.i18n import parse_language, translate

#: The times offered as buttons, in the order shown.
TIMES: tuple[time, ...] = (time(9), time(10), time(14), time(15), time(19), time(19, 30))
#: How long an event with an end lasts, in minutes (the end buttons).
DURATIONS: tuple[int, ...] = (60, 90, 120, 180, 240)
#: Days on the first screen (today and the six after it).
FIRST_DAYS = 7
#: How many weeks ahead the "下周 ▶" pages go.
MAX_WEEKS = 12


class Needs(StrEnum):
    """What a flow asks for: a day; a day and a time; a day, a start and an end; or a
    day up to today (what happened: spending), offered looking back."""

    DATE = "date"
    PAST = "past"
    MOMENT = "moment"
    SPAN = "span"


@dataclass(frozen=True)
class DayChoice:
    """One day button: the day, how people name it, and what is on that day."""

    day: date
    #: "today", "tomorrow", "yesterday", "this_week", "next_week", "last_week" or "later".
    name: str
    #: A holiday (statutory or the community's own), not an ordinary weekend.
    off: DayOff | None = None
    #: "session" (议事亭) or "talk_day" (逢四说事) held that day, or None.
    sitting: str | None = None


def name_of(day: date, today: date) -> str:
    """How people name ``day`` seen from ``today``: 今天, 明天, 昨天, 本周四, 下周四, 上周四,
    or its date."""
    if day == today:
        return "today"
    if day == today + timedelta(days=1):
        return "tomorrow"
    if day == today - timedelta(days=1):
        return "yesterday"
    monday = today - timedelta(days=today.weekday())
    if monday <= day < monday + timedelta(days=7):
        return "this_week"
    if monday + timedelta(days=7) <= day < monday + timedelta(days=14):
        return "next_week"
    if monday - timedelta(days=7) <= day < monday:
        return "last_week"
    return "later"


def _choices(days: list[date], today: date, calendar: CommunityCalendar) -> list[DayChoice]:
    """The days with their names, holidays and sittings."""
    if not days:
        return []
    tz = calendar.tz
    after = local_moment(days[0], time(0), tz) - timedelta(seconds=1)
    until = local_moment(days[-1], time(23, 59), tz)
    sittings: dict[date, str] = {}
    for moment in calendar.talk_days_between(after, until):
        sittings[moment.astimezone(tz).date()] = "talk_day"
    for moment in calendar.sessions(after, until):
        sittings[moment.astimezone(tz).date()] = "session"
    holidays = calendar.holidays
    chosen: list[DayChoice] = []
    for day in days:
        off = holidays.day_off(day) if holidays is not None else None
        chosen.append(
            DayChoice(
                day,
                name_of(day, today),
                off if off is not None and off.is_holiday else None,
                sittings.get(day),
            )
        )
    return chosen


def first_days(
    now: datetime, calendar: CommunityCalendar, needs: Needs = Needs.DATE
) -> list[DayChoice]:
    """The first screen: today (if a time is still left today) and the six days after it;
    looking back (:attr:`Needs.PAST`), today and the six days before it, latest first."""
    local = now.astimezone(calendar.tz)
    today = local.date()
    if needs is Needs.PAST:
        back = [today - timedelta(days=days_back) for days_back in range(FIRST_DAYS)]
        return _choices(sorted(back), today, calendar)[::-1]
    days = [today + timedelta(days=offset) for offset in range(FIRST_DAYS)]
    if needs is not Needs.DATE and not times_on(today, now, calendar):
        days = days[1:]
    return _choices(days, today, calendar)


def week_days(
    now: datetime, calendar: CommunityCalendar, week: int, *, past: bool = False
) -> list[DayChoice]:
    """Monday to Sunday of the week ``week`` weeks after this one (1: next week); ``past``:
    of the week ``week`` weeks before the first screen's days, Sunday to Monday."""
    today = now.astimezone(calendar.tz).date()
    week = min(max(week, 1), MAX_WEEKS)
    if past:
        last = today - timedelta(days=FIRST_DAYS * week)
        days = [last - timedelta(days=back) for back in range(7)]
        return _choices(sorted(days), today, calendar)[::-1]
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=week)
    return _choices([monday + timedelta(days=offset) for offset in range(7)], today, calendar)


def times_on(day: date, now: datetime, calendar: CommunityCalendar) -> list[time]:
    """The times offered on ``day``: all of them, but today only those still ahead."""
    return [at for at in TIMES if local_moment(day, at, calendar.tz) > now]


def ends_after(start: time) -> list[tuple[time, int]]:
    """The end buttons after ``start``: (end, minutes), ending the same day."""
    base = datetime.combine(date(2000, 1, 1), start)
    ends: list[tuple[time, int]] = []
    for minutes in DURATIONS:
        end = base + timedelta(minutes=minutes)
        if end.date() == base.date():
            ends.append((end.time(), minutes))
    return ends


def typed_day(day: date) -> str:
    """A day as a secretary types it: 2026-12-02."""
    return day.isoformat()


def typed_clock(at: time) -> str:
    """A time as a secretary types it: 19:00."""
    return f"{at:%H:%M}"


# --- labels (one place to switch to the shared formatters) ------------------------------


def _weekday(day: date, language: Language | str) -> str:
    return spoken.weekday(parse_language(language), day)


def day_label(choice: DayChoice, language: Language | str) -> str:
    """A day button: 明天 12月2日（周三）, 本周四 12月3日 · 议事亭 / Tomorrow (Wed 2 Dec)."""
    label = translate(
        language,
        f"picker.day.{choice.name}",
        date=spoken_date(choice.day, language),
        weekday=_weekday(choice.day, language),
    )
    if choice.off is not None:
        english = parse_language(language) is Language.EN
        name = (choice.off.en if english else choice.off.zh) or translate(
            language, "calendar.reason.local"
        )
        label = translate(language, "picker.holiday", label=label, holiday=name)
    if choice.sitting is not None:
        label = translate(language, f"picker.{choice.sitting}", label=label)
    return label


def day_title(day: date, today: date, language: Language | str) -> str:
    """A chosen day, in a screen's text: 明天 12月2日（周三）."""
    return translate(
        language,
        f"picker.day.{name_of(day, today)}",
        date=spoken_date(day, language),
        weekday=_weekday(day, language),
    )


def clock_label(at: time, language: Language | str) -> str:
    """A time as people say it: 上午9点, 下午2点, 晚上7点半 / 9 am, 7:30 pm."""
    hour, minute = at.hour, at.minute
    if hour < 12:
        period = "morning"
    elif hour == 12:
        period = "noon"
    elif hour < 18:
        period = "afternoon"
    else:
        period = "evening"
    twelve = hour % 12 or 12
    if minute == 0:
        minutes = ""
    elif minute == 30:
        minutes = translate(language, "picker.clock.half")
    else:
        minutes = translate(language, "picker.clock.minutes", minute=f"{minute:02d}")
    return translate(language, f"picker.clock.{period}", hour=twelve, minutes=minutes)


def length_label(minutes: int, language: Language | str) -> str:
    """How long: 1小时, 1个半小时 / 1 h, 1.5 h."""
    hours, rest = divmod(minutes, 60)
    key = "picker.length.half" if rest == 30 else "picker.length.hours"
    return translate(language, key, hours=hours)
