"""Carrying out through the real bot: assign, progress, ratings, supervision and acceptance."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.community.register import Role
from bot.config import Language
from bot.standin import FakeBotApi
from handlers.deliberation import keyboards
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import (
    RESIDENTS_GROUP,
    SECRETARY,
    BotHarness,
    button_labels,
    start_harness,
)


@pytest.fixture
async def harness(tmp_path: Path, api: FakeBotApi) -> AsyncIterator[BotHarness]:
    """The bot with a clock standing at 2026-11-19 19:00 in Shanghai, so dates are fixed."""
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    running = await start_harness(settings, api, FakeClock())
    try:
        yield running
    finally:
        await running.running.stop()


async def person_id(harness: BotHarness, tg_user_id: int) -> int:
    async with harness.db.read() as session:
        person = await session.people.by_telegram_id(tg_user_id)
    assert person is not None
    return person.id


async def setup(harness: BotHarness) -> int:
    """Secretary, residents' group, three residents; matter #1 raised by 张阿姨, passed."""
    await harness.register(SECRETARY)
    await harness.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
    for user_id, name in ((2001, "张阿姨"), (2002, "Tom"), (2003, "李大爷")):
        await harness.register(user_id, name)
    now = harness.running.services.clock()
    raiser = await person_id(harness, 2001)
    tom = await person_id(harness, 2002)
    async with harness.db.transaction() as session:
        matter_id = await session.matters.create(
            title="3号楼前加装路灯",
            details="晚上太黑",
            raised_by=raiser,
            support_until=now,
            now=now,
        )
        await session.matters.support(matter_id, tom, now)
        await session.matters.set_stage(matter_id, "passed", now)
    return matter_id


def last_with(harness: BotHarness, chat_id: int, part: str) -> dict[str, Any]:
    found = [m for m in harness.api.bot_messages(chat_id) if part in (m.get("text") or "")]
    assert found, f"no message with {part!r} in chat {chat_id}"
    return found[-1]


async def assign_to_li(harness: BotHarness) -> None:
    await harness.say(SECRETARY, "/assign 1")
    assert "由谁负责办理" in harness.last(SECRETARY)["text"]
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "一位居民")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "李大爷")
    assert "负责人：李大爷" in harness.last(SECRETARY)["text"]
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "2 周")
    assert harness.last(SECRETARY)["text"] == "✅ #1 已交给 李大爷 办理，期限12月3日（周四）。"


