"""Party birthdays (政治生日) through the real bot: the joining date from /me and from
/people, the card on the anniversary (once), the secretaries' list a week before."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from PIL import Image

from bot.charts import BUNDLED_FONT
from bot.members.birthdays import SCHEDULE_KEY
from bot.members.cards import BIRTHDAY_CARD, birthday_card
from bot.standin import FakeBotApi
from handlers.members import callbacks as members_cb
from tests.backends import database_text
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import SECRETARY, BotHarness, button_labels, start_harness

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Tom reads English; the others Chinese. 陈师傅 is not a Party member.
ZHANG, TOM, LI, CHEN = 2001, 2002, 2003, 2004
BUTTON = "🎂 入党日期"


async def community(harness: BotHarness) -> None:
    """A secretary; 张阿姨, Tom and 李大爷 Party members; 陈师傅 a resident only."""
    harness.api.add_user(CHEN, "师傅", last_name="陈", language_code="zh-hans")
    await harness.register(SECRETARY, "王书记")
    for user_id, name in ((ZHANG, "张阿姨"), (TOM, "Tom"), (LI, "李大爷"), (CHEN, "陈师傅")):
        await harness.register(user_id, name)
    async with harness.db.transaction() as session:
        for user_id in (ZHANG, TOM, LI):
            person = await session.people.by_telegram_id(user_id)
            assert person is not None
            await session.people.grant(
                person.id, "party_member", None, harness.running.services.clock()
            )


async def fire_on(harness: BotHarness, clock: FakeClock, key: str, day: date, at: str) -> bool:
    """Fire the built-in schedule ``key`` as its alarm would at ``at`` on ``day``."""
    due = datetime.combine(day, time.fromisoformat(at), tzinfo=SHANGHAI)
    clock.now = due
    async with harness.db.transaction() as session:
        schedule = await session.schedules.by_key(key)
        assert schedule is not None
        await session.schedules.set_next_due(schedule.id, due, due)
    fired = await harness.running.services.scheduler.fire(schedule.id, due)
    await harness.pushes_sent()
    return fired


def photos(harness: BotHarness, user_id: int) -> list[dict[str, Any]]:
    return [m for m in harness.api.bot_messages(user_id) if m.get("photo")]


async def card_params(harness: BotHarness, user_id: int) -> dict[str, Any]:
    """The card's texts as queued for ``user_id`` (drawn from them at send time)."""
    async with (
        harness.db.read() as session,
        session.conn.execute(
            "SELECT content FROM outbox WHERE chat_id = ? ORDER BY id DESC LIMIT 1", (user_id,)
        ) as cur,
    ):
        row = await cur.fetchone()
    card = json.loads(row[0])["card"]
    assert card["renderer"] == BIRTHDAY_CARD
    return dict(card["params"])


