"""Memory and start time of ``pavilion run`` on SQLite with a big database.

The big database holds one community's years: 10,000 registered people (a
fifth of them volunteers, one in twenty Party members), 100 closed votes on
100 decided matters, one a week for two years, with 100,000 public ballots
between them (each vote 1,000 ballots from a different sample of the
register, with their poll-book rows), and 250 volunteer activities, one every
two days, with 50,000 sign-ups and check-ins (200 of the 2,000 volunteers at
each, checked out with their minutes). It is built in one transaction through
the project's storage: matters, votes and activities through the repositories,
the register, ballots, poll book, sign-ups and check-ins by ``executemany``
(the rows the repositories write, with valid foreign keys). Then a new matter
is put to a vote (its card goes out at the start), and ``pavilion run`` starts
as its own process against the Bot API stand-in over loopback HTTP.

Figures, each beside the baseline measured in the same run: the same bot,
the same community's secretary, group, first 1,001 residents and open vote,
on an otherwise empty database.

* start: from the spawn of the process to (a) its first ``getUpdates`` at the
  stand-in (the process has imported, opened and migrated the database, started
  the sender, rebuilt the schedules, replayed the inbox: it is polling), and to
  (b) the stand-in receiving the bot's answer to a ``/help`` a resident had sent
  privately before the spawn (the first update answered). Goal: (b) < 2 s.
* RSS after start: ``VmRSS`` of ``/proc/<pid>/status`` once the vote's card is
  in the group and 2 s have passed.
* RSS after a burst of 1,000 votes (1,000 different residents press an option
  on the card, as in bench/votes.py) and the card's last edit; and ``VmHWM``,
  the peak resident size of the whole run. Goal: RSS < 200 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import gc
import random
import signal
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fixtures import database_mb, insert_people, register_people
from process import BotProcess, WatchedApi, cpu_seconds, status_kb, write_config

import bot
import handlers
import storage
from bot.community.register import Actor
from bot.config import Language, settings_from_mapping
from bot.logs import configure_logging
from bot.services import Services
from bot.standin import StandinServer
from storage import in_community
from storage.scope import community_id
from storage.times import to_db_time

GROUP = -100_500
SECRETARY = 9_999
FIRST_RESIDENT = 10_000
#: The residents who press in the burst (the first of the register), and who asks /help.
BURST = 1_000
ASKER = FIRST_RESIDENT + BURST
TOKEN = "1:BENCH"  # noqa: S105 - a made-up token for the stand-in
BALLOTS_PER_VOTE = 1_000
CHECKINS_PER_ACTIVITY = 200


@dataclass(frozen=True)
class Size:
    """What the database holds before the bot starts."""

    people: int
    ballots: int
    checkins: int


@dataclass
class Figures:
    """One start of ``pavilion run`` and its burst."""

    size: Size
    db_mb: float
    build_s: float
    polling_s: float
    first_answer_s: float
    start_cpu_s: float
    rss_start_kb: int
    rss_burst_kb: int
    hwm_kb: int
    votes_per_s: float


def _roles(index: int) -> tuple[str, ...]:
    if index % 5 == 0:
        return ("resident", "volunteer")
    if index % 20 == 1:
        return ("resident", "party_member")
    return ("resident",)


async def fill_votes(session: object, people: list[int], secretary: int, ballots: int) -> None:
    """Closed votes on decided matters, one a week back from now, ``BALLOTS_PER_VOTE``
    public ballots each (with their poll-book rows), ``ballots`` in all."""
    rng = random.Random(12)
    now = datetime.now(UTC)
    count = max(1, ballots // BALLOTS_PER_VOTE)
    per_vote = min(len(people), ballots // count)
    cid = community_id()
    conn = session.conn  # type: ignore[attr-defined]
    for week in range(count):
        at = now - timedelta(days=7 * (count - week), hours=3)
        matter_id = await session.matters.create(  # type: ignore[attr-defined]
            title=f"议题{week}：楼道加装照明",
            details="居民提出，议事会讨论后付诸表决。",
            raised_by=people[rng.randrange(len(people))],
            support_until=at + timedelta(days=14),
            now=at - timedelta(days=10),
        )
        vote_id = await session.votes.create(  # type: ignore[attr-defined]
            matter_id=matter_id,
            kind="yes_no",
            options=("赞成", "反对", "弃权"),
            anonymous=False,
            salt=None,
            quorum=500,
            threshold="majority",
            opened_by=secretary,
            closes_at=at + timedelta(days=1),
            now=at,
        )
        voters = rng.sample(people, per_vote)
        choices = [rng.choice((0, 0, 0, 1, 2)) for _ in voters]
        await conn.executemany(
            "INSERT INTO ballots (vote_id, voter_key, person_id, choice, cast_at, community_id)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                (vote_id, f"p{person}", person, str(choice), to_db_time(at), cid)
                for person, choice in zip(voters, choices, strict=True)
            ),
        )
        await conn.executemany(
            "INSERT INTO poll_book (vote_id, person_id, community_id) VALUES (?, ?, ?)",
            ((vote_id, person, cid) for person in voters),
        )
        counts = [choices.count(option) for option in range(3)]
        passed = counts[0] > counts[1]
        await session.votes.close(  # type: ignore[attr-defined]
            vote_id,
            result="passed" if passed else "rejected",
            tally={"counts": counts, "voters": per_vote},
            voters=per_vote,
            closed_by=None,
            now=at + timedelta(days=1),
        )
        await conn.execute(
            "UPDATE matters SET stage = ?, resolved_at = ? WHERE id = ?",
            ("passed" if passed else "rejected", to_db_time(at + timedelta(days=1)), matter_id),
        )


async def fill_checkins(session: object, volunteers: list[int], secretary: int, total: int) -> None:
    """Past activities, one every two days, ``CHECKINS_PER_ACTIVITY`` volunteers signed
    up and checked in (and out) at each, ``total`` check-ins in all."""
    rng = random.Random(13)
    now = datetime.now(UTC)
    count = max(1, total // CHECKINS_PER_ACTIVITY)
    per_activity = min(len(volunteers), total // count)
    cid = community_id()
    conn = session.conn  # type: ignore[attr-defined]
    for day in range(count):
        starts = now - timedelta(days=2 * (count - day), hours=5)
        activity_id = await session.volunteering.activities.create_activity(  # type: ignore[attr-defined]
            series_id=None,
            title=f"志愿服务{day}：环境整治",
            description="清理楼道杂物。",
            place="社区广场",
            latitude=None,
            longitude=None,
            radius_m=200,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            capacity=250,
            by_location=False,
            by_code=True,
            audience="volunteers",
            unit_id=None,
            code_secret=f"bench{day:05d}",
            organiser_id=secretary,
            now=starts - timedelta(days=5),
        )
        signed = to_db_time(starts - timedelta(days=3))
        came = rng.sample(volunteers, per_activity)
        await conn.executemany(
            "INSERT INTO signups (activity_id, person_id, state, signed_at, changed_at,"
            " community_id) VALUES (?, ?, 'signed', ?, ?, ?)",
            ((activity_id, person, signed, signed, cid) for person in came),
        )
        await conn.executemany(
            "INSERT INTO checkins (activity_id, person_id, checked_in_at, method, checked_out_at,"
            " out_method, minutes, community_id) VALUES (?, ?, ?, 'code', ?, 'self', ?, ?)",
            (
                (
                    activity_id,
                    person,
                    to_db_time(starts + timedelta(minutes=index % 10)),
                    to_db_time(starts + timedelta(minutes=110 + index % 10)),
                    110,
                    cid,
                )
                for index, person in enumerate(came)
            ),
        )


async def build(services: Services, size: Size) -> int:
    """The community as ``size`` says, and a new matter put to a vote; the vote's id."""
    now = datetime.now(UTC)
    async with services.db.transaction(completes_update=False) as session:
        secretary_id, _ = await register_people(
            session, secretary=SECRETARY, first=0, count=0, role="resident", name="", now=now
        )
        people = await insert_people(
            session, first=FIRST_RESIDENT, count=size.people, name="居民", now=now, roles=_roles
        )
        await session.chats.seen(GROUP, "居民群", "supergroup", True, now)
        await session.chats.bind(GROUP, "residents", secretary_id, now)
        if size.ballots:
            await fill_votes(session, people, secretary_id, size.ballots)
        if size.checkins:
            volunteers = [
                person for index, person in enumerate(people) if "volunteer" in _roles(index)
            ]
            await fill_checkins(session, volunteers, secretary_id, size.checkins)
        matter_id = await session.matters.create(
            title="小区门口加装路灯",
            details="晚上太黑，老人出门不方便。",
            raised_by=None,
            support_until=now + timedelta(days=14),
            now=now,
        )
        secretary = await session.people.by_telegram_id(SECRETARY)
    actor = Actor(SECRETARY, Language.ZH_HANS, secretary, configured_secretary=True)
    await services.votes.setup.start_setup(actor, SECRETARY, matter_id)
    vote = await services.votes.setup.open(actor, SECRETARY)
    return vote.id


