"""``pavilion migrate --to postgresql://…``: a community played on SQLite reads back the
same from PostgreSQL through the bot's services; a second run, a broken source and a
value PostgreSQL cannot take are refused and leave the target as it was.

Needs a PostgreSQL server (PAVILION_TEST_DATABASE_URL, as tests/backends.py): skipped
without one. The source is always a SQLite file, whichever engine the run is on.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.community.register import Actor, Caller
from bot.config import Language, Settings, settings_from_mapping
from bot.services import Services
from storage.lock import DatabaseLock
from storage.postgres import copy
from tests.backends import on_postgres, postgres_url_for
from tests.bot.deliberation.fixtures import matter, person
from tests.conftest import FakeClock

pytestmark = pytest.mark.skipif(
    not on_postgres(), reason="needs a PostgreSQL server (PAVILION_TEST_DATABASE_URL)"
)

SECRETARY = 1001
RESIDENTS = 12


def settings_for(source: Path, url: str | None = None) -> Settings:
    """The bot's settings on the SQLite file ``source``, or on ``url``."""
    storage: dict[str, Any] = {"path": str(source)}
    if url is not None:
        storage["url"] = url
    return settings_from_mapping(
        {
            "telegram": {"token": "123456:TEST-TOKEN"},
            "community": {"name": "幸福社区", "secretaries": [SECRETARY]},
            "storage": storage,
        }
    )


@dataclass(frozen=True)
class Played:
    """What the community did on SQLite, as its services tell it."""

    people: dict[int, str]
    matter_id: int
    matter_number: int
    vote_id: int
    counts: tuple[int, ...]
    voters: int
    activity_id: int
    checked_in: int


async def play(source: Path, clock: FakeClock) -> Played:
    """Register a secretary and residents, raise two matters, vote on one, and run an
    activity a resident signs up to and checks in to."""
    services = Services.create(settings_for(source), clock)
    await services.db.open()
    try:
        secretary = await person(services, SECRETARY, "书记", "secretary", "resident")
        secretary = Actor(SECRETARY, Language.ZH_HANS, secretary.person, configured_secretary=True)
        residents = [
            await person(services, 2000 + n, f"居民{n}", "resident", "volunteer")
            for n in range(RESIDENTS)
        ]
        await matter(services, "楼道堆物清理", secretary)
        matter_id = await matter(services, "小区门口加装路灯", residents[0])
        await services.votes.setup.start_setup(secretary, SECRETARY, matter_id)
        vote = await services.votes.setup.open(secretary, SECRETARY)
        for n, resident in enumerate(residents):
            await services.votes.ballots.cast(resident, vote.id, (0, 0, 1, 2)[n % 4])
        _vote, matter_row, tally = await services.votes.ballots.live(vote.id)
        now = clock()
        async with services.db.transaction() as session:
            activity_id = await session.volunteering.activities.create_activity(
                series_id=None,
                title="清扫楼道",
                description="",
                place="3号楼",
                latitude=None,
                longitude=None,
                radius_m=200,
                starts_at=now - timedelta(minutes=10),
                ends_at=now + timedelta(hours=2),
                capacity=10,
                by_location=False,
                by_code=False,
                audience="volunteers",
                unit_id=None,
                code_secret="secret",
                organiser_id=secretary.person_id,
                now=now,
            )
        await services.volunteer.signup.sign_up(residents[1], activity_id)
        await services.volunteer.checkin.check_in(residents[1], activity_id=activity_id)
        async with services.db.read() as session:
            people = {
                p.tg_user_id: p.display_name
                for p in [await session.people.by_telegram_id(SECRETARY)]
                + [await session.people.by_telegram_id(2000 + n) for n in range(RESIDENTS)]
                if p is not None
            }
        return Played(
            people=people,
            matter_id=matter_id,
            matter_number=matter_row.number,
            vote_id=vote.id,
            counts=tally.counts,
            voters=tally.voters,
            activity_id=activity_id,
            checked_in=residents[1].person_id,
        )
    finally:
        await services.db.close()


@pytest.fixture
async def played(tmp_path: Path, clock: FakeClock) -> AsyncIterator[tuple[Path, Played]]:
    source = tmp_path / "pavilion.sqlite3"
    yield source, await play(source, clock)


