"""Long minutes go as several messages under Telegram's limit; the document holds them all."""

from __future__ import annotations

import html
import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from docx import Document

from bot.config import Language
from bot.deliberation.sittings import Minutes, MinutesItem, Opinion, VoteOutcome
from handlers.deliberation.minutes_document import minutes_file
from handlers.deliberation.minutes_texts import excerpt, minutes_html, minutes_messages
from handlers.texts import MESSAGE_LIMIT

TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 19, 11, 0, tzinfo=UTC)


def long_minutes() -> Minutes:
    vote = VoteOutcome("yes_no", ("yes", "no", "abstain"), (5, 1, 0), 6, "passed", True)
    items = tuple(
        MinutesItem(
            number=number,
            title=f"第{number}件事<b>",
            stage="passed",
            supports=3,
            comments=3,
            vote=vote,
            resolution="同意" * 40,
            opinions=tuple(Opinion(number * 10 + i, f"居民{i}", "意见&" * 60, i) for i in range(3)),
            owner_kind="committee",
            due_at=START,
        )
        for number in range(1, 41)
    )
    return Minutes(
        sitting_id=1,
        forum="session",
        starts_at=START,
        opened_at=START,
        closed_at=None,
        agenda=items,
        raised=(),
        notes=None,
        community="幸福社区",
        place="社区议事亭",
        chair="王书记",
        recorder=None,
    )


def test_long_minutes_are_split_under_the_limit_and_the_document_holds_every_matter() -> None:
    minutes = long_minutes()
    chunks = minutes_messages(minutes, Language.ZH_HANS, TZ)
    assert len(chunks) > 1
    assert all(len(html.escape(chunk)) <= MESSAGE_LIMIT for chunk in chunks)
    joined = "\n".join(chunks)
    assert "【议题 40】#40 第40件事<b>（已通过）" in joined
    assert "　表决情况：通过（不记名）；赞成 5、反对 1、弃权 0；6 人参与；法定人数 不限" in joined
    assert "记录人：（未填）" in joined
    sent = minutes_html(Language.ZH_HANS, [minutes], TZ)
    assert all(len(chunk) <= MESSAGE_LIMIT for chunk in sent)
    assert "&lt;b&gt;" in sent[0] and "<b>" not in "".join(sent)

    name, data = minutes_file(Language.ZH_HANS, minutes, TZ)
    assert name == "幸福社区-会议记录-2026-11-19.docx"
    document = Document(io.BytesIO(data))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert len(headings) == 40 and headings[-1] == "议题 40 #40 第40件事<b>（已通过）"
    # The opinions are quoted short, with who said them.
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert len(bullets) == 120
    assert bullets[1] == f"居民1：“{excerpt('意见&' * 60)}”（1 人赞同）"
    assert len(excerpt("意见&" * 60)) == 80 and excerpt("意见&" * 60).endswith("…")
