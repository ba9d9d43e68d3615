"""A Thursday evening where 200 communities vote at once, through one ``pavilion run``.

The street: 1,000 communities of 300 registered people each (a secretary and
299 residents; 300,000 people), each with its residents' group bound to it and
a matter raised; in 200 of them the secretary has put the matter to a vote
(through the bot's own vote set-up, so each card goes out to its group at the
start). The register is written straight into the database by
``executemany`` in one transaction (the rows ``people.insert`` and
``people.grant`` write), the communities, groups and matters through the
repositories, each inside its community.

Then ``pavilion run`` starts as its own process against the Bot API stand-in
over loopback HTTP, and once the 200 cards are in their groups, 100 different
residents of each voting community press an option on their community's card,
20,000 presses interleaved across the communities, posted as fast as the
stand-in takes them. Figures: presses per second (first press to last answer),
press-to-answer latency p50/p99 (it includes waiting in line behind the other
presses), and the counts afterwards: for every vote, the tally at its close
against its ballots and against the presses made (each press applied once).
Also the process's start (spawn to its first ``getUpdates``) and resident size.

Baseline, in the same run: plain ``sqlite3`` executing the statements one
press costs the storage (traced from a press in a small street run in this
process, printed), once per press with each press's own person, vote,
community and update, one transaction per press, with the same pragmas (WAL,
synchronous=FULL) on a copy of the same database.

The data building (:func:`build_city`), the press driver (:func:`press_all`)
and the launching of the bot (:func:`launch`, SQLite only for now: a
``--backend postgresql --url … --workers 2`` mode fits beside it) are apart.
``--communities``/``--people``/``--voting``/``--presses`` shrink it for a quick run.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import re
import signal
import statistics
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fixtures import (
    as_new_update,
    ceiling_connection,
    database_mb,
    insert_people,
    traced_update,
)
from process import BotProcess, WatchedApi, status_kb, write_config

from bot.app import RunningBot, build_application
from bot.community.register import Actor
from bot.config import Language, Settings, settings_from_mapping
from bot.logs import configure_logging
from bot.services import Services
from bot.standin import StandinServer
from storage import in_community

TOKEN = "1:BENCH"  # noqa: S105 - a made-up token for the stand-in
#: Community ``k`` (0-based; 0 is the configured first community): its secretary's
#: Telegram id, its residents' ids from ``RESIDENTS + k * STRIDE``, its group's chat id.
SECRETARIES = 50_000_000
RESIDENTS = 100_000_000
STRIDE = 1_000
GROUPS = -1_001_000_000_000


@dataclass(frozen=True)
class Street:
    """How big the street is."""

    communities: int
    people: int  # per community, the secretary included
    voting: int  # communities with an open vote
    presses: int  # per voting community, each by a different resident


@dataclass
class Voting:
    """One community with an open vote, as built."""

    community: int
    secretary: int  # Telegram id
    group: int
    matter_id: int
    vote_id: int
    residents: list[tuple[int, int]] = field(default_factory=list)  # (Telegram id, person id)


def group_of(index: int) -> int:
    """The residents' group chat of community ``index``."""
    return GROUPS - index


