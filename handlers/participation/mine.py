"""/mine (我的待办): what awaits the person now, each item with a button to act."""

from __future__ import annotations

from telegram import Update

from handlers.access import show
from handlers.context import Context
from handlers.participation import keyboards, texts


async def mine(update: Update, context: Context) -> None:
    """/mine: votes to cast, matters to support, ratings, lessons, make-ups, activities."""
    actor = context.require_actor()
    awaiting = await context.services.participation.awaiting.mine(actor)
    tz = context.services.settings.community.tz
    # (From 📋 我的待办 under /help, the help's message becomes the list.)
    await show(
        update, texts.mine(actor.language, awaiting, tz), keyboards.mine(actor.language, awaiting)
    )
