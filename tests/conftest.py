"""Shared fixtures: a fresh database, settings, and a clock tests can move.

A fresh database is a copy of one migrated once per test process
(:func:`migrated_database_file`): applying every migration costs about 0.3 s of
CPU, paid by hundreds of tests otherwise. The migrations themselves are tested
from an empty file in tests/storage/.
"""

from __future__ import annotations

import os

# PTB 22 warns about its timedelta migration whenever a RetryAfter is built,
# unless this opt-in is set; with filterwarnings=error that warning would
# replace the exception the tests are about.
os.environ.setdefault("PTB_TIMEDELTA", "true")

import asyncio
import logging
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.config import Settings, settings_from_mapping
from storage import Database, Storage, in_community, open_storage
from tests.backends import drop_test_databases, on_postgres, postgres_url_for


class FakeClock(ManualClock):
    """A clock that stands still until a test moves it (Thursday 2026-11-19 19:00 in
    Shanghai unless told otherwise)."""

    def __init__(self, start: datetime | None = None) -> None:
        super().__init__(start or datetime(2026, 11, 19, 11, 0, tzinfo=UTC))

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def make_settings(tmp_path: Path, **sections: dict[str, Any]) -> Settings:
    """Settings for tests: a database in tmp_path, a fake token, secretaries 1001."""
    data: dict[str, Any] = {
        "telegram": {"token": "123456:TEST-TOKEN"},
        "community": {"name": "幸福社区", "secretaries": [1001]},
        "storage": {"path": str(tmp_path / "pavilion.sqlite3")},
    }
    for name, values in sections.items():
        data.setdefault(name, {}).update(values)
    if on_postgres() and "url" not in data["storage"]:
        # The same tests on PostgreSQL: a database of its own for this path (tests/backends.py).
        data["storage"]["url"] = postgres_url_for(Path(data["storage"]["path"]))
    return settings_from_mapping(data)


def database_at(path: Path) -> Storage:
    """The test engine's database for ``path``: that SQLite file, or its PostgreSQL
    stand-in when the tests run on PostgreSQL."""
    if on_postgres():
        return open_storage(postgres_url_for(path), path, pool_size=2)
    return Database(path)


@pytest.fixture(autouse=True)
def _root_logging_restored() -> Iterator[None]:
    """Undo what a test's `pavilion …` call did to the root logger (its handler, its
    level), so one test's logging set-up never reaches the next."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture(autouse=True)
def _postgres_databases_dropped() -> Iterator[None]:
    """On PostgreSQL, each test's databases go when it ends."""
    yield
    if on_postgres():
        drop_test_databases()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, tests of what only SQLite has are skipped."""
    if not on_postgres():
        return
    skip = pytest.mark.skip(reason="SQLite only (its file, WAL, lock or backup)")
    for item in items:
        if item.get_closest_marker("sqlite_only"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def migrated_database_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file with every migration applied, made once per test process."""
    path = tmp_path_factory.mktemp("migrated") / "template.sqlite3"

    async def make() -> None:
        database = Database(path)
        await database.open()
        await database.close()

    asyncio.run(make())
    # Closed cleanly, WAL mode leaves everything in the main file.
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture
def fresh_database(migrated_database_file: Path) -> Callable[[Path], Path]:
    """Put a freshly migrated database file at a path (that holds none yet); returns it."""

    def put(path: Path) -> Path:
        assert not path.exists()
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(migrated_database_file, path)
        return path

    return put


@pytest.fixture
async def db(tmp_path: Path, fresh_database: Callable[[Path], Path]) -> AsyncIterator[Storage]:
    path = tmp_path / "test.sqlite3"
    # A copy of the migrated file on SQLite; on PostgreSQL a clone of the template database.
    database = database_at(path) if on_postgres() else Database(fresh_database(path))
    await database.open()
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture(autouse=True)
def _in_first_community() -> Iterator[None]:
    """Tests of a service call it as the boundary would: inside a community (the first,
    the configured one). The handler tests' updates enter theirs as production does
    (handlers/access.py), and the isolation tests enter a second one themselves."""
    with in_community(1):
        yield
