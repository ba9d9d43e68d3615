"""/notify: a secretary sends a notice to everyone or to one role, privately."""

from __future__ import annotations

from telegram import Update

from handlers.access import reply, show
from handlers.community import callbacks as cb
from handlers.community import keyboards
from handlers.community.texts import audience_name
from handlers.context import Context
from handlers.texts import t


async def notify(update: Update, context: Context) -> None:
    """/notify: choose who the notice goes to."""
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - guarded: Where.PRIVATE
    await context.services.notices.start(actor, chat.id)
    await reply(
        update, t(actor.language, "notify.ask_audience"), keyboards.audiences(actor.language)
    )


async def audience_chosen(update: Update, context: Context) -> None:
    """Button: an audience; then ask for the text."""
    data = cb.NotifyAudience.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    draft = await context.services.notices.choose_audience(actor, chat.id, data.audience)
    await show(
        update,
        t(
            actor.language,
            "notify.ask_text",
            audience=audience_name(actor.language, draft.audience),
            count=draft.recipients,
        ),
    )


async def text_answer(update: Update, context: Context, step: str, text: str) -> None:
    """The notice's text: show a preview with send / cancel."""
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - private text always has a chat
    if step != "text":
        await reply(update, t(actor.language, "register.use_buttons"))
        return
    draft = await context.services.notices.set_text(actor, chat.id, text)
    await reply(
        update,
        t(
            actor.language,
            "notify.preview",
            audience=audience_name(actor.language, draft.audience),
            count=draft.recipients,
            text=draft.text or "",
        ),
        keyboards.confirm_notice(actor.language),
    )


async def confirmed(update: Update, context: Context) -> None:
    """Button: send the notice (progress follows in its own message), or drop it."""
    data = cb.NotifyConfirm.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    if not data.send:
        await context.services.dialogs.cancel(chat.id, actor.tg_user_id)
        await show(update, t(actor.language, "notify.dropped"))
        return
    draft = await context.services.notices.send(actor, chat.id)
    await show(update, t(actor.language, "notify.queued", count=draft.recipients))
    context.services.wake_sender()
