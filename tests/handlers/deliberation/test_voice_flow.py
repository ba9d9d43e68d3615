"""Voice notes: the details of a matter being raised; elsewhere a short reply; in a group
nothing."""

from __future__ import annotations

from tests.handlers.conftest import RESIDENTS_GROUP, BotHarness
from tests.handlers.deliberation.test_matters_flow import setup


async def test_a_voice_note_is_the_details_and_follows_the_card(harness: BotHarness) -> None:
    await setup(harness)
    await harness.say(2001, "/raise")
    await harness.say(2001, "东门路面塌陷")
    assert "东门路面塌陷" in harness.last(2001)["text"]  # asking what and where
    voice = harness.api.send_voice(2001, None)
    await harness.settle()
    preview = harness.last(2001)
    assert "（语音说明）" in preview["text"]
    assert "🎤 已附上您的语音说明" in preview["text"]
    await harness.press_label(2001, preview, "提交")
    await harness.pushes_sent()
    group = harness.api.bot_messages(RESIDENTS_GROUP)
    cards = [i for i, m in enumerate(group) if m.get("text", "").startswith("📌 #1 东门路面塌陷")]
    voices = [i for i, m in enumerate(group) if m.get("voice")]
    assert len(cards) == 1 and len(voices) == 1
    assert voices[0] > cards[0]  # right after the card
    said = group[voices[0]]
    assert said["caption"] == "🎤 #1 的语音说明"
    assert said["voice"]["file_id"] == voice["voice"]["file_id"]
    assert "（语音说明）" in group[cards[0]]["text"]

    # A voice note before the title: the form says what to do first.
    await harness.say(2003, "/raise")
    harness.api.send_voice(2003, None)
    await harness.settle()
    assert harness.last(2003)["text"].startswith("请先打字写一句标题")


async def test_a_voice_note_elsewhere_gets_a_short_reply(harness: BotHarness) -> None:
    await setup(harness)
    harness.api.send_voice(2001, None)
    await harness.settle()
    answer = harness.last(2001)
    assert answer["text"].startswith("收到您的语音。目前请用文字或按钮操作")
    labels = [b["text"] for row in answer["_reply_markup"]["keyboard"] for b in row]
    assert "📝 提议" in labels and "📋 我的待办" in labels
    harness.api.send_voice(2002, None)
    await harness.settle()
    assert harness.last(2002)["text"].startswith("Got your voice note.")

    # In a group, nothing: no reply to flood it with.
    before = len(harness.api.bot_messages(RESIDENTS_GROUP))
    harness.api.send_voice(2001, RESIDENTS_GROUP)
    await harness.settle()
    assert len(harness.api.bot_messages(RESIDENTS_GROUP)) == before
