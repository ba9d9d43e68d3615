"""Tests for bot.community.calendar: hand-worked examples and properties against reference scans.

The reference implementations below are deliberately naive and share no code
with the module: a wall-clock time is resolved by scanning UTC instants 15
minutes apart (every offset of the zones used here is a multiple of 15
minutes), occurrences are found by walking day by day, and the Party day is
the best date of its window by an explicit sort key. Results are compared by
their ISO form, which includes the UTC offset, because Python compares two
datetimes sharing a tzinfo by wall clock and would not notice a wrong fold.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.community.calendar import (
    THURSDAY,
    CommunityCalendar,
    Offset,
    PartyDayRules,
    apply_offset,
    is_working_day,
    local,
    local_moment,
    next_party_day,
    next_talk_day,
    next_weekly,
    occurrences,
    parse_offset,
    party_day,
    to_utc,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
ZONE_NAMES = ["Asia/Shanghai", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC"]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)

PROPERTY = settings(max_examples=200, deadline=None)


# --- reference implementations -----------------------------------------------------------------


def since_epoch(moment: datetime) -> timedelta:
    """The instant as exact elapsed time since 1970 (no float rounding, no wall-clock compare)."""
    return moment - EPOCH


def ref_resolve(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The earliest instant whose wall clock in tz reads day+at; in a gap, the pre-gap offset.

    Scans the UTC instants wall-15h .. wall+15h in 15-minute steps; the wall
    reading is carried as a UTC-labelled datetime only to do arithmetic on it.
    """
    wall = datetime.combine(day, at.replace(fold=0), tzinfo=UTC)
    probe = wall - timedelta(hours=15)
    offset_before = None
    while probe <= wall + timedelta(hours=15):
        shown = probe.astimezone(tz)
        reading = shown.replace(tzinfo=UTC, fold=0)
        if reading == wall:
            return shown
        if reading < wall:
            offset_before = shown.utcoffset()
        probe += timedelta(minutes=15)
    assert offset_before is not None
    return (wall - offset_before).astimezone(tz)


def ref_next_weekly(after: datetime, weekday: int, at: time, tz: ZoneInfo) -> datetime:
    """Walk day by day from the day before after's local date."""
    day = after.astimezone(tz).date() - timedelta(days=2)
    for _ in range(20):
        if day.weekday() == weekday:
            candidate = ref_resolve(day, at, tz)
            if since_epoch(candidate) > since_epoch(after):
                return candidate
        day += timedelta(days=1)
    raise AssertionError("no weekly occurrence within 20 days")


def ref_next_talk_day(after: datetime, days: Collection[int], at: time, tz: ZoneInfo) -> datetime:
    """Walk day by day; a day counts if its day-of-month number is listed."""
    day = after.astimezone(tz).date() - timedelta(days=2)
    for _ in range(800):
        if day.day in days:
            candidate = ref_resolve(day, at, tz)
            if since_epoch(candidate) > since_epoch(after):
                return candidate
        day += timedelta(days=1)
    raise AssertionError("no talk day within 800 days")


def ref_working(d: date, holidays: Collection[date], workdays: Collection[date]) -> bool:
    """Saturday and Sunday are isoweekday 6 and 7."""
    return d in workdays or (d.isoweekday() not in (6, 7) and d not in holidays)


def ref_last_day(year: int, month: int) -> int:
    """The last day of the month, by stepping back from the first of the next one."""
    first_next = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return (first_next - timedelta(days=1)).day


def ref_party(year: int, month: int, rules: PartyDayRules) -> tuple[date, date, bool]:
    """(original, chosen, no_working_day): the best working date of the window by sort key."""
    original = date(year, month, min(rules.day, ref_last_day(year, month)))
    if ref_working(original, rules.holidays, rules.workdays):
        return original, original, False
    window = [original + timedelta(days=k) for k in range(-rules.max_shift, rules.max_shift + 1)]
    good = [d for d in window if ref_working(d, rules.holidays, rules.workdays)]
    if not good:
        return original, original, True

    def key(d: date) -> tuple[int, bool]:
        distance = abs((d - original).days)
        on_unpreferred_side = d > original if rules.prefer == "earlier" else d < original
        return distance, on_unpreferred_side

    return original, min(good, key=key), False


def month_shift(year: int, month: int, delta: int) -> tuple[int, int]:
    """(year, month) moved by delta months."""
    months = year * 12 + month - 1 + delta
    return months // 12, months % 12 + 1


# --- strategies --------------------------------------------------------------------------------

zones = st.sampled_from(ZONE_NAMES).map(ZoneInfo)
TRICKY_TIMES = [
    time(0, 0),
    time(1, 30),
    time(2, 0),
    time(2, 15),
    time(2, 30),
    time(3, 0),
    time(19, 0),
    time(23, 59, 59, 999_999),
]
wall_times = st.one_of(
    st.sampled_from(TRICKY_TIMES),
    st.builds(time, st.integers(0, 23), st.integers(0, 59)),
    st.times(),
)


