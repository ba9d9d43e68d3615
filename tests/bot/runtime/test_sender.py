"""The outbox sender through the real bot: once per recipient, limits, failures, restarts."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from telegram.request import RequestData

from bot.app import RunningBot, build_application
from bot.config import Language
from bot.runtime.outbox import Delivery, OutgoingMessage, PushReport, queue_push
from bot.standin import FakeBotApi
from storage import Database
from tests.conftest import FakeClock, make_settings
from tests.fakes import FakeRequest

SECRETARY = 1001
PEOPLE = list(range(5001, 5013))


async def seed_people(
    db: Database, api: FakeBotApi, ids: list[int], *, unknown_to_telegram: int | None = None
) -> dict[int, int]:
    """Register people straight in storage (and on the stand-in); returns tg id -> person id."""
    now = datetime.now(UTC)
    found = {}
    async with db.transaction() as session:
        for tg_id in ids:
            if tg_id != unknown_to_telegram:
                api.add_user(tg_id, f"居民{tg_id}")
            found[tg_id] = await session.people.insert(
                tg_user_id=tg_id,
                display_name=f"居民{tg_id}",
                tg_username=None,
                language="zh_Hans",
                building=None,
                grid_id=None,
                consent_at=now,
                now=now,
            )
    return found


async def push_to(running: RunningBot, people: dict[int, int], *, report: bool = True) -> int:
    db = running.services.db
    async with db.transaction() as session:
        push_id = await queue_push(
            session,
            kind="notice",
            title="停水通知",
            deliveries=[
                Delivery(
                    tg,
                    pid,
                    OutgoingMessage("schedule.message", Language.ZH_HANS, {"text": "明天停水"}),
                )
                for tg, pid in people.items()
            ],
            dedupe_prefix="test-push",
            now=running.services.clock(),
            report=PushReport(None, SECRETARY, Language.ZH_HANS) if report else None,
        )
    running.services.wake_sender()
    return push_id


async def start(
    tmp_path: Path,
    api: FakeBotApi,
    request: Any = None,
    *,
    clock: FakeClock | None = None,
    **delivery: Any,
) -> RunningBot:
    settings = make_settings(
        tmp_path,
        telegram={"poll_timeout": 1},
        delivery={"progress_interval_seconds": 1, **delivery},
    )
    app = build_application(
        settings,
        request=request or FakeRequest(api),
        get_updates_request=FakeRequest(api),
        **({"clock": clock} if clock else {}),
    )
    running = RunningBot(app, webhook=False)
    await running.start()
    return running


@pytest.fixture
def api() -> FakeBotApi:
    stand_in = FakeBotApi()
    stand_in.add_user(SECRETARY, "书记")
    return stand_in


@pytest.fixture
async def running(tmp_path: Path, api: FakeBotApi) -> AsyncIterator[RunningBot]:
    bot = await start(tmp_path, api)
    try:
        yield bot
    finally:
        await bot.stop()


async def finished(running: RunningBot, push_id: int) -> None:
    async def done() -> bool:
        async with running.services.db.read() as session:
            push = await session.delivery.push(push_id)
        return push is not None and push.finished_at is not None

    for _ in range(400):
        if await done():
            return
        await asyncio.sleep(0.025)
    raise AssertionError("push did not finish")


async def test_everyone_once_blocked_and_failed_named_in_summary(
    running: RunningBot, api: FakeBotApi
) -> None:
    people = await seed_people(running.services.db, api, PEOPLE, unknown_to_telegram=PEOPLE[7])
    api.block_bot(PEOPLE[3])
    push_id = await push_to(running, people)
    await finished(running, push_id)

    received = {tg: len(api.bot_messages(tg)) for tg in PEOPLE if tg != PEOPLE[7]}
    assert received[PEOPLE[3]] == 0
    assert sum(received.values()) == len(PEOPLE) - 2  # one blocked, one unknown chat
    assert set(received.values()) == {0, 1}
    assert "明天停水" in api.bot_messages(PEOPLE[0])[0]["text"]
    async with running.services.db.read() as session:
        counts = await session.delivery.counts(push_id)
        blocked = await session.people.by_telegram_id(PEOPLE[3])
    assert (counts.total, counts.sent, counts.unreachable, counts.failed) == (12, 10, 1, 1)
    assert blocked is not None and not blocked.reachable
    (report,) = api.bot_messages(SECRETARY)  # one message, edited in place
    assert report["text"].startswith("✅ 停水通知\n发送完毕：10/12 已送达。")
    assert f"居民{PEOPLE[3]}：已屏蔽机器人或不在群里" in report["text"]
    assert f"居民{PEOPLE[7]}：发送失败" in report["text"]


async def test_network_errors_are_retried(running: RunningBot, api: FakeBotApi) -> None:
    people = await seed_people(running.services.db, api, PEOPLE[:1])
    api.fail_next("sendMessage", description="network", times=2)
    push_id = await push_to(running, people, report=False)
    for _ in range(400):
        async with running.services.db.read() as session:
            if (await session.delivery.counts(push_id)).finished:
                break
        await asyncio.sleep(0.05)
    assert len(api.bot_messages(PEOPLE[0])) == 1
    async with (
        running.services.db.read() as session,
        session.conn.execute("SELECT attempts, state FROM outbox") as cur,
    ):
        assert [tuple(row) for row in await cur.fetchall()] == [(3, "sent")]


class CrashAfterSend(FakeRequest):
    """Lets Telegram take the n-th sendMessage, then cancels the caller before it can record."""

    def __init__(self, api: FakeBotApi, crash_at: int) -> None:
        super().__init__(api)
        self.crash_at = crash_at
        self.sends = 0
        self.crashed = asyncio.Event()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        answer = await super().do_request(url, method, request_data, *args, **kwargs)
        if url.endswith("/sendMessage") and not self.crashed.is_set():
            self.sends += 1
            if self.sends == self.crash_at:
                self.crashed.set()
                raise asyncio.CancelledError
        return answer


async def test_cancelled_between_send_and_record_then_restarted(
    tmp_path: Path, api: FakeBotApi
) -> None:
    request = CrashAfterSend(api, crash_at=5)
    running = await start(tmp_path, api, request)
    people = await seed_people(running.services.db, api, PEOPLE)
    try:
        await push_to(running, people, report=False)
        await asyncio.wait_for(request.crashed.wait(), timeout=10)
        # The sender dies right there, in-flight sends and all.
        sender = running.sender
        assert sender is not None
        for task in [sender._task, *sender._in_flight.values()]:
            if task is not None:
                task.cancel()
        await asyncio.sleep(0.1)
    finally:
        await running.stop()
    again = await start(tmp_path, api)
    try:
        assert again.sender is not None
        await asyncio.wait_for(again.sender.idle(), timeout=120)
    finally:
        await again.stop()
    assert {tg: len(api.bot_messages(tg)) for tg in PEOPLE} == {tg: 1 for tg in PEOPLE}


async def test_flood_control_answer_is_waited_out(running: RunningBot, api: FakeBotApi) -> None:
    people = await seed_people(running.services.db, api, PEOPLE[:2])
    api.fail_next("sendMessage", retry_after=1)
    await push_to(running, people, report=False)
    assert running.sender is not None
    await asyncio.wait_for(running.sender.idle(), timeout=120)
    assert [len(api.bot_messages(tg)) for tg in PEOPLE[:2]] == [1, 1]


# --- outages: Telegram answering 500 for a while, on the sender's (fake) clock ------------

RESIDENTS = list(range(6001, 6042))  # the 41 residents of the audit's /notify


def sends_to(api: FakeBotApi, chats: list[int]) -> int:
    """sendMessage calls the bot made to ``chats``, refused or not."""
    wanted = set(chats)
    return sum(
        1
        for method, params in api.calls
        if method == "sendMessage" and params.get("chat_id") in wanted
    )


def outage_notices(api: FakeBotApi) -> int:
    """Attempts to tell the secretary that Telegram cannot be reached."""
    return sum(
        1
        for method, params in api.calls
        if method in ("sendMessage", "editMessageText")
        and params.get("chat_id") == SECRETARY
        and "Telegram 暂时连不上" in str(params.get("text"))
    )


async def quiet(running: RunningBot) -> None:
    """Until the sender has nothing in flight (each step of the fake clock is a probe at most)."""
    sender = running.sender
    assert sender is not None
    for _ in range(400):
        if not sender._in_flight:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the sender kept sending")


async def test_an_hour_of_500s_pauses_the_push_then_everyone_gets_it_once(
    tmp_path: Path, api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.runtime.sender")
    clock = FakeClock()
    running = await start(tmp_path, api, clock=clock)
    sender = running.sender
    assert sender is not None
    try:
        people = await seed_people(running.services.db, api, RESIDENTS)
        api.start_outage()  # every call but getUpdates answers 500
        push_id = await push_to(running, people)
        await api.wait_for(lambda: sender.outage_since is not None, timeout=10)
        await quiet(running)
        # The secretary is told once that Telegram cannot be reached (the notice itself
        # cannot arrive while Telegram is down: the log says it too).
        await api.wait_for(lambda: outage_notices(api) == 1, timeout=10)
        tried = sends_to(api, RESIDENTS)
        assert tried <= 32  # the first wave only: rows are not marched through their attempts
        for _ in range(60):  # an hour on the sender's clock
            clock.advance(seconds=61)
            sender.wake()
            await asyncio.sleep(0.02)
            await quiet(running)
        probes = sends_to(api, RESIDENTS) - tried
        assert 30 <= probes <= 60  # one message at a time, at most one a minute
        async with running.services.db.read() as session:
            counts = await session.delivery.counts(push_id)
        assert (counts.sent, counts.failed, counts.done) == (0, 0, 0)  # nobody given up

        api.end_outage()
        clock.advance(seconds=61)
        sender.wake()
        await finished(running, push_id)
    finally:
        await running.stop()

    assert {tg: len(api.bot_messages(tg)) for tg in RESIDENTS} == {tg: 1 for tg in RESIDENTS}
    assert outage_notices(api) == 1
    (report,) = api.bot_messages(SECRETARY)
    assert report["text"].startswith("✅ 停水通知\n发送完毕：41/41 已送达。")
    assert re.search(r"中途 Telegram 连不上约 6\d 分钟，恢复后已自动补发。", report["text"])
    messages = [r.getMessage() for r in caplog.records]
    assert sum("Telegram cannot be reached" in m for m in messages) == 1
    assert sum("Telegram answers again" in m for m in messages) == 1


async def test_past_the_deadline_messages_are_given_up_and_named_in_the_final_report(
    tmp_path: Path, api: FakeBotApi
) -> None:
    clock = FakeClock()
    running = await start(tmp_path, api, clock=clock, retry_for_hours=1)
    sender = running.sender
    assert sender is not None
    try:
        people = await seed_people(running.services.db, api, RESIDENTS[:3])
        api.start_outage(network=True)  # connections dropped
        push_id = await push_to(running, people)
        for _ in range(62):  # past the hour
            clock.advance(seconds=61)
            sender.wake()
            await asyncio.sleep(0.02)
            await quiet(running)
        api.end_outage()
        async with running.services.db.read() as session:
            counts = await session.delivery.counts(push_id)
        assert (counts.failed, counts.total) == (3, 3)
        # The final report waited for Telegram and comes once it answers.
        for _ in range(3):
            clock.advance(seconds=61)
            await asyncio.sleep(1.1)  # the report loop looks every second
            if api.bot_messages(SECRETARY):
                break
        await finished(running, push_id)
    finally:
        await running.stop()
    assert [len(api.bot_messages(tg)) for tg in RESIDENTS[:3]] == [0, 0, 0]
    (report,) = api.bot_messages(SECRETARY)
    assert report["text"].startswith("✅ 停水通知\n发送完毕：0/3 已送达。")
    for tg in RESIDENTS[:3]:
        assert f"居民{tg}：1 小时内一直发不出去，已放弃" in report["text"]
