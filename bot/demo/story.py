"""``pavilion demo``: the real bot against a local stand-in for Telegram.

A Bot API stand-in (bot/standin/) listens on loopback; the real bot is built
by the same composition root as ``pavilion run`` and talks to it over HTTP
through ``[telegram] base_url``. A short script then plays a community: a
secretary registers and binds the residents' group, two residents register
(one in English, who then switches to Chinese), people look at what is held
about them, and a resident who is not a secretary is refused. Then a
Thursday pavilion, shortened: a matter is raised and supported onto the
agenda, the agenda goes out the evening before, the session opens, the
matter is discussed and voted on, the result is posted with its chart, an
owner is assigned, the secretary names the recorder, the minutes (text and
Word document) go out at the close, the owner reports it done and the
residents rate it;
the secretary takes the ledger (台账); a Party member's commitment is approved, its
pledge card posted and kept (党员承诺); and later the month's volunteer hours. Then a
resident's need (需求) is claimed by a member, done, confirmed and rated. At the end, the
street: its administrator creates a second community and appoints its secretary, a
resident there raises that community's own #1, and the administrator reads the street
view of both.
The week is compressed: the bot runs on a clock the script moves, and each
timed step is fired as its alarm would fire it. The whole conversation is
printed as a transcript a resident can read.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from bot.app import RunningBot, build_application
from bot.clock import ManualClock, system_clock
from bot.config import settings_from_mapping
from bot.demo.commitments import play_commitment
from bot.demo.files import sent_files, write_sent_files
from bot.demo.lessons import play_lessons
from bot.demo.street import play_street
from bot.demo.volunteering import play_volunteering
from bot.runtime.flood import TelegramRateLimiter
from bot.standin import FakeBotApi, StandinServer
from storage import in_community

DEMO_TOKEN = "100000:DEMO-TOKEN-NOT-SECRET"  # noqa: S105 - the stand-in accepts any token
SECRETARY = 1001
AUNTIE_ZHANG = 2001
TOM = 2002
UNCLE_LI = 2003
RESIDENTS_GROUP = -1001001
MEMBERS_GROUP = -1001002
VOLUNTEERS_GROUP = -1001003
#: The street: its administrator, and a second community's secretary, resident and group.
STREET_ADMIN = 9001
PEACE_SECRETARY = 3001
PEACE_RESIDENT = 3002
PEACE_GROUP = -1002001

Step = Callable[[], Awaitable[None]]

#: How many of the bot's latest messages in a chat the script looks through for a
#: button to press (the screen just opened, and pushes that came in below it).
RECENT_SCREENS = 4

#: How much faster than real time the flood limits' windows pass in the demo.
DEMO_TIME_SCALE = 10.0


class DemoScript:
    """Drives the stand-in as the people of the demo, one action at a time."""

    def __init__(self, api: FakeBotApi, running: RunningBot, clock: ManualClock) -> None:
        self.api = api
        self.running = running
        self.clock = clock

    async def settle(self) -> None:
        """Wait until the bot has fetched and handled everything sent so far."""
        await self.api.wait_for(lambda: self.api.pending_updates == 0, timeout=15)
        await self.running.ingress.wait_idle()

    async def say(
        self, user_id: int, text: str, chat_id: int | None = None, **extra: Any
    ) -> dict[str, Any]:
        """A person sends a message (privately unless ``chat_id`` is a group)."""
        message = self.api.send_text(user_id, chat_id, text, **extra)
        await self.settle()
        return message

    async def press(self, user_id: int, label: str, chat_id: int | None = None) -> None:
        """A person presses the button labelled ``label`` on the bot's latest message to
        them that has one.

        A person looks at the screen they just opened even when a push (a progress
        report, a reminder) has arrived below it meanwhile; how soon such a push
        arrives depends on the machine's speed, so the script must not either.
        """
        chat = chat_id if chat_id is not None else user_id
        for message in reversed(self.api.bot_messages(chat)[-RECENT_SCREENS:]):
            if message.get("_deleted"):
                continue
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    if label in button["text"] and "callback_data" in button:
                        self.api.press_button(
                            user_id, chat, message["message_id"], button["callback_data"]
                        )
                        await self.settle()
                        return
        raise RuntimeError(f"demo script: no button {label!r} in chat {chat}")

    async def play(self) -> None:
        """The scripted community."""
        api = self.api
        # A secretary registers privately.
        await self.say(SECRETARY, "/start")
        await self.press(SECRETARY, "同意并登记")
        await self.press(SECRETARY, "就用")
        await self.press(SECRETARY, "跳过")
        await self.press(SECRETARY, "第一网格")
        # …adds the bot to the residents' group and binds it.
        api.bot_added(RESIDENTS_GROUP, SECRETARY)
        await self.settle()
        await self.say(SECRETARY, "/bind", RESIDENTS_GROUP)
        await self.press(SECRETARY, "居民群", RESIDENTS_GROUP)
        # Auntie Zhang follows the group's link and registers, typing her answers.
        await self.say(AUNTIE_ZHANG, "/start join")
        await self.press(AUNTIE_ZHANG, "同意并登记")
        await self.say(AUNTIE_ZHANG, "张阿姨")
        await self.say(AUNTIE_ZHANG, "3号楼")
        await self.press(AUNTIE_ZHANG, "第二网格")
        await self.say(AUNTIE_ZHANG, "/me")
        # Tom's Telegram is in English: the bot answers in English; he switches to Chinese.
        await self.say(TOM, "/start")
        await self.press(TOM, "Agree")
        await self.press(TOM, "Use")
        await self.say(TOM, "Building 5")
        await self.press(TOM, "know")
        await self.say(TOM, "/lang")
        await self.press(TOM, "中文")
        await self.say(TOM, "/me")
        # In the group: a resident tries a secretary's command; the secretary grants a role.
        hello = await self.say(AUNTIE_ZHANG, "大家好，我想报名当志愿者。", RESIDENTS_GROUP)
        await self.say(AUNTIE_ZHANG, "/bind volunteers", RESIDENTS_GROUP)
        await self.say(
            SECRETARY, "/grant 志愿者", RESIDENTS_GROUP, reply_to_message_id=hello["message_id"]
        )
        await self.say(SECRETARY, "/status")
        # Auntie Zhang raises a matter in plain words in the group; the reply's button
        # opens her private chat at the confirm step, her words carried over. Tom
        # seconds it on the group's card.
        await self.say(
            AUNTIE_ZHANG, "提议 3号楼前加装路灯。晚上楼前太黑，老人出门容易摔倒。", RESIDENTS_GROUP
        )
        await self.say(AUNTIE_ZHANG, f"/start raise{RESIDENTS_GROUP}")
        await self.press(AUNTIE_ZHANG, "提交")
        await self.pushes_done()
        await self.press(TOM, "附议", RESIDENTS_GROUP)
        await self.say(TOM, "/matters")
        # The secretary looks at what is scheduled, and sends the volunteers a notice.
        await self.say(SECRETARY, "/upcoming")
        await self.say(SECRETARY, "/notify")
        await self.press(SECRETARY, "志愿者")
        await self.say(SECRETARY, "周六上午九点在湖边清扫落叶，请带好手套。")
        await self.press(SECRETARY, "发送")
        await self.pushes_done()
        await self.thursday_pavilion()
        await self.micro_party_lesson()
        await self.commitment()
        await self.volunteering()
        await self.needs()
        await self.street()

    async def street(self) -> None:
        """The street: a second community, created and staffed in the bot; its own #1;
        the street view of both."""
        self.api.narrate("⏩ 街道：一个机器人服务街道的所有社区")
        await play_street(
            self,
            admin=STREET_ADMIN,
            secretary=PEACE_SECRETARY,
            resident=PEACE_RESIDENT,
            group=PEACE_GROUP,
        )

    async def micro_party_lesson(self) -> None:
        """A micro Party lesson, shortened: written, sent, studied, reminded, delivered."""
        self.api.narrate("⏩ 主题党日：微党课")
        await self.say(SECRETARY, "/bind", MEMBERS_GROUP)
        await self.press(SECRETARY, "党员群", MEMBERS_GROUP)
        for person, role in ((AUNTIE_ZHANG, "党员"), (TOM, "党员"), (UNCLE_LI, "网格员")):
            hello = await self.say(person, "收到。", MEMBERS_GROUP)
            await self.say(
                SECRETARY, f"/grant {role}", MEMBERS_GROUP, reply_to_message_id=hello["message_id"]
            )
        # Tom studies; 张阿姨 (第二网格) asks for home delivery, which 李大爷, the
        # grid worker of 第二网格, confirms.
        await play_lessons(
            self, secretary=SECRETARY, studious=TOM, delivered=AUNTIE_ZHANG, grid_worker=UNCLE_LI
        )

    async def commitment(self) -> None:
        """A Party commitment, shortened: proposed, approved, the pledge posted, kept."""
        self.api.narrate("⏩ 党员承诺")
        services = self.running.services
        await play_commitment(
            self,
            member=AUNTIE_ZHANG,
            secretary=SECRETARY,
            now=services.clock(),
            tz=services.settings.community.tz,
        )

    async def volunteering(self) -> None:
        """Volunteering, shortened: an activity, the waitlist, check-in by the on-site code."""
        self.api.narrate("⏩ 周末：志愿服务")
        services = self.running.services
        await play_volunteering(
            self,
            secretary=SECRETARY,
            volunteers=(AUNTIE_ZHANG, UNCLE_LI),
            group=VOLUNTEERS_GROUP,
            now=services.clock(),
            tz=services.settings.community.tz,
            later=self.later,
        )
        # The month's hours, as a table, CSV, Excel and a chart.
        await self.say(SECRETARY, "/volreport")

    async def needs(self) -> None:
        """The needs list (需求清单), briefly: a resident posts a need, a member claims it,
        reports it done, and the resident confirms and rates it."""
        self.api.narrate("⏩ 需求清单：接诉即办")
        await self.say(AUNTIE_ZHANG, "🙋 我有需求")
        await self.press(AUNTIE_ZHANG, "助老")
        await self.press(AUNTIE_ZHANG, "3号楼")
        await self.press(AUNTIE_ZHANG, "一般")
        await self.say(AUNTIE_ZHANG, "腿脚不便，想请人帮忙把一袋米扛上楼。")
        await self.pushes_done()
        await self.say(TOM, "/needs")
        await self.press(TOM, "助老")
        await self.press(TOM, "我来认领")
        await self.pushes_done()
        self.later(timedelta(hours=2))
        await self.press(TOM, "已办好")
        await self.pushes_done()
        await self.press(AUNTIE_ZHANG, "已解决")
        await self.press(AUNTIE_ZHANG, "⭐⭐⭐⭐⭐")

    def later(self, delta: timedelta) -> None:
        """Move the demo's clock on, and say so in the transcript."""
        self.api.narrate(f"⏩ {int(delta.total_seconds() // 60)} 分钟后")
        self.clock.now += delta

    async def thursday_pavilion(self) -> None:
        """The rest of the week, shortened: from the agenda to the residents' rating."""
        started = self.clock.now
        # 李大爷 registers and seconds the street lamp too: two supports put it on the agenda.
        await self.say(UNCLE_LI, "/start")
        await self.press(UNCLE_LI, "同意并登记")
        await self.say(UNCLE_LI, "李大爷")
        await self.say(UNCLE_LI, "3号楼")
        await self.press(UNCLE_LI, "第二网格")
        await self.press(UNCLE_LI, "附议", RESIDENTS_GROUP)
        await self.fire("builtin:session", "⏩ 周三晚上 20:00：议程提前发到群里")
        await self.fire("builtin:session_open", "⏩ 周四 19:00：周四议事亭开始")
        card = self.last_from_bot(RESIDENTS_GROUP, "📌 #1")
        await self.say(
            UNCLE_LI,
            "支持！楼前台阶晚上看不清。",
            RESIDENTS_GROUP,
            reply_to_message_id=card["message_id"],
        )
        # The secretary opens the matter from the list with its button.
        await self.say(SECRETARY, "/matters")
        await self.press(SECRETARY, "#1 3号楼前加装路灯")
        await self.press(SECRETARY, "发起表决")
        await self.press(SECRETARY, "开始表决")
        await self.pushes_done()
        # The big button under her private chat: what awaits her (the vote, among others).
        await self.say(AUNTIE_ZHANG, "📋 我的待办")
        for voter, option in ((AUNTIE_ZHANG, "赞成"), (TOM, "赞成"), (UNCLE_LI, "反对")):
            await self.press(voter, option, RESIDENTS_GROUP)
        await self.press(UNCLE_LI, "赞成", RESIDENTS_GROUP)  # changes his mind before the close
        await asyncio.sleep(3.5)  # the card's tally is edited at most every 3 s
        await self.fire_vote(1, "⏩ 21:00：表决截止")
        await self.press(SECRETARY, "采用草稿")
        await self.press(SECRETARY, "安排办理")
        await self.press(SECRETARY, "一位居民")
        await self.press(SECRETARY, "李大爷")
        await self.press(SECRETARY, "2 周")
        # Before the close she keeps the attendance: she marks the two from 3号楼 she
        # sees, and shows the rotating code so Tom checks himself in by typing it.
        await self.say(SECRETARY, "/attendance")
        await self.press(SECRETARY, "3号楼")
        await self.press(SECRETARY, "张阿姨")
        await self.press(SECRETARY, "李大爷")
        await self.press(SECRETARY, "楼栋列表")
        await self.press(SECRETARY, "显示签到码")
        code = re.search(r"“签到 (\d+)”", self.api.bot_messages(SECRETARY)[-1].get("caption", ""))
        if code is None:
            raise RuntimeError("demo script: no check-in code on the sitting's code screen")
        await self.say(TOM, f"签到 {code.group(1)}")
        # She names the recorder of the minutes (会议记录); she chairs by default.
        await self.press(SECRETARY, "完善纪要")
        await self.press(SECRETARY, "记录人")
        await self.press(SECRETARY, "输入名字")
        await self.say(SECRETARY, "刘委员")
        await self.fire("builtin:session_close", "⏩ 21:00：议事亭结束，发布纪要")
        await self.pushes_done()
        self.api.narrate("⏩ 十天后：路灯装好了")
        self.clock.now += timedelta(days=10)
        await self.press(UNCLE_LI, "报告进展")
        await self.press(UNCLE_LI, "100%")
        await self.say(UNCLE_LI, "新路灯已经亮了，台阶也刷了反光漆。")
        await self.pushes_done()
        # 100% waits for acceptance: the secretary goes to look, then accepts it.
        self.api.narrate("⏩ 第二天：书记到3号楼前看过新路灯")
        self.clock.now += timedelta(days=1)
        await self.press(SECRETARY, "验收通过")
        await self.pushes_done()
        await self.press(AUNTIE_ZHANG, "满意")
        await self.press(TOM, "满意")
        await self.say(TOM, "/matter 1")
        # Her own record of the year (我的参与): what she raised, seconded, voted, did.
        await self.say(AUNTIE_ZHANG, "🗂 我的参与")
        # The secretary takes the ledger (台账) of these two weeks, as CSV and Excel.
        tz = self.running.services.settings.community.tz
        first, last = (moment.astimezone(tz).date() for moment in (started, self.clock.now))
        await self.say(SECRETARY, f"/ledger {first.isoformat()} {last.isoformat()}")

    def last_from_bot(self, chat_id: int, start: str) -> dict[str, Any]:
        """The bot's latest message in the chat that begins with ``start``."""
        for message in reversed(self.api.bot_messages(chat_id)):
            if (message.get("text") or "").startswith(start):
                return dict(message)
        raise RuntimeError(f"demo script: no message {start!r} in chat {chat_id}")

    async def fire(self, key: str, note: str) -> None:
        """Jump to the built-in schedule's due time and fire it, as its alarm would."""
        async with self.running.services.db.read() as session:
            schedule = await session.schedules.by_key(key)
        if schedule is None or schedule.next_due_at is None:
            raise RuntimeError(f"demo script: no schedule {key}")
        self.api.narrate(note)
        self.clock.now = max(self.clock.now, schedule.next_due_at)
        await self.running.services.scheduler.fire(schedule.id, schedule.next_due_at)
        await self.pushes_done()

    async def fire_vote(self, matter_id: int, note: str) -> None:
        """Jump to the close of the matter's vote and close it, as its alarm would."""
        (vote,) = await self.running.services.votes.resolutions.votes_of(matter_id)
        if vote.schedule_id is None:
            raise RuntimeError("demo script: the vote has no closing schedule")
        self.api.narrate(note)
        self.clock.now = max(self.clock.now, vote.closes_at)
        await self.running.services.scheduler.fire(vote.schedule_id, vote.closes_at)
        await self.pushes_done()
        await asyncio.sleep(3.5)  # the closed card is edited a few seconds later

    async def pushes_done(self) -> None:
        """Wait until every push is sent and its summary shown."""
        db = self.running.services.db
        for _ in range(600):
            async with db.read() as session:
                if not await session.delivery.open_pushes():
                    return
            await asyncio.sleep(0.05)
        raise RuntimeError("demo script: a push did not finish")


