"""Every schedule has a title in the reader's language."""

from __future__ import annotations


def test_every_schedule_has_a_title_in_the_readers_language() -> None:
    from bot.config import Language
    from bot.runtime.scheduler import schedule_title
    from storage.runtime.schedules import ScheduleRow

    def row(
        kind: str, title: str, payload: dict[str, object], key: str | None = None
    ) -> ScheduleRow:
        return ScheduleRow(1, key, kind, title, {"type": "once"}, payload, None, None, True)

    vote = row("vote.close", "vote 1", {"vote_id": 1})
    assert schedule_title(vote, Language.ZH_HANS) == "表决 #1 截止"
    assert schedule_title(vote, Language.EN) == "Vote #1 closes"
    reminder = row(
        "volunteer.reminder", "activity 3 reminder 1440", {"activity_id": 3, "minutes": 1440}
    )
    facts = {"activity_id": 3, "minutes": 1440, "title": "湖边清扫"}
    assert schedule_title(reminder, Language.ZH_HANS, facts) == "活动《湖边清扫》提前 1 天提醒"
    assert schedule_title(reminder, Language.EN, {**facts, "minutes": 60}) == (
        "Reminder 1 hour before “湖边清扫”"
    )
    assert (
        schedule_title(reminder, Language.ZH_HANS) == "activity 3 reminder 1440"
    )  # no title known
    builtin = row("session.reminder", "session.reminder", {}, key="builtin:session")
    assert schedule_title(builtin, Language.EN) == "Thursday pavilion reminder"
    lesson = row("lesson.remind", "微党课 #2 提醒", {"lesson_id": 2})
    assert schedule_title(lesson, Language.EN) == "Micro Party lesson #2: study reminder"
    plain = row("message", "今晚议事", {"text": "…"})
    assert schedule_title(plain, Language.EN) == "今晚议事"
