"""Cards the bot keeps up to date in groups: edited a few seconds after a change,
once for however many changes came in meanwhile (Telegram limits edits)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Bot
from telegram.error import BadRequest, TelegramError
from telegram.ext import JobQueue

from bot.delivery import render_buttons, render_text
from bot.outbox import OutgoingMessage

log = logging.getLogger(__name__)

#: A card is edited at most this often, however fast presses come in.
CARD_EDIT_SECONDS = 3.0

Refresh = Callable[[Any], Coroutine[Any, Any, None]]


def edit_soon(job_queue: JobQueue[Any] | None, name: str, refresh: Refresh, data: int) -> None:
    """Run ``refresh`` in a few seconds unless one is already coming under ``name``."""
    if job_queue is None:
        return
    if job_queue.scheduler.get_job(name) is not None:
        return  # an edit is already coming; it will show the latest state
    job_queue.run_once(
        refresh, when=CARD_EDIT_SECONDS, data=data, name=name, job_kwargs={"id": name}
    )


async def edit_everywhere(
    bot: Bot, places: list[tuple[int, int]], message: OutgoingMessage, what: str
) -> None:
    """Edit each copy of a card to ``message``; a copy that cannot be edited is logged."""
    for chat_id, message_id in places:
        try:
            if message.photo:  # a card posted as a photo: its text is the caption
                await bot.edit_message_caption(
                    chat_id=chat_id,
                    message_id=message_id,
                    caption=render_text(message),
                    reply_markup=render_buttons(message),
                )
            else:
                await bot.edit_message_text(
                    render_text(message),
                    chat_id=chat_id,
                    message_id=message_id,
                    reply_markup=render_buttons(message),
                )
        except BadRequest as error:
            if "not modified" not in error.message.lower():
                log.warning("cannot update %s: %s", what, error.message)
        except TelegramError as error:
            log.warning("cannot update %s: %s", what, error.message)
