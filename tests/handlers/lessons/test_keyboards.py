"""Rendering of lesson keyboards: the audience list a page at a time."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.config import Language
from handlers.lessons import callbacks as cb
from handlers.lessons.keyboards import audience_keyboard
from storage.community.people import PersonRow
from storage.lessons.rows import LessonRow

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def member(person_id: int) -> PersonRow:
    return PersonRow(
        id=person_id,
        tg_user_id=10_000 + person_id,
        display_name=f"党员{person_id:02d}",
        tg_username=None,
        language="zh_Hans",
        building=None,
        grid_id=None,
        consent_at=NOW,
        registered_at=NOW,
        reachable=True,
        last_seen_at=NOW,
        roles=frozenset({"party_member"}),
    )


def draft(audience: tuple[int, ...] | None) -> LessonRow:
    return LessonRow(
        id=7,
        title="学习党章",
        body="正文",
        link=None,
        attachments=(),
        quiz=(),
        audience=audience,
        status="draft",
        send_at=None,
        party_day=False,
        schedule_id=None,
        sent_at=None,
        push_id=None,
        corrections=(),
        created_by=None,
        created_at=NOW,
    )


def labels_and_data(markup: object) -> list[tuple[str, str]]:
    rows = markup.inline_keyboard  # type: ignore[attr-defined]
    return [(b.text, b.callback_data) for row in rows for b in row]


def test_audience_pages_of_twenty_with_chosen_marked() -> None:
    members = [member(i) for i in range(1, 26)]
    first = labels_and_data(audience_keyboard(Language.ZH_HANS, draft((2, 22)), members))
    assert first[1] == ("✅ 党员02", cb.LessonAudience(7, 2, 0).encode())
    assert [text for text, _ in first[20:]] == ["下一页 ▶", "全体党员", "✅ 好了"]
    assert first[20][1] == cb.LessonAudience(7, -1, 1).encode()
    second = labels_and_data(audience_keyboard(Language.ZH_HANS, draft((2, 22)), members, 1))
    assert [text for text, _ in second] == [
        "党员21",
        "✅ 党员22",
        "党员23",
        "党员24",
        "党员25",
        "◀ 上一页",
        "全体党员",
        "✅ 好了",
    ]
    # A page past the end shows the last one.
    assert labels_and_data(audience_keyboard(Language.ZH_HANS, draft(None), members, 9)) == (
        labels_and_data(audience_keyboard(Language.ZH_HANS, draft(None), members, 1))
    )
