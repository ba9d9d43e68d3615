"""Stopping the bot after a burst of votes: nothing cosmetic holds it up.

Card edits in a group wait for the group's 20-per-minute window. Here the
rate limiter's time stands still with that window full, so an edit that had
to wait for it would wait forever: the stop returning at all shows that it
waits for no window (no wall time is measured).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest

from bot.app import RunningBot, build_application
from bot.runtime.flood import TelegramRateLimiter
from bot.standin import FakeBotApi
from handlers.cards import EDIT_JOB_PREFIX
from tests.backends import on_postgres, read_value
from tests.conftest import make_settings
from tests.fakes import FakeRequest
from tests.handlers.conftest import RESIDENTS_GROUP, BotHarness, button_data
from tests.handlers.deliberation.test_votes_flow import community, open_vote


class LimiterTime:
    """The rate limiter's monotonic seconds: the event loop's, until the test stops them."""

    def __init__(self) -> None:
        self.frozen: float | None = None

    def __call__(self) -> float:
        return self.frozen if self.frozen is not None else asyncio.get_running_loop().time()

    def freeze(self) -> None:
        self.frozen = asyncio.get_running_loop().time()


def card_edits(api: FakeBotApi, message_id: int) -> int:
    return sum(
        1
        for method, params in api.calls
        if method == "editMessageText"
        and params.get("chat_id") == RESIDENTS_GROUP
        and params.get("message_id") == message_id
    )


def group_edit_count(api: FakeBotApi) -> int:
    return sum(
        1
        for method, params in api.calls
        if method == "editMessageText" and params.get("chat_id") == RESIDENTS_GROUP
    )


def edits_due(app: Any) -> bool:
    """Whether a card edit is still waiting in the job queue."""
    return any(
        job.name is not None and job.name.startswith(EDIT_JOB_PREFIX)
        for job in app.job_queue.jobs()
    )


async def test_stop_drops_card_edits_held_by_the_group_window(
    tmp_path: Path, api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    time = LimiterTime()
    limiter = TelegramRateLimiter(max_retries=3, clock=time)
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    app = build_application(
        settings,
        request=FakeRequest(api),
        get_updates_request=FakeRequest(api),
        rate_limiter=limiter,
    )
    running = RunningBot(app, webhook=False)
    await running.start()
    harness = BotHarness(api, running)
    try:
        await community(harness)
        group_edits = group_edit_count(api)
        card = await open_vote(harness, 1)
        # Opening the vote edits the matter's card a few seconds later: let that edit go
        # out before the window fills, so the edit left waiting below is the vote card's.
        await api.wait_for(
            lambda: not edits_due(app) and group_edit_count(api) > group_edits, timeout=60
        )
    except BaseException:
        await running.stop()
        raise
    # The group has had its 20 messages this minute, and the minute never ends.
    time.freeze()
    for _ in range(20):
        limiter.note_earlier_send(RESIDENTS_GROUP, 30.0)
    edits_before = card_edits(api, card["message_id"])

    await harness.press(2001, card, button_data(card, "赞成"))
    await api.wait_for(lambda: limiter.waiting >= 1, timeout=60)  # the card's edit waits
    await harness.press(2002, card, button_data(card, "反对"))  # and another one is due later
    caplog.clear()
    await asyncio.wait_for(running.stop(), timeout=30)  # a guard: waiting would never end

    assert card_edits(api, card["message_id"]) == edits_before  # both edits dropped
    messages = [record.getMessage() for record in caplog.records]
    assert "stopping: the edit of card of vote 1 is dropped; its next change edits it" in messages
    if on_postgres():
        # Several workers may share the database: the edit still due is left for
        # whichever worker sends next (the same one, after a restart).
        assert "stopping: 1 pending card edit(s) left for the worker that sends" in messages
        left = "SELECT name FROM card_refreshes"
        assert await read_value(settings.storage, left) == "vote-card:1"
    else:
        assert (
            "stopping: 1 pending card edit(s) dropped; each card is edited at its next change"
            in messages
        )
    assert not any("cut off" in message for message in messages)  # nothing left for replay
    assert not any(record.levelno >= logging.WARNING for record in caplog.records)
    # The ballots themselves were saved: only the cards' tallies were left behind.
    assert await read_value(settings.storage, "SELECT count(*) FROM ballots") == 2
    not_done = "SELECT count(*) FROM inbox WHERE done_at IS NULL"
    assert await read_value(settings.storage, not_done) == 0
