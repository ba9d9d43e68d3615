"""Webhook mode over real HTTP on loopback: secret checked, stored before the 200."""

from __future__ import annotations

import json
import socket
import sqlite3
from pathlib import Path

import httpx
import pytest

from bot.app import RunningBot, build_application
from bot.standin import FakeBotApi
from tests.conftest import make_settings
from tests.fakes import FakeRequest

SECRET = "webhook-secret-0123456789"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _webhook_bot(tmp_path: Path) -> tuple[FakeBotApi, int, RunningBot]:
    """A bot started in webhook mode on a free loopback port, 张阿姨 known to the API."""
    api = FakeBotApi()
    api.add_user(2001, "阿姨", last_name="张")
    port = free_port()
    settings = make_settings(
        tmp_path,
        telegram={
            "webhook": {
                "listen": "127.0.0.1",
                "port": port,
                "url": "https://pavilion.example.org/telegram",
                "secret_token": SECRET,
            }
        },
    )
    running = RunningBot(build_application(settings, request=FakeRequest(api)), webhook=True)
    await running.start()
    return api, port, running


async def test_webhook_receives_stores_and_refuses_bad_secret(tmp_path: Path) -> None:
    api, port, running = await _webhook_bot(tmp_path)
    try:
        assert api.webhook["url"] == "https://pavilion.example.org/telegram"
        assert api.webhook["secret_token"] == SECRET
        url = f"http://127.0.0.1:{port}/telegram"
        api.send_text(2001, None, "/start")
        (update,) = api.take_updates()
        async with httpx.AsyncClient() as client:
            refused = await client.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}
            )
            assert refused.status_code == 403
            garbage = await client.post(
                url, content=b"not json", headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
            )
            assert garbage.status_code == 400
            async with running.services.db.read() as session:
                assert await session.inbox.counts() == (0, 0)
            for _ in range(2):  # Telegram may deliver twice; it is handled once
                accepted = await client.post(
                    url,
                    content=json.dumps(update),
                    headers={
                        "X-Telegram-Bot-Api-Secret-Token": SECRET,
                        "Content-Type": "application/json",
                    },
                )
                assert accepted.status_code == 200
                await running.ingress.wait_idle()
        assert len(api.bot_messages(2001)) == 1
        assert "保存什么" in api.last_bot_message(2001)["text"]
        async with running.services.db.read() as session:
            assert await session.inbox.counts() == (0, 1)
    finally:
        await running.stop()


async def test_an_update_that_cannot_be_stored_is_refused_for_telegram_to_resend(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    api, port, running = await _webhook_bot(tmp_path)
    try:
        api.send_text(2001, None, "/start")
        (update,) = api.take_updates()
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        url = f"http://127.0.0.1:{port}/telegram"
        engine = type(running.services.db)
        real_autocommit = engine.autocommit

        def unreachable(self: object) -> object:
            raise sqlite3.OperationalError("unable to open database file")

        monkeypatch.setattr(engine, "autocommit", unreachable)
        async with httpx.AsyncClient() as client:
            refused = await client.post(url, json=update, headers=headers)
            assert refused.status_code == 503
            assert "not stored, Telegram will resend it" in caplog.text
            monkeypatch.setattr(engine, "autocommit", real_autocommit)
            resent = await client.post(url, json=update, headers=headers)
            assert resent.status_code == 200
            await running.ingress.wait_idle()
        assert "保存什么" in api.last_bot_message(2001)["text"]
    finally:
        await running.stop()
