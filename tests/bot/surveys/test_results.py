"""Counting a survey's answers, its lines, its ledger sheet, and typed closing days."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.config import Language
from bot.surveys.results import count_results, ledger_sheet, share, summary_lines
from bot.surveys.rules import subject_name, typed_day
from storage.surveys.surveys import AnswerRow, SurveyRow

AT = datetime(2026, 11, 19, 11, 0, tzinfo=UTC)


def survey(**changes: object) -> SurveyRow:
    values: dict[str, object] = {
        # The street-wide id; people see the community's number (问卷 #3).
        "id": 57,
        "number": 3,
        "title": "东门改造",
        "subject": "key:project",
        "questions": (
            {"kind": "multiple", "text": "改什么？", "options": ["路灯", "座椅", "绿化"]},
            {"kind": "scale", "text": "打分"},
            {"kind": "text", "text": "建议"},
        ),
        "audience": {"kind": "grid", "value": "A"},
        "anonymous": True,
        "salt": None,
        "created_by": 1,
        "sent_at": AT,
        "closes_at": AT,
        "closed_at": AT,
        "schedule_id": None,
        "response": "明年春天动工。",
        "response_by": 1,
        "response_at": AT,
    }
    values.update(changes)
    return SurveyRow(**values)  # type: ignore[arg-type]


ANSWERS = [
    AnswerRow(0, "k1", (0, 2), None),
    AnswerRow(0, "k2", (2,), None),
    AnswerRow(1, "k1", (4,), None),
    AnswerRow(1, "k2", (1,), None),
    AnswerRow(1, "k3", (4,), None),
    AnswerRow(2, "k3", None, "多种树"),
]


def test_counts_shares_and_average() -> None:
    results = count_results(survey(), 5, ANSWERS)
    assert (results.sent, results.answered) == (5, 3)
    multiple, scale, text = results.questions
    assert multiple.counts == (1, 0, 2) and multiple.answered == 2
    assert scale.counts == (0, 1, 0, 0, 2) and scale.average == 4.0
    assert multiple.average is None and text.texts == ("多种树",)
    assert share(1, 3) == 33 and share(0, 0) == 0


def test_lines_list_texts_only_where_asked() -> None:
    results = count_results(survey(), 5, ANSWERS)
    lines = summary_lines(results, Language.ZH_HANS, texts=True)
    assert lines[:4] == [
        "1. 改什么？（2 人答）",
        "    1) 路灯：1 人（50%）",
        "    2) 座椅：0 人（0%）",
        "    3) 绿化：2 人（100%）",
    ]
    assert "    平均 4.0 分" in lines and lines[-1] == "    · 多种树"
    public = summary_lines(results, Language.EN, texts=False)
    assert public[-1] == "    1 comment(s) received" and "多种树" not in "\n".join(public)


def test_ledger_sheet() -> None:
    sheet = ledger_sheet(
        [count_results(survey(), 5, ANSWERS)], Language.ZH_HANS, ZoneInfo("Asia/Shanghai")
    )
    assert sheet.title == "民意测评"
    (row,) = sheet.rows
    sent_at = datetime.fromisoformat("2026-11-19 19:00")  # a date cell, local wall time
    assert row[:6] == (3, "东门改造", "项目", "网格：A", "是", sent_at)
    assert row[8:10] == (5, 3) and row[11] == "明年春天动工。"


def test_typed_days_and_subjects() -> None:
    today = date(2026, 11, 19)
    assert typed_day("12-01", today) == date(2026, 12, 1)
    assert typed_day("12月1日", today) == date(2026, 12, 1)
    assert typed_day("2027-01-05", today) == date(2027, 1, 5)
    assert typed_day("11-01", today) == date(2027, 11, 1)  # past this year: next year's
    assert typed_day("下周", today) is None and typed_day("13-40", today) is None
    assert subject_name("key:property", Language.ZH_HANS) == "红色物业"
    assert subject_name("东门改造项目", Language.EN) == "东门改造项目"


def test_a_long_post_is_cut_at_a_line() -> None:
    from bot.surveys.results import POST_RESULTS_LIMIT, _fitted

    lines = [f"{n}. " + "很长的题目" * 40 for n in range(20)]
    fitted = _fitted(lines, Language.ZH_HANS)
    assert len(fitted) <= POST_RESULTS_LIMIT + 40
    assert fitted.endswith("……（更多结果见“查看问卷”）")
    assert fitted.split("\n")[0] == lines[0]
