"""The aiohttp request under PTB, against the stand-in over real loopback HTTP."""

from __future__ import annotations

import json
import socket

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.runtime.http import AiohttpRequest
from bot.standin import FakeBotApi, StandinServer


async def test_messages_uploads_and_errors_go_through() -> None:
    api = FakeBotApi()
    api.add_user(2001, "张阿姨")
    async with StandinServer(api) as server:
        bot = Bot("1:T", base_url=server.base_url, request=AiohttpRequest(connection_limit=4))
        async with bot:
            sent = await bot.send_message(2001, "你好 <b>邻居</b>", parse_mode="HTML")
            assert sent.text == "你好 邻居"
            photo = await bot.send_photo(2001, b"\x89PNG\r\n\x1a\nfake", caption="图表")
            assert photo.caption == "图表" and photo.photo
            with pytest.raises(BadRequest):
                await bot.send_message(2001, "")
    assert [method for method, _ in api.calls][-3:] == ["sendMessage", "sendPhoto", "sendMessage"]


async def test_a_slow_answer_times_out() -> None:
    api = FakeBotApi(latency=0.5)
    async with StandinServer(api) as server:
        request = AiohttpRequest(read_timeout=0.1)
        await request.initialize()
        try:
            with pytest.raises(TimedOut):
                await request.post(server.base_url + "1:T/getMe")
            # A call's own, longer read timeout is honoured.
            me = await request.post(server.base_url + "1:T/getMe", read_timeout=2.0)
            assert isinstance(me, dict) and me["is_bot"]
        finally:
            await request.shutdown()


async def test_no_server_is_a_network_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError):
            await request.post(f"http://127.0.0.1:{port}/bot1:T/getMe")
    finally:
        await request.shutdown()


async def _recording_server(
    bodies: list[bytes], types: list[str] | None = None
) -> tuple[web.AppRunner, str]:
    """A Bot API that keeps each raw request body (and its content type) and answers
    sendDocument."""

    async def handle(request: web.Request) -> web.Response:
        if request.match_info["method"] == "getMe":
            me = {"id": 1, "is_bot": True, "first_name": "Pavilion", "username": "pavilion_bot"}
            return web.json_response({"ok": True, "result": me})
        bodies.append(await request.read())
        if types is not None:
            types.append(request.content_type)
        document = {"file_id": "f1", "file_unique_id": "u1", "file_name": "x"}
        message = {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 2001, "type": "private"},
            "document": document,
        }
        return web.json_response({"ok": True, "result": message})

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}/bot"


async def test_a_chinese_file_name_goes_out_as_utf8() -> None:
    bodies: list[bytes] = []
    runner, base_url = await _recording_server(bodies)
    try:
        bot = Bot("1:T", base_url=base_url, request=AiohttpRequest())
        async with bot:
            await bot.send_document(
                2001,
                InputFile(b"a,b\r\n", filename="台账-议题-20261101-20261130.csv"),
                caption="台账",
            )
            await bot.send_document(
                2001, InputFile(b"x", filename='a"b\\c\r\nContent-Type: evil/\u202ex.csv')
            )
    finally:
        await runner.cleanup()
    first, second = bodies
    assert 'filename="台账-议题-20261101-20261130.csv"'.encode() in first
    assert b"%E5" not in first
    assert "台账".encode() in first  # the caption, as before
    # Nothing in a name can end the header or the quotes.
    assert b'filename="a_b_cContent-Type: evil_x.csv"\r\n' in second
    assert b"\r\nContent-Type: evil" not in second


async def test_the_standin_reads_the_real_file_name() -> None:
    api = FakeBotApi()
    api.add_user(2001, "张阿姨")
    async with StandinServer(api) as server:
        bot = Bot("1:T", base_url=server.base_url, request=AiohttpRequest())
        async with bot:
            sent = await bot.send_document(2001, InputFile(b"a,b", filename="台账-表决.csv"))
    assert sent.document is not None and sent.document.file_name == "台账-表决.csv"
    assert api.last_bot_message(2001)["document"]["file_name"] == "台账-表决.csv"


async def test_a_call_without_files_goes_out_as_json_and_arrives_whole() -> None:
    bodies: list[bytes] = []
    types: list[str] = []
    runner, base_url = await _recording_server(bodies, types)
    try:
        bot = Bot("1:T", base_url=base_url, request=AiohttpRequest())
        async with bot:
            keyboard = InlineKeyboardMarkup(
                [[InlineKeyboardButton("赞成 ✅", callback_data="vb:1:0")]]
            )
            await bot.send_message(2001, "表决：修车棚\n“同意”？", reply_markup=keyboard)
    finally:
        await runner.cleanup()
    assert types == ["application/json"]
    sent = json.loads(bodies[0])
    assert sent["chat_id"] == "2001" and sent["text"] == "表决：修车棚\n“同意”？"
    assert json.loads(sent["reply_markup"]) == keyboard.to_dict()

    # And the stand-in (as the Bot API) reads it as the form it replaced.
    api = FakeBotApi()
    api.add_user(2001, "张阿姨")
    async with StandinServer(api) as server:
        bot = Bot("1:T", base_url=server.base_url, request=AiohttpRequest())
        async with bot:
            await bot.send_message(2001, "表决：修车棚", reply_markup=keyboard)
    message = api.last_bot_message(2001)
    assert message["text"] == "表决：修车棚"
    assert message["reply_markup"] == keyboard.to_dict()
