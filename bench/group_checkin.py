"""50 volunteers type 签到 in their group within 10 s: acknowledged without flooding it.

The bot runs as ``pavilion run`` in its own process (as in production)
against the Bot API stand-in served by this process over loopback HTTP, with
Telegram's flood limits enforced (30 sends/s overall, 20 a minute per group,
429 beyond) and 100 ms added to every call, like a round trip to Telegram.
The database is prepared before the process starts: one activity running
now, 50 volunteers signed up; 45 of them have a private chat with the bot, 5
never opened one (the bot cannot write to them first). They type 签到 in the
group one every 0.2 s, 50 within 10 s.

Acknowledged means: the person can see that their 签到 counted. Today that is
a reaction on their message (👌) together with the private confirmation, or,
for the 5 the bot cannot write to, their name on the group's live
roll-call (sent or edited). The figures: how many were acknowledged within
10 s of their message, the last acknowledgement's delay after its message
(and after the first 签到), and what the group received (messages sent,
edits of the roll-call), with the 429s the stand-in gave.

Baseline, measured in the same run: the previous behaviour, where a 签到 in
a group is answered by a reply in the group. It is the same bot with the
group path switched off in its process (``group_checkin.in_group`` patched
to say no, so ``handlers/volunteering/checkin.py`` replies as it did before
this change); acknowledged there means the reply in the group. The group's
20 messages a minute hold those replies back: 20 go in the first minute,
the rest wait for the next ones.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import secrets
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fixtures import register_people
from process import BotProcess, write_config

from bot.config import settings_from_mapping
from bot.logs import configure_logging
from bot.services import Services
from bot.standin import FakeBotApi, StandinServer
from storage import in_community

SECRETARY = 9_999
FIRST = 10_000
GROUP = -100_777
VOLUNTEERS = 50
NO_PRIVATE_CHAT = 5
WITHIN = 10.0
LATENCY = 0.1
TOKEN = "1:BENCH"  # noqa: S105 - a made-up token for the stand-in
#: ``pavilion run`` answering a group 签到 with a reply in the group, as before.
OLD_BEHAVIOUR = (
    "import sys; from handlers.volunteering import group_checkin;"
    " group_checkin.in_group = lambda update: False;"
    " from bot.cli import main; sys.exit(main())"
)


def name_of(index: int) -> str:
    return f"志愿者{index:02d}"


class TimedApi(FakeBotApi):
    """The stand-in, noting when each kind of acknowledgement reached whom."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.private_at: dict[int, float] = {}
        self.reaction_at: dict[int, float] = {}  # by the group message's id
        self.group_reply_at: dict[int, float] = {}  # by the replied group message's id
        self.roll_call_versions: list[tuple[float, str]] = []
        self.group_sends = 0
        self.group_edits = 0

    def _send_message(self, params: dict[str, Any], files: Any) -> Any:
        result = super()._send_message(params, files)
        now = time.perf_counter()
        chat_id = int(result["chat"]["id"])
        if chat_id == GROUP:
            self.group_sends += 1
            replied = result.get("reply_to_message")
            if replied is not None:
                self.group_reply_at.setdefault(int(replied["message_id"]), now)
            elif "签到名单" in result.get("text", ""):
                self.roll_call_versions.append((now, result["text"]))
        else:
            self.private_at.setdefault(chat_id, now)
        return result

    def _edit_message_text(self, params: dict[str, Any], files: Any) -> Any:
        result = super()._edit_message_text(params, files)
        if int(result["chat"]["id"]) == GROUP:
            self.group_edits += 1
            self.roll_call_versions.append((time.perf_counter(), result.get("text", "")))
        return result

    def _set_message_reaction(self, params: dict[str, Any], files: Any) -> Any:
        result = super()._set_message_reaction(params, files)
        self.reaction_at.setdefault(int(params["message_id"]), time.perf_counter())
        return result


