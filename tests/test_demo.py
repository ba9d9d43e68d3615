"""``pavilion demo`` is the newcomer's first command: it must play its whole story."""

from __future__ import annotations

import csv
import io
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import openpyxl
import pytest
from PIL import Image

from bot.cli import main
from bot.demo.story import demo_week_start, run_demo

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def test_the_demo_plays_the_whole_story(tmp_path: Path) -> None:
    # A week whose Thursday is in the next month, pinned so the transcript is the same
    # on any day the suite runs; `pavilion demo` itself plays the current week.
    now = datetime(2027, 3, 31, 8, 30, tzinfo=UTC)
    thursday = demo_week_start(now).astimezone(SHANGHAI) + timedelta(days=3)
    out = io.StringIO()
    level = logging.getLogger("bot.runtime.scheduler").level
    folder = tmp_path / "演示文件"  # made by the demo
    try:
        assert await run_demo(out=out, now=now, out_dir=folder) == 0
    finally:
        logging.getLogger("bot.runtime.scheduler").setLevel(level)
    transcript = out.getvalue()
    _check_the_files_sent(transcript, folder)
    for moment in (
        "🎉 登记完成，张阿姨！",
        "您属于哪个网格？　✅ 第二网格",  # a pressed question keeps its answer
        "✅ 已把「幸福里居民群」绑定为居民群。",  # /bind, then the 🏠 居民群 button
        "👆 李大爷 点了「📝 报告进展」",  # the owner taps the button, types no command
        "⌨️ 【📋 我的待办】 【📝 提议】",  # the big buttons under a private chat
        "🗳 等您投票\n      • #1 3号楼前加装路灯",  # /mine, pressed as one of them
        "📣 明天（周四）晚上7点是周四议事亭",  # the agenda the evening before
        f"🔔 周四议事亭现在开始（{thursday.month}月{thursday.day}日晚上7点）",
        "📊 表决结果 #1 3号楼前加装路灯：通过",
        "✅ 签到成功：周四议事亭。您已记入出席名单。",  # Tom, by the sitting's code
        "📝 幸福社区周四议事亭会议记录",
        "出席：共 3 人（登记在册 3 人，未登记 0 人）",
        "已请书记验收，验收通过后就办结了。",  # 100% waits for the secretary
        "📋 #1 3号楼前加装路灯 报告已办完，请您验收。",
        "✅ #1 3号楼前加装路灯 验收通过，已办结。",
        "🗂 我的参与 · 2027年",  # her record of the year
        "📊 微党课 #1《学习党章》",
        "🤝 党员承诺书：张阿姨 同志承诺：每周六上午帮3号楼独居老人买一次菜",  # in the group
        "🎉 已践诺：每周六上午帮3号楼独居老人买一次菜。谢谢您！",
        "✅ 签到成功：湖边清扫落叶",
        "✅ 已收到您的需求 #1（助老）。",  # the needs list, at the end
        "谢谢您的评价：⭐⭐⭐⭐⭐",
        "演示结束。",
    ):
        assert moment in transcript, moment


@pytest.mark.parametrize(
    ("now", "monday"),
    [
        # Sunday night in Shanghai is still that week; Monday early is the new one.
        (datetime(2027, 1, 31, 15, 59, tzinfo=UTC), datetime(2027, 1, 25, 10, 0, tzinfo=SHANGHAI)),
        (datetime(2027, 1, 31, 16, 1, tzinfo=UTC), datetime(2027, 2, 1, 10, 0, tzinfo=SHANGHAI)),
        # A Thursday in a leap-year February, and the leap day itself.
        (datetime(2028, 2, 24, 11, 30, tzinfo=UTC), datetime(2028, 2, 21, 10, 0, tzinfo=SHANGHAI)),
        (datetime(2028, 2, 29, 23, 0, tzinfo=UTC), datetime(2028, 2, 28, 10, 0, tzinfo=SHANGHAI)),
        # New Year's Eve at 23:59 in Shanghai.
        (
            datetime(2026, 12, 31, 15, 59, tzinfo=UTC),
            datetime(2026, 12, 28, 10, 0, tzinfo=SHANGHAI),
        ),
    ],
)
def test_the_demo_week_starts_on_monday_morning_in_shanghai(
    now: datetime, monday: datetime
) -> None:
    assert demo_week_start(now) == monday


def _check_the_files_sent(transcript: str, folder: Path) -> None:
    """--out: each picture and file the bot sent is in the folder, named, and opens."""
    names = sorted(path.name for path in folder.iterdir())
    assert names[0] == "01-幸福里居民群-表决结果 #1 3号楼前加装路灯：通过.png"
    assert [name[:3] for name in names] == [f"{n:02d}-" for n in range(1, len(names) + 1)]
    assert f"机器人发出的 {len(names)} 个图片和文件已存到 {folder}：" in transcript
    listed = transcript.split(f"已存到 {folder}：\n", 1)[1].split("\n\n", 1)[0]
    assert [line.strip() for line in listed.splitlines()] == names
    by_kind: dict[str, list[Path]] = {}
    for path in folder.iterdir():
        by_kind.setdefault(path.suffix, []).append(path)
    assert {".png", ".csv", ".xlsx", ".docx"} <= set(by_kind)
    # The minutes as a Word document, the community's name its title.
    (minutes,) = [p for p in by_kind[".docx"] if "会议记录" in p.name]
    assert docx.Document(str(minutes)).paragraphs[0].text == "幸福社区"
    for picture in by_kind[".png"]:
        with Image.open(picture) as image:
            assert image.format == "PNG" and image.size[0] >= 100
    assert any(p.name.endswith("志愿时长（分钟）.png") for p in by_kind[".png"])  # captioned
    assert any("现场签到码.png" in p.name for p in by_kind[".png"])  # the QR, no "：" at the end
    for table in by_kind[".csv"]:
        rows = list(csv.reader(io.StringIO(table.read_text(encoding="utf-8-sig"))))
        assert len(rows) >= 2 and all(rows[0])
    (ledger,) = [p for p in by_kind[".xlsx"] if "台账" in p.name]
    workbook = openpyxl.load_workbook(ledger)
    assert any(
        "3号楼前加装路灯" in str(cell.value or "")
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
    )


def test_demo_out_refuses_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    taken = tmp_path / "notes.txt"
    taken.write_text("mine")
    assert main(["demo", "--out", str(taken)]) == 2
    assert capsys.readouterr().err == f"pavilion: {taken}: is a file; --out needs a folder\n"
    assert taken.read_text() == "mine"
