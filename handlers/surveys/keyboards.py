"""The surveys' keyboards: the builder's steps, a survey's screen, the list."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.config import Grid, Language
from bot.runtime.outbox import OutgoingMessage
from bot.runtime.sender import render_buttons
from bot.surveys.building import question_buttons
from bot.surveys.rules import CLOSE_DAYS, KINDS, MAX_QUESTIONS, SUBJECTS
from handlers.datepicker.callbacks import DatePick
from handlers.keyboards import button
from handlers.surveys import callbacks as cb
from handlers.texts import plain
from storage.surveys.surveys import SurveyRow


def _build(
    language: Language, step: str, value: str, key: str, **params: Any
) -> InlineKeyboardButton:
    return button(plain(language, key, **params), cb.SurveyBuild(step, value))


def subjects(language: Language) -> InlineKeyboardMarkup:
    """委员会 / 红色物业 / 项目 / 其他 (or type another)."""
    return InlineKeyboardMarkup(
        [[_build(language, "subject", key, f"survey.subject.{key}")] for key in SUBJECTS]
    )


def kinds(language: Language, questions: int) -> InlineKeyboardMarkup:
    """The next question's kind; ✅ 问题写完了 once there is one."""
    rows: list[list[InlineKeyboardButton]] = []
    if questions < MAX_QUESTIONS:
        rows = [
            [_build(language, "kind", kind, f"survey.kind.{kind}") for kind in KINDS[:2]],
            [_build(language, "kind", kind, f"survey.kind.{kind}") for kind in KINDS[2:]],
        ]
    if questions:
        rows.append([_build(language, "kind", "done", "survey.button.done")])
    return InlineKeyboardMarkup(rows)


def audiences(language: Language, buildings: list[str], grids: list[Grid]) -> InlineKeyboardMarkup:
    """全体居民, each building of the register, each grid of the configuration."""
    rows = [[_build(language, "audience", "all", "survey.audience.all")]]
    row: list[InlineKeyboardButton] = []
    for index, name in enumerate(buildings):
        row.append(_build(language, "audience", f"b{index}", "survey.audience.building", name=name))
        if len(row) == 3:
            rows.append(row)
            row = []
    if row:
        rows.append(row)
    rows.extend(
        [
            _build(
                language,
                "audience",
                f"g{grid.id}",
                "survey.audience.grid",
                name=grid.name_in(language),
            )
        ]
        for grid in grids
    )
    return InlineKeyboardMarkup(rows)


def anonymity(language: Language) -> InlineKeyboardMarkup:
    """记名 / 不记名."""
    return InlineKeyboardMarkup(
        [
            [_build(language, "anonymous", "0", "survey.mode_button.named")],
            [_build(language, "anonymous", "1", "survey.mode_button.anonymous")],
        ]
    )


#: The date picker of the closing day (handlers/surveys/building.py CLOSES_PICKER).
CLOSES_PICKER_KEY = "sc"


def closing(language: Language) -> InlineKeyboardMarkup:
    """3 天 / 7 天 / 14 天, 📅 选日子 (the date picker), or type a date."""
    return InlineKeyboardMarkup(
        [
            [
                _build(language, "closes", str(days), "survey.button.days", days=days)
                for days in CLOSE_DAYS
            ],
            [button(plain(language, "survey.button.pick_day"), DatePick(CLOSES_PICKER_KEY, "w"))],
        ]
    )


def preview(language: Language) -> InlineKeyboardMarkup:
    """📤 发送 / 放弃."""
    return InlineKeyboardMarkup(
        [
            [button(plain(language, "survey.button.send"), cb.SurveySend(True))],
            [button(plain(language, "survey.button.drop"), cb.SurveySend(False))],
        ]
    )


def question(
    survey: SurveyRow, index: int, mask: int, language: Language
) -> InlineKeyboardMarkup | None:
    """A question's buttons, drawn as the outbox draws them (toggles with ``mask``)."""
    return render_buttons(
        OutgoingMessage("survey.question", language, buttons=question_buttons(survey, index, mask))
    )


def survey_list(language: Language, surveys: list[SurveyRow]) -> InlineKeyboardMarkup:
    """One button per survey."""
    return InlineKeyboardMarkup(
        [
            [
                button(
                    plain(
                        language,
                        "survey.list_button",
                        number=survey.number,
                        title=survey.title,
                        state=plain(language, _state(survey)),
                    ),
                    cb.SurveyView(survey.id),
                )
            ]
            for survey in surveys
        ]
    )


def _state(survey: SurveyRow) -> str:
    if survey.is_open:
        return "survey.state.open"
    return "survey.state.published" if survey.response is not None else "survey.state.closed"


def survey_screen(
    language: Language, survey: SurveyRow, secretary: bool
) -> InlineKeyboardMarkup | None:
    """📊 结果; ⏹ 结束 while open; 📣 发布结果 once closed and not published (secretaries)."""
    if not secretary:
        return None
    rows = [
        [button(plain(language, "survey.button.results"), cb.SurveyAction(survey.id, "results"))]
    ]
    if survey.is_open:
        rows.append(
            [button(plain(language, "survey.button.close"), cb.SurveyAction(survey.id, "close"))]
        )
    elif survey.response is None:
        rows.append(
            [
                button(
                    plain(language, "survey.button.respond"), cb.SurveyAction(survey.id, "respond")
                )
            ]
        )
    return InlineKeyboardMarkup(rows)


def publish(language: Language, survey_id: int) -> InlineKeyboardMarkup:
    """📣 发布 under the response's preview."""
    return InlineKeyboardMarkup(
        [[button(plain(language, "survey.button.publish"), cb.SurveyAction(survey_id, "publish"))]]
    )


def reminders_on(language: Language) -> InlineKeyboardMarkup:
    """🔔 恢复问卷提醒."""
    return InlineKeyboardMarkup(
        [[button(plain(language, "survey.reminders_on_button"), cb.SurveyReminders(True))]]
    )
