"""Screens of the minutes' panel: the panel, the chair/recorder choice, the opinions."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.community.forums import forum_name
from bot.config import Language
from bot.deliberation.attendance import ALL_BUILDINGS
from bot.deliberation.minutes import ExcerptChoice, OfficerChoices
from bot.deliberation.sittings import Minutes
from bot.services import Services
from handlers.deliberation import callbacks as cb
from handlers.deliberation.minutes_texts import excerpt, minutes_day
from handlers.keyboards import button
from handlers.texts import person_label, plain, t

#: A comment on its ✅ button is cut to this many characters.
BUTTON_EXCERPT = 24


def panel_text(language: Language, minutes: Minutes, services: Services) -> str:
    not_set = plain(language, "sittings.minutes_not_set")
    return t(
        language,
        "minutes.panel",
        forum=forum_name(
            language,
            minutes.forum,
            held_on=minutes.starts_at.astimezone(services.settings.community.tz).date(),
        ),
        date=minutes_day(language, minutes.starts_at, services.settings.community.tz),
        chair=minutes.chair or not_set,
        recorder=minutes.recorder or not_set,
    )


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
                    cb.MinutesExcerpts(sitting, item.matter_id),
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


def officers_screen(
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


def excerpts_screen(language: Language, choice: ExcerptChoice) -> tuple[str, InlineKeyboardMarkup]:
    matter = choice.matter
    chosen = sum(1 for _, _, on in choice.comments if on)
    if not choice.comments:
        key = "minutes.excerpts_empty"
    elif chosen:
        key = "minutes.excerpts_chosen"
    else:
        key = "minutes.excerpts_auto"
    text = t(language, key, number=matter.number, title=matter.title, chosen=chosen)
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
