"""Forgotten means gone: after /forget no byte of the person is left in the database
files (-wal and -shm included), and no log line at any level carries a name, a text
or a coordinate."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from bot.standin import FakeBotApi
from tests.conftest import make_settings
from tests.handlers.conftest import RESIDENTS_GROUP, SECRETARY, BotHarness, start_harness

PERSON = 7654321987
FIRST, LAST, USERNAME = "Zhenyafirst", "Quuxlast", "zhenya_q77"
NAME = "甄小妹"
WHERE = (31.230851, 121.473719)
#: The details of the matter they raise: it stays (nameless), but is never logged.
DETAILS = "我家门口的水管漏水很久了"
#: What they say in the group: the bot keeps no copy once it is handled.
CHAT = "大家晚上好，明天一起去看看吧"


def traces(*extra: str) -> list[str]:
    """Every form in which the person could be found in a file or a log line."""
    words = [FIRST, LAST, USERNAME, NAME, str(PERSON), CHAT, *map(str, WHERE), *extra]
    return words + [json.dumps(word)[1:-1] for word in words if not word.isascii()]


async def live_a_little(harness: BotHarness) -> None:
    """Register, raise a matter the group sees, support it, share a location, chat."""
    api = harness.api
    api.add_user(PERSON, FIRST, last_name=LAST, username=USERNAME, language_code="zh-hans")
    await harness.register(SECRETARY, "王书记")
    await harness.say(SECRETARY, "/bind residents", RESIDENTS_GROUP)
    await harness.register(PERSON, NAME, "7号楼")
    await harness.say(PERSON, "/raise")
    await harness.say(PERSON, "水管漏水")
    await harness.say(PERSON, DETAILS)
    await harness.press_label(PERSON, harness.last(PERSON), "提交")
    await harness.pushes_sent()
    card = next(m for m in api.bot_messages(RESIDENTS_GROUP) if "水管漏水" in m.get("text", ""))
    await harness.press_label(SECRETARY, card, "附议")
    await harness.say(PERSON, CHAT, RESIDENTS_GROUP)
    api.send_location(PERSON, None, *WHERE)
    await harness.settle()
    await harness.say(PERSON, "/me")
    await harness.say(PERSON, "/export")
    await harness.pushes_sent()


async def forget(harness: BotHarness) -> None:
    await harness.say(PERSON, "/forget")
    await harness.press_label(PERSON, harness.last(PERSON), "确定删除")
    assert "已删除您的登记" in harness.last(PERSON)["text"]


def database_files(database: Path) -> dict[str, bytes]:
    files = {}
    for suffix in ("", "-wal", "-shm"):
        path = database.with_name(database.name + suffix)
        if path.exists():
            files[path.name] = path.read_bytes()
    return files


# SQLite's files (and WAL); on PostgreSQL dead rows go at autovacuum (README).
@pytest.mark.sqlite_only
async def test_forget_leaves_no_copy_in_the_database_files(tmp_path: Path, api: FakeBotApi) -> None:
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api)
    try:
        await live_a_little(harness)
        database = Path(harness.db.path)
        before = b"".join(database_files(database).values())
        assert NAME.encode() in before and str(PERSON).encode() in before  # the test can see
        await forget(harness)
        # Read while the bot still runs: nothing closed the database to tidy it up.
        files = database_files(database)
        assert set(files) >= {database.name, database.name + "-wal"}
        for name, content in files.items():
            for trace in traces():
                assert trace.encode() not in content, f"{trace!r} left in {name}"
        # What the person raised stays (nameless); what others wrote stays.
        async with harness.db.read() as session:
            matter = await session.matters.get(1)
        assert matter is not None and matter.raised_by is None
        assert "王书记".encode() in b"".join(files.values())
    finally:
        await harness.running.stop()


async def test_no_log_line_carries_a_name_a_text_or_a_coordinate(
    tmp_path: Path, api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api)
    try:
        await live_a_little(harness)
        await forget(harness)
    finally:
        await harness.running.stop()
    assert len(caplog.records) > 100  # DEBUG lines of PTB and the bot were captured
    assert any("Calling Bot API endpoint" in record.getMessage() for record in caplog.records)
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    for trace in traces(DETAILS):
        if trace == str(PERSON):
            continue  # ids are how an operator follows an update; never names or texts
        assert trace not in logged, f"{trace!r} logged"
    assert "aiosqlite" not in {record.name for record in caplog.records}


def test_an_error_line_names_the_command_never_the_words() -> None:
    from datetime import UTC, datetime

    from telegram import Chat, Message, Update, User

    from handlers.access import _describe_update

    def update(text: str) -> Update:
        user = User(PERSON, FIRST, is_bot=False)
        message = Message(
            1,
            datetime(2026, 11, 19, tzinfo=UTC),
            Chat(PERSON, "private"),
            from_user=user,
            text=text,
        )
        return Update(7, message=message)

    assert _describe_update(update("/vote@pavilion_bot 3")) == (
        f"update_id=7 chat={PERSON} user={PERSON} command=/vote@pavilion_bot"
    )
    assert _describe_update(update(f"{NAME} 7号楼")) == (
        f"update_id=7 chat={PERSON} user={PERSON} kind=text"
    )
    assert NAME not in _describe_update(update(f"/{NAME}"))
