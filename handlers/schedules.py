"""/upcoming: what the bot will do on its own, and when; pause and resume."""

from __future__ import annotations

from telegram import Update

from handlers import callbacks as cb
from handlers import keyboards, texts
from handlers.access import show
from handlers.context import Context


async def upcoming(update: Update, context: Context) -> None:
    """/upcoming: the next firings, soonest first, with pause/resume buttons."""
    actor = context.require_actor()
    rows = await context.services.scheduler.upcoming()
    tz = context.services.settings.community.tz
    await show(
        update, texts.upcoming(actor.language, rows, tz), keyboards.schedules(actor.language, rows)
    )


async def set_enabled(update: Update, context: Context) -> None:
    """Button: pause or resume one schedule, then show the list again."""
    data = cb.SetScheduleEnabled.decode(
        update.callback_query.data if update.callback_query else None
    )
    actor = context.require_actor()
    scheduler = context.services.scheduler
    if data.enabled:
        await scheduler.resume(data.schedule_id, actor.person_id)
    else:
        await scheduler.pause(data.schedule_id, actor.person_id)
    await upcoming(update, context)
