"""A full disk, through the real bot: every person gets a short "try again later",
the operator one line (not a traceback per update), and the bot carries on by itself
once there is room again. The full disk is real to SQLite (SQLITE_FULL from the
engine itself): ``PRAGMA max_page_count`` caps the file where it stands, a filler
takes the last free pages, and a trigger makes each write need one more page."""

from __future__ import annotations

import gc
import logging
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import Language
from bot.logs import StorageFullOncePerMinute
from bot.runtime.outbox import Delivery, OutgoingMessage, queue_push
from bot.standin import FakeBotApi
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import SECRETARY, BotHarness, start_harness

TRY_LATER = "暂时无法处理，请稍后再试。"
PEOPLE = range(2101, 2113)
#: What each write does once the disk is "full": it needs ``grow`` more bytes.
GROW = "INSERT INTO filler VALUES (randomblob({grow}))"


class Everything(logging.Handler):
    """Every record, before any filter of the operator's handler."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def fill_the_disk(
    harness: BotHarness, *tables: str, headroom: int = 0, grow: int = 20_000
) -> None:
    """Cap the file where it stands (plus ``headroom`` pages), fill its last free pages,
    and make every write to ``tables`` (default: all) need ``grow`` bytes more, more
    than is left, as a write to a full disk does. Each step is a unit of work of its
    own, so none lands inside (and is rolled back with) one of the bot's."""
    db = harness.db
    async with db.transaction(completes_update=False) as session:
        await session.conn.execute("CREATE TABLE IF NOT EXISTS filler (junk BLOB)")
    for size in (4000, 1000, 200, 50, 10, 1):
        await cap(harness, 0)
        while True:
            try:
                async with db.transaction(completes_update=False) as session:
                    await session.conn.execute("INSERT INTO filler VALUES (randomblob(?))", (size,))
            except sqlite3.OperationalError as error:
                assert "full" in str(error)
                break
    await cap(harness, headroom)
    async with db.transaction(completes_update=False) as session:
        if not tables:
            async with session.conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'filler'"
                " AND name NOT LIKE 'sqlite_%'"
            ) as cur:
                tables = tuple(str(r[0]) for r in await cur.fetchall())
        for table in tables:
            for event in ("INSERT", "UPDATE"):
                await session.conn.execute(
                    f"CREATE TEMP TRIGGER grow_{table}_{event} AFTER {event}"
                    f" ON main.{table} BEGIN {GROW.format(grow=int(grow))}; END"
                )


async def cap(harness: BotHarness, headroom: int) -> None:
    """The file may grow by ``headroom`` pages from here."""
    async with harness.db.transaction(completes_update=False) as session:
        async with session.conn.execute("PRAGMA page_count") as cur:
            row = await cur.fetchone()
        await session.conn.execute(f"PRAGMA max_page_count = {int(row[0]) + headroom}")


async def make_room(harness: BotHarness) -> None:
    async with harness.db.transaction(completes_update=False) as session:
        async with session.conn.execute(
            "SELECT name FROM sqlite_temp_master WHERE type = 'trigger'"
        ) as cur:
            triggers = [str(r[0]) for r in await cur.fetchall()]
        for trigger in triggers:
            await session.conn.execute(f"DROP TRIGGER temp.{trigger}")
        await session.conn.execute("PRAGMA max_page_count = 1073741823")


