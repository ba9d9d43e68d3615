"""FakeBotApi.call as a whole: dispatch by method name, and a PTB Application polling it."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ApplicationBuilder, CommandHandler

from bot.standin import FakeBotApi
from tests.bot.standin.conftest import ALICE, GROUP, TOKEN
from tests.fakes import FakeRequest


async def test_unknown_method_is_404(api: FakeBotApi) -> None:
    answer = await api.call("sendTelepathy", {"chat_id": "1"})
    assert answer == {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
    assert (await api.call("GETME", {}))["ok"] is True


async def test_application_polls_the_stand_in(api: FakeBotApi) -> None:
    async def grant(update: Update, context: Any) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"已授予：{' '.join(context.args)}")

    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .request(FakeRequest(api))
        .get_updates_request(FakeRequest(api))
        .build()
    )
    application.add_handler(CommandHandler("grant", grant))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=5)
        api.send_text(ALICE, GROUP, "/grant@pavilion_demo_bot resident")
        await api.wait_for(lambda: len(api.bot_messages(GROUP)) == 1, timeout=5)
        await application.updater.stop()
        await application.stop()
    reply = api.last_bot_message(GROUP)
    assert reply["text"] == "已授予：resident"
    assert reply["reply_to_message"]["text"] == "/grant@pavilion_demo_bot resident"
    assert api.pending_updates == 0
