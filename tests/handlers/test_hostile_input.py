"""Hostile numbers and dates typed into commands: a usage reply, nothing changed, no traceback."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tests.backends import table_names
from tests.handlers.conftest import RESIDENTS_GROUP, SECRETARY, BotHarness

#: Tables that change with every update whatever it says (the ingress, the audit of refusals).
_BOOKKEEPING = {"inbox", "audit_log", "dialogs", "firings", "outbox", "pushes"}


async def _snapshot(harness: BotHarness) -> dict[str, list[Any]]:
    async with harness.db.read() as session:
        tables = await table_names(session.conn)
        rows: dict[str, list[Any]] = {}
        for table in tables:
            if table in _BOOKKEEPING or table.startswith("sqlite_"):
                continue
            cursor = await session.conn.execute(f"SELECT * FROM {table}")
            rows[table] = sorted(repr(tuple(row)) for row in await cursor.fetchall())
    return rows


async def _community(harness: BotHarness) -> None:
    await harness.register(SECRETARY)
    await harness.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
    async with harness.db.transaction() as session:  # for /proxyvote
        person = await session.people.by_telegram_id(SECRETARY)
        assert person is not None
        await session.people.grant(person.id, "grid_worker", None, harness.running.services.clock())
    await harness.register(2001, "张阿姨")
    await harness.say(2001, "提议 小区门口加装路灯")
    await harness.say(2001, "晚上太黑。")
    await harness.press_label(2001, harness.last(2001), "提交")
    await harness.pushes_sent()


#: Each command with a number or a date nobody can mean, and how its usage reply starts.
HOSTILE = [
    "/vote ²",
    "/vote १",
    "/vote １",
    "/vote 1²",
    "/closevote ²",
    "/proxyvote ²",
    "/assign ²",
    "/assign १",
    "/progress ²",
    "/refer ²",
    "/major ²",
    "/matter ²",
    "/matter १",
    "/thread ²",
    "/discuss ² 好",
    "/agenda ²",
    "/merge ² 1",
    "/merge 1 १",
    "/withdraw ² 重复",
    "/lessonreport ²",
    "/lessonreport १",
    "/minutes 9999-12-31",
    "/minutes 0001-01-01",
    "/minutes ２０２６-１１-０１",
    "/minutes 12-3²",
    "/minutes_note 9999-12-31 备注",
    "/minutes_note 0001-01-01 备注",
    "/ledger 9999-12-31",
    "/ledger 0001-01-01 0001-12-31",
    "/ledger 2026-11-01 9999-12-31",
    "/ledger ２０２６-１１-０１",
    "/lessonexport 9999",
    "/lessonexport ２０２６",
    "/lessonexport 0001-01",
    "/mystudy 9999-12",
    "/studyrecord 0001",
    "/volreport 9999-12",
    "/volreport ２０２６-１１",
    "/checkin １２３４５６",
]


@pytest.mark.parametrize("command", HOSTILE)
async def test_a_hostile_number_or_date_gets_a_usage_reply(
    harness: BotHarness, command: str, caplog: pytest.LogCaptureFixture
) -> None:
    await _community(harness)
    before = await _snapshot(harness)
    sent_before = len(harness.api.bot_messages(SECRETARY))
    with caplog.at_level(logging.WARNING):
        await harness.say(SECRETARY, command)
    replies = [m.get("text", "") for m in harness.api.bot_messages(SECRETARY)[sent_before:]]
    assert len(replies) == 1, replies
    assert replies[0].startswith(("用法：", "看不懂日期")), replies[0]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert await _snapshot(harness) == before


async def test_typed_answers_in_a_form_take_ascii_digits_only(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    await _community(harness)
    await harness.say(SECRETARY, "/newactivity")
    await harness.say(SECRETARY, "清理楼道")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "跳过")
    await harness.say(SECRETARY, "湖边议事亭")
    await harness.press_label(SECRETARY, harness.last(SECRETARY), "跳过")
    with caplog.at_level(logging.WARNING):
        for when in ("１２-０５ 09:00-11:00", "9999-12-05 09:00-11:00", "12-0५ 09:00-11:00"):
            await harness.say(SECRETARY, when)
            assert harness.last(SECRETARY)["text"].startswith("没看懂时间"), when
        await harness.say(SECRETARY, "12-05 09:00-11:00")
        for capacity in ("²", "１０", "१०"):
            await harness.say(SECRETARY, capacity)
            assert harness.last(SECRETARY)["text"].startswith("请发送 1 到 10000"), capacity
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    async with harness.db.read() as session:
        cursor = await session.conn.execute("SELECT COUNT(*) FROM activities")
        assert (await cursor.fetchone())[0] == 0
