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
from pathlib import Path

from bot.standin import StandinServer


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
