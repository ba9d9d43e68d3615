"""The ``pavilion`` command: run, demo, migrate, backup, check-config.

A configuration problem prints one line per problem and exits with status 2,
without a traceback; operational failures exit with status 1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import ConfigError, Settings, load_settings
from bot.logs import configure_logging
from storage.lock import DatabaseInUseError, DatabaseLock

EXIT_CONFIG = 2
DEFAULT_CONFIG = Path("config.toml")

log = logging.getLogger("pavilion")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pavilion",
        description="Pavilion (议事亭): community deliberation, Party study and volunteering.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_config(sub: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sub.add_argument(
            "--config",
            type=Path,
            default=DEFAULT_CONFIG,
            help="TOML configuration file (default: config.toml)",
        )
        return sub

    run = with_config(commands.add_parser("run", help="run the bot (long polling by default)"))
    run.add_argument(
        "--webhook",
        action="store_true",
        help="receive updates by webhook ([telegram.webhook] in the config)",
    )
    demo = commands.add_parser(
        "demo", help="play a scripted community against a local stand-in for Telegram"
    )
    demo.add_argument("--keep", type=Path, help="keep the demo database at this path")
    demo.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="write every picture and file the demo's bot sends into DIR (made if missing)",
    )
    migrate = with_config(
        commands.add_parser(
            "migrate",
            help="apply database migrations and exit; with --to, copy the SQLite database"
            " into PostgreSQL",
        )
    )
    migrate.add_argument(
        "--to",
        metavar="URL",
        help="copy the SQLite database [storage] names into this empty PostgreSQL database"
        " (postgresql://user:password@host:port/database), verified, then exit",
    )
    backup = with_config(
        commands.add_parser("backup", help="copy the live database to PATH (online backup)")
    )
    backup.add_argument("path", type=Path, help="where to write the copy")
    with_config(commands.add_parser("check-config", help="validate the configuration and exit"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    args = _parser().parse_args(argv)
    # Opt in to PTB's timedelta-based durations (RetryAfter and friends) instead
    # of a deprecation warning on every flood-control answer.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    try:
        if args.command == "demo":
            from bot.demo.story import run_demo

            if args.out is not None and args.out.exists() and not args.out.is_dir():
                print(f"pavilion: {args.out}: is a file; --out needs a folder", file=sys.stderr)
                return EXIT_CONFIG
            configure_logging("WARNING")
            status: int = asyncio.run(run_demo(keep=args.keep, out_dir=args.out))
            return status
        settings = load_settings(args.config)
        if args.command == "check-config":
            return _check_config(settings, args.config)
        if args.command == "migrate":
            configure_logging(settings.logging.level)
            if args.to is not None:
                return _migrate_to(settings, args.to)
            return asyncio.run(_migrate(settings))
        if args.command == "backup":
            configure_logging(settings.logging.level)
            if settings.storage.is_postgres:
                print(
                    "pavilion: the database is PostgreSQL: back it up with pg_dump"
                    " (pg_dump -Fc URL > pavilion.dump)",
                    file=sys.stderr,
                )
                return 1
            if not settings.storage.sqlite_path.exists():
                where = settings.storage.sqlite_path
                print(f"pavilion: {where}: no database to back up", file=sys.stderr)
                return 1
            if args.path.exists():
                print(f"pavilion: {args.path}: already exists; choose a new path", file=sys.stderr)
                return 1
            return asyncio.run(_backup(settings, args.path))
        if args.command == "run":
            token = settings.bot_token()
            secrets = [token]
            if args.webhook:
                secrets.append(settings.webhook_secret())
                if not settings.telegram.webhook.url:
                    raise ConfigError(["telegram.webhook.url: required with --webhook"])
            configure_logging(settings.logging.level, secrets)
            return _run(settings, webhook=args.webhook)
    except ConfigError as error:
        for problem in error.problems:
            print(f"pavilion: {problem}", file=sys.stderr)
        return EXIT_CONFIG
    except DatabaseInUseError as error:
        # A second `pavilion run` (or a migrate beside a running bot): one line, no traceback.
        print(f"pavilion: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 130
    raise AssertionError(f"unhandled command {args.command}")


def _check_config(settings: Settings, path: Path) -> int:
    settings.bot_token()
    if settings.telegram.webhook.url:
        settings.webhook_secret()
    print(f"{path}: OK (community {settings.community.name!r}, {settings.community.timezone})")
    return 0


def _run(settings: Settings, *, webhook: bool) -> int:
    from telegram.error import InvalidToken, TelegramError

    from bot.app import run_bot

    try:
        # Before anything touches the database (or even starts the event loop): one
        # process per database file, held until this one ends (storage/lock.py).
        # On PostgreSQL several processes share the database (storage/postgres/).
        with (
            contextlib.nullcontext()
            if settings.storage.is_postgres
            else DatabaseLock(settings.storage.sqlite_path)
        ):
            asyncio.run(run_bot(settings, webhook=webhook))
    except InvalidToken:
        print("pavilion: telegram.token: Telegram rejected the bot token", file=sys.stderr)
        return EXIT_CONFIG
    except TelegramError as error:
        log.error("stopped by a Telegram error: %s", error.message)
        return 1
    return 0


async def _migrate(settings: Settings) -> int:
    from bot.services import database_for

    storage = settings.storage
    # Never under a running bot's feet on SQLite; PostgreSQL's steps take an advisory lock.
    with contextlib.nullcontext() if storage.is_postgres else DatabaseLock(storage.sqlite_path):
        db = database_for(storage)
        await db.open(migrate=False)
        try:
            applied = await db.migrate()
            for migration in applied:
                print(f"applied {migration.version}: {migration.description}")
            where = "PostgreSQL" if storage.is_postgres else str(storage.sqlite_path)
            print(f"{where}: schema version {await db.schema_version()}")
        finally:
            await db.close()
    return 0


def _migrate_to(settings: Settings, url: str) -> int:
    """``pavilion migrate --to URL``: storage/postgres/copy.py, its refusals as one line."""
    from storage.backend import is_postgres_url

    storage = settings.storage
    if not is_postgres_url(url):
        raise ConfigError([f"--to: {url!r} is not a postgresql:// URL"])
    if storage.is_postgres:
        print(
            "pavilion: [storage] already names PostgreSQL; --to copies the SQLite database"
            " [storage] path names",
            file=sys.stderr,
        )
        return 1
    from storage.postgres.copy import CopyError, copy_to_postgres, describe_target

    source = storage.sqlite_path
    try:
        report = asyncio.run(copy_to_postgres(source, url, synchronous=storage.synchronous))
    except CopyError as error:
        print(f"pavilion: {error}", file=sys.stderr)
        return 1
    converted = sum(table.converted for table in report.tables)
    sampled = sum(table.sampled for table in report.tables)
    note = f", {converted} values brought to PostgreSQL's types" if converted else ""
    print(
        f"copied {len(report.tables)} tables, {report.rows} rows from {source} to"
        f" {describe_target(url)} (schema version {report.schema_version}){note};"
        f" verified: every table's row count, {sampled} sampled rows compared column by column"
    )
    print(f"{source} stays as it was copied; to run on PostgreSQL, set [storage] url to it")
    key = storage.ballot_key_path
    if key.exists() and storage.ballot_key_file is None:
        print(
            f"the anonymous ballots' key stays in {key}: set [storage] ballot_key_file ="
            f' "{key}" too (on PostgreSQL it is otherwise looked for in ./pavilion.ballot-key)'
        )
    return 0


async def _backup(settings: Settings, target: Path) -> int:
    from storage import Database

    db = Database(settings.storage.sqlite_path, synchronous=settings.storage.synchronous)
    await db.open(migrate=False)
    try:
        await db.backup(target)
    finally:
        await db.close()
    print(f"backed up {settings.storage.sqlite_path} to {target}")
    return 0
