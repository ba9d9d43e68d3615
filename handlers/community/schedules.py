"""/upcoming: what the bot will do on its own, and when; pause and resume."""

from __future__ import annotations

import contextlib

from telegram import Message, Update
from telegram.error import BadRequest

from bot.runtime.scheduler import from_callback_moment
from handlers.access import answer, show
from handlers.community import callbacks as cb
from handlers.community import keyboards, texts
from handlers.context import Context
from handlers.texts import plain


async def upcoming(update: Update, context: Context) -> None:
    """/upcoming: every schedule, soonest first, paused ones after, a page at a time."""
    await _show_page(update, context, 0)


async def turn_page(update: Update, context: Context) -> None:
    """Button ◀ / ▶: another page of /upcoming."""
    data = cb.UpcomingPage.decode(update.callback_query.data if update.callback_query else None)
    await _show_page(update, context, data.page)


async def set_enabled(update: Update, context: Context) -> None:
    """Button: pause or resume one schedule, confirm it, then show its page again.

    A second press of the same button (or a stale copy) changes nothing and says so.
    """
    data = cb.SetScheduleEnabled.decode(
        update.callback_query.data if update.callback_query else None
    )
    actor = context.require_actor()
    scheduler = context.services.scheduler
    if data.enabled:
        changed = await scheduler.upcoming.resume(data.schedule_id, actor.person_id)
        key = "upcoming.resumed" if changed else "upcoming.already_resumed"
    else:
        changed = await scheduler.upcoming.pause(data.schedule_id, actor.person_id)
        key = "upcoming.paused" if changed else "upcoming.already_paused"
    title = await scheduler.upcoming.title(data.schedule_id, actor.language)
    await _show_page(update, context, data.page, toast=plain(actor.language, key, title=title))


async def send_missed(update: Update, context: Context) -> None:
    """Button 📣 现在补发 under a missed notice: do the missed firing now, once."""
    query = update.callback_query
    data = cb.SendMissed.decode(query.data if query else None)
    actor = context.require_actor()
    scheduler = context.services.scheduler
    due_at = from_callback_moment(data.due)
    sent = await scheduler.send_missed(data.schedule_id, due_at, actor.person_id)
    title = await scheduler.upcoming.title(data.schedule_id, actor.language)
    key = "schedule.sent_now" if sent else "schedule.already_sent"
    if query is None:
        return
    await answer(update, plain(actor.language, key, what=title))
    if isinstance(query.message, Message):
        with contextlib.suppress(BadRequest):  # already without its button
            await query.message.edit_reply_markup(None)


async def _show_page(
    update: Update, context: Context, page: int, *, toast: str | None = None
) -> None:
    actor = context.require_actor()
    scheduler = context.services.scheduler
    listing = await scheduler.upcoming.page(page)
    tz = context.services.settings.community.tz
    await show(
        update,
        texts.upcoming(actor.language, listing, tz),
        keyboards.schedules(actor.language, listing),
        toast=toast,
    )
