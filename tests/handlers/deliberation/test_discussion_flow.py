"""Discussion (民议) through the real bot: card replies, /discuss, paging, hiding."""

from __future__ import annotations

from typing import Any

from tests.handlers.conftest import RESIDENTS_GROUP, SECRETARY, BotHarness, button_labels
from tests.handlers.deliberation.test_matters_flow import setup


async def raise_matter(harness: BotHarness, user_id: int, title: str, details: str) -> None:
    await harness.say(user_id, "/raise")
    await harness.say(user_id, title)
    await harness.say(user_id, details)
    await harness.press_label(user_id, harness.last(user_id), "提交")
    await harness.pushes_sent()


def card_of(harness: BotHarness, number: int) -> dict[str, Any]:
    cards = [
        m
        for m in harness.api.bot_messages(RESIDENTS_GROUP)
        if m.get("text", "").startswith(f"📌 #{number} ")
    ]
    assert cards, f"no card of #{number} in the residents' group"
    return cards[-1]


async def comment_count(harness: BotHarness) -> int:
    async with (
        harness.db.read() as session,
        session.conn.execute("SELECT count(*) FROM comments") as cur,
    ):
        row = await cur.fetchone()
    return int(row[0])


async def test_a_reply_to_the_card_is_a_comment(harness: BotHarness) -> None:
    await setup(harness)
    await raise_matter(harness, 2001, "3号楼前加装路灯", "晚上太黑，老人出门不方便。")
    card = card_of(harness, 1)
    assert "💬 讨论 0 条" in card["text"]

    await harness.say(
        2003, "我同意，确实太黑", RESIDENTS_GROUP, reply_to_message_id=card["message_id"]
    )
    await harness.api.wait_for(lambda: "💬 讨论 1 条" in card_of(harness, 1)["text"], timeout=60)
    assert await comment_count(harness) == 1

    # Replies to anything else are left alone, whoever sends them.
    before = len(harness.api.bot_messages(RESIDENTS_GROUP))
    chat = await harness.say(2002, "Hello neighbours", RESIDENTS_GROUP)
    harness.api.add_user(2999, "路人")
    await harness.say(2999, "+1", RESIDENTS_GROUP, reply_to_message_id=chat["message_id"])
    assert len(harness.api.bot_messages(RESIDENTS_GROUP)) == before
    # 提议 … as a reply still raises a matter, and is no comment.
    await harness.say(2003, "提议 修路", RESIDENTS_GROUP, reply_to_message_id=card["message_id"])
    assert "私聊我" in harness.last(RESIDENTS_GROUP)["text"]
    # 签到 as a reply is a check-in attempt, no comment on the matter.
    await harness.say(2003, "签到", RESIDENTS_GROUP, reply_to_message_id=card["message_id"])
    assert await comment_count(harness) == 1
    # An unregistered person replying to the card is told to register.
    await harness.say(2999, "我也说一句", RESIDENTS_GROUP, reply_to_message_id=card["message_id"])
    assert harness.last(RESIDENTS_GROUP)["text"].startswith("您还没有登记")
    assert await comment_count(harness) == 1

    await harness.say(2001, "/thread 1")
    thread = harness.last(2001)["text"]
    assert "1. 李大爷" in thread and "我同意，确实太黑" in thread


async def test_discuss_command_checks_its_input(harness: BotHarness) -> None:
    await setup(harness)
    await raise_matter(harness, 2001, "3号楼前加装路灯", "晚上太黑。")
    for text in ("/discuss", "/discuss abc 好", "/discuss 1"):
        await harness.say(2003, text)
        assert harness.last(2003)["text"].startswith("用法：/discuss 编号 内容")
    await harness.say(2003, "/discuss 1 " + "字" * 501)
    assert harness.last(2003)["text"] == "发言太长了（501 字），请不超过 500 字。"
    await harness.say(2003, "/discuss 9 你好")
    assert harness.last(2003)["text"] == "没有编号 #9 的事项。"
    assert await comment_count(harness) == 0

    await harness.say(2003, "/discuss #1 <b>同意</b> & 支持", RESIDENTS_GROUP)
    assert harness.last(RESIDENTS_GROUP)["text"] == "💬 已记下您对 #1 的发言（第 1 条）。"
    await harness.api.wait_for(lambda: "💬 讨论 1 条" in card_of(harness, 1)["text"], timeout=60)
    await harness.say(2002, "/thread 1")
    thread = harness.last(2002)
    assert "<b>同意</b> & 支持" in thread["text"]  # escaped: shown as typed, not bold
    assert "page 1/1, 1 comment)" in thread["text"]


async def test_thread_pages_back_and_forth(harness: BotHarness) -> None:
    await setup(harness)
    await raise_matter(harness, 2001, "3号楼前加装路灯", "晚上太黑。")
    for index in range(12):
        await harness.say(2003, f"/discuss 1 第{index + 1}条意见")
    await harness.say(2001, "/matter 1")
    screen = harness.last(2001)
    assert "💬 讨论（12）" in button_labels(screen)
    await harness.press_label(2001, screen, "讨论（12）")
    page = harness.last(2001)
    assert "第 1/2 页，共 12 条" in page["text"]
    assert "10. 李大爷" in page["text"] and "11. " not in page["text"]
    assert not any("隐藏" in label for label in button_labels(page))  # not a secretary
    await harness.press_label(2001, page, "下一页")
    page = harness.last(2001)
    assert "第 2/2 页" in page["text"] and "第12条意见" in page["text"]
    assert "下一页 ➡️" not in button_labels(page)
    await harness.press_label(2001, page, "上一页")
    assert "第 1/2 页" in harness.last(2001)["text"]


async def test_only_a_secretary_hides_and_hidden_shows_as_hidden(harness: BotHarness) -> None:
    await setup(harness)
    await raise_matter(harness, 2001, "3号楼前加装路灯", "晚上太黑。")
    await harness.say(2003, "/discuss 1 同意")
    await harness.say(2002, "/discuss 1 骂人的话")

    # A resident pressing a (forged) hide button changes nothing.
    await harness.say(2001, "/thread 1")
    await harness.press(2001, harness.last(2001), "xhd:2:0", strict=False)
    assert harness.api.callback_answers()[-1]["text"] == "抱歉，只有书记可以使用这个功能。"

    await harness.say(SECRETARY, "/thread 1")
    page = harness.last(SECRETARY)
    assert {"🙈 隐藏第 1 条", "🙈 隐藏第 2 条"} <= set(button_labels(page))
    await harness.press_label(SECRETARY, page, "隐藏第 2 条")
    assert harness.last(SECRETARY)["text"].startswith("隐藏第 2 条发言（Tom）")
    await harness.say(SECRETARY, "人身攻击")
    texts = harness.texts(SECRETARY)
    assert texts[-2] == "✅ 第 2 条发言已隐藏。"
    assert "🙈 隐藏第 2 条" not in button_labels(harness.last(SECRETARY))

    await harness.say(2001, "/thread 1")
    thread = harness.last(2001)["text"]
    assert "2. （该发言已被隐藏）理由：人身攻击" in thread
    assert "骂人的话" not in thread
    await harness.say(2001, "/matter 1")
    assert "隐藏了第 2 条发言，理由：人身攻击" in harness.last(2001)["text"]
    # Kept for the record.
    async with (
        harness.db.read() as session,
        session.conn.execute("SELECT text, hidden_reason FROM comments WHERE id = 2") as cur,
    ):
        row = await cur.fetchone()
    assert tuple(row) == ("骂人的话", "人身攻击")
