"""What the parts of surveys share: limits, kinds, flows, button data, the context."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from bot import parsing
from bot.clock import Clock
from bot.config import Language, Settings
from bot.deliberation.ballot_keys import BallotKeys
from bot.errors import UserFacingError
from bot.i18n import translate
from bot.runtime.scheduler import SchedulerService
from storage import Storage
from storage.surveys.surveys import SurveyRow

#: The builder's guided conversation (/survey).
BUILD_FLOW = "survey.build"
#: A resident typing a short text answer.
TEXT_FLOW = "survey.text"
#: A secretary writing the committee's response.
RESPONSE_FLOW = "survey.response"

#: Schedule kinds: the close at the closing time, and the reminders before it.
CLOSE_KIND = "survey.close"
REMIND_KIND = "survey.remind"
#: The kind of reminder a resident turns off (``reminder_opt_outs.kind``).
OPT_OUT_KIND = "survey"

#: Question kinds, in the order the builder offers them.
KINDS = ("single", "multiple", "scale", "text")
CHOICE_KINDS = ("single", "multiple")
#: Subjects offered as buttons (others are typed).
SUBJECTS = ("committee", "property", "project", "other")
#: Closing in this many days, offered as buttons.
CLOSE_DAYS = (3, 7, 14)

MAX_QUESTIONS = 10
MAX_OPTIONS = 8
MIN_OPTIONS = 2
MAX_TITLE = 60
MAX_SUBJECT = 30
MAX_QUESTION = 200
MAX_OPTION = 40
MAX_TEXT_ANSWER = 500
MAX_RESPONSE = 1500
#: The points of a scale question.
SCALE = (1, 2, 3, 4, 5)

_DATE = re.compile(
    rf"(?:({parsing.DIGIT}{{4}})[-/.年])?({parsing.DIGIT}{{1,2}})[-/.月]({parsing.DIGIT}{{1,2}})日?"
)


def typed_day(text: str, today: date) -> date | None:
    """A closing day typed as 2026-12-01, 12-01, 12月1日 (this year's or next)."""
    match = _DATE.fullmatch(text.strip())
    if match is None:
        return None
    return parsing.coming_day(match.group(1), match.group(2), match.group(3), today)


def subject_name(subject: str, language: Language) -> str:
    """The subject as people call it: a chosen one in ``language``, or the typed words."""
    if subject.startswith("key:"):
        return translate(language, f"survey.subject.{subject[4:]}")
    return subject


def option_count(question: dict[str, Any]) -> int:
    """How many answers a question's buttons offer (a scale: its five points)."""
    if question["kind"] == "scale":
        return len(SCALE)
    return len(question.get("options") or [])


# --- button data (decoded by handlers/surveys/callbacks.py) ---------------------------------


def pick_callback(survey_id: int, question: int, index: int) -> str:
    """A single-choice option or a scale point: one tap answers (SurveyPick)."""
    return f"svp:{survey_id}:{question}:{index}"


def toggle_callback(survey_id: int, question: int, mask: int, index: int) -> str:
    """A multiple-choice option: toggles it in ``mask`` (SurveyToggle)."""
    return f"svt:{survey_id}:{question}:{mask}:{index}"


def submit_callback(survey_id: int, question: int, mask: int) -> str:
    """提交 under a multiple-choice question (SurveySubmit)."""
    return f"svs:{survey_id}:{question}:{mask}"


def write_callback(survey_id: int, question: int) -> str:
    """✏️ under a text question: the next message is the answer (SurveyWrite)."""
    return f"svw:{survey_id}:{question}"


def reminders_callback(on: bool) -> str:
    """🔕 / 🔔 under a reminder to answer (SurveyReminders)."""
    return f"svr:{on}"


def resend_callback(survey_id: int) -> str:
    """📝 under a reminder: the questions not answered yet, again (SurveyResend)."""
    return f"svq:{survey_id}"


def view_callback(survey_id: int) -> str:
    """The survey's screen: results once published, the response (SurveyView)."""
    return f"svv:{survey_id}"


@dataclass(frozen=True)
class SurveyContext:
    """The database, settings, scheduler, clock and answer keys every part uses."""

    db: Storage
    settings: Settings
    scheduler: SchedulerService
    clock: Clock
    keys: BallotKeys

    @property
    def tz(self) -> ZoneInfo:
        """The community's time zone."""
        return self.settings.community.tz

    def respondent(self, survey: SurveyRow, person_id: int) -> str:
        """The answers' key of a person: ``p<id>``, or in an anonymous survey a keyed hash."""
        identity = f"p{person_id}"
        if not survey.anonymous:
            return identity
        if survey.salt is None:
            raise UserFacingError("survey.closed", title=survey.title)
        return self.keys.voter_key(survey.salt, survey.id, f"survey:{identity}")