async def run(size: Size, scratch: Path) -> Figures:
    """Build the database, start ``pavilion run`` on it, measure, press 1,000 votes, measure.
    ``scratch`` is an empty folder of its own."""
    api = WatchedApi()
    api.add_user(SECRETARY, "书记")
    for index in range(BURST + 1):
        api.add_user(FIRST_RESIDENT + index, f"居民{index}")
    api.add_group(GROUP, "居民群")
    server = StandinServer(api)
    await server.start()
    db_path = scratch / "bot.sqlite3"
    config = write_config(scratch, server, db_path, f"[community]\nsecretaries = [{SECRETARY}]\n")
    settings = settings_from_mapping(
        {
            "telegram": {"token": TOKEN},
            "community": {"secretaries": [SECRETARY]},
            "storage": {"path": str(db_path)},
        }
    )
    services = Services.create(settings)
    started = time.perf_counter()
    await services.db.open()
    try:
        vote_id = await build(services, size)
    finally:
        await services.db.close()
    build_s = time.perf_counter() - started
    db_mb = database_mb(db_path)

    # Waiting at the stand-in before the spawn: the first update the bot will answer.
    api.send_text(ASKER, None, "/help")
    bot = BotProcess(config, scratch / "bot.log", TOKEN)
    spawned = time.perf_counter()
    await bot.start()
    try:
        assert bot.process is not None
        pid = bot.process.pid
        await api.wait_for(lambda: ASKER in api.first_sent_at, timeout=120)
        start_cpu_s = cpu_seconds(pid)
        assert api.first_poll_at is not None
        polling_s = api.first_poll_at - spawned
        first_answer_s = api.first_sent_at[ASKER] - spawned
        await api.wait_for(lambda: bool(api.bot_messages(GROUP)), timeout=60)
        await asyncio.sleep(2)
        rss_start = status_kb(pid, "VmRSS")

        card = api.bot_messages(GROUP)[-1]
        rng = random.Random(4)
        pressed = time.perf_counter()
        for index in range(BURST):
            choice = rng.choice((0, 0, 0, 1, 2))
            api.press_button(
                FIRST_RESIDENT + index, GROUP, card["message_id"], f"vb:{vote_id}:{choice}"
            )
        await api.wait_for(lambda: len(api.answered_at) >= BURST, timeout=600)
        votes_per_s = BURST / (max(api.answered_at.values()) - pressed)
        await asyncio.sleep(4)  # the card's last edit
        rss_burst = status_kb(pid, "VmRSS")
        hwm = status_kb(pid, "VmHWM")
    finally:
        await bot.stop(signal.SIGTERM)
        await server.stop()
    return Figures(
        size=size,
        db_mb=db_mb,
        build_s=build_s,
        polling_s=polling_s,
        first_answer_s=first_answer_s,
        start_cpu_s=start_cpu_s,
        rss_start_kb=rss_start,
        rss_burst_kb=rss_burst,
        hwm_kb=hwm,
        votes_per_s=votes_per_s,
    )