# The disk is filled through SQLite's page limit; PostgreSQL's full disk is its server's.
@pytest.mark.sqlite_only
async def test_a_full_disk_is_answered_reported_once_and_recovered_from(
    tmp_path: Path, api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    for user_id in PEOPLE:
        api.add_user(user_id, f"居民{user_id}", language_code="zh-hans")
    everything = Everything()
    logging.getLogger().addHandler(everything)
    caplog.handler.addFilter(StorageFullOncePerMinute())  # as the operator's handler has
    caplog.set_level(logging.INFO)
    clock = FakeClock()
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, clock)
    try:
        await harness.register(SECRETARY, "王书记")
        first, second, *_ = PEOPLE
        await harness.say(first, "/start")
        consent = harness.last(first)
        # A notice due in an hour: the sender will meet the full disk when it claims it.
        async with harness.db.transaction() as session:
            await queue_push(
                session,
                kind="notice",
                title="停水通知",
                deliveries=[
                    Delivery(
                        SECRETARY,
                        None,
                        OutgoingMessage("schedule.message", Language.ZH_HANS, {"text": "明天停水"}),
                    )
                ],
                dedupe_prefix="notice:1",
                now=clock.now,
                not_before=clock.now + timedelta(hours=1),
            )
        await fill_the_disk(harness)
        clock.advance(hours=2)
        harness.running.services.wake_sender()

        def sender_lines() -> list[str]:
            gc.collect()  # a task that died unretrieved would be reported when collected
            return [
                r.getMessage()
                for r in everything.records
                if r.getMessage().startswith(("outbox:", "background task outbox-"))
            ]

        await api.wait_for(lambda: bool(sender_lines()), timeout=60)

        # A burst of people starting to register: each is answered, one way or the other.
        for user_id in PEOPLE[1:]:
            api.send_text(user_id, None, "/start")
        await harness.settle()
        answers = {user_id: harness.texts(user_id) for user_id in PEOPLE[1:]}
        assert all(texts == [TRY_LATER] for texts in answers.values()), answers
        # A button pressed while full: the toast says the same.
        await harness.press_label(first, consent, "同意并登记")
        assert api.callback_answers()[-1]["text"] == TRY_LATER
        assert harness.db.full

        # The sender met it, said so and paused: no task of its died unretrieved, and it
        # did not claim again and again in a tight loop (it waits 5 s between tries).
        met = sender_lines()
        assert met and all(line.startswith("outbox: database or disk is full") for line in met)
        assert len(met) <= 3, met

        # Space comes back: the same people try again and are served, no restart needed.
        await make_room(harness)
        for user_id in PEOPLE[1:]:
            await harness.say(user_id, "/start")
            assert "保存什么" in harness.texts(user_id)[-1]
        assert not harness.db.full
        await harness.press_label(second, harness.last(second), "同意并登记")
        assert "怎么称呼您" in harness.last(second)["text"]

        # Full again, this time while the registration itself is written (the update
        # was stored): the handler's unit of work fails, the person hears the same.
        await fill_the_disk(harness, "dialogs", headroom=50, grow=1_000_000)
        await harness.say(second, "张三")
        assert harness.texts(second)[-1] == TRY_LATER
        async with harness.db.read() as session:
            dialog = await session.dialogs.get(second, second)
        assert dialog is not None and dialog.step == "name"
        await make_room(harness)
        await harness.say(second, "张三")  # the form kept its step: nothing half-written
        assert "哪栋楼" in harness.last(second)["text"]

        # The operator: one clear line for all of it, no traceback, nothing "never retrieved".
        full_lines = [r for r in caplog.records if "database or disk is full" in r.getMessage()]
        assert len(full_lines) == 1, [r.getMessage() for r in full_lines]
        assert full_lines[0].exc_info is None and full_lines[0].levelname == "ERROR"
        assert any("succeed again" in r.getMessage() for r in caplog.records)
        raw = [r.getMessage() for r in everything.records]
        assert any("an update was answered 'try again later'" in line for line in raw)
        assert not [r for r in everything.records if r.name == "asyncio"]  # no "never retrieved"
        assert not [r for r in everything.records if r.exc_info and r.levelno >= logging.ERROR]

        harness.running.services.wake_sender()
        await harness.pushes_sent()  # (after the sender's pause of a few seconds)
        assert "明天停水" in harness.texts(SECRETARY)[-1]  # the notice left once there was room
        async with harness.db.read() as session:
            pending, _ = await session.inbox.counts()
        assert pending == 0  # the done marks that failed while full were written since
        assert await harness.db.integrity_check() == "ok"
    finally:
        await harness.running.stop()
        logging.getLogger().removeHandler(everything)
