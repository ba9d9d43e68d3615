"""The stand-in over loopback HTTP, driven by PTB's own HTTP client and httpx."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import httpx
import pytest
import telegram
from telegram.error import BadRequest, NetworkError

from bot.standin import FakeBotApi, StandinServer
from tests.bot.standin.conftest import ALICE, BOB, TOKEN, _ci, _keyboard


@pytest.fixture
async def server(api: FakeBotApi) -> AsyncIterator[StandinServer]:
    standin = StandinServer(api)
    await standin.start()
    try:
        yield standin
    finally:
        await standin.stop()


async def test_http_with_ptb_default_request(api: FakeBotApi, server: StandinServer) -> None:
    assert server.base_url.startswith("http://127.0.0.1:") and server.base_url.endswith("/bot")
    http_bot = telegram.Bot(TOKEN, base_url=server.base_url, base_file_url=server.base_file_url)
    async with http_bot:
        me = await http_bot.get_me()
        assert me.username == "pavilion_demo_bot"
        sent = await http_bot.send_message(
            ALICE, "<b>投票</b>", parse_mode="HTML", reply_markup=_keyboard("yes")
        )
        assert sent.text == "投票" and sent.reply_markup == _keyboard("yes")
        document = await http_bot.send_document(ALICE, b"%PDF-1.4 minutes", filename="纪要.pdf")
        assert document.document is not None and document.document.file_name == "纪要.pdf"
        assert api.last_bot_message(ALICE)["_files"] == {"纪要.pdf": b"%PDF-1.4 minutes"}
        file = await http_bot.get_file(document.document.file_id)
        assert file.file_path is not None and file.file_path.startswith(server.base_file_url)
        assert bytes(await file.download_as_bytearray()) == b"%PDF-1.4 minutes"

        poll = asyncio.create_task(http_bot.get_updates(timeout=5, read_timeout=10))
        await asyncio.sleep(0.1)
        assert await http_bot.get_chat(ALICE)  # the long poll does not block other requests
        assert not poll.done()
        api.send_text(BOB, None, "/start")
        updates = await asyncio.wait_for(poll, 2)
        assert [u.message.text for u in updates if u.message] == ["/start"]

        with pytest.raises(BadRequest, match=_ci("chat not found")):
            await http_bot.send_message(1, "nobody")
        api.fail_next("getMe", description="network")
        with pytest.raises(NetworkError):
            await http_bot.get_me()
    assert api.tokens_seen == [TOKEN]


async def test_http_status_codes_and_bodies(api: FakeBotApi, server: StandinServer) -> None:
    url = f"{server.base_url}{TOKEN}"
    async with httpx.AsyncClient() as client:
        ok = await client.get(f"{url}/getMe")
        assert ok.status_code == 200 and ok.json()["result"]["id"] == api.bot_id
        as_json = await client.post(f"{url}/sendMessage", json={"chat_id": ALICE, "text": "hi"})
        assert as_json.status_code == 200 and as_json.json()["result"]["text"] == "hi"
        query = await client.get(f"{url}/sendMessage", params={"chat_id": "-1", "text": "x"})
        assert query.status_code == 400
        assert query.json() == {
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: chat not found",
        }
        missing = await client.post(f"{url}/noSuchMethod")
        assert missing.status_code == 404
        api.fail_next("getMe", retry_after=3)
        limited = await client.post(f"{url}/getMe")
        assert limited.status_code == 429
        assert limited.json()["parameters"] == {"retry_after": 3}
        form = await client.post(
            f"{url}/sendMessage",
            data={
                "chat_id": str(ALICE),
                "text": "form",
                "reply_markup": json.dumps(
                    {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
                ),
            },
        )
        assert form.json()["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "A"
        absent = await client.get(f"{server.base_file_url}{TOKEN}/documents/none.bin")
        assert absent.status_code == 404


async def test_http_stop_ends_a_pending_long_poll(api: FakeBotApi) -> None:
    standin = StandinServer(api)
    await standin.start()
    http_bot = telegram.Bot(TOKEN, base_url=standin.base_url)
    async with http_bot:
        poll = asyncio.create_task(http_bot.get_updates(timeout=30, read_timeout=40))
        await asyncio.sleep(0.1)
        await asyncio.wait_for(standin.stop(), 2)
        with pytest.raises(NetworkError):
            await asyncio.wait_for(poll, 2)
