"""Rendering a matter's history: one catalog key per event kind, a generic fallback."""

from __future__ import annotations

from datetime import UTC, datetime
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
        "2026-11-19 19:00 3 位居民附议，列入 2026-11-26 19:00 周四议事亭议程"
    )
    assert matter_event(Language.EN, event("raised", 7), {7: "张阿姨"}, TZ) == (
        "2026-11-19 19:00 raised by 张阿姨"
    )


def test_details_are_escaped() -> None:
    step = event("withdrawn", 7, reason="<b>重复</b>")
    assert matter_event(Language.ZH_HANS, step, {7: "A&B"}, TZ) == (
        "2026-11-19 19:00 A&amp;B 撤回事项，理由：&lt;b&gt;重复&lt;/b&gt;"
    )


def test_someone_who_left_the_register_and_the_bot() -> None:
    assert matter_event(Language.EN, event("raised", 99), {}, TZ).endswith("a former resident")
    assert matter_event(Language.EN, event("raised", None), {}, TZ).endswith("the bot")


def test_unknown_kinds_and_missing_details_fall_back_to_a_generic_line() -> None:
    assert matter_event(Language.EN, event("vote_opened", 7), {}, TZ) == (
        "2026-11-19 19:00 vote_opened"
    )
    assert matter_event(Language.EN, event("withdrawn", 7), {}, TZ) == (
        "2026-11-19 19:00 withdrawn"
    )
