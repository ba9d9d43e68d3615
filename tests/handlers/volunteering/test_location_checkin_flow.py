"""One-tap check-in (issue 13): privately, 签到 offers a 📍 button that sends the location
(Telegram's request_location), the code typed is the fallback, and the big buttons come
back after; the code lasts 5 minutes and the one before it as long again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.codes import CodeWindows, rotating_code
from bot.standin import FakeBotApi
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import SECRETARY, button_labels, start_harness
from tests.handlers.volunteering.flow import (
    NEAR,
    VENUE,
    cards,
    checkins,
    community,
    create,
    last_text,
    local,
    text_of,
)


def flat(api: FakeBotApi, user_id: int) -> list[Any]:
    return [key for row in keys(api, user_id) for key in row]


def keys(api: FakeBotApi, user_id: int) -> list[list[Any]]:
    """The reply keyboard the person's phone shows now, as labels (and the 📍 flag)."""
    return [
        [(b["text"], bool(b.get("request_location"))) for b in row]
        for row in api.reply_keyboard(user_id)
    ]


async def test_one_tap_location_and_the_code_typed_four_minutes_later(
    tmp_path: Path, api: FakeBotApi
) -> None:
    clock = FakeClock(local(19, 19, 0))
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        await create(harness, "湖边清洁", "11-21 09:00-11:00", 5, venue=VENUE, presses=("现场码",))
        card = cards(harness)[0]
        for user_id in (2001, 2002, 2003):
            await harness.press_label(user_id, card, "报名")

        # 张阿姨 presses her 📍 签到 key: one button sends her location.
        clock.now = local(21, 8, 45)
        await harness.say(2001, "📍 签到")
        assert last_text(harness, 2001) == (
            "📍 湖边清洁：到了场地，点下面的“📍 一键签到（发送位置）”。\n"
            "或者输入现场的签到码（6 位数）。"
        )
        assert keys(api, 2001) == [[("📍 一键签到（发送位置）", True)], [("↩ 返回", False)]]
        api.tap_location_button(2001, *NEAR)
        await harness.settle()
        # The first time, her consent (only the distance is kept); then one more tap.
        assert "不保存您的位置" in last_text(harness, 2001)
        await harness.press_label(2001, harness.last(2001), "同意")
        assert last_text(harness, 2001) == "请再点一次“📍 一键签到（发送位置）”。"
        api.tap_location_button(2001, *NEAR)
        await harness.settle()
        received, confirmation = harness.api.bot_messages(2001)[-2:]
        assert text_of(received) == "📍 收到您的位置。"
        assert text_of(confirmation) == (
            "✅ 签到成功：湖边清洁（上午8点45分，定位，距场地 50 米）。结束时请按下面的“签退”。"
        )
        assert button_labels(confirmation) == ["🏁 签退"]
        # Her big buttons are back (the 📍 button is gone).
        assert ("📍 签到", False) in flat(api, 2001)
        assert not [key for key in flat(api, 2001) if key[1]]

        # 李大爷 reads the code off the screen at 08:54:59, the last second before it
        # changes, and takes 4 minutes to type it: still good (5 minutes by default).
        clock.now = local(21, 8, 54, 59)
        await harness.say(SECRETARY, "/code")
        screen = harness.last(SECRETARY)
        async with harness.db.read() as session:
            activity = await session.volunteering.activities.activity(1)
        assert activity is not None
        code = rotating_code(activity.code_secret, CodeWindows(5).window(clock.now))
        spaced = " ".join(code)
        assert f"签到码：{spaced}，5 分钟内有效" in text_of(screen)
        assert screen["caption_entities"][1]["type"] == "bold"  # the code is bold
        assert "photo" in screen
        await harness.say(2003, "签到")
        assert last_text(harness, 2003).startswith("📍 湖边清洁：到了场地")
        clock.now = local(21, 8, 58, 59)
        assert code != rotating_code(activity.code_secret, CodeWindows(5).window(clock.now))
        await harness.say(2003, "１２３")  # not a code: asked again, still at the prompt
        assert last_text(harness, 2003) == "没看懂。请输入屏幕上的 6 位数签到码，或者点“↩ 返回”。"
        await harness.say(2003, spaced)  # typed as the screen shows it, spaces and all
        received, confirmation = harness.api.bot_messages(2003)[-2:]
        assert text_of(received) == "🔢 签到码正确。"
        assert text_of(confirmation).startswith("✅ 签到成功：湖边清洁（上午8点58分，现场码）")
        assert ("📍 签到", False) in flat(api, 2003)

        # Tom, in English: the same button, labelled in his language.
        await harness.say(2002, "📍 Check in")
        assert last_text(harness, 2002) == (
            "📍 湖边清洁: once you are there, tap “📍 Check in (send location)” below.\n"
            "Or type the check-in code shown on site (6 digits)."
        )
        assert keys(api, 2002)[0] == [("📍 Check in (send location)", True)]
        api.tap_location_button(2002, *NEAR)
        await harness.settle()
        await harness.press_label(2002, harness.last(2002), "I agree")
        api.tap_location_button(2002, *NEAR)
        await harness.settle()
        received, confirmation = harness.api.bot_messages(2002)[-2:]
        assert text_of(received) == "📍 Got your location."
        assert text_of(confirmation).startswith("✅ Checked in: 湖边清洁")

        assert [(row[0], row[2]) for row in await checkins(harness)] == [
            (2001, "location"),
            (2003, "code"),
            (2002, "location"),
        ]
    finally:
        await harness.running.stop()
