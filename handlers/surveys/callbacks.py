"""Callback data of surveys' buttons (prefixes start with "sv").

The buttons under questions and reminders are built by bot/surveys/rules.py
(the data sent through the outbox); their kinds here decode them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from handlers.callbacks import Callback


@dataclass(frozen=True)
class SurveyBuild(Callback):
    """A button of the builder: ``value`` at ``step`` (subject, kind, audience, ...)."""

    PREFIX: ClassVar[str] = "svb"
    step: str
    value: str


@dataclass(frozen=True)
class SurveySend(Callback):
    """发送 (or 放弃) under the builder's preview."""

    PREFIX: ClassVar[str] = "svg"
    send: bool


@dataclass(frozen=True)
class SurveyPick(Callback):
    """A single-choice option or a scale point (rules.pick_callback)."""

    PREFIX: ClassVar[str] = "svp"
    survey_id: int
    question: int
    index: int


@dataclass(frozen=True)
class SurveyToggle(Callback):
    """A multiple-choice option toggled in ``mask`` (rules.toggle_callback)."""

    PREFIX: ClassVar[str] = "svt"
    survey_id: int
    question: int
    mask: int
    index: int


@dataclass(frozen=True)
class SurveySubmit(Callback):
    """提交 under a multiple-choice question (rules.submit_callback)."""

    PREFIX: ClassVar[str] = "svs"
    survey_id: int
    question: int
    mask: int


@dataclass(frozen=True)
class SurveyWrite(Callback):
    """✏️ 写回答 under a text question (rules.write_callback)."""

    PREFIX: ClassVar[str] = "svw"
    survey_id: int
    question: int


@dataclass(frozen=True)
class SurveyReminders(Callback):
    """🔕 / 🔔 under a reminder to answer (rules.reminders_callback)."""

    PREFIX: ClassVar[str] = "svr"
    on: bool


@dataclass(frozen=True)
class SurveyResend(Callback):
    """📝 under a reminder: the questions not answered yet (rules.resend_callback)."""

    PREFIX: ClassVar[str] = "svq"
    survey_id: int


@dataclass(frozen=True)
class SurveyView(Callback):
    """A survey's screen (rules.view_callback)."""

    PREFIX: ClassVar[str] = "svv"
    survey_id: int


@dataclass(frozen=True)
class SurveyAction(Callback):
    """On a survey's screen: "results", "close", "respond", "publish" (a secretary)."""

    PREFIX: ClassVar[str] = "svx"
    survey_id: int
    action: str
