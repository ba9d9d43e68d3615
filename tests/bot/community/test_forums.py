"""The forums are named by the community's calendar: 周三议事亭 where the session is on
Wednesdays, 说事日 where the talk days are not the 4th, 14th and 24th."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.community.forums import forum_name, forum_names, session_name, talk_day_word
from bot.config import CalendarSettings, Language, current_calendar
from bot.i18n import translate
from bot.runtime.scheduler.titles import schedule_title
from storage.runtime.schedules import ScheduleRow

ZH, EN = Language.ZH_HANS, Language.EN
DEFAULT = CalendarSettings()
WEDNESDAY = CalendarSettings(session_weekday="wednesday", talk_days=[5, 15, 25])


def test_the_default_calendar_reads_as_before() -> None:
    assert forum_name(ZH, "session", DEFAULT) == "周四议事亭"
    assert forum_name(ZH, "talk_day", DEFAULT) == "逢四说事"
    assert talk_day_word(ZH, DEFAULT) == "逢四说事日"
    assert forum_name(EN, "session", DEFAULT) == "Thursday pavilion"
    assert forum_name(EN, "talk_day", DEFAULT) == "talk on the fourth"


def test_a_wednesday_community_with_other_talk_days() -> None:
    assert forum_name(ZH, "session", WEDNESDAY) == "周三议事亭"
    assert forum_name(ZH, "talk_day", WEDNESDAY) == "说事日"
    assert talk_day_word(ZH, WEDNESDAY) == "说事日"
    assert forum_name(EN, "session", WEDNESDAY) == "Wednesday pavilion"
    assert forum_name(EN, "talk_day", WEDNESDAY) == "talk day"
    # Only exactly 4, 14 and 24 are 逢四说事.
    assert forum_name(ZH, "talk_day", CalendarSettings(talk_days=[4, 14])) == "说事日"


def test_without_a_calendar_the_current_communitys_is_used() -> None:
    token = current_calendar.set(WEDNESDAY)
    try:
        assert session_name(ZH) == "周三议事亭"
        assert forum_names(EN) == {
            "session_weekday": "Wednesday",
            "session_forum": "Wednesday pavilion",
            "talk_forum": "talk day",
            "talk_day": "talk day",
        }
    finally:
        current_calendar.reset(token)
    assert session_name(ZH) == "周四议事亭"


def test_a_record_is_named_by_the_day_it_was_held() -> None:
    # Thursday 2026-11-19: held on Thursday, so named so after the move to Wednesday.
    assert session_name(ZH, WEDNESDAY, held_on=date(2026, 11, 19)) == "周四议事亭"


@pytest.mark.parametrize(
    ("language", "key", "expected", "absent"),
    [
        (ZH, "sittings.session_agenda_empty", "是周三议事亭", "周四"),
        (ZH, "sittings.session_open_empty", "周三议事亭现在开始", "周四"),
        (ZH, "sittings.talk_day_open_empty", "是说事日", "逢四"),
        (EN, "sittings.session_agenda_empty", "The Wednesday pavilion is", "Thursday"),
        (EN, "sittings.session_open_empty", "The Wednesday pavilion is open", "Thursday"),
        (EN, "sittings.talk_day_open_empty", "is a talk day", "fourth"),
    ],
)
def test_the_sittings_texts_take_the_names(
    language: Language, key: str, expected: str, absent: str
) -> None:
    params: dict[str, Any] = {"date": "11月25日", "time": "晚上7点", "why": "", "late": ""}
    text = translate(language, key, **(forum_names(language, WEDNESDAY) | params))
    assert expected in text and absent not in text


def test_the_reminders_name_follows_the_calendar() -> None:
    row = ScheduleRow(
        1, "builtin:session", "session.reminder", "session.reminder", {}, {}, None, None, True
    )
    token = current_calendar.set(WEDNESDAY)
    try:
        assert schedule_title(row, ZH) == "周三议事亭提醒"
        assert schedule_title(row, EN) == "Wednesday pavilion reminder"
    finally:
        current_calendar.reset(token)
    assert schedule_title(row, ZH) == "周四议事亭提醒"
