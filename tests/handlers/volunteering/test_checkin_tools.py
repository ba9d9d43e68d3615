"""Checking in by the QR link and at the organiser's kiosk, and bad check-in input."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.codes import CodeWindows, qr_payload, rotating_code
from bot.standin import FakeBotApi
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import SECRETARY, start_harness
from tests.handlers.volunteering.flow import (
    NEAR,
    cards,
    code_on_screen,
    community,
    create,
    last_text,
    local,
    text_of,
)


async def test_qr_link_kiosk_and_bad_input(tmp_path: Path, api: FakeBotApi) -> None:
    clock = FakeClock(local(19, 19, 0))
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        await create(harness, "社区义诊", "11-21 09:00-10:00", 5, presses=("现场码",))
        card = cards(harness)[0]
        # By code only: the card names the code (or the QR), never a plain 签到.
        assert text_of(card).endswith(
            "签到：到场后发送“签到”加现场屏幕上的 6 位数，例如“签到 123456”；或扫现场的二维码"
        )
        for user_id in (2001, 2003):
            await harness.press_label(user_id, card, "报名")
        async with harness.db.read() as session:
            activity = await session.volunteering.activities.activity(1)
        assert activity is not None

        clock.now = local(21, 9, 0, 30)
        # What the card says is what the check-in asks for: a plain 签到 or a location is
        # answered with the code (before, a location was told "just send 签到").
        # Privately 签到 asks for the code (no 📍 button: a location does not check in here).
        await harness.say(2003, "签到")
        assert last_text(harness, 2003) == "🔢 社区义诊：请输入现场屏幕上的签到码（6 位数）。"
        assert api.reply_keyboard(2003) == [[{"text": "↩ 返回"}]]
        await harness.say(2003, "↩ 返回")
        assert last_text(harness, 2003) == "好的，先不签到。"
        assert ["📍 签到", "🏁 签退", "⏱ 我的时长"] in [
            [b["text"] for b in row] for row in api.reply_keyboard(2003)
        ]
        api.send_location(2003, None, *NEAR)
        await harness.settle()
        await harness.press_label(2003, harness.last(2003), "同意")
        api.send_location(2003, None, *NEAR)
        await harness.settle()
        assert last_text(harness, 2003).startswith("“社区义诊”需要现场码：请发送“签到 123456”")
        windows = CodeWindows(5)  # the default code_valid_minutes
        # 08:52's link is two windows old at 09:00:30 (08:55's would still be good).
        old = qr_payload("wq", 1, activity.code_secret, windows.window(local(21, 8, 52)))
        await harness.say(2001, f"/start {old}")
        assert "这个二维码已过期" in last_text(harness, 2001)
        forged = old[:-1] + ("0" if old[-1] != "0" else "1")
        await harness.say(2001, f"/start {forged}")
        assert last_text(harness, 2001) == "这个二维码无效。"
        current = qr_payload("wq", 1, activity.code_secret, windows.window(clock.now))
        await harness.say(2001, f"/start {current}")
        assert last_text(harness, 2001).startswith("✅ 签到成功：社区义诊（上午9点，扫码）")

        # The organiser's code screen is replaced when its code changes, until stopped.
        first_code = await code_on_screen(harness)
        first_screen = harness.last(SECRETARY)
        job_queue = harness.running.app.job_queue
        assert job_queue is not None
        (job,) = job_queue.get_jobs_by_name(f"code-screen:{SECRETARY}")
        assert job.job.trigger.interval.total_seconds() == 5 * 60  # type: ignore[union-attr]
        clock.advance(minutes=5)
        await job.run(harness.running.app)
        second_screen = harness.last(SECRETARY)
        assert second_screen["message_id"] != first_screen["message_id"]
        expected = rotating_code(activity.code_secret, windows.window(clock.now))
        assert expected != first_code and f"“签到 {expected}”" in text_of(second_screen)
        assert harness.api.messages(SECRETARY)[-2]["_deleted"]  # the old screen is gone
        await harness.press_label(SECRETARY, second_screen, "停止")
        await asyncio.sleep(0)
        assert not [j for j in job_queue.get_jobs_by_name(f"code-screen:{SECRETARY}") if j.enabled]

        # Kiosk: the organiser checks in 李大爷 (no phone with him) at 09:05:30, out at 09:40.
        await harness.say(2001, "/kiosk")
        assert last_text(harness, 2001) == "现在没有您组织、正在签到的活动。"
        await harness.say(SECRETARY, "/kiosk")
        screen = harness.last(SECRETARY)
        assert "✅ 张阿姨（已签到）" in text_of(screen) and "⬜ 李大爷" in text_of(screen)
        await harness.press_label(SECRETARY, screen, "签到：李大爷")
        clock.now = local(21, 9, 40)
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "签退：李大爷")
        assert "☑️ 李大爷（已签退）" in last_text(harness, SECRETARY)
        async with (
            harness.db.read() as session,
            session.conn.execute(
                "SELECT method, recorded_by IS NOT NULL, minutes, out_method FROM checkins"
                " WHERE method = 'kiosk'"
            ) as cur,
        ):
            assert [tuple(r) for r in await cur.fetchall()] == [("kiosk", 1, 34, "kiosk")]

        # A stale button and a cancellation after check-in change nothing.
        await harness.press_label(2003, card, "取消报名")
        assert harness.api.callback_answers()[-1]["text"] == "您已经签到，不能取消报名了。"
        await harness.say(2002, "签到")
        assert last_text(harness, 2002) == (
            "There is nothing for you to check in to now. Sign up first with /activities."
        )
        await harness.say(2001, "/checkin abc")
        assert last_text(harness, 2001).startswith("用法：/checkin")
    finally:
        await harness.running.stop()
