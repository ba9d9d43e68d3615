"""The yearly appraisal's rules: which year, the 满意率, the extra columns' registry, and
the commitments counted in a year (kept, overdue at the day it closed)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import bot.households.service
import bot.members.inservice
import bot.volunteering.hours  # noqa: F401 - the columns they register
from bot.config import Language
from bot.members import appraisal_table as module
from bot.members.appraisal import appraisal_year
from bot.members.appraisal_table import (
    appraisal_columns,
    build_table,
    register_appraisal_column,
    satisfaction,
    table_sheet,
)
from storage import Database
from storage.session import Session

NOW = datetime(2026, 12, 20, 3, 0, tzinfo=UTC)


def test_the_year_appraised_is_the_one_ending_in_december_and_january() -> None:
    assert appraisal_year(date(2026, 12, 15)) == 2026
    assert appraisal_year(date(2027, 1, 10)) == 2026
    assert appraisal_year(date(2027, 2, 1)) == 2027


def test_satisfaction_counts_satisfied_and_fairly_satisfied() -> None:
    assert satisfaction(Counter()) is None
    assert satisfaction(Counter(good=2, fair=1, poor=1)) == 75
    assert satisfaction(Counter(poor=3)) == 0


async def _visits(session: Session, people: list[int], year: int) -> Mapping[int, int]:
    return {people[0]: year - 2020}


async def _other(session: Session, people: list[int], year: int) -> Mapping[int, int]:
    return {}


async def test_registered_columns_and_the_commitments_of_the_year(tmp_path: Path) -> None:
    db = Database(tmp_path / "a.sqlite3")
    await db.open()
    register_appraisal_column("test_visits", "appraisal.col.member", _visits)
    try:
        # Registered twice alike: fine; another provider under the key: refused.
        register_appraisal_column("test_visits", "appraisal.col.member", _visits)
        with pytest.raises(ValueError, match="test_visits"):
            register_appraisal_column("test_visits", "appraisal.col.member", _other)
        keys = [column.key for column in appraisal_columns()]
        assert keys[:3] == ["commitments_total", "commitments_kept", "commitments_overdue"]
        # By line, then as registered: the test's (line 1) after 入户走访, before the hours.
        assert keys[3:] == [
            "household_visits",
            "test_visits",
            "volunteer_hours",
            "volunteer_activities",
            "inservice_post",
        ]

        async with db.transaction() as session:
            member = await session.people.insert(
                tg_user_id=1,
                display_name="张阿姨",
                tg_username=None,
                language="zh_Hans",
                building=None,
                grid_id=None,
                consent_at=NOW,
                now=NOW,
            )
            await session.people.grant(member, "party_member", None, NOW)
            repo = session.members.commitments
            for what, due in (
                ("kept", "2026-06-01"),
                ("late", "2026-12-01"),
                ("ahead", "2026-12-30"),
            ):
                commitment_id = await repo.submit(
                    None, member, what, "居民", date.fromisoformat(due), None, NOW
                )
                assert commitment_id is not None
                await repo.approve(commitment_id, None, date(2026, 5, 1), NOW)
                if what == "kept":
                    await repo.finish(commitment_id, member, NOW)
            # Not counted: another year's, and one still waiting for review.
            await repo.submit(None, member, "next", "居民", date(2027, 3, 1), None, NOW)
            appraisal_id = await session.members.appraisal.open(2026, None, NOW)
            assert appraisal_id is not None
            await session.members.appraisal.close(appraisal_id, None, date(2026, 12, 20), NOW)
        async with db.read() as session:
            appraisal = await session.members.appraisal.of_year(2026)
            assert appraisal is not None
            table = await build_table(session, appraisal, ZoneInfo("Asia/Shanghai"))
        (row,) = table.rows
        # 3 of 2026, 1 kept; "late" overdue at the day it closed, "ahead" not yet due.
        # The test's column after 入户走访; no hours, not in service.
        assert row.extra == (3, 1, 1, 0, 6, Decimal("0.00"), 0, None)
        sheet = table_sheet(Language.ZH_HANS, table)
        assert sheet.headers[:9] == (
            "党员",
            "承诺数",
            "已践诺",
            "已逾期",
            "入户走访",
            "党员",
            "志愿服务时长",
            "参加活动",
            "在职报到",
        )
        assert sheet.rows[0][:9] == ("张阿姨", 3, 1, 1, 0, 6, Decimal("0.00"), 0, None)
    finally:
        module._COLUMNS.pop("test_visits", None)
        await db.close()
