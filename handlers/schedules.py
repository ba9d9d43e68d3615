"""/upcoming: what the bot will do on its own, and when; pause and resume."""

from __future__ import annotations

from telegram import Update

from handlers import callbacks as cb
from handlers import keyboards, texts
from handlers.access import show
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
        changed = await scheduler.resume(data.schedule_id, actor.person_id)
        key = "upcoming.resumed" if changed else "upcoming.already_resumed"
    else:
        changed = await scheduler.pause(data.schedule_id, actor.person_id)
        key = "upcoming.paused" if changed else "upcoming.already_paused"
    title = await scheduler.title(data.schedule_id, actor.language)
    await _show_page(update, context, data.page, toast=plain(actor.language, key, title=title))


async def _show_page(
    update: Update, context: Context, page: int, *, toast: str | None = None
) -> None:
    actor = context.require_actor()
    scheduler = context.services.scheduler
    listing = await scheduler.upcoming(page)
    tz = context.services.settings.community.tz
    await show(
        update,
        texts.upcoming(actor.language, listing, tz),
        keyboards.schedules(actor.language, listing),
        toast=toast,
    )