@functools.cache
def transitions(key: str, year: int) -> tuple[datetime, ...]:
    """The exact UTC instants at which zone `key` changes its UTC offset during `year`.

    Walks UTC noons to find the day, then bisects that day's minutes.
    """
    tz = ZoneInfo(key)

    def offset(instant: datetime) -> timedelta | None:
        return instant.astimezone(tz).utcoffset()

    noon = datetime(year, 1, 1, 12, tzinfo=UTC)
    found = []
    for _ in range(366):
        later = noon + timedelta(days=1)
        if offset(later) != offset(noon):
            low, high = 0, 24 * 60  # minutes after noon: old offset at low, new at high
            while high - low > 1:
                middle = (low + high) // 2
                if offset(noon + timedelta(minutes=middle)) == offset(noon):
                    low = middle
                else:
                    high = middle
            found.append(noon + timedelta(minutes=high))
        noon = later
    return tuple(found)


@st.composite
def moments(draw: st.DrawFn, tz: ZoneInfo) -> datetime:
    """An instant in 2000..2100, often within three days of a DST change of tz.

    It is expressed in a zone drawn independently of tz, as callers may do.
    """
    year = draw(st.integers(2000, 2100))
    near = transitions(tz.key, year)
    if near and draw(st.booleans()):
        base = draw(st.sampled_from(near))
        reach = draw(st.sampled_from([3 * 3600, 4 * 86400]))
        seconds = draw(st.integers(-reach, reach))
    else:
        base = datetime(year, 1, 1, tzinfo=UTC)
        seconds = draw(st.integers(0, 366 * 86400))
    micro = draw(st.one_of(st.just(0), st.integers(0, 999_999)))
    instant = base + timedelta(seconds=seconds, microseconds=micro)
    return instant.astimezone(draw(zones))


def just_before(moment: datetime) -> datetime:
    """One microsecond earlier, as an instant (wall-clock arithmetic would go wrong in a gap)."""
    return moment.astimezone(UTC) - MICROSECOND


def assert_same_moment(actual: datetime, expected: datetime, tz: ZoneInfo) -> None:
    """Same instant, same wall reading and offset, expressed in tz."""
    assert actual.tzinfo is tz
    assert actual.isoformat() == expected.isoformat()


# --- properties --------------------------------------------------------------------------------


@PROPERTY
@given(st.data(), zones, wall_times)
def test_local_moment_matches_reference(data: st.DataObject, tz: ZoneInfo, at: time) -> None:
    moment = data.draw(moments(tz))
    day = moment.astimezone(tz).date()
    assert_same_moment(local_moment(day, at, tz), ref_resolve(day, at, tz), tz)


@PROPERTY
@given(st.data(), zones, st.integers(0, 6), wall_times)
def test_next_weekly_matches_reference(
    data: st.DataObject, tz: ZoneInfo, weekday: int, at: time
) -> None:
    after = data.draw(moments(tz))
    actual = next_weekly(after, weekday, at, tz)
    assert_same_moment(actual, ref_next_weekly(after, weekday, at, tz), tz)


@PROPERTY
@given(st.data(), zones, st.integers(0, 6), wall_times)
def test_next_weekly_is_strictly_after_and_skips_nothing(
    data: st.DataObject, tz: ZoneInfo, weekday: int, at: time
) -> None:
    after = data.draw(moments(tz))
    first = next_weekly(after, weekday, at, tz)
    assert since_epoch(first) > since_epoch(after)
    assert first.astimezone(tz).weekday() == weekday
    # Asking just before an occurrence finds it; asking at it finds the next one.
    assert_same_moment(next_weekly(just_before(first), weekday, at, tz), first, tz)
    second = next_weekly(first, weekday, at, tz)
    gap = since_epoch(second) - since_epoch(first)
    assert timedelta(days=6, hours=22) <= gap <= timedelta(days=7, hours=2)


@PROPERTY
@given(
    st.data(),
    zones,
    st.frozensets(st.integers(1, 31), min_size=1, max_size=5),
    wall_times,
)
def test_next_talk_day_matches_reference(
    data: st.DataObject, tz: ZoneInfo, days: frozenset[int], at: time
) -> None:
    after = data.draw(moments(tz))
    actual = next_talk_day(after, days, at, tz)
    assert_same_moment(actual, ref_next_talk_day(after, days, at, tz), tz)
    assert actual.astimezone(tz).day in days
    assert_same_moment(next_talk_day(just_before(actual), days, at, tz), actual, tz)
    assert since_epoch(next_talk_day(actual, days, at, tz)) > since_epoch(actual)


DST_ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe"]


@st.composite
def around_a_change(draw: st.DrawFn) -> tuple[ZoneInfo, datetime, datetime]:
    """A DST zone, a wall reading in or next to one of its gaps or folds, and an instant nearby.

    The wall reading is returned as a UTC-labelled datetime (its fields are what matters);
    the instant lies within twice the shift of the change, often inside the repeated or
    skipped span, and is expressed in the zone itself or in another one.
    """
    tz = ZoneInfo(draw(st.sampled_from(DST_ZONES)))
    change = draw(st.sampled_from(transitions(tz.key, draw(st.integers(2000, 2100)))))
    old = (change - timedelta(minutes=1)).astimezone(tz).utcoffset()
    new = change.astimezone(tz).utcoffset()
    assert old is not None and new is not None
    shift_minutes = int(abs(new - old).total_seconds()) // 60
    span_start = change + min(old, new)  # first skipped or repeated wall reading
    wall = span_start + timedelta(minutes=draw(st.integers(-1, shift_minutes)))
    seconds = draw(st.integers(-2 * 60 * shift_minutes, 2 * 60 * shift_minutes))
    instant = change + timedelta(seconds=seconds)
    return tz, wall, instant.astimezone(draw(st.sampled_from([tz, tz, UTC, SHANGHAI])))


