"""The calendar file builder (bot/calendar_files.py), read back with icalendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from bot.calendar_files import CalendarEntry, file_name, ics_bytes, uid_domain

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def entry(**changes: object) -> CalendarEntry:
    values: dict[str, object] = {
        "key": "activity-12",
        "summary": "志愿活动：湖边清扫落叶",
        "starts_at": datetime(2026, 12, 3, 1, 0, tzinfo=UTC),
        "ends_at": datetime(2026, 12, 3, 3, 0, tzinfo=UTC),
        "location": "湖边凉亭, 3号楼; 东门",
        "description": "带上手套。" * 30,
        "reminder": "1 小时后开始",
        "name": "志愿活动-湖边清扫落叶",
    }
    values.update(changes)
    return CalendarEntry(**values)  # type: ignore[arg-type]


def test_a_file_reads_back_with_its_words_and_times() -> None:
    data = ics_bytes(entry(), tz=SHANGHAI, now=NOW, domain=uid_domain("幸福社区"))
    # Folded at 75 octets without cutting a character, CRLF line ends (RFC 5545 3.1).
    lines = data.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert all(line.decode("utf-8") is not None for line in lines)
    assert b"DTSTART;TZID=Asia/Shanghai:20261203T090000" in data
    assert b"LOCATION:\xe6\xb9\x96\xe8\xbe\xb9\xe5\x87\x89\xe4\xba\xad\\, 3" in data  # "\,"
    (event,) = Calendar.from_ical(data).events
    assert event["LOCATION"] == "湖边凉亭, 3号楼; 东门"
    assert event["DESCRIPTION"] == "带上手套。" * 30
    assert event.start == datetime(2026, 12, 3, 9, 0, tzinfo=SHANGHAI)
    assert event.decoded("DTSTAMP") == NOW


def test_the_uid_is_the_same_for_the_same_object_and_community() -> None:
    first = ics_bytes(entry(), tz=SHANGHAI, now=NOW, domain=uid_domain("幸福社区"))
    later = ics_bytes(
        entry(summary="改了名字"),
        tz=SHANGHAI,
        now=NOW + timedelta(days=1),
        domain=uid_domain("幸福社区"),
    )
    other = ics_bytes(entry(), tz=SHANGHAI, now=NOW, domain=uid_domain("和平社区"))
    uids = [str(Calendar.from_ical(d).events[0]["UID"]) for d in (first, later, other)]
    assert uids[0] == uids[1] != uids[2]
    assert uids[0].isascii() and uids[0].startswith("activity-12@")


def test_file_names_keep_chinese_and_lose_what_phones_refuse() -> None:
    assert file_name("议事亭-12月3日") == "议事亭-12月3日.ics"
    assert file_name('补课/党章: "第一课"?') == "补课-党章- -第一课.ics"
    assert file_name("  ") == "calendar.ics"
    assert file_name("长" * 50) == "长" * 30 + ".ics"
