"""How schedules and moments are named to people: titles, spoken times, lead times."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot import spoken
from bot.community.forums import forum_name
from bot.config import Language
from bot.i18n import translate, translate_count
from storage.runtime.schedules import ScheduleRow

#: The built-in schedules of a forum (bot/runtime/scheduler/builtins.py), whose names
#: take the forum's name by the community's calendar: 周三议事亭提醒, 说事日开场.
FORUM_OF_KIND = {
    "session.reminder": "session",
    "sitting.session_open": "session",
    "sitting.session_close": "session",
    "talk_day.opening": "talk_day",
    "sitting.talk_day_close": "talk_day",
}


def spoken_time(
    moment: datetime, tz: ZoneInfo, language: Language, today: date | None = None
) -> str:
    """A moment as people say it (bot/spoken.py): 11月22日（周日）下午3点 / Sun 22 Nov, 3 pm;
    with ``today`` (the clock's local date) 明天（周日）… and another year's year."""
    return spoken.moment(language, moment, tz, today)


def lead_time(language: Language, minutes: int) -> str:
    """How long before, as people say it: 1 天, 2 小时, 30 分钟."""
    for unit, size in (("days", 1440), ("hours", 60)):
        if minutes >= size and minutes % size == 0:
            count = minutes // size
            return translate_count(language, f"schedule.lead.{unit}", count)
    return translate_count(language, "schedule.lead.minutes", minutes)


def schedule_title(
    schedule: ScheduleRow, language: Language, facts: dict[str, Any] | None = None
) -> str:
    """What a schedule is, as people call it, in ``language``.

    The catalog's ``schedule.kind.<kind>`` filled in with ``facts`` (the
    payload and what the kind's describer adds, see
    :meth:`SchedulerService.describe`); a schedule of a kind without a
    catalog name (a plain reminder) is called by its own title.
    """
    facts = dict(schedule.payload if facts is None else facts)
    if isinstance(facts.get("minutes"), int):
        facts["lead"] = lead_time(language, facts["minutes"])
    forum = FORUM_OF_KIND.get(schedule.kind)
    if forum is not None:
        facts.setdefault("forum", forum_name(language, forum))
    key = f"schedule.kind.{schedule.kind}"
    if schedule.kind == "message" or translate(language, key) == key:
        return schedule.title
    try:
        return translate(language, key, **facts)
    except (KeyError, IndexError, ValueError):
        # Facts the name needs are missing (an old row): its stored title.
        return schedule.title
