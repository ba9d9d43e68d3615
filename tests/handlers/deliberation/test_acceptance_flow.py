"""A matter reported 100% done waits for a secretary's acceptance (验收), through the real bot.

The owner reports 100% → 待验收; a secretary other than the owner presses ✅ 验收通过
(done, the raiser and supporters rate it, the owner does not) or 🔁 退回返工 with a
reason (back to the owner). Presses too late or twice get a short alert.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.community.register import Role
from bot.standin import FakeBotApi
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import SECRETARY, BotHarness, button_labels, start_harness
from tests.handlers.deliberation.test_carrying_flow import (
    assign_to_li,
    last_with,
    person_id,
    setup,
)

OTHER_SECRETARY = 2004


@pytest.fixture
async def harness(tmp_path: Path, api: FakeBotApi) -> AsyncIterator[BotHarness]:
    api.add_user(OTHER_SECRETARY, "书记", last_name="赵", language_code="zh-hans")
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    running = await start_harness(settings, api, FakeClock())
    try:
        yield running
    finally:
        await running.running.stop()


async def make_secretary(harness: BotHarness, tg_user_id: int) -> None:
    now = harness.running.services.clock()
    async with harness.db.transaction() as session:
        await session.people.grant(
            await person_id(harness, tg_user_id), Role.SECRETARY.value, None, now
        )


async def report_done(harness: BotHarness, owner: int, words: str) -> str:
    """The owner reports 100% with ``words``; the bot's reply to them."""
    await harness.pushes_sent()
    await harness.say(owner, "/progress 1")
    await harness.press_label(owner, harness.last(owner), "100%")
    await harness.say(owner, words)
    replied = str(harness.last(owner)["text"])
    await harness.pushes_sent()
    return replied


async def stage(harness: BotHarness) -> str:
    async with harness.db.read() as session:
        matter = await session.matters.get(1)
    assert matter is not None
    return matter.stage


async def test_rework_with_a_reason_then_accepted_and_pressed_twice(harness: BotHarness) -> None:
    await setup(harness)
    await assign_to_li(harness)
    replied = await report_done(harness, 2003, "路灯装好了")
    assert replied.endswith("已请书记验收，验收通过后就办结了。")
    assert await stage(harness) == "acceptance"
    await harness.say(2001, "/matter 1")
    assert "状态：待验收" in harness.last(2001)["text"]
    await harness.say(2001, "/matters")
    assert "【待验收】\n#1 3号楼前加装路灯" in harness.last(2001)["text"]

    # A resident cannot accept (nor press a forged button).
    first_ask = last_with(harness, SECRETARY, "请您验收")
    await harness.press(2001, harness.last(2001), "bsv:1:accepted", strict=False)
    assert harness.api.callback_answers()[-1]["text"] == "抱歉，只有书记可以使用这个功能。"

    # 🔁 退回返工 asks why; the typed reason goes to the owner with the 📝 button.
    await harness.press_label(SECRETARY, first_ask, "退回返工")
    prompt = harness.last(SECRETARY)
    assert prompt["text"] == (
        "🔁 退回 #1 3号楼前加装路灯 返工。\n请写一句理由，负责人会看到（最多 500 字）。"
        "\n不写理由，就点下面的按钮："
    )
    assert button_labels(prompt) == ["🔁 不写理由，直接退回", "✅ 验收通过"]
    await harness.say(SECRETARY, "灯罩没装，晚上还是很暗")
    assert harness.last(SECRETARY)["text"] == (
        "🔁 #1 已退回负责人返工，理由已告诉负责人：灯罩没装，晚上还是很暗"
    )
    assert await stage(harness) == "in_progress"
    await harness.pushes_sent()
    returned = harness.last(2003)
    assert returned["text"] == (
        "🔁 您负责的 #1 3号楼前加装路灯 验收没有通过，请继续办理。"
        "\n书记说：灯罩没装，晚上还是很暗\n办好后再按下面的“报告进展”。"
    )
    assert button_labels(returned) == ["📝 报告进展"]
    # Too late: the prompt's button, pressed after the reason, changes nothing.
    await harness.press_label(SECRETARY, prompt, "验收通过", strict=False)
    assert harness.api.callback_answers()[-1]["text"] == (
        "#1 已退回返工，负责人再报办完后才能验收。"
    )
    assert await stage(harness) == "in_progress"

    # The owner reports again from the button; this time it is accepted.
    await harness.press_label(2003, returned, "报告进展")
    await harness.press_label(2003, harness.last(2003), "100%")
    await harness.say(2003, "灯罩也装好了")
    await harness.pushes_sent()
    second_ask = last_with(harness, SECRETARY, "灯罩也装好了")
    assert second_ask["message_id"] != first_ask["message_id"]
    await harness.press_label(SECRETARY, second_ask, "验收通过")
    assert await stage(harness) == "done"
    # Pressed twice (or the old request's button): a short alert, nothing twice.
    await harness.press(SECRETARY, second_ask, "bsv:1:accepted", strict=False)
    assert harness.api.callback_answers()[-1]["text"] == "#1 已经验收通过了。"
    await harness.press(SECRETARY, first_ask, "bsv:1:rework", strict=False)
    assert harness.api.callback_answers()[-1]["text"] == "#1 已经验收通过了。"
    await harness.pushes_sent()
    assert len([t for t in harness.texts(2001) if "您满意吗" in t]) == 1
    assert len([t for t in harness.texts(2003) if "已验收通过，办结了" in t]) == 1
    assert not [t for t in harness.texts(2003) if "您满意吗" in t]

    # Everything is in the matter's history.
    await harness.say(2001, "/matter 1")
    page = harness.last(2001)["text"]
    assert "状态：已办结" in page
    history = page.split("经过")[1].split("\n")
    steps = [line for line in history if "验收" in line]
    expected = [
        "报请书记验收",
        "王书记 验收未通过，退回返工，理由：灯罩没装，晚上还是很暗",
        "报请书记验收",
        "王书记 验收通过",
    ]
    assert len(steps) == len(expected)
    assert all(line.endswith(f" {step}") for line, step in zip(steps, expected, strict=True))