async def test_assign_progress_to_done_and_ratings(harness: BotHarness) -> None:
    await setup(harness)
    # A resident cannot assign; nothing changes.
    await harness.say(2001, "/assign 1")
    assert harness.last(2001)["text"] == "抱歉，只有书记可以使用这个功能。"

    await assign_to_li(harness)
    await harness.pushes_sent()
    assignment = harness.last(2003)
    assert assignment["text"] == (
        "📋 您负责办理 #1 3号楼前加装路灯，期限12月3日（周四）。\n有进展时，请按下面的“报告进展”。"
    )
    assert button_labels(assignment) == ["📝 报告进展"]

    # Someone else cannot report (nor press a forged button); the owner can, with
    # the button under the assignment, buttons, typed numbers and a photo.
    await harness.say(2001, "/progress 1")
    assert harness.last(2001)["text"] == "只有 #1 的负责人或书记可以报告进展。"
    await harness.press(2001, harness.last(2001), "bpg:1", strict=False)
    assert harness.api.callback_answers()[-1]["text"] == "只有 #1 的负责人或书记可以报告进展。"
    await harness.press_label(2003, assignment, "报告进展")
    assert harness.last(2003)["text"].startswith("#1 3号楼前加装路灯\n现在完成多少了？")
    assert harness.last(2003)["message_id"] != assignment["message_id"]
    await harness.press_label(2003, harness.last(2003), "50%")
    assert "完成 50%" in harness.last(2003)["text"]
    await harness.say(2003, "灯杆已经到货")
    assert harness.last(2003)["text"] == "✅ 已记录：#1 完成 50%。"
    await harness.say(2003, "/progress 1")
    await harness.say(2003, "101")
    assert harness.last(2003)["text"] == "请输入 0 到 100 之间的数字。"
    await harness.say(2003, "100")
    harness.api.send_photo(2003, None, caption="路灯已装好")
    await harness.settle()
    # 100% is not done yet: it waits for a secretary's acceptance.
    assert harness.last(2003)["text"] == (
        "✅ 已记录：#1 完成 100%。已请书记验收，验收通过后就办结了。"
    )
    async with harness.db.read() as session:
        reports = await session.carrying.progress_reports(1)
    assert [(r.percent, r.text, r.photo_file_id is not None) for r in reports] == [
        (50, "灯杆已经到货", False),
        (100, "路灯已装好", True),
    ]

    await harness.pushes_sent()
    notes = [t for t in harness.texts(RESIDENTS_GROUP) if t.startswith("🔧")]
    assert notes == [
        "🔧 #1 3号楼前加装路灯 进展：50%\n灯杆已经到货",
        "🔧 #1 3号楼前加装路灯 进展：100%\n路灯已装好",
    ]

    assert not [t for t in harness.texts(2001) if "您满意吗" in t]  # not before acceptance
    review = last_with(harness, SECRETARY, "请您验收")
    assert review["text"] == (
        "📋 #1 3号楼前加装路灯 报告已办完，请您验收。\n负责人：李大爷\n说明：路灯已装好"
    )
    assert button_labels(review) == ["✅ 验收通过", "🔁 退回返工"]
    await harness.press_label(SECRETARY, review, "验收通过")
    assert harness.last(SECRETARY)["text"] == (
        "✅ #1 3号楼前加装路灯 验收通过，已办结。提出和附议的居民会收到满意度评价。"
    )
    await harness.pushes_sent()
    assert (
        harness.last(2003)["text"] == "🎉 您负责的 #1 3号楼前加装路灯 已验收通过，办结了。谢谢您！"
    )

    # The raiser and the supporter are asked to rate, each in their language.
    ask = last_with(harness, 2001, "已办结。您满意吗")
    assert "Are you satisfied?" in harness.last(2002)["text"]
    await harness.press_label(2001, ask, "基本满意")
    assert harness.last(2001)["text"] == "谢谢您的评价！"
    await harness.press(2001, ask, "brt:1:satisfied", strict=False)  # pressed twice
    assert harness.api.callback_answers()[-1]["text"] == "您已经评价过 #1 了。"
    # 李大爷, the owner, was not asked to rate his own work: a forged press changes nothing.
    assert not [t for t in harness.texts(2003) if "您满意吗" in t]
    await harness.press(2003, harness.last(2003), "brt:1:satisfied", strict=False)
    assert harness.api.callback_answers()[-1]["text"] == "#1 是您负责办理的，不用您评价。"
    summary = await harness.running.services.carrying.ratings.rating_summary(1)
    assert (summary.satisfied, summary.basically, summary.unsatisfied) == (0, 1, 0)


async def test_major_project_is_accepted_by_the_supervision_group(harness: BotHarness) -> None:
    await setup(harness)
    now = harness.running.services.clock()
    async with harness.db.transaction() as session:
        for user_id in (2002, 2003):
            await session.people.grant(
                await person_id(harness, user_id), Role.VOLUNTEER.value, None, now
            )
    # Fewer volunteers than the size: all are taken, and the secretary is told.
    await harness.say(SECRETARY, "/supervision")
    assert "现在没有居民监督小组" in harness.last(SECRETARY)["text"]
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "抽签")
    started = harness.last(SECRETARY)["text"]
    assert "新一届居民监督小组已产生（抽签），任期至2027年11月19日（周五）" in started
    assert "登记的志愿者只有 2 位，不足 11 位" in started

    await harness.say(SECRETARY, "/major 1")
    assert harness.last(SECRETARY)["text"].startswith("✅ #1 已标为重大项目")
    await assign_to_li(harness)
    await harness.say(2003, "/progress 1")
    await harness.press_label(2003, harness.last(2003), "100%")
    await harness.say(2003, "完工")
    assert harness.last(2003)["text"].startswith("🏗 #1 是重大项目")
    await harness.pushes_sent()
    assert not [t for t in harness.texts(SECRETARY) if "请您验收" in t]  # the group accepts it

    # A resident outside the group cannot sign; members sign once each.
    ask = last_with(harness, 2003, "请您验收")
    await harness.press(2001, harness.last(2001), "bav:1:accepted", strict=False)
    assert harness.api.callback_answers()[-1]["text"] == "抱歉，只有监督小组成员可以使用这个功能。"
    await harness.press_label(2003, ask, "验收通过")
    assert harness.last(2003)["text"].startswith("已记录您的意见")
    await harness.press(2003, ask, "bav:1:accepted", strict=False)
    assert harness.api.callback_answers()[-1]["text"] == "您已经验收过 #1 了。"
    await harness.say(2003, "材料和做工都合格")
    assert harness.last(2003)["text"] == "✅ 说明已记入 #1 的记录。"
    await harness.press_label(2002, last_with(harness, 2002, "Please check"), "Accept")
    assert harness.last(2002)["text"].startswith("Recorded. More than half")
    async with harness.db.read() as session:
        matter = await session.matters.get(1)
        events = [event.kind for event in await session.matters.events(1)]
    assert matter is not None and matter.stage == "done"
    assert events[-7:] == [
        "progress",
        "acceptance_requested",
        "acceptance_accepted",
        "acceptance_note",
        "acceptance_accepted",
        "accepted",
        "done",
    ]