def render_transcript(api: FakeBotApi, names: dict[int, str], out: TextIO) -> None:
    """Print the stand-in's timeline as a conversation, chat by chat as it happened."""
    current_chat: int | None = None
    for event in api.timeline():
        if event["kind"] == "note":
            out.write(f"\n{event['text']}\n")
            current_chat = None
            continue
        chat = event["chat"]
        if chat["id"] != current_chat:
            current_chat = chat["id"]
            title = chat.get("title") or f"私聊 · {names.get(chat['id'], chat['id'])}"
            out.write(f"\n══════ {title} ══════\n")
        _render_event(event, names, out)


def _render_event(event: dict[str, Any], names: dict[int, str], out: TextIO) -> None:
    kind = event["kind"]
    message = event.get("message") or {}
    if kind == "message":
        body = message.get("text") or message.get("caption") or ""
        if message.get("photo"):
            body = f"🖼［图片］{body}"
        if message.get("document"):
            body = f"📎 {message['document'].get('file_name', 'file')}  {body}".rstrip()
        if not body:
            return
        speaker = _speaker(event, message, names)
        replied = message.get("reply_to_message")
        if replied and not event.get("by_bot"):
            author = replied.get("from") or {}
            to = "议事亭" if author.get("is_bot") else names.get(author.get("id", 0), "?")
            speaker += f"（回复 {to}）"
        _write_block(out, speaker, body)
        _write_buttons(out, message)
        if event.get("reply_keyboard"):
            _write_keyboard(out, event["reply_keyboard"])
    elif kind == "edit" and event.get("by_bot"):
        _write_block(out, "🤖 议事亭（更新了上条消息）", message.get("text") or "")
        _write_buttons(out, message)
    elif kind == "callback":
        user = event.get("user") or {}
        label = _button_label(message, str(event.get("data", "")))
        out.write(f"👆 {names.get(user.get('id', 0), '?')} 点了「{label}」\n")
    elif kind == "answer" and event.get("text"):
        out.write(f"   💬 {event['text']}\n")
    elif kind == "member" and event.get("new_status") in ("member", "administrator"):
        user = event.get("user") or {}
        out.write(f"   （{names.get(user.get('id', 0), '?')} 把议事亭拉进了群）\n")


