"""bench/city.py on PostgreSQL: the same Thursday evening through two webhook workers.

The street is built once into a PostgreSQL database on the server ``--url`` names
(the same :func:`city.build_city`, through the repositories); each run plays on a
copy of it (``CREATE DATABASE … TEMPLATE``). Two ``pavilion run --webhook``
processes share the copy; a load balancer of ours (as nginx would be: round
robin, the next worker when one does not answer, Telegram's 40 connections at a
time) posts the stand-in's updates to them. The 20,000 presses are posted as in
the SQLite run. Then the same with one worker killed with SIGKILL once half the
presses are answered: how long until the survivor has taken over what the dead
one had claimed (its leases, ``[updates] lease_seconds``), and whether any press
was lost or applied twice.

Baseline, in the same run: plain asyncpg making the calls one press costs the
bot's storage (recorded on asyncpg's connections from a press in a small street
played in this process on PostgreSQL, printed): the store of the update, each
unit of work's ``BEGIN`` with its community's advisory lock, its statements and
``COMMIT``, each by the same method (simple or extended protocol). Each press
has its own update, person, vote and community; each statement commits where the
bot's did, with the same durability (the same server, synchronous_commit on), on
as many connections as the two workers use for units of work, on a copy of the
same database. Left out: the claim passes, which the bot makes once for however
many updates are due (a press traced alone has one to itself).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import statistics
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import asyncpg
import httpx
from process import WatchedApi, cpu_seconds, pavilion_command, postgres_cpu_seconds, status_kb

from bot.app import RunningBot, build_application
from bot.standin import StandinServer

SECRET = "city-webhook-secret"  # noqa: S105 - the benchmark's own
#: Webhook deliveries in flight at once, as Telegram's default max_connections.
CONNECTIONS = 40


def url_of(admin_url: str, database: str) -> str:
    """The server's URL with ``database`` as its database."""
    return urlunsplit(urlsplit(admin_url)._replace(path="/" + database))


async def admin(admin_url: str, *statements: str) -> None:
    """Run statements on the server's administrative database."""
    conn = await asyncpg.connect(admin_url)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


async def clone(admin_url: str, template: str) -> str:
    """A fresh copy of ``template``; its name."""
    name = f"city_{secrets.token_hex(4)}"
    await admin(admin_url, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return name


async def drop(admin_url: str, name: str) -> None:
    """Drop the database, whoever is still connected."""
    await admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- the workers and the balancer ---------------------------------------------------------


@dataclass
class Worker:
    """One ``pavilion run --webhook`` process."""

    port: int
    process: asyncio.subprocess.Process

    @property
    def pid(self) -> int:
        """The process id."""
        return self.process.pid


async def start_worker(
    scratch: Path, name: str, server: StandinServer, url: str, port: int, token: str
) -> Worker:
    """Start one worker on the shared database, its webhook on ``port``."""
    config = scratch / f"{name}.toml"
    config.write_text(
        f"""
[telegram]
base_url = "{server.base_url}"
base_file_url = "{server.base_file_url}"

[telegram.webhook]
listen = "127.0.0.1"
port = {port}
url = "https://pavilion.example.org/telegram"

[community]
secretaries = [1000]

[storage]
url = "{url}"
ballot_key_file = "{scratch / "ballot-key"}"

[logging]
level = "WARNING"
""",
        encoding="utf-8",
    )
    env = dict(
        os.environ,
        PAVILION_TELEGRAM__TOKEN=token,
        PAVILION_TELEGRAM__WEBHOOK__SECRET_TOKEN=SECRET,
    )
    with (scratch / f"{name}.log").open("ab") as log:
        process = await asyncio.create_subprocess_exec(
            *pavilion_command(),
            "run",
            "--webhook",
            "--config",
            str(config),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            env=env,
        )
    return Worker(port, process)


async def wait_listening(port: int, seconds: float = 120) -> None:
    """Until the worker's webhook answers (403 to a post without the secret)."""
    async with httpx.AsyncClient(timeout=2) as client, asyncio.timeout(seconds):
        while True:
            try:
                answer = await client.post(f"http://127.0.0.1:{port}/telegram", json={})
                if answer.status_code == 403:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)