async def test_referral_and_answer(harness: BotHarness) -> None:
    await setup(harness)
    await harness.say(SECRETARY, "/refer 1")
    await harness.say(SECRETARY, "区市政所")
    await harness.say(SECRETARY, "更换3号楼前的电缆")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "不设期限")
    assert harness.last(SECRETARY)["text"].startswith("✅ 已转交 区市政所（#1）")
    await harness.say(SECRETARY, "/referrals")
    assert "#1 3号楼前加装路灯 → 区市政所" in harness.last(SECRETARY)["text"]
    await harness.say(SECRETARY, "/answer")
    picker = harness.last(SECRETARY)
    await harness.press_label(SECRETARY, picker, "区市政所")
    await harness.say(SECRETARY, "下周二施工")
    assert harness.last(SECRETARY)["text"] == "✅ 已记录 区市政所 对 #1 的答复。"
    await harness.press_label(SECRETARY, picker, "区市政所", strict=False)  # pressed again
    assert harness.api.callback_answers()[-1]["text"] == "这个转交已经答复过了。"
    await harness.say(SECRETARY, "/referrals")
    assert harness.last(SECRETARY)["text"] == "现在没有待答复的转交。"


async def test_assign_button_under_a_matter_opens_the_form_privately(harness: BotHarness) -> None:
    await setup(harness)
    bot = harness.running.app.bot
    await bot.send_message(
        RESIDENTS_GROUP,
        "#1 通过",
        reply_markup=keyboards.assign_matter(Language.ZH_HANS, 1),
    )
    result = harness.last(RESIDENTS_GROUP)
    await harness.press_label(2001, result, "安排办理")
    assert harness.api.callback_answers()[-1]["text"] == "抱歉，只有书记可以使用这个功能。"
    await harness.press_label(SECRETARY, result, "安排办理")
    assert harness.api.callback_answers()[-1]["text"] == "已私聊您，请在私聊中继续。"
    assert "由谁负责办理" in harness.last(SECRETARY)["text"]
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "居委会")
    await harness.say(SECRETARY, "2026-12-31")
    assert harness.last(SECRETARY)["text"] == "✅ #1 已交给 居委会 办理，期限12月31日（周四）。"


async def test_appointing_the_supervision_group_with_toggles(harness: BotHarness) -> None:
    await setup(harness)
    await harness.say(SECRETARY, "/supervision")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "指定成员")
    picker = harness.last(SECRETARY)
    assert picker["text"].startswith("点选成员（已选 0/11）")
    await harness.press_label(SECRETARY, picker, "张阿姨")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "Tom")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "✓ 张阿姨")  # unchoose
    picker = harness.last(SECRETARY)
    assert picker["text"].startswith("点选成员（已选 1/11）")
    assert "✓ Tom" in button_labels(picker)
    await harness.say(SECRETARY, "张阿姨")  # typing instead of pressing changes nothing
    assert harness.last(SECRETARY)["text"] == "请点上面的按钮选择。"
    await harness.press_label(SECRETARY, picker, "确定")
    started = last_with(harness, SECRETARY, "新一届")
    assert (
        "新一届居民监督小组已产生（指定），任期至2027年11月19日（周五）：\nTom" in started["text"]
    )
    await harness.pushes_sent()
    assert "supervision group until Fri, 19 Nov 2027" in harness.last(2002)["text"]
    async with harness.db.read() as session:
        holders = [p.display_name for p in await session.people.with_role("supervisor")]
    assert holders == ["Tom"]


async def test_assign_by_replying_to_the_owners_message_in_the_group(harness: BotHarness) -> None:
    await setup(harness)
    await harness.say(SECRETARY, "/assign 1", RESIDENTS_GROUP)
    assert harness.last(RESIDENTS_GROUP)["text"].startswith("在群里请回复负责人的消息")
    said = await harness.say(2003, "路灯的事我来跑", RESIDENTS_GROUP)
    await harness.say(
        SECRETARY, "/assign 1", RESIDENTS_GROUP, reply_to_message_id=said["message_id"]
    )
    assert harness.last(RESIDENTS_GROUP)["text"] == "已私聊您，请在私聊中继续。"
    assert "负责人：李大爷" in harness.last(SECRETARY)["text"]
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "1 个月")
    assert harness.last(SECRETARY)["text"] == "✅ #1 已交给 李大爷 办理，期限12月19日（周六）。"
