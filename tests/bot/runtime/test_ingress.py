"""The ingress: concurrent handling that keeps each chat's and each sender's order."""

from __future__ import annotations

import asyncio
import itertools
import random
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.runtime.ingress import UpdateIngress
from bot.standin import FakeBotApi
from storage import Database
from tests.fakes import FakeRequest

GROUP = -100777


@pytest.fixture
async def app() -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    api = FakeBotApi()
    application = Application.builder().token("1:x").request(FakeRequest(api)).updater(None).build()
    await application.initialize()
    try:
        yield application
    finally:
        await application.shutdown()


def message_update(update_id: int, user_id: int, chat_id: int) -> dict[str, Any]:
    chat = (
        {"id": chat_id, "type": "private", "first_name": "u"}
        if chat_id > 0
        else {"id": chat_id, "type": "supergroup", "title": "g"}
    )
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": chat,
            "from": {"id": user_id, "is_bot": False, "first_name": "u"},
            "text": f"m{update_id}",
        },
    }


async def test_concurrent_but_ordered_per_sender(
    app: Application[Any, Any, Any, Any, Any, Any], db: Database
) -> None:
    spans: list[tuple[int, int, int, float, float]] = []
    running = 0
    most = 0

    async def record(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        nonlocal running, most
        loop = asyncio.get_running_loop()
        running += 1
        most = max(most, running)
        start = loop.time()
        await asyncio.sleep(random.uniform(0.001, 0.02))
        running -= 1
        assert update.effective_user is not None and update.effective_chat is not None
        spans.append(
            (
                update.update_id,
                update.effective_user.id,
                update.effective_chat.id,
                start,
                loop.time(),
            )
        )

    app.add_handler(TypeHandler(Update, record))
    ingress = UpdateIngress(app, db, max_concurrent=16)
    raw = []
    for update_id in range(1, 61):
        user = 1 + update_id % 4
        chat = GROUP if update_id % 3 == 0 else user
        raw.append(message_update(update_id, user, chat))
    await ingress.receive([Update.de_json(r, app.bot) for r in raw])
    await ingress.wait_idle()

    assert sorted(s[0] for s in spans) == list(range(1, 61))
    assert most > 1  # different people were handled at the same time
    by_user: dict[int, list[tuple[int, float, float]]] = defaultdict(list)
    in_group: list[tuple[int, float, float]] = []
    for update_id, user, chat, start, end in spans:
        by_user[user].append((update_id, start, end))
        if chat == GROUP:
            in_group.append((update_id, start, end))
    # People in the same group were served side by side…
    in_group.sort(key=lambda run: run[1])
    assert any(a[2] > b[1] for a, b in itertools.pairwise(in_group))
    # …while each person's own updates kept their order and never overlapped.
    for key, runs in by_user.items():
        runs.sort(key=lambda run: run[1])
        assert [run[0] for run in runs] == sorted(run[0] for run in runs), key
        for earlier, later in itertools.pairwise(runs):
            assert earlier[2] <= later[1], f"{key}: {earlier[0]} overlapped {later[0]}"
    async with db.read() as session:
        assert await session.inbox.counts() == (0, 60)


async def test_redelivery_and_replay_handle_each_update_once(
    app: Application[Any, Any, Any, Any, Any, Any], db: Database
) -> None:
    seen: list[int] = []
    gate = asyncio.Event()

    async def slow(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        await gate.wait()
        seen.append(update.update_id)

    app.add_handler(TypeHandler(Update, slow))
    ingress = UpdateIngress(app, db, max_concurrent=4)
    first = [Update.de_json(message_update(i, 5, 5), app.bot) for i in (1, 2)]
    await ingress.receive(first)
    # Telegram delivers the same batch again while it is still in hand,
    # and a replay of the inbox happens too: neither runs anything twice.
    await ingress.receive(first)
    assert await ingress.replay_pending() == 2
    gate.set()
    await ingress.wait_idle()
    await ingress.receive(first)  # and once done, a redelivery is recognised
    await ingress.wait_idle()
    assert seen == [1, 2]


async def test_replay_after_a_crash(
    app: Application[Any, Any, Any, Any, Any, Any], db: Database
) -> None:
    async with db.transaction(completes_update=False) as session:
        # Stored by a previous run that died before handling them.
        for update_id in (7, 8):
            update = Update.de_json(message_update(update_id, 5, 5), app.bot)
            await session.inbox.accept([(update_id, update.to_json())], _now())
    seen: list[int] = []

    async def record(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(update.update_id)

    app.add_handler(TypeHandler(Update, record))
    ingress = UpdateIngress(app, db, max_concurrent=4)
    assert await ingress.replay_pending() == 2
    await ingress.wait_idle()
    assert seen == [7, 8]
    assert await ingress.replay_pending() == 0


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


async def test_a_burst_waits_at_telegram_once_enough_is_in_hand(
    app: Application[Any, Any, Any, Any, Any, Any], db: Database
) -> None:
    gate = asyncio.Event()

    async def slow(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        await gate.wait()

    app.add_handler(TypeHandler(Update, slow))
    ingress = UpdateIngress(app, db, max_concurrent=2)  # 8 in hand at most
    await ingress.receive_raw([message_update(i, 100 + i, 100 + i) for i in range(1, 8)])
    await asyncio.wait_for(ingress.room(), timeout=5)  # 7 in hand: room for more
    await ingress.receive_raw([message_update(8, 108, 108)])
    room = asyncio.create_task(ingress.room())
    for _ in range(10):
        await asyncio.sleep(0)
    assert not room.done()  # the poller would not fetch more now
    gate.set()
    await asyncio.wait_for(room, timeout=5)  # as they finish, it fetches again
    await ingress.wait_idle()
