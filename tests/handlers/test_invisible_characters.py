"""Right-to-left overrides and control characters never reach the database or a group."""

from __future__ import annotations

import unicodedata

from bot import usertext
from tests.handlers.conftest import RESIDENTS_GROUP, SECRETARY, BotHarness

VOLUNTEERS_GROUP = -1005678
#: What an attacker mixes in: bidi overrides and isolates, marks, a bell, an escape, NUL.
HOSTILE = "\u202e\u202a\u2066\u2069\u200e\u200f\x07\x1b\x00\ufeff"
INVISIBLE = set(HOSTILE)


def _clean_of_invisibles(text: str) -> bool:
    return not any(
        char in INVISIBLE or (unicodedata.category(char) in ("Cc", "Cf") and char != "\n")
        for char in text
    )


def _group_texts(harness: BotHarness, chat_id: int) -> list[str]:
    return [m.get("text") or m.get("caption") or "" for m in harness.api.bot_messages(chat_id)]


async def test_a_matter_title_details_and_comment_are_stored_and_shown_without_them(
    harness: BotHarness,
) -> None:
    await harness.register(SECRETARY)
    await harness.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
    await harness.register(2001, "张阿姨")
    await harness.say(2001, f"提议 门口\u202e路灯坏了{HOSTILE}")
    await harness.say(2001, f"晚上\u2066太黑\u2069，老人\x07看不清{HOSTILE}")
    await harness.press_label(2001, harness.last(2001), "提交")
    await harness.say(2001, f"/discuss 1 我\u202e同意{HOSTILE}")
    await harness.pushes_sent()
    async with harness.db.read() as session:
        cursor = await session.conn.execute("SELECT title, details FROM matters")
        assert [tuple(row) for row in await cursor.fetchall()] == [
            ("门口路灯坏了", "晚上太黑，老人看不清")
        ]
        cursor = await session.conn.execute("SELECT text FROM comments")
        assert [row[0] for row in await cursor.fetchall()] == ["我同意"]
    shown = _group_texts(harness, RESIDENTS_GROUP)
    assert any("门口路灯坏了" in text for text in shown)
    assert all(_clean_of_invisibles(text) for text in shown)


async def test_an_activity_title_and_place_are_stored_and_shown_without_them(
    harness: BotHarness,
) -> None:
    harness.api.add_group(VOLUNTEERS_GROUP, "幸福里志愿者群")
    await harness.register(SECRETARY)
    await harness.say(SECRETARY, "/bind volunteers", VOLUNTEERS_GROUP)
    await harness.say(SECRETARY, "/newactivity")
    await harness.say(SECRETARY, f"湖边\u202e清洁{HOSTILE}")
    await harness.say(SECRETARY, "带上\u2067手套\x1b[31m")
    await harness.say(SECRETARY, f"湖边\u200f议事亭{HOSTILE}")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "跳过")
    await harness.say(SECRETARY, "12-05 09:00-11:00")
    await harness.say(SECRETARY, "10")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "发布")
    await harness.pushes_sent()
    async with harness.db.read() as session:
        cursor = await session.conn.execute("SELECT title, description, place FROM activities")
        assert [tuple(row) for row in await cursor.fetchall()] == [
            ("湖边清洁", "带上手套[31m", "湖边议事亭")
        ]
    shown = _group_texts(harness, VOLUNTEERS_GROUP)
    assert any("湖边清洁" in text for text in shown)
    assert all(_clean_of_invisibles(text) for text in shown)


def test_the_sanitiser_keeps_emoji_sequences_and_line_breaks() -> None:
    family = "👨\u200d👩\u200d👧"
    assert usertext.line(f"{family} 一家\u200d人") == f"{family} 一家人"
    assert usertext.line("a\u3000b\u00a0c\td") == "a b c d"
    assert (
        usertext.block("第一段\r\n\r\n\r\n第二段\u2028第三\u202e行 ") == "第一段\n\n第二段\n第三行"
    )