@dataclass
class Figures:
    acknowledged: int
    worst_delay: float
    last_after_start: float
    group_sends: int
    group_edits: int
    limit_hits: int
    reactions: int
    private: int
    worst_reaction: float
    worst_private: float
    roll_call_names: int


async def community(services: Services) -> None:
    """50 volunteers signed up for one activity running now."""
    now = datetime.now(UTC)
    async with services.db.transaction(completes_update=False) as session:
        secretary_id, people = await register_people(
            session,
            secretary=SECRETARY,
            first=FIRST,
            count=VOLUNTEERS,
            role="volunteer",
            name="志愿者",
            now=now,
        )
        for index, person_id in enumerate(people):
            await session.conn.execute(
                "UPDATE people SET display_name = ? WHERE id = ?", (name_of(index), person_id)
            )
        activity_id = await session.volunteering.activities.create_activity(
            series_id=None,
            title="重阳节敬老",
            description="",
            place="社区服务站",
            latitude=None,
            longitude=None,
            radius_m=200,
            starts_at=now - timedelta(minutes=1),
            ends_at=now + timedelta(hours=2),
            capacity=VOLUNTEERS,
            by_location=False,
            by_code=False,
            audience="volunteers",
            unit_id=None,
            code_secret=secrets.token_hex(16),
            organiser_id=secretary_id,
            now=now,
        )
        for person_id in people:
            await session.volunteering.signups.put_signup(activity_id, person_id, "signed", now)


class OldBotProcess(BotProcess):
    """``pavilion run`` replying to a group 签到 in the group (see ``OLD_BEHAVIOUR``)."""

    async def start(self) -> None:
        env = dict(os.environ, PAVILION_TELEGRAM__TOKEN=self.token)
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                OLD_BEHAVIOUR,
                "run",
                "--config",
                str(self.config),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=env,
            )


def make_api() -> TimedApi:
    api = TimedApi(enforce_limits=True, latency=LATENCY)
    api.add_user(SECRETARY, "书记")
    for index in range(VOLUNTEERS):
        api.add_user(FIRST + index, name_of(index), started=index >= NO_PRIVATE_CHAT)
    api.add_group(GROUP, "幸福里志愿者群")
    return api


def named_at(api: TimedApi, name: str) -> float | None:
    """When the roll-call first named ``name`` (sent or edited), or None."""
    for at, text in api.roll_call_versions:
        line = text.split("\n")[1] if "\n" in text else ""
        if name in line.split("：", 1)[-1].split("、"):
            return at
    return None


def acknowledged_at(api: TimedApi, old: bool, index: int, message_id: int) -> float | None:
    """When volunteer ``index`` could see their 签到 counted, or None."""
    if old:
        return api.group_reply_at.get(message_id)
    reacted = api.reaction_at.get(message_id)
    if index < NO_PRIVATE_CHAT:
        confirmed = named_at(api, name_of(index))
    else:
        confirmed = api.private_at.get(FIRST + index)
    if reacted is None or confirmed is None:
        return None
    return max(reacted, confirmed)