def write_config(tmp_path: Path, source: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[storage]\npath = "{source}"\n', encoding="utf-8")
    return path


async def migrate_to(config: Path, url: str) -> int:
    """``pavilion migrate --config CONFIG --to URL``, as a shell would run it."""
    return await asyncio.to_thread(main, ["migrate", "--config", str(config), "--to", url])


async def test_a_community_moves_to_postgresql_and_reads_back_the_same(
    tmp_path: Path,
    clock: FakeClock,
    played: tuple[Path, Played],
    capsys: pytest.CaptureFixture[str],
) -> None:
    source, before = played
    url = postgres_url_for(tmp_path / "target")  # a fresh database, already migrated
    assert await migrate_to(write_config(tmp_path, source), url) == 0
    lines = capsys.readouterr().out.splitlines()
    assert f"people: {RESIDENTS + 1} rows" in lines
    assert f"ballots: {RESIDENTS} rows" in lines
    assert "checkins: 1 row" in lines
    assert "communities: 1 row" in lines
    final = next(line for line in lines if line.startswith("copied "))
    assert "verified" in final

    services = Services.create(settings_for(source, url), clock)
    await services.db.open()
    try:
        async with services.db.read() as session:
            for tg_user_id, name in before.people.items():
                row = await session.people.by_telegram_id(tg_user_id)
                assert row is not None and row.display_name == name
            moved = await session.matters.get(before.matter_id)
            assert moved is not None and moved.number == before.matter_number
            assert moved.title == "小区门口加装路灯" and moved.stage == "voting"
            checkin = await session.volunteering.checkins.checkin_of(
                before.activity_id, before.checked_in
            )
            assert checkin is not None
        _vote, _matter, tally = await services.votes.ballots.live(before.vote_id)
        assert (tally.counts, tally.voters) == (before.counts, before.voters)

        # The sequences go on from the copied ids, and the numbers from the copied matters.
        secretary = await services.community.identify(_caller(SECRETARY))
        new_id = await matter(services, "垃圾分类宣传", secretary)
        async with services.db.read() as session:
            new = await session.matters.get(new_id)
        assert new is not None and new_id > before.matter_id
        assert new.number == before.matter_number + 1
        # The vote goes on: one more ballot counts once, beside the copied ones.
        await services.votes.ballots.cast(secretary, before.vote_id, 1)
        _vote, _matter, tally = await services.votes.ballots.live(before.vote_id)
        assert tally.voters == before.voters + 1
        assert tally.counts[1] == before.counts[1] + 1
    finally:
        await services.db.close()

    # A second run finds the data and refuses, saying how to start over.
    assert await migrate_to(write_config(tmp_path, source), url) == 1
    err = capsys.readouterr().err
    assert "already holds data" in err and "people:" in err and "dropdb" in err


async def test_a_count_that_differs_rolls_back_and_names_the_table(
    tmp_path: Path,
    played: tuple[Path, Played],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source, _before = played
    url = postgres_url_for(tmp_path / "target")
    write = copy.write_batch

    async def losing_a_ballot(writer: Any, table: str, columns: Any, records: Any) -> None:
        await write(writer, table, columns, records[:-1] if table == "ballots" else records)

    monkeypatch.setattr(copy, "write_batch", losing_a_ballot)
    config = write_config(tmp_path, source)
    assert await migrate_to(config, url) == 1
    err = capsys.readouterr().err
    assert f"ballots: {RESIDENTS - 1} rows in PostgreSQL but {RESIDENTS} in SQLite" in err
    assert "rolled back" in err

    # Nothing stayed behind: once the fault is gone the same target takes the copy.
    monkeypatch.setattr(copy, "write_batch", write)
    assert await migrate_to(config, url) == 0
    assert "verified" in capsys.readouterr().out


async def test_a_value_postgresql_cannot_take_is_named_and_nothing_is_copied(
    tmp_path: Path,
    played: tuple[Path, Played],
    capsys: pytest.CaptureFixture[str],
) -> None:
    source, _before = played
    with sqlite3.connect(source) as conn:
        # A row whose INTEGER column holds text (SQLite's affinity keeps what is not a number).
        conn.execute("UPDATE people SET tg_user_id = 'u2005' WHERE tg_user_id = 2005")
    url = postgres_url_for(tmp_path / "target")
    assert await migrate_to(write_config(tmp_path, source), url) == 1
    err = capsys.readouterr().err
    assert "people.tg_user_id: the row with id=" in err and "holds 'u2005'" in err
    assert "is not an integer" in err
    assert await migrate_to(write_config(tmp_path, source), url) == 1  # still refused…
    assert "already holds data" not in capsys.readouterr().err  # …and the target still empty


def _caller(user_id: int) -> Caller:
    return Caller(tg_user_id=user_id, first_name="书记", language_code="zh-hans")


async def test_a_row_that_differs_is_named_with_its_column(
    tmp_path: Path,
    played: tuple[Path, Played],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source, _before = played
    write = copy.write_batch

    async def misspelling(writer: Any, table: str, columns: Any, records: Any) -> None:
        if table == "people":
            at = list(columns).index("display_name")
            records = [(*r[:at], r[at] + "?", *r[at + 1 :]) for r in records]
        await write(writer, table, columns, records)

    monkeypatch.setattr(copy, "write_batch", misspelling)
    url = postgres_url_for(tmp_path / "target")
    assert await migrate_to(write_config(tmp_path, source), url) == 1
    err = capsys.readouterr().err
    assert "people: the row with id=" in err and "differs in display_name" in err
    assert "rolled back" in err


async def test_a_running_bot_keeps_its_file(
    tmp_path: Path, played: tuple[Path, Played], capsys: pytest.CaptureFixture[str]
) -> None:
    source, _before = played
    url = postgres_url_for(tmp_path / "target")
    with DatabaseLock(source):  # as `pavilion run` holds it
        assert await migrate_to(write_config(tmp_path, source), url) == 2
    assert "already in use by another Pavilion process" in capsys.readouterr().err
