"""/ledger through the real bot: a secretary gets two CSV files and a workbook; others do not."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from bot.standin import FakeBotApi
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import SECRETARY, BotHarness, start_harness


async def test_a_secretary_receives_the_ledger_files(harness: BotHarness) -> None:
    await harness.register(SECRETARY)
    await harness.register(2001, "张阿姨")
    await harness.say(2001, "提议 3号楼前加装路灯")
    await harness.say(2001, "晚上太黑")
    await harness.press_label(2001, harness.last(2001), "提交")

    await harness.say(2001, "/ledger")
    assert harness.last(2001)["text"] == "抱歉，只有书记可以使用这个功能。"
    assert not [m for m in harness.api.bot_messages(2001) if "document" in m]

    before = len(harness.api.bot_messages(SECRETARY))
    await harness.say(SECRETARY, "/ledger")
    files = [m for m in harness.api.bot_messages(SECRETARY)[before:] if "document" in m]
    names = [m["document"]["file_name"] for m in files]
    assert [name.rsplit(".", 1)[1] for name in names] == ["csv", "csv", "xlsx"]
    assert names[0].startswith("台账-事项-")
    assert files[2]["caption"].endswith("事项 1 件，表决 0 次。")
    (matters_csv,) = files[0]["_files"].values()
    assert matters_csv.startswith(b"\xef\xbb\xbf")
    assert "3号楼前加装路灯" in matters_csv.decode("utf-8-sig")
    (workbook,) = files[2]["_files"].values()
    book = load_workbook(io.BytesIO(workbook))
    assert [row[2] for row in book["事项"].iter_rows(min_row=3, values_only=True)] == [
        "3号楼前加装路灯"
    ]

    await harness.say(SECRETARY, "/ledger 2026-13-01")
    assert harness.last(SECRETARY)["text"].startswith("看不懂日期")
    await harness.say(SECRETARY, "/ledger 2026-11-30 2026-11-01")
    assert harness.last(SECRETARY)["text"] == "开始日期 2026-11-30 晚于结束日期 2026-11-01。"


def wall(text: str) -> datetime:
    """A wall-clock time as a workbook holds it (local, without a zone)."""
    return datetime.fromisoformat(text)


async def test_the_ledger_workbook_is_typed_titled_and_ready_to_print(
    tmp_path: Path, api: FakeBotApi
) -> None:
    clock = FakeClock()  # Thursday 2026-11-19 19:00 in Shanghai
    harness = await start_harness(make_settings(tmp_path, telegram={"poll_timeout": 1}), api, clock)
    try:
        await harness.register(SECRETARY)
        await harness.register(2001, "张阿姨")
        await harness.say(2001, "提议 1/1 前修好路灯")
        await harness.say(2001, '=HYPERLINK("http://x")')
        await harness.press_label(2001, harness.last(2001), "提交")
        clock.advance(minutes=30)

        await harness.say(SECRETARY, "/ledger")
        files = [m for m in api.bot_messages(SECRETARY) if "document" in m]
        assert [m["document"]["file_name"] for m in files] == [
            "台账-事项-20261101-20261130.csv",
            "台账-表决-20261101-20261130.csv",
            "台账-20261101-20261130.xlsx",
        ]
        (workbook,) = files[2]["_files"].values()
        book = load_workbook(io.BytesIO(workbook))
        matters = book["事项"]
        assert [cell.value for cell in matters[1]][:4] == [
            "幸福社区",
            "统计期间：2026年11月",
            "制表人：王书记",
            "制表时间：2026-11-19 19:30",
        ]
        assert [cell.value for cell in matters[2]][:7] == [
            "事项编号", "类别", "标题", "内容", "提出人", "提出时间", "附议人数",
        ]  # fmt: skip
        number, _, title, details, raised_by, raised_at, supports = matters[3][:7]
        assert (number.value, title.value, raised_by.value) == (1, "1/1 前修好路灯", "张阿姨")
        assert details.value == '=HYPERLINK("http://x")' and details.data_type == "s"
        assert raised_at.value == wall("2026-11-19 19:00") and raised_at.is_date
        assert raised_at.number_format == "yyyy-mm-dd hh:mm"
        assert supports.value == 0 and supports.data_type == "n"
        for sheet in book.worksheets:
            assert sheet.freeze_panes == "A3"
            assert sheet.print_title_rows == "$1:$2"
            assert sheet.page_setup.orientation == "landscape"
            assert sheet.page_setup.paperSize == 9  # A4
            assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
        votes = [cell.value for cell in book["表决"][2]]
        assert "法定人数" in votes and votes[-4:] == ["赞成", "反对", "弃权", "结果"]
        # The CSV keeps the texts as they were typed: no date, no formula.
        (matters_csv,) = files[0]["_files"].values()
        row = next(csv.reader(io.StringIO(matters_csv.decode("utf-8-sig").splitlines()[1])))
        assert row[2:4] == ["1/1 前修好路灯", '\u200b=HYPERLINK("http://x")']
        assert row[5] == "2026-11-19 19:00"

        # In English, the same workbook with English headers and title row.
        await harness.say(SECRETARY, "/lang en")
        await harness.say(SECRETARY, "/ledger")
        (english,) = harness.last(SECRETARY)["_files"].values()
        matters = load_workbook(io.BytesIO(english))["Matters"]
        assert [cell.value for cell in matters[1]][1:3] == ["Period: 2026-11", "Made by: 王书记"]
        assert matters["F3"].value == wall("2026-11-19 19:00")
    finally:
        await harness.running.stop()
