"""Running ``pavilion run`` as its own process for benchmarks, against a stand-in in ours.

A bot measured in the same process as the stand-in shares one core and one
event loop with it; in production Telegram is elsewhere. These helpers put
the bot in a subprocess, configured to talk to the stand-in over loopback.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from bot.standin import FakeBotApi, StandinServer


def pavilion_command() -> list[str]:
    """The installed ``pavilion`` script (or ``python -m bot``)."""
    script = shutil.which("pavilion", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "bot"]


def write_config(scratch: Path, server: StandinServer, db_path: Path, extra: str = "") -> Path:
    """A config.toml pointing the bot at the stand-in; ``extra`` is appended TOML."""
    config = scratch / "config.toml"
    config.write_text(
        f"""
[telegram]
base_url = "{server.base_url}"
base_file_url = "{server.base_file_url}"
poll_timeout = 1

[storage]
path = "{db_path}"

[logging]
level = "WARNING"
{extra}
""",
        encoding="utf-8",
    )
    return config


class BotProcess:
    """``pavilion run`` in a subprocess, its output appended to a log file."""

    def __init__(self, config: Path, log: Path, token: str) -> None:
        self.config = config
        self.log = log
        self.token = token
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        """Start the process (the token comes through the environment, as in production)."""
        env = dict(os.environ, PAVILION_TELEGRAM__TOKEN=self.token)
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                *pavilion_command(),
                "run",
                "--config",
                str(self.config),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=env,
            )

    async def stop(self, sig: int) -> int:
        """Send ``sig`` and wait for the exit status."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(sig)
        return await asyncio.wait_for(self.process.wait(), timeout=60)

    @property
    def exited(self) -> bool:
        """Whether the process has ended."""
        return self.process is not None and self.process.returncode is not None


class WatchedApi(FakeBotApi):
    """The stand-in, noting when the bot first polled, when each callback query was
    answered and when each chat got its first message (``time.perf_counter()`` values,
    comparable with the benchmark's own)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.first_poll_at: float | None = None
        self.answered_at: dict[str, float] = {}
        self.first_sent_at: dict[int, float] = {}

    async def call(self, method: str, params: Any, files: Any = None, **kwargs: Any) -> Any:
        """Note the first ``getUpdates``, answer as the stand-in does, and note the first
        message sent to each chat."""
        if self.first_poll_at is None and method.lower() == "getupdates":
            self.first_poll_at = time.perf_counter()
        answer = await super().call(method, params, files, **kwargs)
        if method.lower() == "sendmessage" and answer.get("ok"):
            self.first_sent_at.setdefault(int(params["chat_id"]), time.perf_counter())
        return answer

    def _answer_callback_query(self, params: dict[str, Any], files: Any) -> Any:
        self.answered_at[str(params.get("callback_query_id"))] = time.perf_counter()
        return super()._answer_callback_query(params, files)


def status_kb(pid: int, field: str) -> int:
    """A ``/proc/<pid>/status`` figure in kB (``VmRSS``: resident now, ``VmHWM``: its peak)."""
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(f"{field} is not in /proc/{pid}/status")


def postgres_cpu_seconds() -> float:
    """CPU time the PostgreSQL servers on this machine have used so far: every
    ``postgres`` process's own, and the postmaster's ended children's (backends that
    have exited), from ``/proc``."""
    total = 0
    for stat_path in Path("/proc").glob("[0-9]*/stat"):
        try:
            stat = stat_path.read_text(encoding="ascii", errors="replace")
        except OSError:
            continue  # ended meanwhile
        if stat[stat.index("(") + 1 : stat.rindex(")")] != "postgres":
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return total / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """CPU time the process has used so far (user and system, ``/proc/<pid>/stat``)."""
    stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