async def test_a_secretary_cannot_accept_their_own_work(harness: BotHarness) -> None:
    await setup(harness)
    await harness.register(OTHER_SECRETARY)
    await make_secretary(harness, OTHER_SECRETARY)
    async with harness.db.transaction() as session:  # 王书记 supported it, too
        await session.matters.support(
            1, await person_id(harness, SECRETARY), harness.running.services.clock()
        )
    # 王书记 carries the matter out himself.
    await harness.say(SECRETARY, "/assign 1")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "一位居民")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "王书记")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "2 周")
    await report_done(harness, SECRETARY, "已经装好")
    # Only the other secretary is asked; a forged press by the owner is refused.
    assert not [t for t in harness.texts(SECRETARY) if "请您验收" in t]
    ask = last_with(harness, OTHER_SECRETARY, "请您验收")
    assert "负责人：王书记" in ask["text"]
    await harness.press(SECRETARY, harness.last(SECRETARY), "bsv:1:accepted", strict=False)
    assert harness.api.callback_answers()[-1]["text"] == (
        "#1 是您自己负责办理的，请另一位书记验收。"
    )
    assert await stage(harness) == "acceptance"
    await harness.press_label(OTHER_SECRETARY, ask, "验收通过")
    assert await stage(harness) == "done"
    await harness.pushes_sent()
    # The raiser and the supporter rate it; the owner, who also supported it, does not.
    assert [t for t in harness.texts(2001) if "您满意吗" in t]
    assert not [t for t in harness.texts(SECRETARY) if "您满意吗" in t]
    async with harness.db.read() as session:
        events = await session.matters.events(1)
    accepted = [e for e in events if e.kind == "secretary_accepted"]
    assert [e.actor_id for e in accepted] == [await person_id(harness, OTHER_SECRETARY)]


async def test_the_only_secretary_accepts_their_own_work_and_the_record_says_so(
    harness: BotHarness,
) -> None:
    await setup(harness)
    await harness.say(SECRETARY, "/assign 1")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "一位居民")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "王书记")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "2 周")
    await report_done(harness, SECRETARY, "已经装好")
    ask = last_with(harness, SECRETARY, "请您验收")
    assert ask["text"].endswith("社区没有其他书记，只能由您本人验收，记录中会注明。")
    await harness.press_label(SECRETARY, ask, "验收通过")
    assert await stage(harness) == "done"
    await harness.pushes_sent()  # the rating ask, before she looks at the matter
    await harness.say(2001, "/matter 1")
    assert "王书记 验收通过（社区没有其他书记，由本人验收）" in harness.last(2001)["text"]


async def test_a_secretary_sends_it_back_without_a_reason_in_english(
    harness: BotHarness,
) -> None:
    await setup(harness)
    await make_secretary(harness, 2002)  # Tom reads English
    await assign_to_li(harness)
    await report_done(harness, 2003, "装好了")
    ask = last_with(harness, 2002, "Please check and accept it")
    assert ask["text"] == (
        "📋 #1 3号楼前加装路灯 is reported finished. Please check and accept it."
        "\nOwner: 李大爷\nReport: 装好了"
    )
    assert button_labels(ask) == ["✅ Accept", "🔁 Send back for rework"]
    await harness.press_label(2002, ask, "Send back")
    await harness.press_label(2002, harness.last(2002), "without a reason")
    assert harness.last(2002)["text"] == "🔁 #1 is back with its owner for rework."
    await harness.pushes_sent()
    assert harness.last(2003)["text"] == (
        "🔁 您负责的 #1 3号楼前加装路灯 验收没有通过，请继续办理。办好后再按下面的“报告进展”。"
    )
    # The other secretary's request is too late now.
    await harness.press_label(SECRETARY, last_with(harness, SECRETARY, "请您验收"), "验收通过")
    assert harness.api.callback_answers()[-1]["text"] == (
        "#1 已退回返工，负责人再报办完后才能验收。"
    )
    assert await stage(harness) == "in_progress"
