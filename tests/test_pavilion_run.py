"""`pavilion run` as a real process, talking HTTP on loopback to the Bot API stand-in.

These tests start the console script in a subprocess, with the stand-in
served by this test's event loop through ``[telegram] base_url``.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import StorageSettings
from bot.standin import FakeBotApi, StandinServer
from tests.backends import on_postgres, postgres_url_for

TOKEN = "424242:SECRET-TOKEN-DO-NOT-LOG"
USERS = range(3001, 3031)  # a burst of 30 registrations


def pavilion_command() -> list[str]:
    script = shutil.which("pavilion", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "bot"]


class BotProcess:
    """One `pavilion run` process with its own stderr log file."""

    def __init__(self, config: Path, log: Path) -> None:
        self.config = config
        self.log = log
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        env = dict(os.environ, PAVILION_TELEGRAM__TOKEN=TOKEN)
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                *pavilion_command(),
                "run",
                "--config",
                str(self.config),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=env,
            )

    async def stop(self, sig: int) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        return await asyncio.wait_for(self.process.wait(), timeout=30)


@pytest.fixture
async def stand_in() -> AsyncIterator[tuple[FakeBotApi, StandinServer]]:
    api = FakeBotApi()
    for user_id in USERS:
        api.add_user(user_id, f"居民{user_id}", language_code="zh-hans")
    server = StandinServer(api)
    await server.start()
    try:
        yield api, server
    finally:
        await server.stop()


def _postgres_url(tmp_path: Path) -> str:
    """The ``url`` line when the tests run on PostgreSQL (tests/backends.py)."""
    if not on_postgres():
        return ""
    return f'url = "{postgres_url_for(tmp_path / "pavilion.sqlite3")}"'


def storage_of(tmp_path: Path) -> StorageSettings:
    """The ``[storage]`` the process was given (to read its database afterwards)."""
    path = tmp_path / "pavilion.sqlite3"
    return StorageSettings(path=path, url=postgres_url_for(path) if on_postgres() else None)


async def _integrity(tmp_path: Path) -> str:
    from bot.services import database_for

    db = database_for(storage_of(tmp_path))
    await db.open(migrate=False)
    try:
        return await db.integrity_check()
    finally:
        await db.close()


async def rows(tmp_path: Path, sql: str) -> list[tuple[Any, ...]]:
    """The rows of a query on the process's database (SQLite's file or PostgreSQL's)."""
    from bot.services import database_for

    db = database_for(storage_of(tmp_path))
    await db.open(migrate=False)
    try:
        async with db.read() as session, session.conn.execute(sql) as cur:
            return [tuple(row) for row in await cur.fetchall()]
    finally:
        await db.close()


def write_config(tmp_path: Path, server: StandinServer) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        f"""
[telegram]
base_url = "{server.base_url}"
base_file_url = "{server.base_file_url}"
poll_timeout = 2

[community]
name = "测试社区"
secretaries = [1001]

[storage]
path = "{tmp_path / "pavilion.sqlite3"}"
{_postgres_url(tmp_path)}
[logging]
level = "DEBUG"
""",
        encoding="utf-8",
    )
    return config


def last_bot_message(api: FakeBotApi, chat_id: int) -> dict[str, Any] | None:
    messages = api.bot_messages(chat_id)
    return messages[-1] if messages else None


async def settled(api: FakeBotApi, tmp_path: Path) -> None:
    """Wait until the bot has fetched and finished every update people sent.

    A person who saw "登记完成" stops, but a /start they re-sent while waiting
    may still be queued behind it (on PostgreSQL a killed worker's claims wait
    for their lease): stopping the bot before it is done with those would
    leave them, rightly, for replay.
    """
    async with asyncio.timeout(90):
        while True:
            if api.pending_updates == 0:
                query = "SELECT count(*) FROM inbox WHERE done_at IS NULL"
                ((left,),) = await rows(tmp_path, query)
                if left == 0:
                    return
            await asyncio.sleep(0.2)