async def test_joining_dates_the_card_on_the_day_and_the_secretaries_list(
    tmp_path: Path, api: FakeBotApi
) -> None:
    clock = FakeClock()  # 2026-11-19
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)

        # Not a Party member: no joining date on /me, and no button for it.
        await harness.say(CHEN, "/me")
        assert "入党日期" not in harness.last(CHEN)["text"]
        assert BUTTON not in button_labels(harness.last(CHEN))

        # 张阿姨 gives hers from /me: a button, then the day typed as people write it.
        await harness.say(ZHANG, "/me")
        me = harness.last(ZHANG)
        assert "入党日期：未填写" in me["text"]
        await harness.press_label(ZHANG, me, BUTTON)
        assert harness.last(ZHANG)["text"].startswith("您是哪天入党的？请发送日期")
        for typed, reason in (
            ("明年", "没看懂这个日期。请照“2001年7月1日”或“2001-07-01”的样子发送。"),
            ("2027年1月1日", "这一天还没到。请发送您入党的那一天。"),
            ("1920-05-04", "党成立于1921年7月1日，入党日期不能早于这一天。"),
            ("2001年2月30日", "没看懂这个日期"),
        ):
            await harness.say(ZHANG, typed)
            assert harness.last(ZHANG)["text"].startswith(reason)
        await harness.say(ZHANG, "2001年7月1日")
        assert harness.last(ZHANG)["text"].startswith("已记下：您的入党日期是 2001年7月1日。")
        await harness.say(ZHANG, "/me")
        assert "入党日期：2001年7月1日（党龄 25 年）" in harness.last(ZHANG)["text"]

        # Tom (English) gives his; then clears it and gives it again.
        await harness.say(TOM, "/me")
        await harness.press_label(TOM, harness.last(TOM), "Joined the Party")
        await harness.say(TOM, "2011-07-01")
        assert harness.last(TOM)["text"].startswith("Noted: you joined the Party on 1 July 2011.")
        await harness.say(TOM, "/me")
        await harness.press_label(TOM, harness.last(TOM), "Joined the Party")
        asked = harness.last(TOM)
        assert "Now recorded: 1 July 2011." in asked["text"]
        await harness.press_label(TOM, asked, "Clear")
        assert harness.last(TOM)["text"] == "Your joining date is cleared."
        await harness.say(TOM, "/me")
        assert "Joined the Party: not given" in harness.last(TOM)["text"]
        await harness.press_label(TOM, harness.last(TOM), "Joined the Party")
        await harness.say(TOM, "2011/7/1")

        # The secretary gives 李大爷's from his screen of /people (29 February 1996);
        # 陈师傅's screen has no such button.
        await harness.say(SECRETARY, "/people")
        listing = harness.last(SECRETARY)
        await harness.press_label(SECRETARY, listing, "陈师傅")
        assert BUTTON not in button_labels(harness.last(SECRETARY))
        await harness.say(SECRETARY, "/people")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "李大爷")
        screen = harness.last(SECRETARY)
        assert "入党日期：未填写" in screen["text"]
        await harness.press_label(SECRETARY, screen, BUTTON)
        assert harness.last(SECRETARY)["text"].startswith("李大爷 是哪天入党的？")
        await harness.say(SECRETARY, "1996年2月29日")
        assert harness.last(SECRETARY)["text"] == "已记下 李大爷 的入党日期：1996年2月29日。"
        await harness.say(SECRETARY, "/people")
        await harness.press_label(SECRETARY, harness.last(SECRETARY), "李大爷")
        assert "入党日期：1996年2月29日" in harness.last(SECRETARY)["text"]

        # The daily schedule is on the secretaries' /upcoming (at 08:30).
        await harness.say(SECRETARY, "/upcoming")
        assert (
            "政治生日：贺卡与下月名单 — 11月20日（周五）上午8点30分"
            in harness.last(SECRETARY)["text"]
        )

        # A week before February (non-leap 2027): the list names 李大爷 on the 28th.
        before = len(harness.api.bot_messages(SECRETARY))
        assert await fire_on(harness, clock, SCHEDULE_KEY, date(2027, 1, 25), "08:30")
        (february,) = harness.api.bot_messages(SECRETARY)[before:]
        assert february["text"] == (
            "🎂 下个月过政治生日的党员（2027年2月，共 1 位）\n"
            "2月28日 李大爷（入党 31 周年）\n\n"
            "入党纪念日当天，每位党员会收到贺卡。"
        )
        # Another day, or a month nobody joined in: nothing.
        assert await fire_on(harness, clock, SCHEDULE_KEY, date(2027, 1, 26), "08:30")
        assert await fire_on(harness, clock, SCHEDULE_KEY, date(2027, 3, 25), "08:30")
        assert len(harness.api.bot_messages(SECRETARY)) == before + 1

        # 28 February 2027: 李大爷's card (a 29 February joiner, in a year without one).
        assert await fire_on(harness, clock, SCHEDULE_KEY, date(2027, 2, 28), "08:30")
        (card,) = photos(harness, LI)
        assert card["caption"].startswith("🎂 李大爷 同志，政治生日快乐！\n今天是您入党 31 周年。")
        assert photos(harness, ZHANG) == [] and photos(harness, TOM) == []

        # A week before July: 张阿姨 and Tom, by day then name.
        assert await fire_on(harness, clock, SCHEDULE_KEY, date(2027, 6, 24), "08:30")
        july = harness.last(SECRETARY)["text"]
        assert july.startswith("🎂 下个月过政治生日的党员（2027年7月，共 2 位）\n")
        assert "7月1日 Tom（入党 16 周年）\n7月1日 张阿姨（入党 26 周年）" in july

        # 1 July 2027: 张阿姨's card, a picture captioned with her years.
        assert await fire_on(harness, clock, SCHEDULE_KEY, date(2027, 7, 1), "08:30")
        (card,) = photos(harness, ZHANG)
        assert card["caption"] == (
            "🎂 张阿姨 同志，政治生日快乐！\n"
            "今天是您入党 26 周年。幸福社区党组织祝贺您，和您一起重温入党誓词。"
        )
        (png,) = card["_files"].values()
        image = Image.open(io.BytesIO(png))
        assert image.format == "PNG" and image.width == 900 and 700 < image.height < 1400
        params = await card_params(harness, ZHANG)
        assert params["salutation"] == "张阿姨 同志"
        assert params["years"] == "今天是您入党 26 周年"
        assert params["oath"].startswith("我志愿加入中国共产党") and params["oath"].endswith(
            "永不叛党。"
        )
        assert params["date"] == "2027年7月1日" and params["community"] == "幸福社区"
        # The very picture of these texts, drawn with the bundled Chinese font.
        drawn = birthday_card(params)
        assert drawn.png == png and drawn.fonts == (BUNDLED_FONT,)
        # Tom's is in English.
        (english,) = photos(harness, TOM)
        assert english["caption"].startswith("🎂 Happy Party birthday, Comrade Tom!\n")
        assert "16 years since you joined the Party" in english["caption"]
        assert (await card_params(harness, TOM))["title"] == "Happy Party Birthday"

        # Fired again that day (caught up after a restart, say): no second card.
        assert await fire_on(harness, clock, SCHEDULE_KEY, date(2027, 7, 1), "13:00")
        assert len(photos(harness, ZHANG)) == 1 and len(photos(harness, TOM)) == 1

        # The ledger (台账) of the months lists the Party birthdays and the cards sent.
        await harness.say(SECRETARY, "/ledger 2027-06-01 2027-07-31")
        (book,) = harness.last(SECRETARY)["_files"].values()
        sheet = load_workbook(io.BytesIO(book))["政治生日"]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert ["纪念日", "党员", "入党日期", "党龄（年）", "贺卡"] in rows
        listed = [(row[1], row[3], row[4]) for row in rows if row[1] in ("Tom", "张阿姨")]
        assert listed == [("Tom", 16, "已发送"), ("张阿姨", 26, "已发送")]
        await harness.say(SECRETARY, "/ledger 2027-02-01 2027-02-28")
        (book,) = harness.last(SECRETARY)["_files"].values()
        rows = [
            list(r) for r in load_workbook(io.BytesIO(book))["政治生日"].iter_rows(values_only=True)
        ]
        assert [(row[1], row[3], row[4]) for row in rows if row[1] == "李大爷"] == [
            ("李大爷", 31, "已发送")
        ]

        # /export carries the date and the card; /forget takes both away.
        await harness.say(ZHANG, "/export")
        (content,) = harness.last(ZHANG)["_files"].values()
        exported = json.loads(content)
        assert exported["person"]["party_joined_on"] == "2001-07-01"
        assert [(c["year"], c["years"]) for c in exported["members"]["birthday_cards"]] == [
            (2027, 26)
        ]
        await harness.say(ZHANG, "/forget")
        await harness.press_label(ZHANG, harness.last(ZHANG), "确定删除")
        async with harness.db.read() as session:
            async with session.conn.execute("SELECT count(*) FROM party_birthday_cards") as cur:
                row = await cur.fetchone()
            assert row is not None and row[0] == 2  # 李大爷's and Tom's
            dump = await database_text(harness.db)
        assert "2001-07-01" not in dump
    finally:
        await harness.running.stop()


async def test_only_a_secretary_gives_anothers_date_and_cancel_ends_the_question(
    tmp_path: Path, api: FakeBotApi
) -> None:
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, FakeClock())
    try:
        await community(harness)
        async with harness.db.read() as session:
            li = await session.people.by_telegram_id(LI)
        assert li is not None
        await harness.say(ZHANG, "/me")
        me = harness.last(ZHANG)
        # A forged press for 李大爷's date: refused, since 张阿姨 is no secretary.
        await harness.press(ZHANG, me, members_cb.SetJoined(li.id).encode(), strict=False)
        assert "书记" in str(api.callback_answers()[-1]["text"])
        # Her own question, ended by /cancel: a date typed afterwards is not taken.
        await harness.press_label(ZHANG, me, BUTTON)
        await harness.say(ZHANG, "/cancel")
        await harness.say(ZHANG, "2001-07-01")
        assert "2001年7月1日" not in harness.last(ZHANG)["text"]
        async with harness.db.read() as session:
            person = await session.people.by_telegram_id(ZHANG)
        assert person is not None and person.party_joined_on is None
    finally:
        await harness.running.stop()
