"""Registration, /me, /lang, /export and /forget through the real Application."""

from __future__ import annotations

import json
import re

from tests.backends import database_text
from tests.handlers.conftest import BotHarness, button_labels


async def test_register_with_consent_then_me(harness: BotHarness) -> None:
    await harness.say(2001, "/start")
    consent = harness.last(2001)
    assert "保存什么" in consent["text"] and "境外服务器" in consent["text"]
    assert button_labels(consent) == ["✅ 同意并登记", "不同意", "English"]
    await harness.press_label(2001, consent, "同意并登记")
    assert "怎么称呼您" in harness.last(2001)["text"]
    await harness.say(2001, "张阿姨")
    assert "哪栋楼" in harness.last(2001)["text"]
    await harness.say(2001, "3号楼")
    assert "登记完成，张阿姨" in harness.last(2001)["text"]

    await harness.say(2001, "/me")
    card = harness.last(2001)["text"]
    for expected in ("称呼：张阿姨", "楼栋：3号楼", "身份：居民", "语言：中文"):
        assert expected in card


async def test_consent_in_english_and_declining_keeps_nothing(harness: BotHarness) -> None:
    await harness.say(2002, "/start")
    consent = harness.last(2002)
    assert "What we keep" in consent["text"]
    await harness.press_label(2002, consent, "I do not agree")
    assert "nothing about you was kept" in harness.last(2002)["text"]
    async with harness.db.read() as session:
        assert await session.people.count() == 0
    # The old consent button, pressed again, is refused and changes nothing.
    await harness.press_label(2002, consent, "Agree", strict=False)
    assert harness.api.callback_answers()[-1]["text"].startswith("That step is over")
    async with harness.db.read() as session:
        assert await session.people.count() == 0


async def test_lang_switches_and_sticks(harness: BotHarness) -> None:
    await harness.register(2003, "李大爷")
    await harness.say(2003, "/lang")
    await harness.press_label(2003, harness.last(2003), "English")
    assert harness.last(2003)["text"] == "All right, I will speak English with you."
    await harness.say(2003, "/me")
    assert "Name: 李大爷" in harness.last(2003)["text"]
    await harness.say(2003, "/lang zh")
    assert harness.last(2003)["text"] == "好的，以后用中文和您交流。"


async def test_export_then_forget(harness: BotHarness) -> None:
    await harness.register(2001, "张阿姨", "3号楼")
    await harness.say(2001, "/export")
    document = harness.last(2001)
    (content,) = document["_files"].values()
    exported = json.loads(content)
    assert exported["person"]["display_name"] == "张阿姨"
    assert exported["person"]["telegram_user_id"] == 2001
    assert [role["role"] for role in exported["roles"]] == ["resident"]

    await harness.say(2001, "/forget")
    await harness.press_label(2001, harness.last(2001), "确定删除")
    assert "已删除您的登记" in harness.last(2001)["text"]
    dump = await database_text(harness.db)
    assert "张阿姨" not in dump and "3号楼" not in dump
    # No Telegram id left, nor any stored update of theirs (as a number of its own: a
    # timestamp's microseconds may well contain the digits 2001).
    assert re.search(r"(?<![0-9])2001(?![0-9])", dump) is None
    await harness.say(2001, "/me")
    assert "还没有登记" in harness.last(2001)["text"]


async def test_overlong_and_empty_answers(harness: BotHarness) -> None:
    await harness.say(2001, "/start")
    await harness.press_label(2001, harness.last(2001), "同意并登记")
    await harness.say(2001, "长" * 200)
    assert "称呼太长了" in harness.last(2001)["text"]
    await harness.say(2001, "<b>张</b>")
    await harness.press_label(2001, harness.last(2001), "跳过")
    assert "登记完成，<b>张</b>" in harness.last(2001)["text"]  # shown as typed, not as bold
