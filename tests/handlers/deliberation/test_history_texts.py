"""Rendering a matter's history: one catalog key per event kind, a generic fallback."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.config import Language
from handlers.deliberation.texts import matter_event
from storage.deliberation.matters import MatterEventRow

TZ = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 11, 19, 11, 0, tzinfo=UTC)


def event(kind: str, actor_id: int | None = None, **detail: object) -> MatterEventRow:
    return MatterEventRow(1, 1, AT, kind, actor_id, dict(detail))


def test_known_kinds_use_their_key_with_local_times_and_forum_names() -> None:
    step = event("agenda", forum="session", at="2026-11-26T11:00:00+00:00", supports=3)
    assert matter_event(Language.ZH_HANS, step, {}, TZ) == (
        "11月19日（周四）晚上7点 3 位居民附议，列入11月26日（周四）晚上7点 周四议事亭议程"
    )
    assert matter_event(Language.EN, event("raised", 7), {7: "张阿姨"}, TZ) == (
        "Thu 19 Nov, 7 pm: raised by 张阿姨"
    )


def test_counts_and_deadlines_in_a_step_read_as_people_say_them() -> None:
    merged = event("merged", 7, into=2, moved=1)
    assert matter_event(Language.EN, merged, {7: "Li"}, TZ) == (
        "Thu 19 Nov, 7 pm: Li merged it into #2 (1 support moved over)"
    )
    assert matter_event(Language.ZH_HANS, merged, {7: "李"}, TZ) == (
        "11月19日（周四）晚上7点 李 将本事项并入 #2（转入 1 位附议）"
    )
    assigned = event("assigned", 7, owner="王", due="2027-01-05")
    today = date(2026, 11, 19)
    assert matter_event(Language.ZH_HANS, assigned, {7: "李"}, TZ, today) == (
        "今天（周四）晚上7点 李 指定负责人 王，期限2027年1月5日（周二）"
    )


def test_details_are_escaped() -> None:
    step = event("withdrawn", 7, reason="<b>重复</b>")
    assert matter_event(Language.ZH_HANS, step, {7: "A&B"}, TZ) == (
        "11月19日（周四）晚上7点 A&amp;B 撤回事项，理由：&lt;b&gt;重复&lt;/b&gt;"
    )


def test_someone_who_left_the_register_and_the_bot() -> None:
    assert matter_event(Language.EN, event("raised", 99), {}, TZ).endswith("a former resident")
    assert matter_event(Language.EN, event("raised", None), {}, TZ).endswith("the bot")


def test_unknown_kinds_and_missing_details_fall_back_to_a_generic_line() -> None:
    assert matter_event(Language.EN, event("vote_opened", 7), {}, TZ) == (
        "Thu 19 Nov, 7 pm: vote_opened"
    )
    assert matter_event(Language.EN, event("withdrawn", 7), {}, TZ) == (
        "Thu 19 Nov, 7 pm: withdrawn"
    )
