"""Residents check themselves in at a sitting (issue 13) with its rotating code or QR, as
volunteers do: onto the secretary's attendance list, so /attendance and the minutes
count and name them."""

from __future__ import annotations

import io
import json
from pathlib import Path

from PIL import Image

from bot.codes import CodeWindows, qr_payload, rotating_code
from bot.deliberation.sitting_checkin import QR_PREFIX
from bot.standin import FakeBotApi
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import SECRETARY, start_harness
from tests.handlers.deliberation.test_paper_ballots_flow import community, open_sitting, press
from tests.handlers.deliberation.test_votes_flow import answer


async def test_residents_check_in_at_the_pavilion_with_the_code(
    tmp_path: Path, api: FakeBotApi
) -> None:
    clock = FakeClock()
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        # A sitting not opened yet: no code to show.
        async with harness.db.transaction(completes_update=False) as session:
            await session.sittings.ensure("session", clock.now)
        await harness.say(SECRETARY, "/attendance")
        await press(harness, "显示签到码")
        assert answer(harness) == "现在没有正在开的会议。会议开始后才能显示签到码。"
        await open_sitting(harness, clock)

        # The secretary marks 张阿姨, then shows the code for the others.
        await harness.say(SECRETARY, "/attendance")
        await press(harness, "3栋")
        await press(harness, "⬜ 张阿姨")
        await press(harness, "楼栋列表")
        screen = await press(harness, "显示签到码")
        async with (
            harness.db.read() as session,
            session.conn.execute("SELECT sitting_id, secret FROM sitting_codes") as cur,
        ):
            ((sitting_id, secret),) = [tuple(row) for row in await cur.fetchall()]
        windows = CodeWindows(5)
        code = rotating_code(secret, windows.window(clock.now))
        assert screen["caption"] == (
            f"🔢 周四议事亭 居民签到\n签到码：{' '.join(code)}，5 分钟内有效\n"
            f"居民私聊我发送“签到 {code}”，或者扫二维码。"
        )
        (picture,) = screen["_files"].values()
        with Image.open(io.BytesIO(picture)) as image:
            assert image.height > image.width * 0.8  # the QR, and the big digits under it

        # 李大爷 sends the code 4 minutes later: on the list, his buttons back.
        clock.advance(minutes=4)
        await harness.say(2003, f"签到 {code}")
        assert harness.last(2003)["text"] == "✅ 签到成功：周四议事亭。您已记入出席名单。"
        assert harness.last(2003)["_reply_markup"]["keyboard"]
        # Again: one record, a short answer; so for 张阿姨, whom the secretary marked.
        await harness.say(2003, f"签到 {code}")
        assert harness.last(2003)["text"] == "您已经签到了。"
        await harness.say(2001, f"签到 {code}")
        assert harness.last(2001)["text"] == "您已经签到了。"
        # 孙大妈 types a wrong code, then an expired one; then 签到 alone asks for it.
        wrong = next(
            c
            for c in (f"{n:06d}" for n in range(1000))
            if windows.check(secret, c, clock.now) == "wrong"
        )
        await harness.say(2005, f"签到 {wrong}")
        assert harness.last(2005)["text"] == "签到码不对，请再看一下屏幕上的 6 位数。"
        clock.advance(minutes=7)
        await harness.say(2005, f"签到 {code}")
        assert harness.last(2005)["text"] == (
            "这个签到码已过期（每 5 分钟更换），请看屏幕上最新的。"
        )
        await harness.say(2005, "签到")
        assert harness.last(2005)["text"] == (
            "🔢 请输入议事亭屏幕上的签到码（6 位数），或者扫屏幕上的二维码。"
        )
        await harness.say(2005, "↩ 返回")
        assert harness.last(2005)["text"] == "好的，先不签到。"
        # A prompt left open does not swallow what is said next.
        await harness.say(2005, "签到")
        await harness.say(2005, "你好")
        assert (
            harness.last(2005)["text"]
            == "我没听懂。点下面的 ❓ 帮助 看看能做什么，或点 📋 我的待办 看有什么等您办。"
        )
        await harness.say(2005, "你好")
        assert (
            harness.last(2005)["text"]
            == "我没听懂。点下面的 ❓ 帮助 看看能做什么，或点 📋 我的待办 看有什么等您办。"
        )
        # Someone not registered gets the usual refusal.
        api.add_user(2009, "路人", language_code="zh-hans")
        await harness.say(2009, f"签到 {code}")
        assert "您还没有登记" in harness.last(2009)["text"]

        # Tom taps the QR's link: in English.
        payload = qr_payload(QR_PREFIX, sitting_id, secret, windows.window(clock.now))
        await harness.say(2002, f"/start {payload}")
        assert harness.last(2002)["text"] == (
            "✅ Checked in: Thursday pavilion. You are on the attendance list."
        )

        # The screen changes with the code, until stopped.
        job_queue = harness.running.app.job_queue
        assert job_queue is not None
        (job,) = job_queue.get_jobs_by_name(f"code-screen:{SECRETARY}")
        await job.run(harness.running.app)
        fresh = harness.last(SECRETARY)
        now_code = rotating_code(secret, windows.window(clock.now))
        assert now_code != code and f"“签到 {now_code}”" in fresh["caption"]
        assert harness.api.messages(SECRETARY)[-2]["_deleted"]
        await harness.press_label(SECRETARY, fresh, "停止刷新")
        assert answer(harness) == "签到码屏幕已停止刷新。"

        # /attendance counts and names them; the minutes too (marked by the secretary only).
        await harness.say(SECRETARY, "/attendance")
        text = harness.last(SECRETARY)["text"]
        assert "到场：登记在册 3 人 · 未登记 0 人 · 合计 3 人" in text
        assert "其中自己签到 2 人：Tom、李大爷" in text
        await harness.say(2001, "/minutes")
        minutes = next(m["text"] for m in reversed(harness.api.messages(2001)) if "text" in m)
        assert (
            "出席：共 3 人（登记在册 3 人，未登记 0 人）\n　Tom、张阿姨、李大爷（登记人：王书记）\n"
            in minutes
        )
        async with (
            harness.db.read() as session,
            session.conn.execute(
                "SELECT p.display_name, a.source, a.marked_by IS NULL FROM sitting_attendance a"
                " JOIN people p ON p.id = a.person_id ORDER BY a.id"
            ) as cur,
        ):
            assert [tuple(row) for row in await cur.fetchall()] == [
                ("张阿姨", "secretary", 0),
                ("李大爷", "self", 1),
                ("Tom", "self", 1),
            ]
        # His export says how he came on the list.
        await harness.say(2003, "/export")
        (content,) = harness.last(2003)["_files"].values()
        attended = json.loads(content)["deliberation"]["sittings_attended"]
        assert [(row["forum"], row["source"]) for row in attended] == [("session", "self")]
    finally:
        await harness.running.stop()