def _speaker(event: dict[str, Any], message: dict[str, Any], names: dict[int, str]) -> str:
    if event.get("by_bot"):
        return "🤖 议事亭"
    sender = message.get("from") or {}
    return "👤 " + names.get(sender.get("id", 0), str(sender.get("first_name", "?")))


def _button_label(message: dict[str, Any], data: str) -> str:
    for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
        for button in row:
            if button.get("callback_data") == data:
                return str(button["text"])
    return data


def _write_block(out: TextIO, who: str, text: str) -> None:
    lines = _plain(text).splitlines() or [""]
    out.write(f"{who}：{lines[0]}\n")
    for line in lines[1:]:
        out.write(f"      {line}\n")


def _write_buttons(out: TextIO, message: dict[str, Any]) -> None:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    for row in rows:
        out.write("      " + " ".join(f"[ {button['text']} ]" for button in row) + "\n")


def _write_keyboard(out: TextIO, rows: list[list[Any]]) -> None:
    """The big buttons below a private chat (a reply keyboard) that came with a message."""
    out.write("      ⌨️ 聊天框下方的按钮：\n")
    for row in rows:
        labels = (str(key.get("text", "")) if isinstance(key, dict) else str(key) for key in row)
        out.write("      ⌨️ " + " ".join(f"【{label}】" for label in labels) + "\n")