async def register_like_a_person(api: FakeBotApi, user_id: int) -> None:
    """Follow the form through whatever happens to the bot, as a patient person would.

    A reply lost in a crash (its effect committed, the process killed before it was
    sent) leaves the person waiting; after a while they send /start again.
    """
    api.send_text(user_id, None, "/start")
    pressed: set[tuple[int, str, int]] = set()
    loop = asyncio.get_running_loop()
    last_progress = loop.time()
    while True:
        message = last_bot_message(api, user_id)
        text = (message or {}).get("text", "")
        if "登记完成" in text or "已经登记过" in text:
            return
        buttons = [
            button
            for row in ((message or {}).get("reply_markup") or {}).get("inline_keyboard", [])
            for button in row
            if any(word in button["text"] for word in ("同意并登记", "就用", "跳过"))
        ]
        if message is not None and buttons:
            key = (message["message_id"], buttons[0]["callback_data"], len(message["_edits"]))
            if key not in pressed:
                pressed.add(key)
                api.press_button(user_id, None, message["message_id"], buttons[0]["callback_data"])
                last_progress = loop.time()
        if loop.time() - last_progress > 8:
            api.send_text(user_id, None, "/start")
            last_progress = loop.time()
        await asyncio.sleep(0.05)


async def test_sigkill_mid_burst_loses_nothing_and_applies_once(
    tmp_path: Path, stand_in: tuple[FakeBotApi, StandinServer]
) -> None:
    api, server = stand_in
    log = tmp_path / "bot.log"
    bot = BotProcess(write_config(tmp_path, server), log)
    await bot.start()
    people = asyncio.gather(*(register_like_a_person(api, uid) for uid in USERS))

    def acknowledged() -> set[int]:
        return {
            uid
            for uid in USERS
            if any("登记完成" in m.get("text", "") for m in api.bot_messages(uid))
        }

    await api.wait_for(lambda: len(acknowledged()) >= len(USERS) // 3, timeout=60)
    assert await bot.stop(signal.SIGKILL) == -signal.SIGKILL
    acknowledged_before_kill = acknowledged()
    delivered_before_kill = set(api.delivered_update_ids)
    assert len(acknowledged_before_kill) < len(USERS), "the kill came too late to mean much"

    await bot.start()
    await asyncio.wait_for(people, timeout=120)
    await settled(api, tmp_path)
    assert await bot.stop(signal.SIGTERM) == 0  # a graceful stop

    assert await _integrity(tmp_path) == "ok"
    registered = {row[0] for row in await rows(tmp_path, "SELECT tg_user_id FROM people")}
    assert acknowledged_before_kill <= registered
    assert registered == set(USERS)
    # Every update delivered before the kill was stored and is done…
    done = {
        row[0]
        for row in await rows(tmp_path, "SELECT update_id FROM inbox WHERE done_at IS NOT NULL")
    }
    assert delivered_before_kill <= done
    assert await rows(tmp_path, "SELECT count(*) FROM inbox WHERE done_at IS NULL") == [(0,)]
    # …and applied exactly once: one registration entry per person, none per update twice.
    assert await rows(
        tmp_path, "SELECT count(*) FROM audit_log WHERE action = 'person.register'"
    ) == [(len(USERS),)]
    assert await rows(
        tmp_path,
        "SELECT count(*) FROM (SELECT update_id FROM audit_log GROUP BY update_id, action"
        " HAVING count(*) > 1) AS twice",
    ) == [(0,)]
    assert await rows(tmp_path, "SELECT count(*) FROM dialogs") == [(0,)]
    output = log.read_text(encoding="utf-8", errors="replace")
    assert TOKEN not in output
    assert TOKEN.split(":")[1] not in output
    assert "Traceback" not in output
    assert "cut off" not in output  # the inbox was empty at the SIGTERM


async def test_sigterm_mid_burst_exits_0_and_warns_only_of_updates_left_for_replay(
    tmp_path: Path, stand_in: tuple[FakeBotApi, StandinServer]
) -> None:
    api, server = stand_in
    log = tmp_path / "bot.log"
    bot = BotProcess(write_config(tmp_path, server), log)
    await bot.start()
    people = asyncio.gather(*(register_like_a_person(api, uid) for uid in USERS))
    try:
        await api.wait_for(lambda: len(api.delivered_update_ids) >= len(USERS), timeout=60)
        assert await bot.stop(signal.SIGTERM) == 0  # in the middle of the burst
        ((left,),) = await rows(tmp_path, "SELECT count(*) FROM inbox WHERE done_at IS NULL")
        output = log.read_text(encoding="utf-8", errors="replace")
        # The warning appears if and only if updates really are left for replay.
        warned = [line for line in output.splitlines() if "cut off before they were done" in line]
        if on_postgres():
            # Workers share the inbox: what was stored but not yet in this worker's
            # hands is left, unwarned, for whichever worker claims it next; the
            # warning counts only what was cut off in hand.
            assert len(warned) <= 1
            if warned:
                found = re.search(r"(\d+) update\(s\) were cut off", warned[0])
                assert found is not None and 0 < int(found.group(1)) <= left
        else:
            assert len(warned) == (1 if left else 0)
            if left:
                assert f"{left} update(s) were cut off" in warned[0]
        await bot.start()  # what was left is replayed; everyone ends up registered once
        await asyncio.wait_for(people, timeout=120)
        await settled(api, tmp_path)
    finally:
        people.cancel()
    assert await bot.stop(signal.SIGTERM) == 0
    people_rows = await rows(tmp_path, "SELECT tg_user_id FROM people")
    assert {row[0] for row in people_rows} == set(USERS)
    assert await rows(tmp_path, "SELECT count(*) FROM inbox WHERE done_at IS NULL") == [(0,)]
    assert "Traceback" not in log.read_text(encoding="utf-8", errors="replace")


async def test_check_config_and_bad_token_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[community]\nname = "x"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAVILION_")}
    process = await asyncio.create_subprocess_exec(
        *pavilion_command(),
        "check-config",
        "--config",
        str(config),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    out, err = await process.communicate()
    assert process.returncode == 2
    assert err.decode().splitlines() == [
        "pavilion: telegram.token: no bot token;"
        " set PAVILION_TELEGRAM__TOKEN or telegram.token_file"
    ]
    assert out == b""


# The file lock; on PostgreSQL several processes share the database by design.
@pytest.mark.sqlite_only
async def test_second_run_on_the_same_database_refuses_with_one_line_and_exit_2(
    tmp_path: Path, stand_in: tuple[FakeBotApi, StandinServer]
) -> None:
    api, server = stand_in
    config = write_config(tmp_path, server)
    first = BotProcess(config, tmp_path / "first.log")
    await first.start()
    try:
        # The first bot is up: it answers a person.
        api.send_text(3001, None, "/start")
        await api.wait_for(lambda: last_bot_message(api, 3001) is not None, timeout=60)

        env = dict(os.environ, PAVILION_TELEGRAM__TOKEN=TOKEN)
        second = await asyncio.create_subprocess_exec(
            *pavilion_command(),
            "run",
            "--config",
            str(config),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
        )
        out, err = await asyncio.wait_for(second.communicate(), timeout=30)
        assert second.returncode == 2
        database = tmp_path / "pavilion.sqlite3"
        assert err.decode().splitlines() == [
            f"pavilion: {database}: already in use by another Pavilion process"
            f" (pid {first.process.pid if first.process else '?'})"
        ]
        assert out == b""
        # The first bot was not disturbed: it still answers.
        api.send_text(3002, None, "/start")
        await api.wait_for(lambda: last_bot_message(api, 3002) is not None, timeout=30)
    finally:
        assert await first.stop(signal.SIGTERM) == 0

    # Once the first is gone (even a lock file left behind does not matter), a new one starts.
    assert (tmp_path / "pavilion.sqlite3.lock").exists()
    third = BotProcess(config, tmp_path / "third.log")
    await third.start()
    api.send_text(3003, None, "/start")
    await api.wait_for(lambda: last_bot_message(api, 3003) is not None, timeout=60)
    assert await third.stop(signal.SIGKILL) == -signal.SIGKILL