@PROPERTY
@given(around_a_change())
def test_rules_inside_gaps_and_folds_match_reference(
    case: tuple[ZoneInfo, datetime, datetime],
) -> None:
    tz, wall, after = case
    day, at = wall.date(), wall.time()
    assert_same_moment(local_moment(day, at, tz), ref_resolve(day, at, tz), tz)
    weekly = next_weekly(after, day.weekday(), at, tz)
    assert_same_moment(weekly, ref_next_weekly(after, day.weekday(), at, tz), tz)
    assert since_epoch(weekly) > since_epoch(after)
    talk = next_talk_day(after, {day.day}, at, tz)
    assert_same_moment(talk, ref_next_talk_day(after, {day.day}, at, tz), tz)
    assert since_epoch(talk) > since_epoch(after)
    rules = PartyDayRules(day=day.day, at=at, workdays=frozenset({day}))
    party = next_party_day(after, rules, tz)
    assert since_epoch(party.at) > since_epoch(after)
    if party.original == day:
        assert_same_moment(party.at, ref_resolve(day, at, tz), tz)


def party_rules(draw: st.DrawFn, day: int, anchors: list[date]) -> PartyDayRules:
    """Rules for `day` whose holidays and make-up workdays sit around the given dates."""
    max_shift = draw(st.integers(0, 14))
    reach = max_shift + 2
    hol = draw(st.frozensets(st.integers(-reach, reach), max_size=2 * reach + 1))
    work = draw(st.frozensets(st.integers(-reach, reach), max_size=4))
    return PartyDayRules(
        day=day,
        at=draw(wall_times),
        max_shift=max_shift,
        holidays=frozenset(a + timedelta(days=k) for a in anchors for k in hol),
        workdays=frozenset(a + timedelta(days=k) for a in anchors for k in work),
        prefer=draw(st.sampled_from(["earlier", "later"])),
    )


@PROPERTY
@given(st.data(), zones, st.integers(2000, 2100), st.integers(1, 12))
def test_party_day_matches_reference(
    data: st.DataObject, tz: ZoneInfo, year: int, month: int
) -> None:
    day = data.draw(st.integers(1, 31))
    anchor = date(year, month, min(day, ref_last_day(year, month)))
    rules = party_rules(data.draw, day, [anchor])
    original, chosen, none = ref_party(year, month, rules)
    actual = party_day(year, month, rules, tz)
    assert actual.original == original
    assert actual.no_working_day is none
    assert actual.moved_by == (chosen - original).days
    assert abs(actual.moved_by) <= rules.max_shift
    assert_same_moment(actual.at, ref_resolve(chosen, rules.at, tz), tz)


@PROPERTY
@given(st.data(), zones)
def test_next_party_day_matches_reference(data: st.DataObject, tz: ZoneInfo) -> None:
    day = data.draw(st.integers(1, 31))
    if data.draw(st.booleans()):
        after = data.draw(moments(tz))
    else:
        # Close to a configured day, where floating decides which Party day is next.
        year, month = data.draw(st.integers(2000, 2100)), data.draw(st.integers(1, 12))
        anchor = date(year, month, min(day, ref_last_day(year, month)))
        seconds = data.draw(st.integers(-17 * 86400, 17 * 86400))
        instant = datetime.combine(anchor, time(0), tzinfo=UTC) + timedelta(seconds=seconds)
        after = instant.astimezone(data.draw(zones))
    here = after.astimezone(tz)
    months = [month_shift(here.year, here.month, k) for k in range(-2, 4)]
    anchors = [date(y, m, min(day, ref_last_day(y, m))) for y, m in months]
    rules = party_rules(data.draw, day, anchors)
    ahead = []
    for y, m in months:
        original, chosen, _none = ref_party(y, m, rules)
        at = ref_resolve(chosen, rules.at, tz)
        if since_epoch(at) > since_epoch(after):
            ahead.append((since_epoch(at), original, at))
    _key, original, at = min(ahead)
    actual = next_party_day(after, rules, tz)
    assert actual.original == original
    assert_same_moment(actual.at, at, tz)


@PROPERTY
@given(
    st.data(),
    zones,
    st.sampled_from([("m", 60), ("h", 3600), ("d", 86400)]),
    st.integers(0, 300),
)
def test_duration_offset_is_elapsed_time(
    data: st.DataObject, tz: ZoneInfo, unit: tuple[str, int], count: int
) -> None:
    event = data.draw(moments(tz))
    offset = parse_offset(f"{count}{unit[0]} before")
    reminder = apply_offset(event, offset, tz)
    assert reminder.tzinfo is tz
    elapsed = since_epoch(event) - since_epoch(reminder)
    assert elapsed == timedelta(seconds=count * unit[1])


@PROPERTY
@given(
    st.data(),
    zones,
    st.sampled_from(
        [
            ("the same day at {}", 0),
            ("the day before at {}", 1),
            ("the evening before at {}", 1),
            ("2 days before at {}", 2),
        ]
    ),
    st.integers(0, 23),
    st.integers(0, 59),
)
def test_wall_clock_offset_matches_reference(
    data: st.DataObject, tz: ZoneInfo, form: tuple[str, int], hour: int, minute: int
) -> None:
    event = data.draw(moments(tz))
    pattern, days_back = form
    offset = parse_offset(pattern.format(f"{hour:02d}:{minute:02d}"))
    expected_day = event.astimezone(tz).date() - timedelta(days=days_back)
    expected = ref_resolve(expected_day, time(hour, minute), tz)
    assert_same_moment(apply_offset(event, offset, tz), expected, tz)


