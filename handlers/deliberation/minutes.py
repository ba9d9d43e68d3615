"""The minutes' panel (secretaries, privately): chair, recorder, main opinions; the .docx.

/minutes shows a sitting's minutes as text and sends them as a Word document; a
secretary in private chat gets the panel below them, whose buttons set the chair
(主持人) and recorder (记录人) — one of the committee, or a typed name — and choose
the comments quoted as each matter's main opinions (✅ toggles).
"""

from __future__ import annotations

from io import BytesIO

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update

from bot.config import Language
from bot.deliberation.attendance import ALL_BUILDINGS
from bot.deliberation.minutes import OFFICER_FLOW, ExcerptChoice, OfficerChoices
from bot.deliberation.sittings import Minutes
from bot.services import Services
from handlers.access import reply, show
from handlers.context import Context
from handlers.deliberation import callbacks as cb
from handlers.deliberation.minutes_document import minutes_file
from handlers.deliberation.texts import excerpt, minutes_day, minutes_html
from handlers.keyboards import button
from handlers.texts import person_label, plain, t

#: A comment on its ✅ button is cut to this many characters.
BUTTON_EXCERPT = 24


def _data(update: Update) -> str | None:
    return update.callback_query.data if update.callback_query else None


def panel_keyboard(language: Language, minutes: Minutes) -> InlineKeyboardMarkup:
    """Chair · recorder, a button per matter on the agenda for its opinions, the minutes."""
    not_set = plain(language, "sittings.minutes_not_set")
    sitting = minutes.sitting_id
    rows = [
        [
            button(
                plain(language, "minutes.chair_button", name=minutes.chair or not_set),
                cb.MinutesOfficers(sitting, "chair"),
            ),
            button(
                plain(language, "minutes.recorder_button", name=minutes.recorder or not_set),
                cb.MinutesOfficers(sitting, "recorder"),
            ),
        ]
    ]
    for item in minutes.agenda:
        key = (
            "minutes.opinions_chosen_button" if item.opinions_chosen else "minutes.opinions_button"
        )
        rows.append(
            [
                button(
                    plain(language, key, number=item.number, title=item.title[:20]),
                    cb.MinutesExcerpts(sitting, item.number),
                )
            ]
        )
    rows.append(
        [
            button(plain(language, "minutes.send_button"), cb.MinutesSend(sitting)),
            button(plain(language, "minutes.publish_button"), cb.MinutesPublish(sitting)),
        ]
    )
    rows.append(
        [
            button(
                plain(language, "minutes.attendance_button"),
                cb.AttendanceView(sitting, 0, ALL_BUILDINGS, 0),
            )
        ]
    )
    return InlineKeyboardMarkup(rows)


def _officers_screen(
    language: Language, choices: OfficerChoices
) -> tuple[str, InlineKeyboardMarkup]:
    role = plain(language, f"sittings.minutes_label.{choices.role}")
    text = t(
        language,
        "minutes.choose_officer",
        role=role,
        current=choices.current or plain(language, "sittings.minutes_not_set"),
    )
    sitting = choices.sitting.id
    people = [
        button(
            ("✅ " if person.display_name == choices.current else "") + person_label(person),
            cb.MinutesOfficer(sitting, choices.role, person.id),
        )
        for person in choices.people[:30]
    ]
    rows: list[list[InlineKeyboardButton]] = [people[i : i + 2] for i in range(0, len(people), 2)]
    rows.append(
        [
            button(
                plain(language, "minutes.type_name_button"),
                cb.MinutesOfficerName(sitting, choices.role),
            ),
            button(plain(language, "minutes.back_button"), cb.MinutesPanel(sitting)),
        ]
    )
    return text, InlineKeyboardMarkup(rows)


def _excerpts_screen(language: Language, choice: ExcerptChoice) -> tuple[str, InlineKeyboardMarkup]:
    matter = choice.matter
    chosen = sum(1 for _, _, on in choice.comments if on)
    if not choice.comments:
        key = "minutes.excerpts_empty"
    elif chosen:
        key = "minutes.excerpts_chosen"
    else:
        key = "minutes.excerpts_auto"
    text = t(language, key, number=matter.id, title=matter.title, chosen=chosen)
    if choice.left_out:
        text += "\n" + t(language, "minutes.excerpts_left_out", count=choice.left_out)
    sitting = choice.sitting.id
    rows = []
    for comment, supports, on in choice.comments:
        author = comment.author or plain(language, "discuss.former_resident")
        label = plain(
            language,
            "minutes.excerpt_on" if on else "minutes.excerpt_off",
            author=author,
            text=excerpt(comment.text, BUTTON_EXCERPT),
            count=supports,
        )
        rows.append([button(label, cb.MinutesExcerpt(sitting, comment.id))])
    rows.append([button(plain(language, "minutes.back_button"), cb.MinutesPanel(sitting))])
    return text, InlineKeyboardMarkup(rows)


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
            _panel_text(actor.language, last, services),
            reply_markup=panel_keyboard(actor.language, last),
        )


def _panel_text(language: Language, minutes: Minutes, services: Services) -> str:
    not_set = plain(language, "sittings.minutes_not_set")
    return t(
        language,
        "minutes.panel",
        forum=plain(language, f"matter.forum.{minutes.forum}"),
        date=minutes_day(minutes.starts_at, services.settings.community.tz),
        chair=minutes.chair or not_set,
        recorder=minutes.recorder or not_set,
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
        _panel_text(actor.language, minutes, context.services),
        panel_keyboard(actor.language, minutes),
    )


async def officers_pressed(update: Update, context: Context) -> None:
    """Button: choose the chair (recorder) from the committee."""
    data = cb.MinutesOfficers.decode(_data(update))
    actor = context.require_actor()
    choices = await context.services.sittings.editing.officer_choices(
        actor, data.sitting_id, data.role
    )
    await show(update, *_officers_screen(actor.language, choices))


async def officer_pressed(update: Update, context: Context) -> None:
    """Button: this person chaired (recorded) the sitting; the panel again."""
    data = cb.MinutesOfficer.decode(_data(update))
    actor = context.require_actor()
    minutes = await context.services.sittings.editing.set_officer(
        actor, data.sitting_id, data.role, data.person_id
    )
    await show(
        update,
        _panel_text(actor.language, minutes, context.services),
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
        _panel_text(actor.language, minutes, context.services),
        panel_keyboard(actor.language, minutes),
    )


async def excerpts_pressed(update: Update, context: Context) -> None:
    """Button: a matter's comments, ✅ those quoted."""
    data = cb.MinutesExcerpts.decode(_data(update))
    actor = context.require_actor()
    choice = await context.services.sittings.editing.excerpts(
        actor, data.sitting_id, data.matter_id
    )
    await show(update, *_excerpts_screen(actor.language, choice))


async def excerpt_pressed(update: Update, context: Context) -> None:
    """Button: quote this comment, or no longer; the choice again."""
    data = cb.MinutesExcerpt.decode(_data(update))
    actor = context.require_actor()
    choice = await context.services.sittings.editing.toggle_excerpt(
        actor, data.sitting_id, data.comment_id
    )
    await show(update, *_excerpts_screen(actor.language, choice))


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
        _panel_text(actor.language, minutes, services),
        panel_keyboard(actor.language, minutes),
        toast=plain(actor.language, "minutes.published"),
    )


TEXT_ANSWERS = {OFFICER_FLOW: officer_name_answer}