async def run(scratch: Path, name: str, *, old: bool) -> Figures:
    """One run: 50 group 签到 within 10 s, the bot in its own process."""
    api = make_api()
    server = StandinServer(api)
    await server.start()
    db_path = scratch / f"{name}.sqlite3"
    config = write_config(scratch, server, db_path, f"[community]\nsecretaries = [{SECRETARY}]\n")
    settings = settings_from_mapping(
        {
            "telegram": {"token": TOKEN},
            "community": {"secretaries": [SECRETARY]},
            "storage": {"path": str(db_path)},
        }
    )
    services = Services.create(settings)
    await services.db.open()
    try:
        with in_community(1):  # the configured community
            await community(services)
    finally:
        await services.db.close()
    bot = (OldBotProcess if old else BotProcess)(config, scratch / f"{name}.log", TOKEN)
    await bot.start()
    try:
        # The bot is up once it answers a first message (the secretary's /start).
        api.send_text(SECRETARY, None, "/start")
        await api.wait_for(lambda: SECRETARY in api.private_at, timeout=60)
        typed: list[tuple[int, int, float]] = []
        started = time.perf_counter()
        for index in range(VOLUNTEERS):
            await asyncio.sleep(started + WITHIN * index / VOLUNTEERS - time.perf_counter())
            message = api.send_text(FIRST + index, GROUP, "签到")
            typed.append((index, int(message["message_id"]), time.perf_counter()))

        def done() -> bool:
            return all(acknowledged_at(api, old, i, m) is not None for i, m, _ in typed)

        # The old replies wait for the group's minutes: 50 take three of them.
        await api.wait_for(done, timeout=240 if old else 60)
        await asyncio.sleep(2 if old else 6)  # a message too many (or a last edit) would show now
    finally:
        await bot.stop(signal.SIGTERM)
        await server.stop()
    delays = []
    reacted = [api.reaction_at[m] - at for _, m, at in typed if m in api.reaction_at]
    confirmed = [
        api.private_at[FIRST + i] - at for i, _, at in typed if FIRST + i in api.private_at
    ]
    final = api.roll_call_versions[-1][1].split("\n")[1] if api.roll_call_versions else ""
    last = 0.0
    for index, message_id, at in typed:
        acked = acknowledged_at(api, old, index, message_id)
        assert acked is not None
        delays.append(acked - at)
        last = max(last, acked - started)
    return Figures(
        acknowledged=sum(1 for d in delays if d <= WITHIN),
        worst_delay=max(delays),
        last_after_start=last,
        group_sends=api.group_sends,
        group_edits=api.group_edits,
        limit_hits=api.limit_hits,
        reactions=len(api.reaction_at),
        private=len(api.private_at) - 1,  # not the secretary's /start
        worst_reaction=max(reacted, default=0.0),
        worst_private=max(confirmed, default=0.0),
        roll_call_names=len(final.split("：", 1)[-1].split("、")) if final else 0,
    )


async def main() -> None:
    argparse.ArgumentParser(description=__doc__).parse_args()
    configure_logging("WARNING")
    with tempfile.TemporaryDirectory(prefix="pavilion-bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        # The stand-in timestamps each acknowledgement as it handles it (as in volunteering.py).
        gc.disable()
        new = await run(scratch, "new", old=False)
        old = await run(scratch, "old", old=True)
        gc.enable()
    print(
        f"{VOLUNTEERS} volunteers type 签到 in their group within {WITHIN:.0f} s"
        f" ({NO_PRIVATE_CHAT} without a private chat with the bot); `pavilion run` in its own"
        f" process, stand-in with Telegram's flood limits and {LATENCY * 1000:.0f} ms per call"
    )
    header = (
        f"{'run':<44}{'ack ≤10 s':>10}{'worst s':>9}{'last s':>8}"
        f"{'group msgs':>11}{'edits':>7}{'429s':>6}"
    )
    print(header)
    for name, figures in (
        ("reaction + private + roll-call (this change)", new),
        ("baseline: a reply in the group each (before)", old),
    ):
        print(
            f"{name:<44}{figures.acknowledged:>7}/{VOLUNTEERS}{figures.worst_delay:>9.2f}"
            f"{figures.last_after_start:>8.2f}{figures.group_sends:>11}{figures.group_edits:>7}"
            f"{figures.limit_hits:>6}"
        )
    print(
        "worst s: the longest wait from a 签到 to its acknowledgement; last s: the last"
        " acknowledgement after the first 签到."
    )
    print(
        f"this change: {new.reactions} reactions (the slowest {new.worst_reaction:.2f} s after"
        f" its 签到), {new.private} private confirmations (slowest {new.worst_private:.2f} s),"
        f" the other {VOLUNTEERS - new.private} acknowledged on the roll-call, which names"
        f" {new.roll_call_names} at the end"
    )


if __name__ == "__main__":
    asyncio.run(main())
