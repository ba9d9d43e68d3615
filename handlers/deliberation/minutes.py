"""The minutes' panel (secretaries, privately): chair, recorder, main opinions; the .docx.

/minutes shows a sitting's minutes as text and sends them as a Word document; a
secretary in private chat gets the panel below them, whose buttons set the chair
(主持人) and recorder (记录人) — one of the committee, or a typed name — and choose
the comments quoted as each matter's main opinions (✅ toggles).
"""

from __future__ import annotations

from io import BytesIO

from telegram import InputFile, Message, Update

from bot.config import Language
from bot.deliberation.minutes import OFFICER_FLOW
from bot.deliberation.sittings import Minutes
from handlers.access import reply, show
from handlers.context import Context
from handlers.deliberation import callbacks as cb
from handlers.deliberation.minutes_document import minutes_file
from handlers.deliberation.minutes_screens import (
    excerpts_screen,
    officers_screen,
    panel_keyboard,
    panel_text,
)
from handlers.deliberation.minutes_texts import minutes_html
from handlers.texts import plain, t


def _data(update: Update) -> str | None:
    return update.callback_query.data if update.callback_query else None


async def send_minutes(
    update: Update, context: Context, found: list[Minutes], *, panel: bool
) -> None:
    """The minutes as text, each sitting's as a Word document, and (secretary) the panel."""
    actor = context.require_actor()
    services = context.services
    tz = services.settings.community.tz
    chat = update.effective_chat
    if chat is None:
        return
    for chunk in minutes_html(actor.language, found, tz):
        await context.bot.send_message(chat.id, chunk)
    for one in found:
        await send_document(context, chat.id, actor.language, one)
    if panel:
        last = found[-1]
        await context.bot.send_message(
            chat.id,
            panel_text(actor.language, last, services),
            reply_markup=panel_keyboard(actor.language, last),
        )


async def send_document(
    context: Context, chat_id: int, language: Language, minutes: Minutes
) -> Message:
    """The minutes of one sitting as a .docx, with a short caption."""
    services = context.services
    name, data = minutes_file(language, minutes, services.settings.community.tz, services.clock())
    return await context.bot.send_document(
        chat_id,
        InputFile(BytesIO(data), filename=name),
        caption=t(language, "minutes.document_caption"),
    )


async def panel_pressed(update: Update, context: Context) -> None:
    """Button: the panel again (↩ from a choice)."""
    data = cb.MinutesPanel.decode(_data(update))
    actor = context.require_actor()
    minutes = await context.services.sittings.editing.panel(actor, data.sitting_id)
    await show(
        update,
        panel_text(actor.language, minutes, context.services),
        panel_keyboard(actor.language, minutes),
    )


async def officers_pressed(update: Update, context: Context) -> None:
    """Button: choose the chair (recorder) from the committee."""
    data = cb.MinutesOfficers.decode(_data(update))
    actor = context.require_actor()
    choices = await context.services.sittings.editing.officer_choices(
        actor, data.sitting_id, data.role
    )
    await show(update, *officers_screen(actor.language, choices))


async def officer_pressed(update: Update, context: Context) -> None:
    """Button: this person chaired (recorded) the sitting; the panel again."""
    data = cb.MinutesOfficer.decode(_data(update))
    actor = context.require_actor()
    minutes = await context.services.sittings.editing.set_officer(
        actor, data.sitting_id, data.role, data.person_id
    )
    await show(
        update,
        panel_text(actor.language, minutes, context.services),
        panel_keyboard(actor.language, minutes),
        toast=plain(actor.language, "minutes.saved"),
    )


async def officer_name_pressed(update: Update, context: Context) -> None:
    """Button: the chair's (recorder's) name is typed next."""
    data = cb.MinutesOfficerName.decode(_data(update))
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - a button is always in a chat
    await context.services.sittings.editing.ask_officer_name(
        actor, chat.id, data.sitting_id, data.role
    )
    role = plain(actor.language, f"sittings.minutes_label.{data.role}")
    await context.bot.send_message(chat.id, t(actor.language, "minutes.ask_name", role=role))


async def officer_name_answer(update: Update, context: Context, step: str, text: str) -> None:
    """The typed name: set it, then the panel again."""
    actor = context.require_actor()
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - private text always has a chat
    minutes = await context.services.sittings.editing.answer_officer_name(actor, chat.id, text)
    await reply(update, t(actor.language, "minutes.saved"))
    await reply(
        update,
        panel_text(actor.language, minutes, context.services),
        panel_keyboard(actor.language, minutes),
    )


async def excerpts_pressed(update: Update, context: Context) -> None:
    """Button: a matter's comments, ✅ those quoted."""
    data = cb.MinutesExcerpts.decode(_data(update))
    actor = context.require_actor()
    choice = await context.services.sittings.editing.excerpts(
        actor, data.sitting_id, data.matter_id
    )
    await show(update, *excerpts_screen(actor.language, choice))


async def excerpt_pressed(update: Update, context: Context) -> None:
    """Button: quote this comment, or no longer; the choice again."""
    data = cb.MinutesExcerpt.decode(_data(update))
    actor = context.require_actor()
    choice = await context.services.sittings.editing.toggle_excerpt(
        actor, data.sitting_id, data.comment_id
    )
    await show(update, *excerpts_screen(actor.language, choice))


async def send_pressed(update: Update, context: Context) -> None:
    """Button: the minutes as they stand now, text and document, then the panel."""
    data = cb.MinutesSend.decode(_data(update))
    actor = context.require_actor()
    minutes = await context.services.sittings.editing.panel(actor, data.sitting_id)
    if update.callback_query is not None:
        await update.callback_query.answer()
    await send_minutes(update, context, [minutes], panel=True)


async def publish_pressed(update: Update, context: Context) -> None:
    """Button: the minutes as they stand go to the residents' group (text and document)."""
    data = cb.MinutesPublish.decode(_data(update))
    actor = context.require_actor()
    services = context.services
    await services.sittings.publish_minutes(actor, data.sitting_id)
    services.wake_sender()
    minutes = await services.sittings.editing.panel(actor, data.sitting_id)
    await show(
        update,
        panel_text(actor.language, minutes, services),
        panel_keyboard(actor.language, minutes),
        toast=plain(actor.language, "minutes.published"),
    )


TEXT_ANSWERS = {OFFICER_FLOW: officer_name_answer}