offset_texts = st.one_of(
    st.just("at start"),
    st.builds("{}{} before".format, st.integers(0, 366), st.sampled_from("mhd")),
    st.builds(
        "{} at {:02d}:{:02d}".format,
        st.sampled_from(["the evening before", "the day before", "the same day", "3 days before"]),
        st.integers(0, 23),
        st.integers(0, 59),
    ),
)


@PROPERTY
@given(
    offset_texts, st.sampled_from([str.upper, str.title, lambda s: f"  {s} ".replace(" ", "  ")])
)
def test_offset_text_round_trips_and_ignores_case_and_spacing(
    text: str, vary: Callable[[str], str]
) -> None:
    offset = parse_offset(text)
    assert str(offset) == text
    assert offset.text == text
    assert parse_offset(str(offset)) == offset
    assert parse_offset(vary(text)) == offset
    assert str(parse_offset(vary(text))) == text
    assert hash(parse_offset(vary(text))) == hash(offset)


@PROPERTY
@given(st.dates(date(2000, 1, 1), date(2100, 12, 31)), st.booleans(), st.booleans())
def test_is_working_day_matches_reference(day: date, holiday: bool, workday: bool) -> None:
    holidays = {day} if holiday else set()
    workdays = {day} if workday else set()
    assert is_working_day(day, holidays, workdays) == ref_working(day, holidays, workdays)


# --- the weekly session: examples ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        # Wednesday noon in Shanghai -> Thursday 19:00.
        (datetime(2026, 11, 18, 12, 0, tzinfo=SHANGHAI), "2026-11-19T19:00:00+08:00"),
        # A minute before the session -> that session.
        (datetime(2026, 11, 19, 18, 59, tzinfo=SHANGHAI), "2026-11-19T19:00:00+08:00"),
        # Exactly at the session -> strictly after, so next week's.
        (datetime(2026, 11, 19, 19, 0, tzinfo=SHANGHAI), "2026-11-26T19:00:00+08:00"),
        # The same instant given in UTC (11:00Z = 19:00 in Shanghai).
        (datetime(2026, 11, 19, 11, 0, tzinfo=UTC), "2026-11-26T19:00:00+08:00"),
        (datetime(2026, 11, 19, 10, 59, 59, 999_999, tzinfo=UTC), "2026-11-19T19:00:00+08:00"),
        # Late Wednesday in New York is already Thursday morning in Shanghai.
        (datetime(2026, 11, 18, 23, 0, tzinfo=NEW_YORK), "2026-11-19T19:00:00+08:00"),
    ],
)
def test_next_weekly_thursday_session(after: datetime, expected: str) -> None:
    actual = next_weekly(after, THURSDAY, time(19, 0), SHANGHAI)
    assert actual.isoformat() == expected
    assert actual.tzinfo is SHANGHAI


def test_rules_use_the_date_in_the_community_zone_not_in_the_callers() -> None:
    # 08:00 Thursday in Shanghai is 19:00 Wednesday in New York.
    after = datetime(2026, 11, 19, 8, 0, tzinfo=SHANGHAI)
    assert next_weekly(after, 2, time(20, 0), NEW_YORK).isoformat() == "2026-11-18T20:00:00-05:00"
    talk = next_talk_day(after, {18}, time(20, 0), NEW_YORK)
    assert talk.isoformat() == "2026-11-18T20:00:00-05:00"


def test_next_weekly_in_the_spring_gap_moves_forward_by_the_gap() -> None:
    # Berlin skips 02:00..03:00 on Sunday 2026-03-29: 02:30 is read as 02:30 CET = 03:30 CEST.
    first = next_weekly(datetime(2026, 3, 28, 12, 0, tzinfo=BERLIN), 6, time(2, 30), BERLIN)
    assert first.isoformat() == "2026-03-29T03:30:00+02:00"
    second = next_weekly(first, 6, time(2, 30), BERLIN)
    assert second.isoformat() == "2026-04-05T02:30:00+02:00"


def test_next_weekly_in_the_autumn_fold_takes_the_first_and_only_once() -> None:
    # New York repeats 01:00..02:00 on Sunday 2026-11-01 (EDT, then EST).
    first = next_weekly(datetime(2026, 10, 31, 12, 0, tzinfo=NEW_YORK), 6, time(1, 30), NEW_YORK)
    assert first.isoformat() == "2026-11-01T01:30:00-04:00"
    assert next_weekly(first, 6, time(1, 30), NEW_YORK).isoformat() == "2026-11-08T01:30:00-05:00"
    # During the repeated hour (01:15 EST = 06:15Z) the session already happened,
    # whether the moment is given in UTC or on New York's clock (where it reads 01:15, fold=1).
    repeat = datetime(2026, 11, 1, 6, 15, tzinfo=UTC)
    assert next_weekly(repeat, 6, time(1, 30), NEW_YORK).isoformat() == "2026-11-08T01:30:00-05:00"
    repeat_local = repeat.astimezone(NEW_YORK)
    assert (repeat_local.hour, repeat_local.minute, repeat_local.fold) == (1, 15, 1)
    later = next_weekly(repeat_local, 6, time(1, 30), NEW_YORK)
    assert later.isoformat() == "2026-11-08T01:30:00-05:00"


