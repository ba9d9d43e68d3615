"""What a community calls its two forums, by its own calendar (no I/O, no Telegram).

The practices are named after their days: the weekly session is 周四议事亭 because
the first community meets on Thursdays, and 逢四说事 ("talk on the fourth") is held on
the 4th, 14th and 24th. A community of the street that chose another rhythm with
/calendar (bot/community/calendar_choices.py) must not read "周四" when it meets on
Wednesdays, so every text naming a forum takes its name from here, as a placeholder:

* the session: 每周的那一天 + 议事亭: 周三议事亭 / Wednesday pavilion;
* the talk day: 逢四说事 / talk on the fourth only when the talk days are exactly the
  4th, 14th and 24th; any other days are 说事日 / talk day. Why that word: it is what
  the /calendar screen already calls these days (🗓 说事日), it is plain speech an
  elderly resident reads at once ("今天是说事日"), and it claims no digit the days do
  not have. (A rule such as 逢五说事 for the 5th, 15th and 25th would read well too,
  but breaks for days like 1, 8 and 20; one plain word is never wrong.)

The calendar is the current community's (:data:`bot.config.current_calendar`, set for
each unit of work by ``Communities.enter``); outside any community, the defaults
(Thursday; 4, 14, 24), which are also the configuration's unless the file changes them.
"""

from __future__ import annotations

from datetime import date

from bot import spoken
from bot.config import CalendarSettings, Language, current_calendar
from bot.i18n import parse_language, translate

__all__ = [
    "TALK_ON_THE_FOURTH",
    "calendar_in_force",
    "capitalised",
    "forum_name",
    "forum_names",
    "session_name",
    "talk_day_name",
    "talk_day_word",
]

#: The talk days that give 逢四说事 its name.
TALK_ON_THE_FOURTH = frozenset({4, 14, 24})

_DEFAULT = CalendarSettings()


def calendar_in_force(calendar: CalendarSettings | None = None) -> CalendarSettings:
    """``calendar``, else the current community's, else the defaults."""
    if calendar is not None:
        return calendar
    return current_calendar.get() or _DEFAULT


def _on_the_fourth(calendar: CalendarSettings) -> bool:
    return frozenset(calendar.talk_days) == TALK_ON_THE_FOURTH


def session_name(
    language: Language | str,
    calendar: CalendarSettings | None = None,
    *,
    held_on: date | None = None,
) -> str:
    """The weekly session: 周四议事亭 / Thursday pavilion, by its day of the week.

    ``held_on``: the local date of one sitting (a record: the minutes, the ledger), whose
    own weekday names it even after the community moved its session to another day.
    """
    weekday = held_on.weekday() if held_on else calendar_in_force(calendar).session_weekday_number
    return translate(
        language,
        "matter.forum.session",
        weekday=spoken.weekday_name(parse_language(language), weekday),
    )


def talk_day_name(language: Language | str, calendar: CalendarSettings | None = None) -> str:
    """The talk day as a forum: 逢四说事 / talk on the fourth, else 说事日 / talk day."""
    plain = not _on_the_fourth(calendar_in_force(calendar))
    return translate(language, "matter.forum.talk_day_plain" if plain else "matter.forum.talk_day")


def talk_day_word(language: Language | str, calendar: CalendarSettings | None = None) -> str:
    """One such day, as in "今天是…": 逢四说事日 / talk-on-the-fourth day, else 说事日 /
    talk day."""
    plain = not _on_the_fourth(calendar_in_force(calendar))
    key = "matter.forum_day.talk_day_plain" if plain else "matter.forum_day.talk_day"
    return translate(language, key)


def forum_name(
    language: Language | str,
    forum: str | None,
    calendar: CalendarSettings | None = None,
    *,
    held_on: date | None = None,
) -> str:
    """A forum (``"session"`` or ``"talk_day"``, as matters and sittings store it) by name."""
    if forum == "session":
        return session_name(language, calendar, held_on=held_on)
    if forum == "talk_day":
        return talk_day_name(language, calendar)
    return translate(language, f"matter.forum.{forum}")


def forum_names(
    language: Language | str, calendar: CalendarSettings | None = None
) -> dict[str, str]:
    """The placeholders texts naming both forums take: ``session_forum``, ``talk_forum``,
    ``talk_day`` (one talk day, see :func:`talk_day_word`) and ``session_weekday`` (周四 /
    Thursday)."""
    weekday = calendar_in_force(calendar).session_weekday_number
    return {
        "session_weekday": spoken.weekday_name(parse_language(language), weekday),
        "session_forum": session_name(language, calendar),
        "talk_forum": talk_day_name(language, calendar),
        "talk_day": talk_day_word(language, calendar),
    }


def capitalised(name: str) -> str:
    """A name at the start of a title or a button: "Talk day" (Chinese is unchanged)."""
    return name[:1].upper() + name[1:]
