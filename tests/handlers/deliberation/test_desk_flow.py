"""Secretaries' agenda controls and a matter's history, through the real bot."""

from __future__ import annotations

import re

from tests.handlers.conftest import SECRETARY, BotHarness, button_labels
from tests.handlers.deliberation.test_discussion_flow import card_of, raise_matter
from tests.handlers.deliberation.test_matters_flow import setup


async def test_matter_shows_its_history_and_secretary_buttons(harness: BotHarness) -> None:
    await setup(harness)
    await raise_matter(harness, 2001, "3号楼前加装路灯", "晚上太黑。")
    await harness.say(2003, "/discuss 1 同意")

    await harness.say(2003, "/matter 1")
    resident_view = harness.last(2003)
    # No controls for a resident; the public board's 🔔 关注 (follow) last.
    assert button_labels(resident_view) == ["💬 讨论（1）", "🔔 关注"]
    assert "<b>经过</b>" not in resident_view["text"]  # rendered as bold, not shown as tags
    assert "经过" in resident_view["text"] and "张阿姨 提出事项" in resident_view["text"]
    assert "💬 讨论 1 条" in resident_view["text"]

    await harness.say(SECRETARY, "/matter 1")
    screen = harness.last(SECRETARY)
    assert button_labels(screen) == [
        "💬 讨论（1）",
        "📅 列入周四议事亭议程",
        "📅 列入逢四说事议程",
        "🔗 合并重复事项",
        "↩️ 撤回事项",
        "🗳 发起表决",
        "🔔 关注",
    ]
    await harness.press_label(SECRETARY, screen, "列入逢四说事议程")
    screen = harness.last(SECRETARY)
    assert re.match(r"✅ #1 已列入\d+月\d+日（周.）上午9点 逢四说事议程。", screen["text"])
    assert "逢四说事议程" in screen["text"]
    assert "📅 列入逢四说事议程" not in button_labels(screen)
    await harness.api.wait_for(lambda: "已列入" in card_of(harness, 1)["text"], timeout=60)
    assert "逢四说事议程" in card_of(harness, 1)["text"]

    # The history, in each viewer's language.
    await harness.say(2002, "/matter 1")
    history = harness.last(2002)["text"]
    assert "History" in history
    assert "raised by 张阿姨" in history
    assert "王书记 put it on the agenda of the talk on the fourth" in history
    # A second press of the same (now gone) button changes nothing and says why.
    await harness.press(SECRETARY, screen, "xag:1:talk_day", strict=False)
    assert harness.api.callback_answers()[-1]["text"] == "#1 已经在这个议程上了。"


async def test_merge_and_press_support_on_the_merged_card(harness: BotHarness) -> None:
    await setup(harness)
    await raise_matter(harness, 2001, "3号楼前加装路灯", "晚上太黑。")
    await raise_matter(harness, 2003, "3号楼门口装灯", "太黑了。")
    duplicate_card = card_of(harness, 2)
    await harness.press(2002, duplicate_card, "ms:2")  # Tom supports the duplicate

    await harness.say(SECRETARY, "/merge 2")
    assert harness.last(SECRETARY)["text"].startswith("用法：/merge")
    await harness.say(SECRETARY, "/matter 2")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "合并重复事项")
    choose = harness.last(SECRETARY)
    assert choose["text"].startswith("把 #2“3号楼门口装灯”并入哪个事项？")
    await harness.press_label(SECRETARY, choose, "并入 #1")
    confirm = harness.last(SECRETARY)
    assert confirm["text"].startswith("确认把 #2“3号楼门口装灯”并入 #1“3号楼前加装路灯”吗？")
    await harness.press_label(SECRETARY, confirm, "返回")  # changed mind: nothing merged
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "并入 #1")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "确认合并")
    assert harness.last(SECRETARY)["text"].startswith("✅ #2 已并入 #1，转入 1 位附议。")

    await harness.api.wait_for(lambda: "已并入 #1" in card_of(harness, 2)["text"], timeout=60)
    assert button_labels(card_of(harness, 2)) == []
    await harness.api.wait_for(
        lambda: "已并入重复事项 #2" in card_of(harness, 1)["text"], timeout=60
    )
    assert "👍 已附议 1/3" in card_of(harness, 1)["text"]

    # 附议 on the merged card (a copy not yet refreshed) says where it went.
    await harness.press(2001, duplicate_card, "ms:2", strict=False)
    assert harness.api.callback_answers()[-1]["text"] == "这个事项已并入 #1，请到 #1 附议和讨论。"
    # Non-secretaries cannot merge.
    await harness.say(2001, "/merge 1 2")
    assert harness.last(2001)["text"] == "抱歉，只有书记可以使用这个功能。"


async def test_withdraw_shows_the_reason(harness: BotHarness) -> None:
    await setup(harness)
    await raise_matter(harness, 2001, "小区门口乱停车", "车停到人行道上。")
    await raise_matter(harness, 2003, "楼道堆放杂物", "影响消防通道。")

    await harness.say(SECRETARY, "/withdraw 1")
    assert harness.last(SECRETARY)["text"].startswith("用法：/withdraw")
    await harness.say(SECRETARY, "/withdraw 1 " + "理" * 201)
    assert harness.last(SECRETARY)["text"] == "理由太长了（201 字），请不超过 200 字。"
    await harness.say(SECRETARY, "/withdraw 1 物业已经解决 <了>")
    assert harness.last(SECRETARY)["text"] == "✅ #1 已撤回。理由：物业已经解决 <了>"
    await harness.api.wait_for(lambda: "已撤回" in card_of(harness, 1)["text"], timeout=60)
    assert card_of(harness, 1)["text"].endswith("↩️ 已撤回。理由：物业已经解决 <了>")

    await harness.say(2002, "/matter 1")
    shown = harness.last(2002)["text"]
    assert "↩️ Withdrawn: 物业已经解决 <了>" in shown
    assert "withdrew it: 物业已经解决 <了>" in shown

    # With the button, the reason is asked for next.
    await harness.say(SECRETARY, "/matter 2")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "撤回事项")
    assert harness.last(SECRETARY)["text"].startswith("请写撤回 #2“楼道堆放杂物”的理由")
    await harness.say(SECRETARY, "已经清理")
    assert harness.last(SECRETARY)["text"].startswith("✅ #2 已撤回。理由：已经清理")
    await harness.say(SECRETARY, "/withdraw 2 再撤一次")
    assert "已不在征集附议或议程阶段" in harness.last(SECRETARY)["text"]
    await harness.say(2001, "/discuss 2 还能说吗")
    assert harness.last(2001)["text"] == "#2 已撤回，不再讨论。"
