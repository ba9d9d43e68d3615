"""Dates, times, durations, numbers and lists as people say them, per language.

Every display of a day, a moment, a time range, a duration, a sum of hours or a
list of names goes through here, so they read alike everywhere and follow the
language's CLDR rules (through Babel) rather than tables of our own:

- :func:`day`: 12月3日（周四）, 明天（周四） / Thu 3 Dec, tomorrow (Thu)
- :func:`moment`: 12月3日（周四）晚上7点30分 / Thu 3 Dec, 7:30 pm
- :func:`month_day`: 12月3日 / 3 Dec; :func:`month`: 2026年11月 / November 2026
- :func:`clock`: 晚上7点, 上午9点05分 / 7 pm, 9:05 am
- :func:`span`: 12月3日（周四）晚上7点–8点30分 / Thu 3 Dec, 7–8:30 pm
- :func:`duration`: 1 小时 15 分, 45 分钟 / 1 hour 15 minutes, 45 minutes
- :func:`decimal_hours`, :func:`hours_total`: 12.5, 12.5 小时 / 12.5 hours, 1 hour
- :func:`count`: 3 comments, 1 comment (a bare 3 in Chinese, whose sentence has 条)
- :func:`yuan`: an amount kept in fen (分): 12,000 元, 3,200.50 元 / ¥12,000, ¥3,200.50
- :func:`names`: 张三、李四和王五 / Zhang, Li and Wang
- :func:`weekday_name`, :func:`days_of_month`: 周四, 4、14、24日 / Thursday, 4th, 14th and 24th

English is British English (CLDR ``en_GB``): day before month as in "Thu 3 Dec",
"7 pm", and no comma before "and". Chinese times carry CLDR's day periods
(凌晨/早上/上午/中午/下午/晚上, Babel's pattern ``B``) on the 12-hour clock, with
people's 点 and 分 instead of CLDR's "晚上7:30".

"Today" is always passed in (from the clock seam, ``ctx.clock()`` in the
community's zone), never read from the wall clock: with it a day near today is
named relatively (今天/明天/昨天) and a day of another year carries its year.
Without it no day is relative and none shows its year.

No Telegram here; the texts are plain (escape them as any other value).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.lists import format_list
from babel.numbers import format_decimal

from bot.config import Language
from bot.i18n import LOCALES, translate, translate_count

#: Days named relatively, by their distance from today.
_RELATIVE = {-1: "spoken.yesterday", 0: "spoken.today", 1: "spoken.tomorrow"}


def locale(language: Language) -> Locale:
    """The Babel locale of ``language``."""
    return Locale.parse(LOCALES[language])


def weekday(language: Language, when: date) -> str:
    """The short name of the day of the week: 周四 / Thu."""
    return format_date(when, "EEE", locale=LOCALES[language])


def weekday_name(language: Language, number: int) -> str:
    """A day of the week by its number (Monday = 0), as a rule names it: 周四 / Thursday
    ("每周四", "every Thursday")."""
    reference = date(2024, 1, 1 + number)  # 2024-01-01 was a Monday
    return format_date(
        reference, "EEE" if language is Language.ZH_HANS else "EEEE", locale=LOCALES[language]
    )


def days_of_month(language: Language, days: Iterable[int]) -> str:
    """Days of every month: 4、14、24日 / 4th, 14th and 24th."""
    ordered = sorted(days)
    if language is Language.ZH_HANS:
        return "、".join(str(n) for n in ordered) + "日"
    return format_list([_ordinal(n) for n in ordered], locale=LOCALES[language])


def _ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st (English)."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def day(
    language: Language,
    when: date,
    today: date | None = None,
    *,
    relative: bool = True,
    year: bool = False,
) -> str:
    """A day: 12月3日（周四）, 明天（周四）, 2027年1月5日（周二） / Thu 3 Dec, tomorrow (Thu).

    Relative (yesterday, today, tomorrow) when ``today`` is given and the day is
    that near, unless ``relative`` is off (a card that stays in a group for days
    must not say 明天); with the year when ``today`` is of another year, or always
    with ``year`` (a record such as the minutes: 2026年12月3日（周四）).
    """
    if isinstance(when, datetime):
        raise TypeError("day() takes a date; use moment() or .date() of a local datetime")
    if today is not None and relative:
        near = _RELATIVE.get((when - today).days)
        if near is not None:
            return translate(language, near, weekday=weekday(language, when))
    other_year = year or (today is not None and when.year != today.year)
    if language is Language.ZH_HANS:
        dated = format_skeleton("yMMMd" if other_year else "MMMd", when, locale=LOCALES[language])
        return f"{dated}（{weekday(language, when)}）"
    return format_skeleton("yMMMEd" if other_year else "MMMEd", when, locale=LOCALES[language])


def stored_day(language: Language, text: str, today: date | None = None) -> str:
    """A day stored as YYYY-MM-DD, said as :func:`day` does (the text itself if it is not
    one)."""
    try:
        return day(language, date.fromisoformat(text), today)
    except ValueError:
        return text


def month_day(language: Language, when: date) -> str:
    """A day of the month without weekday or year: 12月3日 / 3 Dec (where the weekday
    is plain, as in 今天（12月3日）)."""
    return format_skeleton("MMMd", when, locale=LOCALES[language])


def long_day(language: Language, when: date) -> str:
    """A day in history, month written out, no weekday: 2001年7月1日 / 1 July 2001."""
    return format_date(when, "long", locale=LOCALES[language])


def long_month_day(language: Language, when: date) -> str:
    """A yearly day, month written out: 7月1日 / 1 July."""
    return format_skeleton("MMMMd", when, locale=LOCALES[language])


def clock(language: Language, at: time | datetime, tz: ZoneInfo | None = None) -> str:
    """A time of day: 晚上7点, 晚上7点30分, 上午9点05分 / 7 pm, 7:30 pm.

    A datetime is read in ``tz`` (its own zone without one).
    """
    if isinstance(at, datetime):
        at = at.astimezone(tz).time() if tz is not None else at.time()
    if language is Language.ZH_HANS:
        return _period(at) + _zh_hour(at)
    return _en_hour(at) + " " + _en_half(at)


def moment(
    language: Language,
    at: datetime,
    tz: ZoneInfo,
    today: date | None = None,
    *,
    relative: bool = True,
) -> str:
    """A day and its time: 12月3日（周四）晚上7点 / Thu 3 Dec, 7 pm; 明天（周四）上午9点."""
    local = at.astimezone(tz)
    return translate(
        language,
        "spoken.moment",
        day=day(language, local.date(), today, relative=relative),
        time=clock(language, local.time()),
    )


def clock_range(language: Language, start: time, end: time) -> str:
    """Two times of one day: 晚上7点–8点30分, 下午2点–晚上8点 / 7–8:30 pm, 11 am – 1 pm."""
    if language is Language.ZH_HANS:
        first, second = _period(start), _period(end)
        tail = _zh_hour(end) if first == second else second + _zh_hour(end)
        return f"{first}{_zh_hour(start)}–{tail}"
    if _en_half(start) == _en_half(end):
        return f"{_en_hour(start)}–{_en_hour(end)} {_en_half(end)}"
    return f"{clock(language, start)} – {clock(language, end)}"


def span(
    language: Language,
    start: datetime,
    end: datetime,
    tz: ZoneInfo,
    today: date | None = None,
    *,
    relative: bool = True,
) -> str:
    """From ``start`` to ``end``: on one day 12月3日（周四）晚上7点–8点30分 /
    Thu 3 Dec, 7–8:30 pm; across days both moments in full."""
    first, last = start.astimezone(tz), end.astimezone(tz)
    if first.date() == last.date():
        return translate(
            language,
            "spoken.moment",
            day=day(language, first.date(), today, relative=relative),
            time=clock_range(language, first.time(), last.time()),
        )
    return " – ".join(moment(language, at, tz, today, relative=relative) for at in (first, last))


def month(language: Language, when: date) -> str:
    """A month of a year: 2026年11月 / November 2026."""
    return format_skeleton("yMMMM", when, locale=LOCALES[language])


def duration(language: Language, minutes: int) -> str:
    """A length of time: 1 小时 15 分, 45 分钟, 2 小时 / 1 hour 15 minutes, 45 minutes.

    The plural forms are CLDR's (see :func:`bot.i18n.translate_count`).
    """
    hours, rest = divmod(max(minutes, 0), 60)
    if not hours:
        return translate_count(language, "spoken.minutes", rest)
    if not rest:
        return translate_count(language, "spoken.hours", hours)
    return translate(
        language,
        "spoken.hours_minutes",
        hours=translate_count(language, "spoken.hours", hours),
        minutes=translate_count(language, "spoken.minutes_after_hours", rest),
    )


def count(language: Language, noun: str, amount: int) -> str:
    """A number of things inside a sentence: "3 comments", "1 comment" in English (CLDR's
    plural forms, the catalog's ``count.<noun>``); in Chinese the bare number, since the
    sentence holds its measure word (讨论 {comments} 条)."""
    return translate_count(language, f"count.{noun}", amount)


def number(language: Language, value: int | float | Decimal) -> str:
    """A number with the language's separators: 1,234.5."""
    return format_decimal(value, locale=LOCALES[language])


def yuan(language: Language, fen: int) -> str:
    """An amount of money kept as integer fen (分), in 元 with the language's separators:
    1200000 → 12,000 元, 320050 → 3,200.50 元, -50000 → -500 元 / ¥12,000, ¥3,200.50. Whole
    yuan are said without 分; otherwise both decimals are shown."""
    value = Decimal(fen) / 100
    pattern = "#,##0" if fen % 100 == 0 else "#,##0.00"
    amount = format_decimal(value, format=pattern, locale=LOCALES[language])
    return translate(language, "spoken.yuan", amount=amount)


def _tenths(minutes: int) -> Decimal:
    """Minutes as hours to a tenth, without a trailing .0 (so 1 hour is "one")."""
    tenths = (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return tenths.quantize(Decimal(1)) if tenths == tenths.to_integral_value() else tenths


def decimal_hours(language: Language, minutes: int) -> str:
    """A sum of minutes as hours to a tenth, for reports: 750 → 12.5, 90 → 1.5, 120 → 2."""
    return format_decimal(_tenths(minutes), format="#,##0.#", locale=LOCALES[language])


def hours_total(language: Language, minutes: int) -> str:
    """A sum of hours with its unit, for reports: 12.5 小时 / 12.5 hours, 1 hour."""
    return translate_count(
        language, "spoken.hours", _tenths(minutes), count=decimal_hours(language, minutes)
    )


def names(language: Language, items: Iterable[str]) -> str:
    """People or things in a row: 张三、李四和王五 / Zhang, Li and Wang."""
    listed = list(items)
    return format_list(listed, locale=LOCALES[language]) if listed else ""


def local_date(at: datetime, tz: ZoneInfo) -> date:
    """The community's calendar day of a moment (for ``today`` from ``ctx.clock()``)."""
    return at.astimezone(tz).date()


# --- the pieces ------------------------------------------------------------------------------


def _period(at: time) -> str:
    """CLDR's Chinese day period of a time: 凌晨, 早上, 上午, 中午, 下午, 晚上 (午夜 at 0:00)."""
    return format_time(at, "B", locale=LOCALES[Language.ZH_HANS])


def _zh_hour(at: time) -> str:
    """7点, 7点30分, 9点05分 on the 12-hour clock; 0点30分 just after midnight (凌晨0点30分,
    not CLDR's 凌晨12点30分, which reads as noon's)."""
    hour = at.hour % 12 or (0 if at.hour == 0 and at.minute else 12)
    return f"{hour}点" + (f"{at.minute:02d}分" if at.minute else "")


def _en_hour(at: time) -> str:
    """7 or 7:30 on the 12-hour clock."""
    hour = at.hour % 12 or 12
    return f"{hour}:{at.minute:02d}" if at.minute else str(hour)


def _en_half(at: time) -> str:
    """am or pm, as en_GB writes them."""
    return format_time(at, "a", locale=LOCALES[Language.EN])