class Balancer:
    """Posts the stand-in's updates to the workers in turn, ``CONNECTIONS`` at a time; a
    worker that does not answer is skipped (nginx's proxy_next_upstream)."""

    def __init__(self, api: WatchedApi, ports: Iterable[int]) -> None:
        self.api = api
        self.urls = [f"http://127.0.0.1:{port}/telegram" for port in ports]
        self.posted = 0
        self._turn = 0
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []

    async def __aenter__(self) -> Balancer:
        # aiohttp, not httpx: the balancer stands for nginx, so it should cost the box
        # little; httpx's connection pool took 40 % of this process's time.
        self._client = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=30),
            connector=aiohttp.TCPConnector(limit=CONNECTIONS * 2),
        )
        self._tasks = [asyncio.create_task(self._take())] + [
            asyncio.create_task(self._post()) for _ in range(CONNECTIONS)
        ]
        return self

    async def __aexit__(self, *exc: object) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._client.close()

    async def _take(self) -> None:
        while True:
            for update in self.api.take_updates():
                self._queue.put_nowait(update)
            await asyncio.sleep(0.005)

    async def _post(self) -> None:
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        while True:
            update = await self._queue.get()
            while True:
                url = self.urls[self._turn % len(self.urls)]
                self._turn += 1
                try:
                    async with self._client.post(url, json=update, headers=headers) as answer:
                        status = answer.status
                        await answer.read()
                except (aiohttp.ClientError, TimeoutError):
                    await asyncio.sleep(0.01)
                    continue  # that worker is gone: the next one
                if status == 200:
                    self.posted += 1
                    break
                await asyncio.sleep(0.2)  # refused: Telegram tries again later


# --- one evening --------------------------------------------------------------------------


@dataclass
class WorkersRun:
    """What one evening on two workers took."""

    presses: int
    answered: int
    seconds: float
    p50_ms: float
    p99_ms: float
    rss_kb: list[int]
    killed_at_s: float | None = None
    takeover_s: float | None = None
    #: CPU seconds the run took, by whom: the workers (all up: None once one is
    #: killed), this process (the stand-in for Telegram, the balancer, the driver), the
    #: PostgreSQL server.
    workers_cpu_s: float | None = None
    bench_cpu_s: float = 0.0
    server_cpu_s: float = 0.0


async def inbox_left(url: str, pid: int | None = None) -> int:
    """Stored updates not yet done (held by worker ``pid``, when given)."""
    conn = await asyncpg.connect(url)
    try:
        if pid is None:
            value = await conn.fetchval("SELECT count(*) FROM inbox WHERE done_at IS NULL")
        else:
            value = await conn.fetchval(
                "SELECT count(*) FROM inbox WHERE done_at IS NULL AND claimed_by LIKE $1",
                f"%:{pid}:%",
            )
        return int(value)
    finally:
        await conn.close()


async def evening(
    api: WatchedApi,
    plan: Any,
    url: str,
    workers: list[Worker],
    *,
    kill_at_half: bool,
    chunk: int = 200,
) -> WorkersRun:
    """Post every press of ``plan``; with ``kill_at_half`` SIGKILL the first worker once
    half are answered. Ends when every stored update is done."""
    cards = {
        community.group: api.bot_messages(community.group)[-1]["message_id"]
        for community in {id(where): where for where, _, _ in plan.presses}.values()
    }
    pressed_at: dict[str, float] = {}
    killed_at: float | None = None
    takeover_s: float | None = None
    workers_cpu = sum(cpu_seconds(w.pid) for w in workers)
    bench_cpu = time.process_time()
    server_cpu = postgres_cpu_seconds()
    started = time.perf_counter()
    async with Balancer(api, [w.port for w in workers]) as balancer:

        async def kill_at_half_way() -> None:
            nonlocal killed_at, takeover_s
            while len(api.answered_at) < len(plan.presses) // 2:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
            victim = workers[0]
            victim.process.send_signal(signal.SIGKILL)
            killed_at = time.perf_counter()
            await victim.process.wait()
            # Taken over: nothing the dead worker had claimed is left undone.
            while await inbox_left(url, victim.pid):  # noqa: ASYNC110 - other processes
                await asyncio.sleep(0.1)
            takeover_s = time.perf_counter() - killed_at

        killer = asyncio.create_task(kill_at_half_way()) if kill_at_half else None
        for first in range(0, len(plan.presses), chunk):
            for community, index, option in plan.presses[first : first + chunk]:
                query = api.press_button(
                    community.residents[index][0],
                    community.group,
                    cards[community.group],
                    f"vb:{community.vote_id}:{option}",
                )
                pressed_at[query] = time.perf_counter()
            await asyncio.sleep(0)
        # Every press stored and done (a press whose worker died after committing it has
        # no answer: its person sees the button's spinner stop).
        await api.wait_for(lambda: len(api.answered_at) >= len(pressed_at) * 0.95, timeout=1800)
        # Every press delivered (a worker's 200 received): until then an empty inbox
        # only means the balancer is still retrying what the dead worker refused.
        await api.wait_for(lambda: balancer.posted >= len(pressed_at), timeout=600)
        while await inbox_left(url):  # noqa: ASYNC110 - state in other processes
            await asyncio.sleep(0.2)
        if killer is not None:
            await asyncio.wait_for(killer, timeout=600)
    answered = [q for q in pressed_at if q in api.answered_at]
    seconds = max(api.answered_at[q] for q in answered) - started
    latencies = sorted((api.answered_at[q] - pressed_at[q]) * 1000 for q in answered)
    alive = [w for w in workers if w.process.returncode is None]
    workers_cpu_s = (
        sum(cpu_seconds(w.pid) for w in workers) - workers_cpu
        if len(alive) == len(workers)
        else None
    )
    return WorkersRun(
        presses=len(pressed_at),
        answered=len(answered),
        seconds=seconds,
        p50_ms=statistics.median(latencies),
        p99_ms=latencies[int(len(latencies) * 0.99) - 1],
        rss_kb=[status_kb(w.pid, "VmRSS") for w in alive],
        killed_at_s=None if killed_at is None else killed_at - started,
        takeover_s=takeover_s,
        workers_cpu_s=workers_cpu_s,
        bench_cpu_s=time.process_time() - bench_cpu,
        server_cpu_s=postgres_cpu_seconds() - server_cpu,
    )