def _plain(text: str) -> str:
    """Message text as a console shows it (the stand-in stores it already parsed)."""
    return html.unescape(re.sub(r"</?(b|i|u|s|code|pre)>", "", text))


async def run_demo(
    *,
    keep: Path | None = None,
    out: TextIO | None = None,
    now: datetime | None = None,
    out_dir: Path | None = None,
) -> int:
    """Play the demo and print its transcript; returns the exit status.

    The demo's week is the week of ``now`` (the real time unless given), so a
    newcomer sees this week's dates; a test pins it to a week of its own.
    With ``out_dir``, every picture and file the bot sent is written there
    (made if missing) and listed at the end.
    """
    stream = out or sys.stdout
    api = FakeBotApi(bot_first_name="议事亭")
    people = {
        SECRETARY: ("王书记", "王书记", None, "zh-hans"),
        AUNTIE_ZHANG: ("张阿姨", "秀英", "张", "zh-hans"),
        TOM: ("Tom", "Tom", "Miller", "en"),
        UNCLE_LI: ("李大爷", "建国", "李", "zh-hans"),
        STREET_ADMIN: ("街道周主任", "主任", "周", "zh-hans"),
        PEACE_SECRETARY: ("和平社区陈书记", "书记", "陈", "zh-hans"),
        PEACE_RESIDENT: ("赵大爷", "大爷", "赵", "zh-hans"),
    }
    for user_id, (_, first, last, code) in people.items():
        api.add_user(user_id, first, last_name=last, language_code=code)
    api.add_group(RESIDENTS_GROUP, "幸福里居民群", bot_status="left")
    api.add_group(MEMBERS_GROUP, "幸福里党员群")
    api.add_group(VOLUNTEERS_GROUP, "幸福里志愿者群")
    api.add_group(PEACE_GROUP, "和平里居民群", bot_status="left")
    server = StandinServer(api)
    await server.start()
    with tempfile.TemporaryDirectory(prefix="pavilion-demo-") as scratch:
        db_path = keep or Path(scratch) / "demo.sqlite3"
        settings = settings_from_mapping(
            {
                "telegram": {
                    "token": DEMO_TOKEN,
                    "base_url": server.base_url,
                    "base_file_url": server.base_file_url,
                    "poll_timeout": 1,
                },
                "community": {
                    "name": "幸福社区",
                    "secretaries": [SECRETARY],
                    "grids": [{"id": "g1", "name": "第一网格"}, {"id": "g2", "name": "第二网格"}],
                },
                "street": {"name": "幸福街道", "admins": [STREET_ADMIN]},
                "storage": {"path": str(db_path)},
                "deliberation": {"support_threshold": 2, "default_quorum": 3},
            }
        )
        clock = ManualClock(demo_week_start(now or system_clock()))
        # The alarms run on real time while the demo's week runs on its own clock,
        # so every alarm "comes early" and is rightly skipped: not worth a warning here.
        logging.getLogger("bot.runtime.scheduler").setLevel(logging.ERROR)
        # The stand-in is local and the week compressed: Telegram's windows (20 messages a
        # minute in a group) pass ten times faster, so nobody waits a minute for a card.
        limiter = TelegramRateLimiter(time_scale=DEMO_TIME_SCALE)
        running = RunningBot(
            build_application(settings, clock=clock, rate_limiter=limiter), webhook=False
        )
        await running.start()
        try:
            # The script's own looks at the database (which alarm to ring next) are the
            # first community's; the bot itself runs outside any, as `pavilion run` does.
            with in_community(1):
                await DemoScript(api, running, clock).play()
        finally:
            await running.stop()
            await server.stop()
    stream.write("议事亭 Pavilion — 演示 demo（本地模拟的 Telegram，真实的机器人）\n")
    names = {uid: p[0] for uid, p in people.items()}
    render_transcript(api, names, stream)
    if out_dir is not None:
        written = write_sent_files(sent_files(api, names), out_dir)
        stream.write(f"\n机器人发出的 {len(written)} 个图片和文件已存到 {out_dir}：\n")
        for path in written:
            stream.write(f"  {path.name}\n")
    stream.write("\n演示结束。\n")
    return 0


def demo_week_start(now: datetime) -> datetime:
    """10:00 on the Monday of ``now``'s week in Shanghai: the demo's week starts there."""
    local = now.astimezone(ZoneInfo("Asia/Shanghai"))
    monday = (local - timedelta(days=local.weekday())).replace(hour=10, minute=0, second=0)
    return monday.replace(microsecond=0).astimezone(UTC)
