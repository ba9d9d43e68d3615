"""The minutes to a committee's standard (issue 13): 时间 · 地点 · 主持人 · 记录人 · 出席,
per matter 主要意见 · 表决情况 · 决议 · 承办人 · 办结期限, as text and as a Word document;
a secretary sets chair and recorder and chooses the opinions with buttons; without a
choice the comments most agreed with (👍) are quoted."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from bot.standin import FakeBotApi
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import (
    RESIDENTS_GROUP,
    SECRETARY,
    BotHarness,
    button_labels,
    start_harness,
)
from tests.handlers.deliberation.test_paper_ballots_flow import community, open_sitting, press
from tests.handlers.deliberation.test_votes_flow import open_vote


def minutes_text(harness: BotHarness, chat_id: int) -> str:
    """The last minutes text the chat got."""
    return next(text for text in reversed(harness.texts(chat_id)) if text.startswith("📝"))


def last_document(harness: BotHarness, chat_id: int) -> tuple[str, Any]:
    """The last document the chat got: its file name and the opened .docx."""
    sent = [m for m in harness.api.bot_messages(chat_id) if "document" in m][-1]
    (data,) = sent["_files"].values()
    return sent["document"]["file_name"], Document(io.BytesIO(bytes(data)))


def document_text(document: Any) -> str:
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


async def a_discussed_and_decided_matter(harness: BotHarness, clock: FakeClock) -> None:
    """Matter #1 with four comments (李大爷's agreed by two, Tom's by one), on the agenda
    of the sitting open now, with two present, a vote passed and the committee assigned."""
    await community(harness)
    await harness.say(2001, "/discuss 1 晚上太黑，老人走路怕摔，一定要装")
    await harness.say(2003, "/discuss 1 灯要装在大门两边，照到台阶")
    await harness.say(2005, "/discuss 1 最好用太阳能灯，省电")
    await harness.say(2002, "/discuss 1 Please also fix the broken one by the gate")
    for user_id, position in ((2002, 2), (2001, 2), (2003, 4)):
        await harness.say(user_id, "/thread 1")
        await harness.press_label(user_id, harness.last(user_id), f"👍 {position}")
    assert "👍 2（2）" in button_labels(harness.last(2003))

    await open_sitting(harness, clock)
    await harness.say(SECRETARY, "/attendance")
    await press(harness, "3栋")
    await press(harness, "⬜ 张阿姨")
    await press(harness, "楼栋列表")
    await press(harness, "5栋")
    await press(harness, "⬜ 李大爷")

    card = await open_vote(harness, 1)
    await harness.press_label(2001, card, "赞成")
    await harness.press_label(2003, card, "赞成")
    await harness.press_label(2005, card, "反对")
    await harness.say(SECRETARY, "/closevote 1")
    assert harness.last(SECRETARY)["text"] == "表决 #1 已结束：通过。"
    await harness.pushes_sent()

    await harness.say(SECRETARY, "/assign 1")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "居委会")
    await harness.say(SECRETARY, "2026-12-31")
    assert harness.last(SECRETARY)["text"] == "✅ #1 已交给 居委会 办理，期限12月31日（周四）。"


async def test_the_secretary_completes_the_minutes_with_buttons(
    tmp_path: Path, api: FakeBotApi
) -> None:
    clock = FakeClock()
    settings = make_settings(
        tmp_path, telegram={"poll_timeout": 1}, deliberation={"default_quorum": 2}
    )
    harness = await start_harness(settings, api, clock)
    try:
        await a_discussed_and_decided_matter(harness, clock)
        async with harness.db.read() as session:
            secretary = await session.people.by_telegram_id(SECRETARY)
        assert secretary is not None
        name = secretary.display_name

        # /minutes: the text, the Word document, and the panel (a secretary, privately).
        await harness.say(SECRETARY, "/minutes")
        text = minutes_text(harness, SECRETARY)
        lines = text.split("\n")
        assert lines[:5] == [
            "📝 幸福社区周四议事亭会议记录",
            "时间：2026年11月19日（周四）晚上7点—未结束",
            "地点：社区议事亭",
            f"主持人：{name}",  # by default the community's first secretary
            "记录人：（未填）",  # who kept the list is the chair: not named twice
        ]
        assert lines[5] == "出席：共 2 人（登记在册 2 人，未登记 0 人）"
        assert lines[6].startswith("　张阿姨、李大爷（登记人：")
        assert "【议题 1】#1 小区门口加装路灯（办理中）" in lines
        # Without a choice: the three comments most agreed with, in the thread's order.
        assert "　主要意见：" in lines
        assert "　　· 张阿姨：“晚上太黑，老人走路怕摔，一定要装”" in lines
        assert "　　· 李大爷：“灯要装在大门两边，照到台阶”（2 人赞同）" in lines
        assert "　　· Tom：“Please also fix the broken one by the gate”（1 人赞同）" in lines
        assert "太阳能" not in text
        assert (
            "　表决情况：通过；赞成 2、反对 1、弃权 0；已投 3 / 应投 5（60%）；法定人数 2 人"
            in lines
        ), text
        assert "　决议：暂无" in lines
        assert "　承办人：居委会" in lines
        assert "　办结期限：2026年12月31日（周四）" in lines
        file_name, _ = last_document(harness, SECRETARY)
        assert file_name == "幸福社区-会议记录-2026-11-19.docx"
        panel = harness.last(SECRETARY)
        assert panel["text"].startswith("✏️ 完善纪要：周四议事亭 2026年11月19日（周四）")
        assert button_labels(panel) == [
            f"👤 主持人：{name}",
            "✍ 记录人：（未填）",
            "💬 #1 小区门口加装路灯：选主要意见",
            "📄 看纪要和文档",
            "📣 发到居民群",
            "📋 出席登记",
        ]

        # Residents get the minutes and the document, and no panel.
        await harness.say(2001, "/minutes")
        assert minutes_text(harness, 2001) == text
        assert "document" in harness.last(2001)
        assert not [t for t in harness.texts(2001) if t.startswith("✏️")]

        # The chair: a typed name; the recorder: one of the committee, with a button.
        screen = await press(harness, "主持人")
        assert screen["text"].startswith(f"请选择主持人：点名字，或点“✍ 输入名字”。\n现在：{name}")
        await press(harness, "输入名字")
        assert harness.last(SECRETARY)["text"] == "请发送主持人的名字，例如“李委员”。"
        await harness.say(SECRETARY, "陈主任")
        assert harness.texts(SECRETARY)[-2] == "✅ 已保存。"
        assert f"主持人：陈主任\n记录人：{name}" in harness.last(SECRETARY)["text"]
        screen = await press(harness, "记录人")
        await press(harness, name)
        assert button_labels(harness.last(SECRETARY))[:2] == [
            "👤 主持人：陈主任",
            f"✍ 记录人：{name}",
        ]

        # The main opinions: 孙大妈's chosen with its ✅ button, and only it is quoted.
        screen = await press(harness, "#1 小区门口加装路灯")
        assert "现在没有选，纪要用赞同最多的 3 条" in screen["text"]
        assert button_labels(screen)[:4] == [
            "⬜ 张阿姨：晚上太黑，老人走路怕摔，一定要装（👍0）",
            "⬜ 李大爷：灯要装在大门两边，照到台阶（👍2）",
            "⬜ 孙大妈：最好用太阳能灯，省电（👍0）",
            "⬜ Tom：Please also fix the bro…（👍1）",
        ]
        screen = await press(harness, "⬜ 孙大妈")
        assert "✅ 孙大妈：最好用太阳能灯，省电（👍0）" in button_labels(screen)
        assert "已选 1 条" in screen["text"]
        panel = await press(harness, "返回纪要")
        assert "💬 #1 小区门口加装路灯：已选主要意见 ✅" in button_labels(panel)

        await press(harness, "看纪要和文档")
        assert harness.last(SECRETARY)["text"].startswith("✏️ 完善纪要")  # the panel again
        text = minutes_text(harness, SECRETARY)
        assert "主持人：陈主任" in text and f"记录人：{name}" in text
        assert "　　· 孙大妈：“最好用太阳能灯，省电”" in text
        assert "李大爷：" not in text and "张阿姨：“" not in text

        # The Word document: the community's name as its title, the same sections.
        file_name, document = last_document(harness, SECRETARY)
        assert file_name == "幸福社区-会议记录-2026-11-19.docx"
        assert document.paragraphs[0].text == "幸福社区"
        assert document.paragraphs[0].style.name == "Title"
        assert document.core_properties.title == "幸福社区"
        assert document.paragraphs[1].text == "周四议事亭会议记录 · 2026年11月19日（周四）"
        headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
        assert headings == ["议题 1 #1 小区门口加装路灯（办理中）", "主要意见"]
        header = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
        assert header["时间"] == "2026年11月19日（周四）晚上7点—未结束"
        assert header["地点"] == "社区议事亭"
        assert header["主持人"] == "陈主任"
        assert header["记录人"] == name
        assert header["出席"] == "共 2 人（登记在册 2 人，未登记 0 人）"
        assert header["出席人员"].startswith("张阿姨、李大爷")
        matter = {row.cells[0].text: row.cells[1].text for row in document.tables[1].rows}
        assert matter["表决情况"].startswith("通过；赞成 2、反对 1、弃权 0")
        assert matter["承办人"] == "居委会" and matter["办结期限"] == "2026年12月31日（周四）"
        bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
        assert bullets == ["孙大妈：“最好用太阳能灯，省电”"]
        assert document.paragraphs[-1].text.startswith("主持人（签字）：")
        # A4, and Chinese set in an East Asian font.
        section = document.sections[0]
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == "SimSun"

        # Completed, the minutes go to the residents' group: text and document.
        await press(harness, "出席登记")
        await press(harness, "完善纪要")  # and back, from the attendance screen
        await press(harness, "发到居民群")
        assert harness.api.callback_answers()[-1]["text"] == "✅ 纪要已发到居民群。"
        await harness.pushes_sent()
        posted = minutes_text(harness, RESIDENTS_GROUP)
        assert "主持人：陈主任" in posted and "　　· 孙大妈：“最好用太阳能灯，省电”" in posted
        file_name, document = last_document(harness, RESIDENTS_GROUP)
        assert file_name == "幸福社区-会议记录-2026-11-19.docx"
        assert "陈主任" in document_text(document)

        # The ledger (台账) has a 会议记录 sheet: each sitting with chair and recorder.
        await harness.say(SECRETARY, "/ledger")
        (workbook,) = harness.last(SECRETARY)["_files"].values()
        sheet = load_workbook(io.BytesIO(workbook))["会议记录"]
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[1] == ("会议时间", "议事形式", "地点", "主持人", "记录人", "到场合计", "议题")
        assert rows[2][2:] == ("社区议事亭", "陈主任", name, 2, "#1 小区门口加装路灯")
    finally:
        await harness.running.stop()


async def test_minutes_in_english_for_an_english_reader(tmp_path: Path, api: FakeBotApi) -> None:
    clock = FakeClock()
    settings = make_settings(
        tmp_path, telegram={"poll_timeout": 1}, deliberation={"default_quorum": 2}
    )
    harness = await start_harness(settings, api, clock)
    try:
        await a_discussed_and_decided_matter(harness, clock)
        await harness.say(2002, "/minutes")  # Tom reads English
        text = minutes_text(harness, 2002)
        lines = text.split("\n")
        assert lines[0] == "📝 幸福社区: minutes of the Thursday pavilion"
        assert lines[1] == "Time: Thu, 19 Nov 2026, 7 pm–not closed yet"
        assert "Place: 社区议事亭" in lines
        assert "Present: 2 in all (2 in the register, 0 not registered)" in lines
        assert "[Matter 1] #1 小区门口加装路灯 (being carried out)" in lines
        assert "  Main opinions: " in lines
        assert "    · 李大爷: “灯要装在大门两边，照到台阶” (2 agreed)" in lines
        assert "  Vote: passed; Yes 2, No 1, Abstain 0; 3 of 5 voted (60%); quorum 2" in lines
        assert "  Carried out by: the committee" in lines
        assert "  Due by: Thu, 31 Dec 2026" in lines
        assert "  张阿姨, 李大爷 (marked by 王书记)" in lines
        assert "、" not in text  # no Chinese list separator
        file_name, document = last_document(harness, 2002)
        assert file_name == "幸福社区-minutes-2026-11-19.docx"
        assert document.paragraphs[0].text == "幸福社区"
        body = document_text(document)
        assert "Main opinions" in body and "Chair" in body and "Carried out by" in body
        # No panel for a resident.
        assert not [t for t in harness.texts(2002) if t.startswith("✏️")]
    finally:
        await harness.running.stop()
