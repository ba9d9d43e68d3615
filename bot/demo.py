"""``pavilion demo``: the real bot against a local stand-in for Telegram.

A Bot API stand-in (bot/standin.py) listens on loopback; the real bot is built
by the same composition root as ``pavilion run`` and talks to it over HTTP
through ``[telegram] base_url``. A short script then plays a community: a
secretary registers and binds the residents' group, two residents register
(one in English, who then switches to Chinese), people look at what is held
about them, and a resident who is not a secretary is refused. The whole
conversation is printed as a transcript a resident can read.
"""

from __future__ import annotations

import asyncio
import html
import re
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TextIO

from bot.app import RunningBot, build_application
from bot.config import settings_from_mapping
from bot.standin import FakeBotApi, StandinServer

DEMO_TOKEN = "100000:DEMO-TOKEN-NOT-SECRET"  # noqa: S105 - the stand-in accepts any token
SECRETARY = 1001
AUNTIE_ZHANG = 2001
TOM = 2002
RESIDENTS_GROUP = -1001001

Step = Callable[[], Awaitable[None]]


class DemoScript:
    """Drives the stand-in as the people of the demo, one action at a time."""

    def __init__(self, api: FakeBotApi, running: RunningBot) -> None:
        self.api = api
        self.running = running

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
        """A person presses the button labelled ``label`` on the bot's last message to them."""
        chat = chat_id if chat_id is not None else user_id
        message = self.api.last_bot_message(chat)
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
        await self.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
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
        # Auntie Zhang raises a matter in plain words; Tom seconds it on the group's card.
        await self.say(AUNTIE_ZHANG, "提议 3号楼前加装路灯")
        await self.say(AUNTIE_ZHANG, "晚上楼前太黑，老人出门容易摔倒。")
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

    async def pushes_done(self) -> None:
        """Wait until every push is sent and its summary shown."""
        db = self.running.services.db
        for _ in range(600):
            async with db.read() as session:
                if not await session.outbox.open_pushes():
                    return
            await asyncio.sleep(0.05)
        raise RuntimeError("demo script: a push did not finish")


def render_transcript(api: FakeBotApi, names: dict[int, str], out: TextIO) -> None:
    """Print the stand-in's timeline as a conversation, chat by chat as it happened."""
    current_chat: int | None = None
    for event in api.timeline():
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
        if message.get("document"):
            body = f"📎 {message['document'].get('file_name', 'file')}  {body}".rstrip()
        if not body:
            return
        speaker = _speaker(event, message, names)
        replied = message.get("reply_to_message")
        if replied and not event.get("by_bot"):
            speaker += f"（回复 {names.get((replied.get('from') or {}).get('id', 0), '?')}）"
        _write_block(out, speaker, body)
        _write_buttons(out, message)
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


def _plain(text: str) -> str:
    """Message text as a console shows it (the stand-in stores it already parsed)."""
    return html.unescape(re.sub(r"</?(b|i|u|s|code|pre)>", "", text))


async def run_demo(*, keep: Path | None = None, out: TextIO | None = None) -> int:
    """Play the demo and print its transcript; returns the exit status."""
    stream = out or sys.stdout
    api = FakeBotApi(bot_first_name="议事亭")
    people = {
        SECRETARY: ("王书记", "王书记", None, "zh-hans"),
        AUNTIE_ZHANG: ("张阿姨", "秀英", "张", "zh-hans"),
        TOM: ("Tom", "Tom", "Miller", "en"),
    }
    for user_id, (_, first, last, code) in people.items():
        api.add_user(user_id, first, last_name=last, language_code=code)
    api.add_group(RESIDENTS_GROUP, "幸福里居民群", bot_status="left")
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
                "storage": {"path": str(db_path)},
            }
        )
        running = RunningBot(build_application(settings), webhook=False)
        await running.start()
        try:
            await DemoScript(api, running).play()
        finally:
            await running.stop()
            await server.stop()
    stream.write("议事亭 Pavilion — 演示 demo（本地模拟的 Telegram，真实的机器人）\n")
    render_transcript(api, {uid: p[0] for uid, p in people.items()}, stream)
    stream.write("\n演示结束。\n")
    return 0
