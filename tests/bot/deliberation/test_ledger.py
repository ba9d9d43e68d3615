"""The ledger export: exactly the period's rows, secret ballots never, no CSV injection."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.community.register import Actor
from bot.config import Language
from bot.deliberation.ledger import LedgerService, default_period, ledger_sheets
from bot.errors import UserFacingError
from bot.spreadsheets import csv_bytes, xlsx_bytes
from storage import Database
from storage.times import to_db_time
from tests.conftest import FakeClock, make_settings

NOW = datetime(2026, 11, 19, 11, 0, tzinfo=UTC)  # 19:00 in Shanghai
SECRETARY = Actor(1001, Language.ZH_HANS, None, configured_secretary=True)
RESIDENT = Actor(2001, Language.ZH_HANS, None, configured_secretary=False)


def wall(text: str) -> datetime:
    """A wall-clock time as a workbook holds it (local, without a zone)."""
    return datetime.fromisoformat(text)


async def person(db: Database, tg_user_id: int, name: str) -> int:
    async with db.transaction(completes_update=False) as session:
        return await session.people.insert(
            tg_user_id=tg_user_id,
            display_name=name,
            tg_username=None,
            language="zh_Hans",
            building=None,
            grid_id=None,
            consent_at=NOW,
            now=NOW,
        )


async def execute(db: Database, sql: str, *params: object) -> int:
    async with db.transaction(completes_update=False) as session:
        cur = await session.conn.execute(sql, params)
        return int(cur.lastrowid or 0)


async def matter(db: Database, title: str, at: datetime, raised_by: int | None) -> int:
    async with db.transaction(completes_update=False) as session:
        return await session.matters.create(
            title=title,
            details="详情",
            raised_by=raised_by,
            support_until=at + timedelta(days=14),
            now=at,
        )


async def vote(db: Database, matter_id: int, *, anonymous: bool, counts: list[int]) -> int:
    return await execute(
        db,
        "INSERT INTO votes (matter_id, kind, options, anonymous, quorum, threshold, opened_at,"
        " closes_at, closed_at, result, tally, voters)"
        " VALUES (?, 'yes_no', ?, ?, 2, 'majority', ?, ?, ?, 'passed', ?, ?)",
        matter_id,
        json.dumps(["yes", "no", "abstain"]),
        int(anonymous),
        to_db_time(NOW - timedelta(hours=2)),
        to_db_time(NOW),
        to_db_time(NOW),
        json.dumps({"counts": counts, "voters": sum(counts)}),
        sum(counts),
    )


async def ballot(
    db: Database,
    vote_id: int,
    key: str,
    person_id: int | None,
    choice: str,
    recorded_by: int | None = None,
    reason: str | None = None,
) -> None:
    await execute(
        db,
        "INSERT INTO ballots (vote_id, voter_key, person_id, choice, cast_at, recorded_by,"
        " proxy_reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
        vote_id,
        key,
        person_id,
        choice,
        to_db_time(NOW - timedelta(hours=1)),
        recorded_by,
        reason,
    )


@pytest.fixture
async def service(db: Database, tmp_path: Path) -> LedgerService:
    settings = make_settings(tmp_path)
    zhang = await person(db, 2001, "张阿姨")
    li = await person(db, 2003, "李大爷")
    grid = await person(db, 2004, "王网格")
    secret = await person(db, 2005, "秘密投票人")
    await matter(db, "十月的事项", datetime(2026, 10, 20, tzinfo=UTC), zhang)  # not in November
    lamp = await matter(db, "=1+1", NOW - timedelta(days=3), zhang)
    dogs = await matter(db, "遛狗要牵绳", NOW - timedelta(days=2), li)
    public = await vote(db, lamp, anonymous=False, counts=[1, 1, 0])
    await ballot(db, public, f"p:{zhang}", zhang, "0")
    await ballot(db, public, f"p:{li}", li, "1", recorded_by=grid, reason="老人没有手机")
    hidden = await vote(db, dogs, anonymous=True, counts=[1, 0, 0])
    # Even a ballot of a secret vote that still carried a name must never come out.
    await ballot(db, hidden, "h:abc", secret, "0")
    await execute(
        db,
        "INSERT INTO conventions (title, text, matter_id, vote_id, adopted_at)"
        " VALUES ('养犬公约', '遛狗要牵绳', ?, ?, ?)",
        dogs,
        hidden,
        to_db_time(NOW),
    )
    await execute(
        db,
        "INSERT INTO progress_reports (matter_id, person_id, percent, text, at)"
        " VALUES (?, ?, 50, '灯杆已到货', ?)",
        lamp,
        grid,
        to_db_time(NOW + timedelta(hours=1)),
    )
    await execute(
        db,
        "INSERT INTO referrals (matter_id, department, request, referred_by, referred_at)"
        " VALUES (?, '城管局', '协调安装路灯', NULL, ?)",
        lamp,
        to_db_time(NOW),
    )
    shed = await matter(db, "车棚选址", NOW - timedelta(days=1), li)
    await execute(
        db,
        "INSERT INTO votes (matter_id, kind, options, anonymous, quorum, threshold, opened_at,"
        " closes_at, closed_at, result, tally, voters)"
        " VALUES (?, 'single', ?, 0, 2, 'majority', ?, ?, ?, 'passed', ?, 5)",
        shed,
        json.dumps(["东门", "西门", "=不建"]),
        to_db_time(NOW - timedelta(hours=2)),
        to_db_time(NOW),
        to_db_time(NOW),
        json.dumps({"counts": [3, 2, 0], "voters": 5}),
    )
    return LedgerService(db, settings, FakeClock(NOW))


async def test_the_workbook_holds_exactly_the_periods_rows(service: LedgerService) -> None:
    ledger = await service.build(SECRETARY, None, None)
    assert (ledger.first, ledger.last) == (date(2026, 11, 1), date(2026, 11, 30))
    sheets = ledger_sheets(ledger, Language.ZH_HANS, service.tz)
    book = load_workbook(io.BytesIO(xlsx_bytes(sheets)))
    assert book.sheetnames == [
        "事项",
        "表决",
        "记名表决",
        "代投记录",
        "公约",
        "进展",
        "转交",
        "纸质票",
        "出席",
    ]

    def rows(title: str) -> list[tuple[object, ...]]:
        return [tuple(row) for row in book[title].iter_rows(values_only=True)]

    matters = rows("事项")
    assert matters[0][:4] == ("事项编号", "类别", "标题", "内容")
    assert [(row[0], row[2], row[4], row[5], row[10]) for row in matters[1:]] == [
        (2, "=1+1", "张阿姨", wall("2026-11-16 19:00"), "征集附议中"),
        (3, "遛狗要牵绳", "李大爷", wall("2026-11-17 19:00"), "征集附议中"),
        (4, "车棚选址", "李大爷", wall("2026-11-18 19:00"), "征集附议中"),
    ]
    formula_like = book["事项"]["C2"]
    assert formula_like.value == "=1+1" and formula_like.data_type == "s"
    raised_at = book["事项"]["F2"]
    assert raised_at.is_date and raised_at.number_format == "yyyy-mm-dd hh:mm"
    votes = rows("表决")
    assert votes[0] == (
        "表决编号", "事项编号", "标题", "表决方式", "不记名", "投票范围", "法定人数", "通过标准",
        "开始时间", "截止时间", "结束时间", "参与人数", "应投人数（户数）",
        "赞成", "反对", "弃权", "选项1", "选项1票数", "选项2", "选项2票数", "选项3", "选项3票数",
        "结果",
    )  # fmt: skip
    opened, closes = wall("2026-11-19 17:00"), wall("2026-11-19 19:00")
    assert votes[1:] == [
        (1, 2, "=1+1", "赞成/反对/弃权", "否", "全体居民", 2, "过半数", opened, closes, closes,
         2, None, 1, 1, 0, None, None, None, None, None, None, "通过"),
        (2, 3, "遛狗要牵绳", "赞成/反对/弃权", "是", "全体居民", 2, "过半数", opened, closes,
         closes, 1, None, 1, 0, 0, None, None, None, None, None, None, "通过"),
        (3, 4, "车棚选址", "单选", "否", "全体居民", 2, "过半数", opened, closes, closes,
         5, None, None, None, None, "东门", 3, "西门", 2, "=不建", 0, "通过"),
    ]  # fmt: skip
    counts = [cell for cell in next(book["表决"].iter_rows(min_row=2, max_row=2))][13:16]
    assert [cell.data_type for cell in counts] == ["n", "n", "n"]  # summable
    assert book["表决"]["U4"].data_type == "s"  # an option "=不建" is text, never a formula
    assert rows("记名表决") == [
        ("表决编号", "事项编号", "投票人", "选择", "投票时间", "代投人", "代投原因"),
        (1, 2, "张阿姨", "赞成", wall("2026-11-19 18:00"), None, None),
        (1, 2, "李大爷", "反对", wall("2026-11-19 18:00"), "王网格", "老人没有手机"),
    ]
    assert rows("代投记录") == [
        ("表决编号", "事项编号", "不记名", "投票人", "选择", "投票时间", "代投人", "代投原因"),
        (1, 2, "否", "李大爷", "反对", wall("2026-11-19 18:00"), "王网格", "老人没有手机"),
    ]
    adopted = wall("2026-11-19 19:00")
    assert rows("公约")[1:] == [(1, "养犬公约", "遛狗要牵绳", 3, 2, adopted, None, None)]
    assert rows("进展")[1:] == [(2, "=1+1", "王网格", 50, "灯杆已到货", wall("2026-11-19 20:00"))]
    assert rows("转交")[1:] == [
        (1, 2, "=1+1", "城管局", "协调安装路灯", None, adopted, None, None, None, None)
    ]
    for title in book.sheetnames:
        assert book[title].freeze_panes == "A2"
        assert book[title]["A1"].font.bold
    everything = [cell for title in book.sheetnames for row in rows(title) for cell in row]
    assert "秘密投票人" not in everything  # a secret vote's ballots never appear


async def test_csv_is_excel_friendly_and_escapes_formulas(service: LedgerService) -> None:
    ledger = await service.build(SECRETARY, date(2026, 11, 1), date(2026, 11, 30))
    matters, votes = ledger_sheets(ledger, Language.EN, service.tz)[:2]
    data = csv_bytes(matters)
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0][:3] == ["Matter", "Kind", "Title"]
    # A zero-width space keeps "=1+1" a text in Excel and LibreOffice, invisibly.
    assert [row[2] for row in table[1:]] == ["\u200b=1+1", "遛狗要牵绳", "车棚选址"]
    assert table[1][5] == "2026-11-16 19:00"  # a date both programs read as one
    vote_rows = list(csv.reader(io.StringIO(csv_bytes(votes).decode("utf-8-sig"))))
    assert len(vote_rows) == 4
    assert vote_rows[1][13:16] == ["1", "1", "0"]  # Yes / No / Abstain, plain numbers


async def test_periods_and_who_may_export(service: LedgerService) -> None:
    october = await service.build(SECRETARY, date(2026, 10, 1), date(2026, 10, 31))
    assert [m.title for m in october.matters] == ["十月的事项"]
    assert october.votes == () and october.ballots == ()
    with pytest.raises(UserFacingError) as refused:
        await service.build(RESIDENT, None, None)
    assert refused.value.key == "ledger.secretaries_only"
    with pytest.raises(UserFacingError) as backwards:
        await service.build(SECRETARY, date(2026, 11, 30), date(2026, 11, 1))
    assert backwards.value.key == "ledger.bad_period"
    assert default_period(date(2026, 12, 31)) == (date(2026, 12, 1), date(2026, 12, 31))
    assert default_period(date(2026, 2, 10)) == (date(2026, 2, 1), date(2026, 2, 28))