async def stop_workers(workers: list[Worker]) -> None:
    """SIGTERM the live ones and wait."""
    for worker in workers:
        if worker.process.returncode is None:
            worker.process.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            await asyncio.wait_for(worker.process.wait(), timeout=60)
        except TimeoutError:
            worker.process.kill()
            await worker.process.wait()


# --- the baseline -------------------------------------------------------------------------


#: A call the bot made on an asyncpg connection: the method (``execute`` runs the
#: simple query protocol, one round trip; the ``fetch`` family the extended one) and
#: the statement's text (Pavilion binds its values client-side: no arguments).
Call = tuple[str, str]

#: The asyncpg methods the storage calls during a press.
_RECORDED = ("execute", "fetch", "fetchval", "fetchrow")


async def record_press(
    settings: Any, api: WatchedApi, server: StandinServer, voting: Any
) -> list[Call]:
    """Run the bot in this process and record every call one press makes on asyncpg, in
    order: the webhook's store of the update, the unit of work's ``BEGIN`` and its
    community's advisory lock, its statements, ``COMMIT``, and the claim passes."""
    running = RunningBot(build_application(settings), webhook=False)
    await running.start()
    calls: list[Call] = []
    originals = {name: getattr(asyncpg.Connection, name) for name in _RECORDED}

    def recording(name: str) -> Any:
        original = originals[name]

        async def call(self: Any, query: str, *args: Any, **kwargs: Any) -> Any:
            calls.append((name, query))
            return await original(self, query, *args, **kwargs)

        return call

    try:
        await api.wait_for(lambda: all(api.bot_messages(v.group) for v in voting), timeout=60)
        assert running.sender is not None
        await running.sender.idle()
        community = voting[-1]
        card = api.bot_messages(community.group)[-1]["message_id"]
        handled = running.ingress.handled
        for name in _RECORDED:
            setattr(asyncpg.Connection, name, recording(name))
        api.press_button(
            community.residents[0][0], community.group, card, f"vb:{community.vote_id}:0"
        )
        await api.wait_for(lambda: running.ingress.handled > handled, timeout=30)
    finally:
        for name, original in originals.items():
            setattr(asyncpg.Connection, name, original)
        await running.stop()
    return calls


def is_claim_pass(text: str) -> bool:
    """A claim pass's statement (claim, finish, release): the bot makes one for however
    many updates are due, so a press traced alone has a pass to itself that a burst
    shares among many presses."""
    return text.lstrip().startswith("UPDATE inbox SET claimed_by")


@dataclass
class CeilingRun:
    """What plain asyncpg took: seconds, and CPU seconds of its client and the server."""

    seconds: float
    client_cpu_s: float
    server_cpu_s: float


async def run_ceiling(url: str, calls_per_press: list[list[Call]], connections: int) -> CeilingRun:
    """How long plain asyncpg takes to make each press's calls in order, ``connections``
    presses at a time, on connections set up as the bot's (no statement cache: every
    text carries its values); the ballots and poll book emptied first. Each call commits
    where the bot's did: a statement outside ``BEGIN`` … ``COMMIT`` by itself."""
    pool = await asyncpg.create_pool(
        url, min_size=connections, max_size=connections, statement_cache_size=0
    )
    assert pool is not None
    try:
        async with pool.acquire() as conn:
            await conn.execute("DELETE FROM poll_book; DELETE FROM ballots")
        queue: asyncio.Queue[list[Call]] = asyncio.Queue()
        for calls in calls_per_press:
            queue.put_nowait(calls)

        async def runner() -> None:
            async with pool.acquire() as conn:
                while not queue.empty():
                    for method, text in queue.get_nowait():
                        await getattr(conn, method)(text)

        client_cpu = time.process_time()
        server_cpu = postgres_cpu_seconds()
        started = time.perf_counter()
        await asyncio.gather(*(runner() for _ in range(connections)))
        return CeilingRun(
            time.perf_counter() - started,
            time.process_time() - client_cpu,
            postgres_cpu_seconds() - server_cpu,
        )
    finally:
        await pool.close()


def describe(calls: list[Call]) -> Iterable[str]:
    """The recorded calls, shortened for printing."""
    for method, text in calls:
        yield f"  {method:<8} {' '.join(text.split())[:100]}"
