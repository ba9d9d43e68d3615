"""The surveys' texts: the builder's steps and preview, a survey's screen, its results."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.config import Language
from bot.surveys.building import Draft, audience_of, subject_of
from bot.surveys.results import Results, audience_name, summary_lines
from bot.surveys.rules import CHOICE_KINDS, MAX_OPTIONS, MAX_QUESTIONS, subject_name
from handlers.texts import local_time, plain, t
from storage.surveys.surveys import SurveyRow


def step_prompt(language: Language, draft: Draft, tz: ZoneInfo) -> str:
    """What the builder asks at the draft's step."""
    step, data = draft.step, draft.data
    if step == "title":
        return t(language, "survey.ask_title")
    if step == "subject":
        return t(language, "survey.ask_subject", title=data.get("title", ""))
    if step == "kind":
        count = len(draft.questions)
        if not count:
            return t(language, "survey.ask_first_kind", most=MAX_QUESTIONS)
        return t(
            language,
            "survey.ask_kind",
            count=count,
            most=MAX_QUESTIONS,
            questions=questions_text(language, draft.questions),
        )
    if step == "question":
        kind = str((data.get("pending") or {}).get("kind", "text"))
        return t(language, "survey.ask_question", kind=plain(language, f"survey.kind.{kind}"))
    if step == "options":
        return t(language, "survey.ask_options", most=MAX_OPTIONS)
    if step == "audience":
        return t(language, "survey.ask_audience")
    if step == "anonymous":
        return t(
            language,
            "survey.ask_anonymous",
            audience=audience_name(audience_of(data), language),
            count=draft.recipients,
        )
    if step == "closes":
        return t(language, "survey.ask_closes")
    return preview(language, draft, tz)


def questions_text(language: Language, questions: list[dict[str, object]]) -> str:
    """The questions so far, numbered, with their kind and options."""
    lines = []
    for number, question in enumerate(questions, start=1):
        kind = str(question["kind"])
        lines.append(
            plain(
                language,
                "survey.question_line",
                number=number,
                kind=plain(language, f"survey.kind.{kind}"),
                text=question["text"],
            )
        )
        if kind in CHOICE_KINDS:
            options = question.get("options") or []
            assert isinstance(options, list)  # noqa: S101 - the builder wrote a list
            lines.extend(plain(language, "survey.option_line", text=option) for option in options)
    return "\n".join(lines)


def preview(language: Language, draft: Draft, tz: ZoneInfo) -> str:
    """Everything the survey will be, before 发送."""
    data = draft.data
    closes = draft.closes_at
    return t(
        language,
        "survey.preview",
        title=data.get("title", ""),
        subject=subject_name(subject_of(data), language),
        audience=audience_name(audience_of(data), language),
        count=draft.recipients,
        mode=plain(
            language, "survey.mode.anonymous" if data.get("anonymous") else "survey.mode.named"
        ),
        closes=local_time(closes, tz, language) if closes else "",
        questions=questions_text(language, draft.questions),
    )


def survey_screen(
    language: Language, survey: SurveyRow, sent: int, answered: int, tz: ZoneInfo
) -> str:
    """A survey's screen: what, to whom, until when, how many answered, the response."""
    state = "open" if survey.is_open else "closed"
    text = t(
        language,
        f"survey.screen_{state}",
        number=survey.number,
        title=survey.title,
        subject=subject_name(survey.subject, language),
        audience=audience_name(survey.audience, language),
        mode=plain(language, "survey.mode.anonymous" if survey.anonymous else "survey.mode.named"),
        closes=local_time(survey.closes_at, tz, language),
        sent=sent,
        answered=answered,
    )
    if survey.response is not None:
        text += "\n\n" + t(language, "survey.screen_response", response=survey.response)
    return text


def results_text(language: Language, results: Results) -> list[str]:
    """The results as lines (text answers listed, without names)."""
    survey = results.survey
    head = plain(
        language,
        "survey.results_head",
        number=survey.number,
        title=survey.title,
        sent=results.sent,
        answered=results.answered,
    )
    return [head, *summary_lines(results, language, texts=True)]
