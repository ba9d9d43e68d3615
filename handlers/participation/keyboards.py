"""Inline keyboards of participation: a button to act on each item of /mine, and
◀ ▶ between the years of a record."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.config import Language
from bot.deliberation.carrying.rules import RATINGS
from bot.deliberation.voting.rules import option_labels
from bot.participation.awaiting import Awaiting
from bot.participation.record import FIRST_YEAR, PersonRecord
from handlers.deliberation import callbacks as deliberation_cb
from handlers.keyboards import button
from handlers.lessons import callbacks as lessons_cb
from handlers.participation import callbacks as cb
from handlers.surveys import callbacks as surveys_cb
from handlers.texts import plain
from handlers.volunteering import callbacks as volunteering_cb

#: A title or option in a button label is cut to this many characters.
LABEL_CHARS = 12


def short(text: str, limit: int = LABEL_CHARS) -> str:
    """``text`` cut to ``limit`` characters, with … if cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def mine(language: Language, awaiting: Awaiting) -> InlineKeyboardMarkup | None:
    """One row of buttons per item, in the order the text lists them."""
    rows: list[list[InlineKeyboardButton]] = []
    for item in awaiting.votes:
        labels = option_labels(item.vote, language)
        ballots = [
            button(
                plain(
                    language,
                    "participation.button.ballot",
                    number=item.matter.number,
                    label=short(text),
                ),
                deliberation_cb.CastBallot(item.vote.id, index),
            )
            for index, text in enumerate(labels)
        ]
        # Yes / no / abstain fit in one row; a secretary's own options get a row each.
        rows.extend([ballots] if item.vote.kind == "yes_no" else [[b] for b in ballots])
    for matter in awaiting.supports:
        rows.append(
            [
                button(
                    plain(language, "participation.button.support", number=matter.number),
                    deliberation_cb.SupportMatter(matter.id),
                )
            ]
        )
    for matter in awaiting.ratings:
        rows.append(
            [
                button(
                    plain(
                        language,
                        "participation.button.rate",
                        number=matter.number,
                        label=plain(language, f"carry.rating.{rating}"),
                    ),
                    deliberation_cb.RateMatter(matter.id, rating),
                )
                for rating in RATINGS
            ]
        )
    for pending in awaiting.surveys:
        rows.append(
            [
                button(
                    plain(
                        language, "participation.button.survey", title=short(pending.survey.title)
                    ),
                    surveys_cb.SurveyResend(pending.survey.id),
                )
            ]
        )
    for lesson in awaiting.lessons:
        rows.append(
            [
                button(
                    plain(language, "participation.button.study", title=short(lesson.title)),
                    lessons_cb.LessonOpen(lesson.id),
                )
            ]
        )
    for slot in awaiting.makeups:
        rows.append(
            [
                button(
                    plain(language, "participation.button.read", title=short(slot.lesson_title)),
                    lessons_cb.LessonOpen(slot.lesson_id),
                )
            ]
        )
    for activity in awaiting.activities:
        if activity.state == "signed" and not activity.checked_in:
            rows.append(
                [
                    button(
                        plain(
                            language, "participation.button.checkin", title=short(activity.title)
                        ),
                        volunteering_cb.VolCheckinChoose(activity.activity_id),
                    )
                ]
            )
    return InlineKeyboardMarkup(rows) if rows else None


def record(language: Language, shown: PersonRecord, current_year: int) -> InlineKeyboardMarkup:
    """◀ the year before, ▶ the year after (not past the current one)."""
    person, year = shown.person.id, shown.year
    turns = []
    if year > FIRST_YEAR:
        turns.append(
            button(
                plain(language, "participation.button.year_before", year=year - 1),
                cb.RecordYear(person, year - 1),
            )
        )
    if year < current_year:
        turns.append(
            button(
                plain(language, "participation.button.year_after", year=year + 1),
                cb.RecordYear(person, year + 1),
            )
        )
    return InlineKeyboardMarkup([turns])


def open_record(language: Language, person_id: int, label_key: str) -> list[InlineKeyboardButton]:
    """A row with the button that opens a person's record for the current year."""
    return [button(plain(language, label_key), cb.RecordYear(person_id, 0))]
