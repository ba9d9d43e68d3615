"""getUpdates and webhooks: offsets, long polls, allowed_updates, the webhook conflict."""

from __future__ import annotations

import asyncio

import pytest
import telegram
from telegram.error import BadRequest, Conflict

from bot.standin import FakeBotApi
from tests.bot.standin.conftest import ALICE, BOB, _ci, _keyboard


async def test_offset_confirms_and_drops_updates(api: FakeBotApi, bot: telegram.Bot) -> None:
    api.send_text(ALICE, None, "one")
    api.send_text(BOB, None, "two")
    api.send_text(ALICE, None, "three")
    first = await bot.get_updates(limit=2)
    assert [u.update_id for u in first] == [1, 2]
    again = await bot.get_updates()
    assert [u.update_id for u in again] == [1, 2, 3]
    assert api.pending_updates == 3
    rest = await bot.get_updates(offset=3)
    assert [u.message.text for u in rest if u.message] == ["three"]
    assert api.pending_updates == 1
    assert await bot.get_updates(offset=4) == ()
    assert api.pending_updates == 0
    assert api.delivered_update_ids == [1, 2, 1, 2, 3, 3]


async def test_long_poll_waits_for_a_user(api: FakeBotApi, bot: telegram.Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    assert not poll.done()
    loop = asyncio.get_running_loop()
    started = loop.time()
    api.send_text(BOB, None, "hello")
    updates = await asyncio.wait_for(poll, 2)
    assert loop.time() - started < 1
    assert [u.message.text for u in updates if u.message] == ["hello"]


async def test_long_poll_expires_empty(api: FakeBotApi, bot: telegram.Bot) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 <= loop.time() - started < 2


async def test_allowed_updates_filters_and_persists(api: FakeBotApi, bot: telegram.Bot) -> None:
    api.send_text(ALICE, None, "text")
    pick = await bot.send_message(ALICE, "pick", reply_markup=_keyboard("a"))
    api.press_button(ALICE, None, pick.message_id, "a")
    only_queries = await bot.get_updates(allowed_updates=["callback_query"])
    assert [u.callback_query is not None for u in only_queries] == [True]
    api.send_text(ALICE, None, "later")
    assert await bot.get_updates(offset=only_queries[0].update_id + 1) == ()


async def test_webhook_blocks_polling(api: FakeBotApi, bot: telegram.Bot) -> None:
    with pytest.raises(BadRequest, match=_ci("HTTPS URL")):
        await bot.set_webhook("http://example.org/hook")
    assert await bot.set_webhook("https://example.org/hook")
    assert (await bot.get_webhook_info()).url == "https://example.org/hook"
    with pytest.raises(Conflict, match=_ci("webhook is active")):
        await bot.get_updates()
    api.send_text(ALICE, None, "hi")
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert api.pending_updates == 0
    assert await bot.get_updates() == ()
