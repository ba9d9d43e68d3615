"""Two workers on one PostgreSQL database: only the one that sends edits cards.

Telegram's 20 messages a minute in a group (and 30 a second in all) are one budget
for the bot. Here two real Applications share the database and the stand-in; the
residents' presses are delivered to the worker that does not send, which handles
them (it answers them), yet every edit of the vote's card is made by the worker
that sends, and the card ends with every ballot counted. When the sending worker
stops with an edit still due, the other one takes the seat and makes that edit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.app import RunningBot, build_application
from bot.standin import FakeBotApi
from storage import current_community
from tests.backends import on_postgres, read_value
from tests.bot.runtime.test_webhook import free_port
from tests.conftest import make_settings
from tests.fakes import FakeRequest
from tests.handlers.conftest import BotHarness, button_data
from tests.handlers.deliberation.test_votes_flow import community, open_vote, vote_cards

pytestmark = pytest.mark.skipif(not on_postgres(), reason="several workers need PostgreSQL")

#: Every Bot API call, with the worker that made it.
Calls = list[tuple[str, str]]


class WorkerRequest(FakeRequest):
    """The stand-in, with each call noted as made by ``worker``."""

    def __init__(self, api: FakeBotApi, worker: str, calls: Calls) -> None:
        super().__init__(api)
        self.worker = worker
        self.calls = calls

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """Note the call, then answer it as the stand-in does."""
        self.calls.append((self.worker, url.rsplit("/", 1)[-1]))
        return await super().do_request(url, method, *args, **kwargs)


class TwoWorkers(BotHarness):
    """The harness's people and checks, with updates handed to one worker or the other
    as a load balancer would (``to``), and settling when both are idle."""

    def __init__(self, api: FakeBotApi, sending: RunningBot, other: RunningBot) -> None:
        super().__init__(api, sending)
        self.workers = {"sending": sending, "other": other}
        self.to = "sending"

    async def settle(self) -> None:
        """Deliver what people did to the chosen worker; wait until both are done."""
        async with asyncio.timeout(60):
            while True:
                updates = self.api.take_updates()
                if updates:
                    await self.workers[self.to].ingress.receive_raw(updates)
                for worker in self.workers.values():
                    await worker.ingress.wait_idle()
                undone = (
                    "SELECT count(*) FROM inbox WHERE done_at IS NULL OR claimed_by IS NOT NULL"
                )
                if not updates and await read_value(self.settings.storage, undone) == 0:
                    return
                await asyncio.sleep(0.02)

    @property
    def settings(self) -> Any:
        return self.running.services.settings


async def start_worker(settings: Any, api: FakeBotApi, name: str, calls: Calls) -> RunningBot:
    request = WorkerRequest(api, name, calls)
    app = build_application(settings, request=request, get_updates_request=request)
    running = RunningBot(app, webhook=True)
    token = current_community.set(None)  # as `pavilion run`: in no community
    try:
        await running.start()
    finally:
        current_community.reset(token)
    return running


async def until(condition: Callable[[], bool], seconds: float = 60) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 - state of the workers' own tasks
            await asyncio.sleep(0.02)


def settings_for(tmp_path: Path) -> Any:
    webhook = {
        "listen": "127.0.0.1",
        "port": free_port(),
        "url": "https://pavilion.example.org/telegram",
        "secret_token": "two-workers-secret",
    }
    return make_settings(tmp_path, telegram={"webhook": webhook})


def card_edits(calls: Calls) -> list[str]:
    return [worker for worker, method in calls if method == "editMessageText"]


async def test_only_the_sending_worker_edits_cards_and_hands_them_over_at_its_stop(
    tmp_path: Path, api: FakeBotApi, fresh_database: Callable[[Path], Path]
) -> None:
    calls: Calls = []
    first = settings_for(tmp_path)
    fresh_database(first.storage.path)
    sending = await start_worker(first, api, "sending", calls)
    other: RunningBot | None = None
    try:
        assert sending.seat is not None and sending.seat.sending
        other = await start_worker(settings_for(tmp_path), api, "other", calls)
        assert other.seat is not None and not other.seat.sending
        harness = TwoWorkers(api, sending, other)
        await community(harness)
        card = await open_vote(harness, 1)
        calls.clear()

        harness.to = "other"
        for user_id, choice in ((2001, "赞成"), (2002, "反对"), (2003, "赞成")):
            await harness.press(user_id, card, button_data(card, choice))
        # The other worker handled presses (it answered them), so it changed the card.
        assert ("other", "answerCallbackQuery") in calls
        await until(lambda: "赞成：2\n反对：1" in vote_cards(harness)[-1]["text"])
        assert card_edits(calls) and set(card_edits(calls)) == {"sending"}

        # The sending worker stops with the card's edit still due: the other takes
        # the seat and makes it.
        calls.clear()
        harness.to = "sending"
        await harness.press(2002, card, button_data(card, "赞成"))
        await sending.stop()
        await until(lambda: other is not None and other.seat is not None and other.seat.sending)
        await until(lambda: "赞成：3\n反对：0" in vote_cards(harness)[-1]["text"])
        edits = card_edits(calls)
        assert edits and set(edits) == {"other"}
        left = "SELECT count(*) FROM card_refreshes"
        assert await read_value(first.storage, left) == 0
    finally:
        if sending.app.running:
            await sending.stop()
        if other is not None:
            await other.stop()