async def build_city(services: Services, street: Street) -> list[Voting]:
    """The street's communities, registers, groups and matters, then the open votes."""
    now = datetime.now(UTC)
    chosen = set(range(0, street.communities, max(1, street.communities // street.voting)))
    chosen = set(sorted(chosen)[: street.voting])
    voting: list[Voting] = []
    async with services.db.transaction(completes_update=False) as session:
        for index in range(street.communities):
            if index == 0:
                cid = 1
            else:
                cid = await session.communities.create(f"社区{index:04d}", None, None, now)
            with in_community(cid):
                (secretary_id,) = await insert_people(
                    session,
                    first=SECRETARIES + index,
                    count=1,
                    name=f"书记{index}-",
                    now=now,
                    roles=lambda _: ("resident", "secretary"),
                )
                people = await insert_people(
                    session,
                    first=RESIDENTS + index * STRIDE,
                    count=street.people - 1,
                    name=f"居民{index}-",
                    now=now,
                )
                await session.chats.seen(group_of(index), f"居民群{index}", "supergroup", True, now)
                await session.chats.bind(group_of(index), "residents", secretary_id, now)
                matter_id = await session.matters.create(
                    title="小区门口加装路灯",
                    details="晚上太黑，老人出门不方便。",
                    raised_by=people[0],
                    support_until=now + timedelta(days=14),
                    now=now,
                )
            if index in chosen:
                residents = [
                    (RESIDENTS + index * STRIDE + offset, person)
                    for offset, person in enumerate(people)
                ]
                voting.append(
                    Voting(cid, SECRETARIES + index, group_of(index), matter_id, 0, residents)
                )
    for community in voting:
        with in_community(community.community):
            async with services.db.read() as session:
                person = await session.people.by_telegram_id(community.secretary)
            actor = Actor(community.secretary, Language.ZH_HANS, person, configured_secretary=False)
            await services.votes.setup.start_setup(actor, community.secretary, community.matter_id)
            community.vote_id = (await services.votes.setup.open(actor, community.secretary)).id
    return voting


def stand_in(street: Street, voting: list[Voting]) -> WatchedApi:
    """The stand-in's users (the voting communities' secretaries and pressers) and groups."""
    api = WatchedApi()
    for index in range(street.communities):
        api.add_group(group_of(index), f"居民群{index}")
    for community in voting:
        api.add_user(community.secretary, "书记")
        for tg_user_id, _ in community.residents[: street.presses]:
            api.add_user(tg_user_id, "居民")
    return api


def settings_for(
    db_path: Path, server: StandinServer | None = None, url: str | None = None
) -> Settings:
    """The bot's settings (the stand-in's address when the bot runs in this process; a
    PostgreSQL database when ``url`` names one)."""
    telegram: dict[str, object] = {"token": TOKEN, "poll_timeout": 1}
    if server is not None:
        telegram.update(base_url=server.base_url, base_file_url=server.base_file_url)
    return settings_from_mapping(
        {
            "telegram": telegram,
            "community": {"secretaries": [SECRETARIES]},
            "storage": {"path": str(db_path), "url": url},
        }
    )


# --- the presses --------------------------------------------------------------------------


@dataclass
class Plan:
    """Who presses what on which card, in the order the presses are posted."""

    presses: list[tuple[Voting, int, int]]  # (community, index of the resident, option)

    @classmethod
    def make(cls, voting: list[Voting], per_community: int) -> Plan:
        """``per_community`` different residents of each, interleaved across communities."""
        rng = random.Random(4)
        presses = [
            (community, index, rng.choice((0, 0, 0, 1, 2)))
            for index in range(per_community)
            for community in voting
        ]
        return cls(presses)

    def pressed(self, community: Voting) -> list[int]:
        """How many presses each option got in ``community``."""
        counts = [0, 0, 0]
        for where, _, option in self.presses:
            if where is community:
                counts[option] += 1
        return counts


@dataclass
class PressFigures:
    """What the presses took."""

    presses: int
    seconds: float
    p50_ms: float
    p99_ms: float


async def press_all(api: WatchedApi, plan: Plan, chunk: int = 200) -> PressFigures:
    """Post every press of ``plan`` on its community's card as fast as the stand-in takes
    them (a chunk at a time, the stand-in answering the bot in between); wait for all
    the answers."""
    cards = {
        community.group: api.bot_messages(community.group)[-1]["message_id"]
        for community in {id(where): where for where, _, _ in plan.presses}.values()
    }
    pressed_at: dict[str, float] = {}
    started = time.perf_counter()
    for start in range(0, len(plan.presses), chunk):
        for community, index, option in plan.presses[start : start + chunk]:
            tg_user_id = community.residents[index][0]
            query = api.press_button(
                tg_user_id,
                community.group,
                cards[community.group],
                f"vb:{community.vote_id}:{option}",
            )
            pressed_at[query] = time.perf_counter()
        await asyncio.sleep(0)
    await api.wait_for(lambda: len(api.answered_at) >= len(pressed_at), timeout=1200)
    seconds = max(api.answered_at.values()) - started
    latencies = sorted((api.answered_at[query] - at) * 1000 for query, at in pressed_at.items())
    return PressFigures(
        presses=len(pressed_at),
        seconds=seconds,
        p50_ms=statistics.median(latencies),
        p99_ms=latencies[int(len(latencies) * 0.99) - 1],
    )


async def cards_final(api: WatchedApi, voting: list[Voting], presses: int) -> int:
    """How many cards show every press (已投 ``presses``) within 15 s of the last answer."""

    def final() -> int:
        return sum(
            f"已投 {presses} /" in str(api.bot_messages(community.group)[-1].get("text"))
            for community in voting
        )

    with suppress(TimeoutError):
        await api.wait_for(lambda: final() == len(voting), timeout=15)
    return final()


# --- the bot, as its own process ----------------------------------------------------------


@dataclass
class ProcessFigures:
    """The bot process's start and size."""

    polling_s: float
    cards_s: float
    rss_start_kb: int
    rss_end_kb: int
    hwm_kb: int


@asynccontextmanager
async def launch(
    backend: str, scratch: Path, server: StandinServer, api: WatchedApi, db_path: Path
) -> AsyncIterator[dict[str, float]]:
    """``pavilion run`` on the database, until the block ends; yields its start figures
    (filled in as the process goes). Only SQLite for now: PostgreSQL with workers would
    start its processes here."""
    if backend != "sqlite":
        raise SystemExit(f"--backend {backend}: not yet")
    config = write_config(scratch, server, db_path, f"[community]\nsecretaries = [{SECRETARIES}]\n")
    bot = BotProcess(config, scratch / "bot.log", TOKEN)
    figures: dict[str, float] = {}
    spawned = time.perf_counter()
    await bot.start()
    assert bot.process is not None
    figures["pid"] = bot.process.pid
    try:
        await api.wait_for(lambda: api.first_poll_at is not None, timeout=300)
        assert api.first_poll_at is not None
        figures["polling_s"] = api.first_poll_at - spawned
        figures["spawned"] = spawned
        yield figures
    finally:
        await bot.stop(signal.SIGTERM)


@dataclass
class Counted:
    """Per vote: the tally at its close, its ballots, the presses made."""

    votes: int
    equal: int
    ballots: int
    differing: list[str]


async def count(services: Services, voting: list[Voting], plan: Plan) -> Counted:
    """Close every vote as its secretary; compare its tally, ballots and presses."""
    equal, ballots, differing = 0, 0, []
    for community in voting:
        with in_community(community.community):
            async with services.db.read() as session:
                person = await session.people.by_telegram_id(community.secretary)
            actor = Actor(community.secretary, Language.ZH_HANS, person, configured_secretary=False)
            closed = await services.votes.closing.close_now(actor, community.matter_id)
            tally = list(closed.vote.tally["counts"]) if closed.vote.tally else []
            async with services.db.read() as session:
                from_ballots = [0, 0, 0]
                for choice, cast in await session.votes.choice_counts(community.vote_id):
                    for option in choice:
                        from_ballots[option] += cast
        ballots += sum(from_ballots)
        pressed = plan.pressed(community)
        if tally == from_ballots == pressed:
            equal += 1
        else:
            differing.append(f"community {community.community}: {tally} {from_ballots} {pressed}")
    return Counted(len(voting), equal, ballots, differing)


# --- the ceiling --------------------------------------------------------------------------


async def trace(scratch: Path) -> tuple[list[str], Voting]:
    """The statements one press costs, from a small street run in this process (a press
    in its second voting community, so none of the first community's shortcuts)."""
    street = Street(communities=4, people=30, voting=2, presses=1)
    db_path = scratch / "trace.sqlite3"
    services = Services.create(settings_for(db_path))
    await services.db.open()
    try:
        voting = await build_city(services, street)
    finally:
        await services.db.close()
    api = stand_in(street, voting)
    server = StandinServer(api)
    await server.start()
    running = RunningBot(build_application(settings_for(db_path, server)), webhook=False)
    await running.start()
    statements: list[str] = []
    try:
        await api.wait_for(lambda: all(api.bot_messages(v.group) for v in voting), timeout=60)
        assert running.sender is not None
        await running.sender.idle()
        community = voting[-1]
        card = api.bot_messages(community.group)[-1]["message_id"]
        writer = running.services.db.writer
        reader_conn = running.services.db._reader
        assert reader_conn is not None
        await writer._execute(writer._conn.set_trace_callback, statements.append)
        await reader_conn._execute(reader_conn._conn.set_trace_callback, statements.append)
        handled = running.ingress.handled
        api.press_button(
            community.residents[0][0], community.group, card, f"vb:{community.vote_id}:0"
        )
        await api.wait_for(lambda: running.ingress.handled > handled, timeout=30)
        await writer._execute(writer._conn.set_trace_callback, None)
        await reader_conn._execute(reader_conn._conn.set_trace_callback, None)
    finally:
        await running.stop()
        await server.stop()
    return statements, community


def press_statement(text: str, traced: Voting, community: Voting, index: int) -> str:
    """A traced statement rewritten for ``community``'s resident ``index``."""
    tg, person = community.residents[index]
    old_tg, old_person = traced.residents[0]
    text = re.sub(rf"\b{old_tg}\b", str(tg), text)
    text = text.replace(str(traced.group), str(community.group))
    text = text.replace(f"'p{old_person}'", f"'p{person}'")
    text = re.sub(rf"person_id = {old_person}\b", f"person_id = {person}", text)
    text = re.sub(rf"'p{person}', {old_person},", f"'p{person}', {person},", text)
    text = re.sub(
        rf"SELECT id, {old_person}, community_id", f"SELECT id, {person}, community_id", text
    )
    text = re.sub(rf"vote_id = {traced.vote_id}\b", f"vote_id = {community.vote_id}", text)
    text = re.sub(
        rf"FROM votes WHERE id = {traced.vote_id}\b",
        f"FROM votes WHERE id = {community.vote_id}",
        text,
    )
    text = text.replace(f"vb:{traced.vote_id}:", f"vb:{community.vote_id}:")
    return re.sub(
        rf"community_id = {traced.community}\b", f"community_id = {community.community}", text
    )


def run_ceiling(
    statements: list[str], traced: Voting, plan: Plan, source: Path, scratch: Path
) -> tuple[float, int]:
    """Seconds for plain sqlite3 to run one press's statements for every press of
    ``plan`` on a copy of ``source`` (its ballots and poll book emptied); the ballots
    it holds afterwards (must be one per press)."""
    conn = ceiling_connection(source, scratch / "ceiling.sqlite3", "ballots", "poll_book")
    update = traced_update(statements)
    seconds = 0.0
    chunk = 500  # the statements are rewritten a chunk at a time, outside the timing
    for first in range(0, len(plan.presses), chunk):
        texts = [
            as_new_update(press_statement(statement, traced, community, index), update, number)
            for number, (community, index, _) in enumerate(
                plan.presses[first : first + chunk], start=first
            )
            for statement in statements
        ]
        started = time.perf_counter()
        for text in texts:
            conn.execute(text).fetchall()
        seconds += time.perf_counter() - started
    ballots = conn.execute("SELECT count(*) FROM ballots").fetchone()[0]
    conn.close()
    return seconds, ballots


# --- the evening --------------------------------------------------------------------------


async def main() -> None:
    """Build the street, run the evening through the bot, count, run the ceiling, print."""
    gc.disable()  # the stand-in's process only (see bench/votes.py); the bot keeps its own
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--communities", type=int, default=1_000)
    parser.add_argument("--people", type=int, default=300, help="per community")
    parser.add_argument("--voting", type=int, default=200, help="communities with an open vote")
    parser.add_argument("--presses", type=int, default=100, help="per voting community")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--url", help="postgresql: a server it may create databases on (…/postgres)"
    )
    parser.add_argument("--workers", type=int, default=2, help="postgresql: webhook workers")
    args = parser.parse_args()
    street = Street(args.communities, args.people, args.voting, args.presses)
    if not (0 < street.voting <= street.communities and 0 < street.presses < street.people):
        parser.error("need 0 < voting <= communities and 0 < presses < people")
    configure_logging("WARNING")
    if args.backend == "postgresql":
        if not args.url:
            parser.error("--backend postgresql needs --url")
        from city_postgres import postgres_main  # the PostgreSQL half (bench/city_postgres.py)

        await postgres_main(street, args.url, args.workers)
        return
    with tempfile.TemporaryDirectory(prefix="pavilion-bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        statements, traced = await trace(scratch)
        print(f"statements per press ({len(statements)}), as traced from the bot:")
        for statement in statements:
            print(f"  {statement[:110]}")

        db_path = scratch / "city.sqlite3"
        services = Services.create(settings_for(db_path))
        started = time.perf_counter()
        await services.db.open()
        try:
            voting = await build_city(services, street)
        finally:
            await services.db.close()
        build_s = time.perf_counter() - started
        db_mb = database_mb(db_path)
        plan = Plan.make(voting, street.presses)

        api = stand_in(street, voting)
        server = StandinServer(api)
        await server.start()
        try:
            async with launch(args.backend, scratch, server, api, db_path) as started_bot:
                pid = int(started_bot["pid"])
                await api.wait_for(
                    lambda: all(api.bot_messages(v.group) for v in voting), timeout=600
                )
                cards_s = time.perf_counter() - started_bot["spawned"]
                rss_start = status_kb(pid, "VmRSS")
                presses = await press_all(api, plan)
                up_to_date = await cards_final(api, voting, street.presses)
                process = ProcessFigures(
                    started_bot["polling_s"],
                    cards_s,
                    rss_start,
                    status_kb(pid, "VmRSS"),
                    status_kb(pid, "VmHWM"),
                )
        finally:
            await server.stop()

        ceiling_s, ceiling_ballots = run_ceiling(statements, traced, plan, db_path, scratch)
        await services.db.open()
        try:
            counted = await count(services, voting, plan)
        finally:
            await services.db.close()

    people = street.communities * street.people
    ceiling_rate = presses.presses / ceiling_s
    rate = presses.presses / presses.seconds
    print()
    print(
        f"street: {street.communities} communities × {street.people} people = {people:,};"
        f" {street.voting} open votes; built in {build_s:.1f} s, database {db_mb:.0f} MB"
    )
    print(
        f"`pavilion run` ({args.backend}, one process): polling {process.polling_s:.2f} s after"
        f" the spawn, the {street.voting} cards in their groups"
        f" after {process.cards_s:.1f} s;"
        f" RSS {process.rss_start_kb / 1024:.0f} MB after start,"
        f" {process.rss_end_kb / 1024:.0f} MB after the presses"
        f" (peak {process.hwm_kb / 1024:.0f} MB)"
    )
    print(
        f"{'run':<44}{'presses':>8}{'s':>7}{'presses/s':>10}{'ratio':>7}{'p50 ms':>8}{'p99 ms':>8}"
    )
    print(
        f"{'plain sqlite3, same statements (ceiling)':<44}{presses.presses:>8}"
        f"{ceiling_s:>7.2f}{ceiling_rate:>10.0f}{1:>7.2f}"
    )
    print(
        f"{'bot, ' + str(street.voting) + ' communities at once':<44}{presses.presses:>8}"
        f"{presses.seconds:>7.2f}{rate:>10.0f}{rate / ceiling_rate:>7.2f}"
        f"{presses.p50_ms:>8.0f}{presses.p99_ms:>8.0f}"
    )
    print(
        f"votes whose tally at the close equals their ballots and the presses made:"
        f" {counted.equal}/{counted.votes}; ballots {counted.ballots} for {presses.presses} presses"
        f" (ceiling: {ceiling_ballots})"
    )
    print(f"cards showing every press 15 s after the last answer: {up_to_date}/{len(voting)}")
    for line in counted.differing[:10]:
        print(f"  DIFFERENT: {line}")


if __name__ == "__main__":
    asyncio.run(main())