async def main() -> None:
    """Baseline (empty database), then the big one; print both."""
    gc.disable()  # the stand-in's process only (see bench/votes.py); the bot keeps its own
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--checkins", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each, in turns")
    parser.add_argument(
        "--no-compile",
        action="store_true",
        help="do not compile the project's bytecode first (each start then compiles it, where"
        " PYTHONDONTWRITEBYTECODE is set)",
    )
    args = parser.parse_args()
    configure_logging("WARNING")
    if not args.no_compile:
        # As an installation has them after its first run (pip compiles site-packages at
        # install; the project's own modules, installed editable, at their first import).
        for package in (bot, handlers, storage):
            compileall.compile_dir(Path(package.__file__).parent, quiet=1)
    baseline = ("baseline: empty database", Size(BURST + 1, 0, 0))
    big = ("big database", Size(args.people, args.ballots, args.checkins))
    # Each twice, in turns: the first start of a run finds colder caches than the next.
    sizes = [baseline, big] * args.repeat
    results = []
    with tempfile.TemporaryDirectory(prefix="pavilion-bench-") as scratch_dir:
        for index, (name, size) in enumerate(sizes):
            scratch = Path(scratch_dir) / str(index)
            scratch.mkdir()
            results.append((name, await run(size, scratch)))
    compiled = "not compiled first" if args.no_compile else "compiled first"
    print(f"`pavilion run` on SQLite, its own process (the project's bytecode {compiled});")
    print("start (a): spawn to its first getUpdates,")
    print("(b): spawn to its answer to a /help waiting before the spawn; CPU s: the process's")
    print("user and system time at (b), what the machine's load does not stretch;")
    print("RSS from /proc/<pid>/status")
    print(
        f"{'run':<26}{'people':>8}{'ballots':>9}{'checkins':>9}{'db MB':>7}{'build s':>8}"
        f"{'(a) s':>7}{'(b) s':>7}{'CPU s':>6}{'RSS start':>10}{'RSS burst':>10}"
        f"{'peak':>7}{'votes/s':>8}"
    )
    for name, f in results:
        print(
            f"{name:<26}{f.size.people:>8}{f.size.ballots:>9}{f.size.checkins:>9}"
            f"{f.db_mb:>7.1f}{f.build_s:>8.1f}{f.polling_s:>7.2f}{f.first_answer_s:>7.2f}"
            f"{f.start_cpu_s:>6.2f}"
            f"{f.rss_start_kb / 1024:>8.1f}MB{f.rss_burst_kb / 1024:>8.1f}MB"
            f"{f.hwm_kb / 1024:>5.0f}MB{f.votes_per_s:>8.0f}"
        )
    bigs = [figures for name, figures in results if name == big[0]]
    start = max(figures.first_answer_s for figures in bigs)
    rss = max(max(figures.rss_burst_kb, figures.hwm_kb) for figures in bigs)
    print(
        f"goals on the big database (the worst of its runs): start (b) < 2 s: {start:.2f} s"
        f" {'met' if start < 2 else 'MISSED'}; RSS < 200 MB: {rss / 1024:.0f} MB at most"
        f" {'met' if rss < 200 * 1024 else 'MISSED'}"
    )


if __name__ == "__main__":
    # The set-up writes the first community's records, as its secretary would.
    with in_community(1):
        asyncio.run(main())