def test_next_weekly_lord_howe_half_hour_gap() -> None:
    # Lord Howe goes from +10:30 to +11:00 at 02:00 on 2026-10-04: 02:15 -> 02:45.
    after = datetime(2026, 10, 3, 12, 0, tzinfo=LORD_HOWE)
    assert next_weekly(after, 6, time(2, 15), LORD_HOWE).isoformat() == "2026-10-04T02:45:00+11:00"


# --- talk days: examples ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("after", "days", "expected"),
    [
        (datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI), {4, 14, 24}, "2026-12-04T09:00:00+08:00"),
        (datetime(2026, 11, 24, 8, 59, tzinfo=SHANGHAI), {4, 14, 24}, "2026-11-24T09:00:00+08:00"),
        (datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI), {4, 14, 24}, "2026-12-04T09:00:00+08:00"),
        (datetime(2026, 12, 30, 0, 0, tzinfo=SHANGHAI), {4, 14, 24}, "2027-01-04T09:00:00+08:00"),
        # {31}: February has none, so January 31st -> March 31st; April has none either.
        (datetime(2026, 1, 31, 10, 0, tzinfo=SHANGHAI), {31}, "2026-03-31T09:00:00+08:00"),
        (datetime(2026, 3, 31, 9, 0, tzinfo=SHANGHAI), {31}, "2026-05-31T09:00:00+08:00"),
        (datetime(2026, 7, 31, 9, 0, tzinfo=SHANGHAI), {31}, "2026-08-31T09:00:00+08:00"),
        # {29, 30} in a common year skip February; in a leap year the 29th is kept.
        (datetime(2027, 1, 30, 10, 0, tzinfo=SHANGHAI), {29, 30}, "2027-03-29T09:00:00+08:00"),
        (datetime(2028, 1, 30, 10, 0, tzinfo=SHANGHAI), {29, 30}, "2028-02-29T09:00:00+08:00"),
    ],
)
def test_next_talk_day(after: datetime, days: set[int], expected: str) -> None:
    assert next_talk_day(after, days, time(9, 0), SHANGHAI).isoformat() == expected


@pytest.mark.parametrize("days", [set(), {0}, {32}, {4, -4}, {True}])
def test_next_talk_day_rejects_bad_day_numbers(days: set[int]) -> None:
    with pytest.raises(ValueError, match="talk days"):
        next_talk_day(datetime(2026, 11, 1, tzinfo=SHANGHAI), days, time(9, 0), SHANGHAI)


# --- the Party day: examples --------------------------------------------------------------------


def test_party_day_sunday_moves_to_monday() -> None:
    # 2026-11-15 is a Sunday: Saturday 14th and Monday 16th are at distance 1, only Monday works.
    # (Friday 13th, also a working day, is at distance 2.)
    result = party_day(2026, 11, PartyDayRules(), SHANGHAI)
    assert result.original == date(2026, 11, 15)
    assert result.at.isoformat() == "2026-11-16T09:00:00+08:00"
    assert result.moved_by == 1
    assert result.no_working_day is False
    assert result.moved is True


def test_party_day_saturday_moves_to_friday() -> None:
    # 2026-08-15 is a Saturday: Friday 14th (distance 1) beats Monday 17th (distance 2).
    result = party_day(2026, 8, PartyDayRules(), SHANGHAI)
    assert (result.at.isoformat(), result.moved_by) == ("2026-08-14T09:00:00+08:00", -1)


@pytest.mark.parametrize(
    ("prefer", "expected", "moved_by"),
    [("earlier", "2026-09-14T09:00:00+08:00", -1), ("later", "2026-09-16T09:00:00+08:00", 1)],
)
def test_party_day_holiday_on_tuesday_breaks_the_tie_by_preference(
    prefer: str, expected: str, moved_by: int
) -> None:
    # 2026-09-15 is a Tuesday made a holiday: Monday 14th and Wednesday 16th tie at distance 1.
    rules = PartyDayRules(holidays=frozenset({date(2026, 9, 15)}), prefer=prefer)  # type: ignore[arg-type]
    result = party_day(2026, 9, rules, SHANGHAI)
    assert (result.at.isoformat(), result.moved_by) == (expected, moved_by)


def test_party_day_on_a_make_up_saturday_stays() -> None:
    # 2027-05-15 is a Saturday declared a 调休 working day.
    rules = PartyDayRules(workdays=frozenset({date(2027, 5, 15)}))
    result = party_day(2027, 5, rules, SHANGHAI)
    assert (result.at.isoformat(), result.moved_by) == ("2027-05-15T09:00:00+08:00", 0)
    # Without it, Friday 14th.
    assert party_day(2027, 5, PartyDayRules(), SHANGHAI).at.isoformat() == (
        "2027-05-14T09:00:00+08:00"
    )


def test_party_day_make_up_saturday_ties_with_monday_and_earlier_wins() -> None:
    # Sunday 2026-11-15; Saturday 14th is a make-up working day, at distance 1 like Monday 16th.
    rules = PartyDayRules(workdays=frozenset({date(2026, 11, 14)}))
    result = party_day(2026, 11, rules, SHANGHAI)
    assert (result.at.isoformat(), result.moved_by) == ("2026-11-14T09:00:00+08:00", -1)


