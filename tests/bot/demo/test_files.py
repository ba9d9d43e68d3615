"""``pavilion demo --out``: the bot's pictures and files, named after the chat and themselves."""

from __future__ import annotations

from pathlib import Path

from bot.demo.files import sent_files, write_sent_files
from bot.standin import FakeBotApi

SECRETARY = 1001
GROUP = -1001001
PNG = b"\x89PNG\r\n\x1a\n" + bytes(40)
JPEG = b"\xff\xd8\xff\xe0" + bytes(40)


async def test_each_file_is_written_once_in_order_with_a_readable_name(tmp_path: Path) -> None:
    api = FakeBotApi()
    api.add_user(SECRETARY, "王书记")
    api.add_group(GROUP, "幸福里居民群")
    caption = "📊 表决结果 #1 路灯：通过\n1. 赞成：3"
    await api.call("sendPhoto", {"chat_id": GROUP, "caption": caption}, {"photo": ("x", PNG)})
    await api.call("sendMessage", {"chat_id": SECRETARY, "text": "台账如下"})
    await api.call(
        "sendDocument", {"chat_id": SECRETARY}, {"document": ("台账/表决?.csv", b"a,b\n")}
    )
    # A picture sent again by its file id, without a caption; a JPEG.
    photo_id = api.last_bot_message(GROUP)["photo"][-1]["file_id"]
    await api.call("sendPhoto", {"chat_id": SECRETARY, "photo": photo_id})
    await api.call(
        "sendPhoto", {"chat_id": SECRETARY, "caption": "🔢 现场签到码："}, {"photo": ("x", JPEG)}
    )

    files = sent_files(api, {SECRETARY: "王书记"})
    folder = tmp_path / "还没有" / "演示"
    written = write_sent_files(files, folder)
    assert [path.name for path in written] == [
        "01-幸福里居民群-表决结果 #1 路灯：通过.png",
        "02-王书记-台账-表决.csv",
        "03-王书记-图片.png",
        "04-王书记-现场签到码.jpg",
    ]
    assert [path.read_bytes() for path in written] == [PNG, b"a,b\n", PNG, JPEG]
    assert sorted(folder.iterdir()) == sorted(written)
    # Run again into the same folder: the same files, rewritten.
    assert write_sent_files(files, folder) == written
