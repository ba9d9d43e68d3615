"""bench/city.py's evening on PostgreSQL (``--backend postgresql --url … --workers 2``).

The street is built once (city.build_city) into a database on the server; each
run plays on a copy: every worker up, then one killed with SIGKILL at half way
(bench/city_workers.py has the workers, the balancer and the ceiling). Printed
beside plain asyncpg running the statements of one press for every press.
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path
from typing import Any

import city_workers as cw
from city import (
    TOKEN,
    Counted,
    Plan,
    Street,
    Voting,
    build_city,
    count,
    press_statement,
    settings_for,
    stand_in,
)
from fixtures import as_new_update, traced_update

from bot.services import Services
from bot.standin import StandinServer
from storage.postgres.database import LOCK_NAMESPACE


async def postgres_main(street: Street, admin_url: str, workers: int) -> None:
    """The evening on PostgreSQL (bench/city_workers.py): two runs on copies of one built
    street (all workers up; one killed at half way), and plain asyncpg's ceiling."""
    with tempfile.TemporaryDirectory(prefix="pavilion-bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        # The statements of one press, recorded from a small street.
        small = Street(communities=4, people=30, voting=2, presses=1)
        trace_db = f"city_trace_{random.randrange(10**6)}"
        await cw.admin(admin_url, f'CREATE DATABASE "{trace_db}"')
        trace_url = cw.url_of(admin_url, trace_db)
        try:
            services = Services.create(settings_for(scratch / "t.sqlite3", url=trace_url))
            await services.db.open()
            try:
                traced_voting = await build_city(services, small)
            finally:
                await services.db.close()
            api = stand_in(small, traced_voting)
            server = StandinServer(api)
            await server.start()
            try:
                statements = await cw.record_press(
                    settings_for(scratch / "t.sqlite3", server, url=trace_url),
                    api,
                    server,
                    traced_voting,
                )
            finally:
                await server.stop()
        finally:
            await cw.drop(admin_url, trace_db)
        traced = traced_voting[-1]
        print(f"calls on asyncpg per press ({len(statements)}), as the storage makes them:")
        print("\n".join(cw.describe(statements)))
        print("  (the ceiling makes them all but the claim passes', which a burst shares)")

        base = f"city_base_{random.randrange(10**6)}"
        await cw.admin(admin_url, f'CREATE DATABASE "{base}"')
        try:
            services = Services.create(
                settings_for(scratch / "c.sqlite3", url=cw.url_of(admin_url, base))
            )
            started = time.perf_counter()
            await services.db.open()
            try:
                voting = await build_city(services, street)
            finally:
                await services.db.close()
            build_s = time.perf_counter() - started
            plan = Plan.make(voting, street.presses)
            runs = []
            for kill in (False, True):
                runs.append(
                    await _postgres_run(
                        admin_url, base, scratch, street, voting, plan, workers, kill
                    )
                )
            ceiling_db = await cw.clone(admin_url, base)
            try:
                update = traced_update([text for _, text in statements])
                calls = [
                    [
                        (method, press_call(text, traced, community, index, update, number))
                        for method, text in statements
                        if not cw.is_claim_pass(text)
                    ]
                    for number, (community, index, _) in enumerate(plan.presses)
                ]
                ceiling = await cw.run_ceiling(cw.url_of(admin_url, ceiling_db), calls, workers * 8)
            finally:
                await cw.drop(admin_url, ceiling_db)
        finally:
            await cw.drop(admin_url, base)

    people = street.communities * street.people
    ceiling_s = ceiling.seconds
    ceiling_rate = len(plan.presses) / ceiling_s
    print()
    print(
        f"street: {street.communities} communities × {street.people} people = {people:,};"
        f" {street.voting} open votes; built on PostgreSQL in {build_s:.1f} s"
    )
    print(
        f"{'run':<46}{'presses':>8}{'s':>7}{'presses/s':>10}{'ratio':>7}{'p50 ms':>8}{'p99 ms':>8}"
    )
    print(
        f"{'plain asyncpg, same statements (ceiling)':<46}{len(plan.presses):>8}"
        f"{ceiling_s:>7.2f}{ceiling_rate:>10.0f}{1:>7.2f}"
    )
    presses = len(plan.presses)
    print(
        f"  CPU per press: asyncpg {1000 * ceiling.client_cpu_s / presses:.2f} ms,"
        f" PostgreSQL {1000 * ceiling.server_cpu_s / presses:.2f} ms"
    )
    for name, run, counted in runs:
        rate = run.presses / run.seconds
        print(
            f"{name:<46}{run.presses:>8}{run.seconds:>7.2f}{rate:>10.0f}"
            f"{rate / ceiling_rate:>7.2f}{run.p50_ms:>8.0f}{run.p99_ms:>8.0f}"
        )
        lost = run.presses - counted.ballots
        print(
            f"  ballots {counted.ballots} for {run.presses} presses (lost {max(lost, 0)},"
            f" doubled {max(-lost, 0)}); votes whose tally equals ballots and presses:"
            f" {counted.equal}/{counted.votes}; presses answered {run.answered};"
            f" RSS of the live workers {[kb // 1024 for kb in run.rss_kb]} MB"
        )
        workers_ms = (
            "n/a (one killed)"
            if run.workers_cpu_s is None
            else f"{1000 * run.workers_cpu_s / run.presses:.2f} ms"
        )
        print(
            f"  CPU per press: workers {workers_ms},"
            f" PostgreSQL {1000 * run.server_cpu_s / run.presses:.2f} ms,"
            f" the stand-in and balancer {1000 * run.bench_cpu_s / run.presses:.2f} ms"
        )
        if run.killed_at_s is not None:
            print(
                f"  worker killed {run.killed_at_s:.1f} s in; the survivor had taken over"
                f" everything it held {run.takeover_s:.1f} s after the kill"
            )
        for line in counted.differing[:5]:
            print(f"  DIFFERENT: {line}")


async def _postgres_run(
    admin_url: str,
    base: str,
    scratch: Path,
    street: Street,
    voting: list[Voting],
    plan: Plan,
    workers: int,
    kill: bool,
) -> tuple[str, Any, Counted]:
    """One evening on a copy of the street, ``workers`` processes; counted after."""
    name = await cw.clone(admin_url, base)
    url = cw.url_of(admin_url, name)
    api = stand_in(street, voting)
    server = StandinServer(api)
    await server.start()
    procs = []
    try:
        for number in range(workers):
            port = _free_port()
            procs.append(
                await cw.start_worker(scratch, f"w{number}-{kill}", server, url, port, TOKEN)
            )
        for worker in procs:
            await cw.wait_listening(worker.port)
        await api.wait_for(lambda: all(api.bot_messages(v.group) for v in voting), timeout=900)
        run = await cw.evening(api, plan, url, procs, kill_at_half=kill)
    finally:
        await cw.stop_workers(procs)
        await server.stop()
    services = Services.create(settings_for(scratch / "x.sqlite3", url=url))
    await services.db.open()
    try:
        counted = await count(services, voting, plan)
    finally:
        await services.db.close()
        await cw.drop(admin_url, name)
    title = f"bot, {workers} workers" + (", one killed at half way" if kill else "")
    return title, run, counted


def press_call(
    text: str, traced: Voting, community: Voting, index: int, update: str | None, number: int
) -> str:
    """A recorded call's text rewritten for press ``number`` (``community``'s resident
    ``index``): its person, vote and community, a new update of its own, and the unit of
    work's advisory lock on its community (units of one community take turns)."""
    text = press_statement(text, traced, community, index)
    text = as_new_update(text, update, number)
    return text.replace(
        f"pg_advisory_xact_lock({LOCK_NAMESPACE}, {traced.community})",
        f"pg_advisory_xact_lock({LOCK_NAMESPACE}, {community.community})",
    )


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