def test_party_day_without_a_working_day_in_reach_keeps_the_original() -> None:
    # Sunday 2026-11-15, window 13..17; Fri 13th, Mon 16th and Tue 17th are holidays.
    holidays = frozenset({date(2026, 11, 13), date(2026, 11, 16), date(2026, 11, 17)})
    result = party_day(2026, 11, PartyDayRules(holidays=holidays), SHANGHAI)
    assert result.at.isoformat() == "2026-11-15T09:00:00+08:00"
    assert (result.moved_by, result.no_working_day, result.moved) == (0, True, False)
    # With max_shift 3, Thursday 12th and Wednesday 18th tie at distance 3; earlier wins.
    wider = party_day(2026, 11, PartyDayRules(holidays=holidays, max_shift=3), SHANGHAI)
    assert (wider.at.isoformat(), wider.moved_by) == ("2026-11-12T09:00:00+08:00", -3)


def test_party_day_max_shift_zero_never_moves() -> None:
    result = party_day(2026, 11, PartyDayRules(max_shift=0), SHANGHAI)
    assert (result.at.isoformat(), result.no_working_day) == ("2026-11-15T09:00:00+08:00", True)


def test_party_day_past_the_month_end_uses_the_last_day() -> None:
    # Day 31 in February 2026 -> Saturday 28th -> Friday 27th.
    result = party_day(2026, 2, PartyDayRules(day=31), SHANGHAI)
    assert result.original == date(2026, 2, 28)
    assert (result.at.isoformat(), result.moved_by) == ("2026-02-27T09:00:00+08:00", -1)
    # 2028 is a leap year and Tuesday 29th is a working day.
    leap = party_day(2028, 2, PartyDayRules(day=31), SHANGHAI)
    assert (leap.original, leap.at.isoformat()) == (date(2028, 2, 29), "2028-02-29T09:00:00+08:00")


def test_party_day_may_float_into_the_previous_month() -> None:
    # Day 1: 2026-08-01 is a Saturday -> Friday 2026-07-31.
    rules = PartyDayRules(day=1)
    august = party_day(2026, 8, rules, SHANGHAI)
    assert (august.original, august.at.isoformat()) == (
        date(2026, 8, 1),
        "2026-07-31T09:00:00+08:00",
    )
    # So on July 30th the next Party day is August's, held on July 31st ...
    after = datetime(2026, 7, 30, 10, 0, tzinfo=SHANGHAI)
    assert next_party_day(after, rules, SHANGHAI) == august
    # ... and once it has happened, September's (Tuesday 2026-09-01).
    nxt = next_party_day(august.at, rules, SHANGHAI)
    assert (nxt.original, nxt.at.isoformat()) == (date(2026, 9, 1), "2026-09-01T09:00:00+08:00")


def test_next_party_day_may_be_the_previous_months_floated_forward() -> None:
    # Day 31: Saturday 2026-01-31; Friday 30th is a holiday, so Thursday 29th and Monday
    # 2026-02-02 tie at distance 2 and "later" picks February 2nd.
    rules = PartyDayRules(day=31, holidays=frozenset({date(2026, 1, 30)}), prefer="later")
    after = datetime(2026, 2, 1, 12, 0, tzinfo=SHANGHAI)
    result = next_party_day(after, rules, SHANGHAI)
    assert (result.original, result.at.isoformat(), result.moved_by) == (
        date(2026, 1, 31),
        "2026-02-02T09:00:00+08:00",
        2,
    )


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        # The 15th has passed but the moved Party day (Monday 16th) is still ahead.
        (datetime(2026, 11, 15, 10, 0, tzinfo=SHANGHAI), "2026-11-16T09:00:00+08:00"),
        (datetime(2026, 11, 16, 9, 0, tzinfo=SHANGHAI), "2026-12-15T09:00:00+08:00"),
        (datetime(2026, 12, 31, 23, 0, tzinfo=SHANGHAI), "2027-01-15T09:00:00+08:00"),
    ],
)
def test_next_party_day(after: datetime, expected: str) -> None:
    assert next_party_day(after, PartyDayRules(), SHANGHAI).at.isoformat() == expected


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"day": 0}, "day number"),
        ({"day": 32}, "day number"),
        ({"max_shift": -1}, "max_shift"),
        ({"max_shift": 15}, "max_shift"),
        ({"prefer": "sooner"}, "prefer"),
        ({"at": time(9, 0, tzinfo=UTC)}, "wall-clock"),
    ],
)
def test_party_day_rules_reject_bad_values(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PartyDayRules(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("day", "holidays", "workdays", "expected"),
    [
        (date(2026, 11, 16), set(), set(), True),  # Monday
        (date(2026, 11, 14), set(), set(), False),  # Saturday
        (date(2026, 11, 15), set(), set(), False),  # Sunday
        (date(2026, 10, 1), {date(2026, 10, 1)}, set(), False),  # National Day, a Thursday
        (date(2026, 10, 10), set(), {date(2026, 10, 10)}, True),  # make-up Saturday
        (date(2026, 10, 9), {date(2026, 10, 9)}, {date(2026, 10, 9)}, True),  # both: workday wins
    ],
)
def test_is_working_day(
    day: date, holidays: set[date], workdays: set[date], expected: bool
) -> None:
    assert is_working_day(day, holidays, workdays) is expected


# --- reminder offsets: examples -----------------------------------------------------------------

THURSDAY_SESSION = datetime(2026, 11, 19, 19, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the evening before at 20:00", "2026-11-18T20:00:00+08:00"),
        ("the day before at 09:00", "2026-11-18T09:00:00+08:00"),
        ("the same day at 08:00", "2026-11-19T08:00:00+08:00"),
        ("2 days before at 7:05", "2026-11-17T07:05:00+08:00"),
        ("24h before", "2026-11-18T19:00:00+08:00"),
        ("1h before", "2026-11-19T18:00:00+08:00"),
        ("30m before", "2026-11-19T18:30:00+08:00"),
        ("2d before", "2026-11-17T19:00:00+08:00"),
        ("at start", "2026-11-19T19:00:00+08:00"),
    ],
)
def test_apply_offset_to_the_thursday_session(text: str, expected: str) -> None:
    actual = apply_offset(THURSDAY_SESSION, parse_offset(text), SHANGHAI)
    assert actual.isoformat() == expected
    assert actual.tzinfo is SHANGHAI


