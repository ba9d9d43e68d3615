"""The aiohttp request under PTB, against the stand-in over real loopback HTTP."""

from __future__ import annotations

import socket

import pytest
from telegram import Bot
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.standin import FakeBotApi, StandinServer
from bot.telegram_http import AiohttpRequest


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
