"""Which days are days off: mainland China's statutory holidays and make-up workdays
(调休), from the chinese-calendar library, with the community's own days as overrides.

This module is the only one that imports ``chinese_calendar``; the rest of the code
asks a :class:`Holidays`:

* :meth:`Holidays.is_workday` / :meth:`Holidays.is_rest_day`: a 调休 Saturday is a
  workday, a holiday's Monday a rest day;
* :meth:`Holidays.holiday_name`: "国庆节" / "National Day" for a day of a statutory
  holiday (or a make-up workday that belongs to one), None otherwise;
* :meth:`Holidays.day_off`: why a date is not worked (a named holiday, a local
  day off, the weekend), which the calendar's notices quote ("因国庆节顺延").

Precedence, highest first: ``extra_workdays`` (a local working day), then
``extra_holidays`` (a local day off), then the library, then plain weekends. The
library only knows the years it shipped with; for another year it raises
NotImplementedError, and such a year falls back to weekends plus the community's
lists, with one WARNING per year (upgrade chinese-calendar, or list the days in
``[calendar] extra_holidays`` / ``extra_workdays``).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from importlib import metadata

import chinese_calendar

__all__ = ["DayOff", "Holidays", "StatutoryCalendar", "library_version"]

log = logging.getLogger(__name__)

#: The library's Chinese names, as people say them in a sentence ("因中秋节顺延").
_SPOKEN_ZH = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}


@functools.cache
def library_version() -> str:
    """The installed chinese-calendar version (its data decides which years are known).
    Read once: every community's calendar fingerprint names it, and reading a package's
    metadata took 3 ms, 3 s at the start of a street of 1,000 communities."""
    try:
        return metadata.version("chinese-calendar")
    except metadata.PackageNotFoundError:  # pragma: no cover - installed with the project
        return "unknown"


@dataclass(frozen=True)
class DayOff:
    """Why a date is not a working day.

    ``kind`` is ``"holiday"`` (a statutory holiday: ``zh``/``en`` name it),
    ``"local"`` (listed in ``[calendar] extra_holidays``) or ``"weekend"``.
    """

    kind: str
    zh: str = ""
    en: str = ""

    @property
    def is_holiday(self) -> bool:
        """A holiday (statutory or local), not an ordinary weekend."""
        return self.kind in ("holiday", "local")


class StatutoryCalendar:
    """The library's answers, or None for a year it does not know (warned once a year:
    every community shares the process's one calendar, :data:`STATUTORY`)."""

    def __init__(self) -> None:
        self._warned: set[int] = set()
        self._names = {h.value: (str(h.chinese), str(h.value)) for h in chinese_calendar.Holiday}

    def _known(self, day: date) -> bool:
        try:
            chinese_calendar.is_workday(day)
        except NotImplementedError:
            if day.year not in self._warned:
                self._warned.add(day.year)
                log.warning(
                    "chinese-calendar %s has no statutory holidays for %d: weekends only for "
                    "that year. Upgrade chinese-calendar, or list the year's days in "
                    "[calendar] extra_holidays and extra_workdays.",
                    library_version(),
                    day.year,
                )
            return False
        return True

    def is_workday(self, day: date) -> bool | None:
        """Whether the State Council's calendar works on ``day``; None for an unknown year."""
        if not self._known(day):
            return None
        return bool(chinese_calendar.is_workday(day))

    def holiday(self, day: date) -> tuple[str, str] | None:
        """(Chinese, English) name of the holiday ``day`` belongs to, rest day or 调休 workday."""
        if not self._known(day):
            return None
        _off, name = chinese_calendar.get_holiday_detail(day)
        if name is None:
            return None
        zh, en = self._names.get(name, (str(name), str(name)))
        return _SPOKEN_ZH.get(zh, zh), en


#: The one statutory calendar of the process: a street of a thousand communities warns
#: of a year the library does not know once, not once per community.
STATUTORY = StatutoryCalendar()


@dataclass(frozen=True)
class Holidays:
    """The community's days off: statutory ones (unless ``statutory`` is None) and its own.

    ``extra_workdays`` win over everything (a date in both lists is a working day,
    as before), ``extra_holidays`` over the library.
    """

    extra_holidays: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()
    statutory: StatutoryCalendar | None = field(default=None, compare=False)

    @classmethod
    def of(
        cls,
        *,
        extra_holidays: Collection[date] = (),
        extra_workdays: Collection[date] = (),
        statutory: bool = True,
    ) -> Holidays:
        """A community's days off, with the library's when ``statutory``."""
        return cls(
            frozenset(extra_holidays),
            frozenset(extra_workdays),
            STATUTORY if statutory else None,
        )

    def is_workday(self, day: date) -> bool:
        """Whether ``day`` is worked: a 调休 Saturday is, a holiday's Monday is not."""
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays:
            return False
        if self.statutory is not None:
            known = self.statutory.is_workday(day)
            if known is not None:
                return known
        return day.weekday() < 5

    def is_rest_day(self, day: date) -> bool:
        """Whether ``day`` is a day off (weekend or holiday, unless worked in lieu)."""
        return not self.is_workday(day)

    def holiday_name(self, day: date, language: str = "zh_Hans") -> str | None:
        """The statutory holiday ``day`` belongs to ("国庆节" / "National Day"), or None.

        A make-up workday is named by the holiday it makes up for; a local day
        off and an ordinary weekend have no name.
        """
        if self.statutory is None or day in self.extra_workdays or day in self.extra_holidays:
            return None
        names = self.statutory.holiday(day)
        if names is None:
            return None
        return names[1] if language == "en" else names[0]

    def day_off(self, day: date) -> DayOff | None:
        """Why ``day`` is not worked; None if it is a workday."""
        if self.is_workday(day):
            return None
        if day in self.extra_holidays:
            return DayOff("local")
        zh, en = self.holiday_name(day), self.holiday_name(day, "en")
        if zh is not None and en is not None:
            return DayOff("holiday", zh, en)
        return DayOff("weekend")

    def is_holiday(self, day: date) -> bool:
        """A day off that is a holiday (statutory or local), not an ordinary weekend."""
        off = self.day_off(day)
        return off is not None and off.is_holiday

    def fingerprint(self) -> list[object]:
        """What due times derived from these days depend on (for schedule fingerprints)."""
        return [
            library_version() if self.statutory is not None else None,
            sorted(d.isoformat() for d in self.extra_holidays),
            sorted(d.isoformat() for d in self.extra_workdays),
        ]