def test_wall_clock_offset_uses_the_event_date_in_the_community_zone() -> None:
    # 17:00Z on the 18th is 01:00 on the 19th in Shanghai, so "the evening before" is the 18th.
    event = datetime(2026, 11, 18, 17, 0, tzinfo=UTC)
    offset = parse_offset("the evening before at 20:00")
    assert apply_offset(event, offset, SHANGHAI).isoformat() == "2026-11-18T20:00:00+08:00"
    # In Berlin the same instant is 18:00 on the 18th, so the evening before is the 17th.
    assert apply_offset(event, offset, BERLIN).isoformat() == "2026-11-17T20:00:00+01:00"


@pytest.mark.parametrize(
    ("event", "expected", "wall_hours"),
    [
        # Spring forward (2026-03-29): 24 elapsed hours span 25 wall-clock hours.
        (datetime(2026, 3, 29, 19, 0, tzinfo=BERLIN), "2026-03-28T18:00:00+01:00", 25),
        # Fall back (2026-10-25): 24 elapsed hours span 23 wall-clock hours.
        (datetime(2026, 10, 25, 19, 0, tzinfo=BERLIN), "2026-10-24T20:00:00+02:00", 23),
        # A day without a change: 24 and 24.
        (datetime(2026, 6, 7, 19, 0, tzinfo=BERLIN), "2026-06-06T19:00:00+02:00", 24),
    ],
)
def test_24h_before_across_berlin_dst(event: datetime, expected: str, wall_hours: int) -> None:
    actual = apply_offset(event, parse_offset("24h before"), BERLIN)
    assert actual.isoformat() == expected
    wall_event = event.replace(tzinfo=UTC)
    wall_actual = actual.replace(tzinfo=UTC)
    assert wall_event - wall_actual == timedelta(hours=wall_hours)


def test_the_evening_before_across_berlin_dst_keeps_the_wall_clock() -> None:
    event = datetime(2026, 3, 29, 19, 0, tzinfo=BERLIN)
    actual = apply_offset(event, parse_offset("the evening before at 20:00"), BERLIN)
    assert actual.isoformat() == "2026-03-28T20:00:00+01:00"


def test_offset_equality_hash_and_display() -> None:
    day = parse_offset("1d before")
    hours = parse_offset("24h before")
    assert day == hours
    assert hash(day) == hash(hours)
    assert (str(day), str(hours)) == ("1d before", "24h before")
    assert {day, hours} == {day}
    assert parse_offset("  The Evening   BEFORE at 20:00 ").text == "the evening before at 20:00"
    assert parse_offset("the evening before at 20:00") == parse_offset("the day before at 20:00")
    assert parse_offset("30m before") != parse_offset("at start")
    assert str(Offset(before=timedelta(hours=2))) == "2h before"
    assert str(Offset(before=timedelta(days=2))) == "2d before"
    assert str(Offset(before=timedelta(minutes=90))) == "90m before"
    assert str(Offset()) == "at start"
    assert str(Offset(days_before=0, at=time(8, 0))) == "the same day at 08:00"
    assert str(Offset(days_before=3, at=time(7, 5))) == "3 days before at 07:05"
    assert str(Offset(days_before=1, at=time(20, 0))) == "the day before at 20:00"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "soon",
        "24x before",
        "24h after",
        "-1h before",
        "1.5h before",
        "before",
        "the evening before",
        "the evening before at 20",
        "the evening before at 24:00",
        "the day before at 09:60",
        "the same day at 8",
        "367d before",
        "9999999999999999999999d before",
        "at start now",
        "２４h before",
    ],
)
def test_parse_offset_errors_name_the_text(text: str) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(text))):
        parse_offset(text)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"days_before": 1},
        {"at": time(20, 0)},
        {"before": timedelta(hours=1), "days_before": 1, "at": time(20, 0)},
        {"before": timedelta(hours=-1)},
        {"before": timedelta(days=400)},
        {"days_before": -1, "at": time(20, 0)},
    ],
)
def test_offset_rejects_inconsistent_fields(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"offset|days_before"):
        Offset(**kwargs)  # type: ignore[arg-type]


# --- helpers and naive input --------------------------------------------------------------------


def test_to_utc_and_local() -> None:
    moment = datetime(2026, 11, 19, 19, 0, tzinfo=SHANGHAI)
    assert to_utc(moment).isoformat() == "2026-11-19T11:00:00+00:00"
    assert to_utc(moment).tzinfo is UTC
    assert local(to_utc(moment), BERLIN).isoformat() == "2026-11-19T12:00:00+01:00"
    # The second 01:30 in New York keeps its offset through the round trip.
    second = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    assert local(second, NEW_YORK).isoformat() == "2026-11-01T01:30:00-05:00"


