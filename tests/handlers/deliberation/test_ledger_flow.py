"""/ledger through the real bot: a secretary gets two CSV files and a workbook; others do not."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.handlers.conftest import SECRETARY, BotHarness


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