NAIVE = datetime(2026, 11, 19, 19, 0, tzinfo=UTC).replace(tzinfo=None)
AWARE = datetime(2026, 11, 19, 19, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "call",
    [
        lambda: to_utc(NAIVE),
        lambda: local(NAIVE, SHANGHAI),
        lambda: next_weekly(NAIVE, THURSDAY, time(19, 0), SHANGHAI),
        lambda: next_talk_day(NAIVE, {4}, time(9, 0), SHANGHAI),
        lambda: next_party_day(NAIVE, PartyDayRules(), SHANGHAI),
        lambda: apply_offset(NAIVE, parse_offset("1h before"), SHANGHAI),
        lambda: occurrences(lambda t: t, NAIVE, AWARE),
        lambda: occurrences(lambda t: t, AWARE, NAIVE),
        lambda: CommunityCalendar().next_session(NAIVE),
        lambda: CommunityCalendar().party_days(AWARE, NAIVE),
    ],
)
def test_naive_datetimes_are_rejected(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        call()


@pytest.mark.parametrize(
    "call",
    [
        lambda: next_weekly(AWARE, 7, time(19, 0), SHANGHAI),
        lambda: next_weekly(AWARE, -1, time(19, 0), SHANGHAI),
        lambda: next_weekly(AWARE, THURSDAY, time(19, 0, tzinfo=UTC), SHANGHAI),
        lambda: party_day(2026, 13, PartyDayRules(), SHANGHAI),
        lambda: CommunityCalendar(session_weekday=9),
        lambda: CommunityCalendar(talk_days=frozenset()),
    ],
)
def test_bad_rule_values_are_rejected(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError):
        call()


# --- the bundle and listings --------------------------------------------------------------------


def test_community_calendar_defaults() -> None:
    calendar = CommunityCalendar()
    after = datetime(2026, 11, 18, 12, 0, tzinfo=SHANGHAI)
    assert calendar.tz.key == "Asia/Shanghai"
    assert calendar.next_session(after).isoformat() == "2026-11-19T19:00:00+08:00"
    assert calendar.next_talk_day(after).isoformat() == "2026-11-24T09:00:00+08:00"
    assert calendar.next_party_day(after).at.isoformat() == "2026-12-15T09:00:00+08:00"
    assert calendar.party_day(2026, 11).at.isoformat() == "2026-11-16T09:00:00+08:00"


def test_community_calendar_listings() -> None:
    calendar = CommunityCalendar()
    start = datetime(2026, 11, 1, tzinfo=SHANGHAI)
    end = datetime(2026, 11, 30, 23, 59, tzinfo=SHANGHAI)
    assert [s.day for s in calendar.sessions(start, end)] == [5, 12, 19, 26]
    talks = calendar.talk_days_between(start, datetime(2026, 12, 24, 9, 0, tzinfo=SHANGHAI))
    assert [t.date().isoformat() for t in talks] == [
        "2026-11-04",
        "2026-11-14",
        "2026-11-24",
        "2026-12-04",
        "2026-12-14",
        "2026-12-24",  # `until` is inclusive
    ]
    parties = calendar.party_days(start, datetime(2027, 1, 31, tzinfo=SHANGHAI))
    assert [p.at.date().isoformat() for p in parties] == ["2026-11-16", "2026-12-15", "2027-01-15"]


def test_community_calendar_with_other_rules() -> None:
    calendar = CommunityCalendar(
        tz=NEW_YORK,
        session_weekday=4,
        session_at=time(18, 30),
        talk_days=frozenset({31}),
        talk_at=time(10, 0),
        party=PartyDayRules(day=1, at=time(8, 0)),
    )
    after = datetime(2026, 11, 1, 12, 0, tzinfo=NEW_YORK)
    assert calendar.next_session(after).isoformat() == "2026-11-06T18:30:00-05:00"
    assert calendar.next_talk_day(after).isoformat() == "2026-12-31T10:00:00-05:00"
    # November 1st is a Sunday, so November's Party day is Monday 2nd, still ahead at noon.
    assert calendar.next_party_day(after).at.isoformat() == "2026-11-02T08:00:00-05:00"
    # December 1st is a Tuesday.
    later = datetime(2026, 11, 2, 8, 0, tzinfo=NEW_YORK)
    assert calendar.next_party_day(later).at.isoformat() == "2026-12-01T08:00:00-05:00"


def test_occurrences_with_a_plain_rule_and_a_stuck_rule() -> None:
    def every_sunday_0230(t: datetime) -> datetime:
        return next_weekly(t, 6, time(2, 30), BERLIN)

    start = datetime(2026, 3, 20, tzinfo=BERLIN)
    end = datetime(2026, 4, 5, 2, 30, tzinfo=BERLIN)
    assert [o.isoformat() for o in occurrences(every_sunday_0230, start, end)] == [
        "2026-03-22T02:30:00+01:00",
        "2026-03-29T03:30:00+02:00",
        "2026-04-05T02:30:00+02:00",
    ]
    assert list(occurrences(every_sunday_0230, end, start)) == []
    stuck = occurrences(lambda t: t, start, end)
    with pytest.raises(ValueError, match="did not move forward"):
        next(stuck)
