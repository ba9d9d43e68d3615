"""What every storage engine offers the services: units of work, reads, migrations.

:class:`storage.db.Database` is SQLite (the embedded default, one process);
:class:`storage.postgres.database.PostgresDatabase` is PostgreSQL (several
processes, when one machine is not enough). Both hand out the same
:class:`storage.session.Session` of repositories; the services know only this
interface. :func:`open_storage` picks the engine from ``[storage] url``.
"""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from storage.migrations.step import Migration
    from storage.session import Session

T = TypeVar("T")


class Storage(ABC):
    """The database, whichever engine holds it."""

    #: Whether the last write failed because the disk (or database) is full.
    full: bool = False
    #: Several processes may share it (PostgreSQL); SQLite is one process's.
    shared: bool = False

    @abstractmethod
    async def open(self, *, migrate: bool = True) -> None:
        """Connect and (by default) apply the migrations the database lacks."""

    @abstractmethod
    async def close(self) -> None:
        """Finish the work in hand and disconnect; safe to call twice."""

    @abstractmethod
    async def migrate(self) -> list[Migration]:
        """Apply the migrations this database lacks; those applied."""

    @abstractmethod
    async def schema_version(self) -> int:
        """The highest migration applied."""

    @abstractmethod
    def transaction(self, *, completes_update: bool = True) -> AbstractAsyncContextManager[Session]:
        """A unit of work: committed if the block succeeds, else rolled back. With
        ``completes_update`` the update being handled is marked done in it."""

    def autocommit(self) -> AbstractAsyncContextManager[Session]:
        """Repositories whose every statement commits by itself, waiting for no
        community's turn: for bookkeeping whose statements are each whole and safe
        side by side with any unit of work (the inbox's store, claims and leases;
        claims skip locked rows). On SQLite, whose one writer serializes every
        write anyway, it is a transaction; on PostgreSQL each statement is its own
        round trip, without BEGIN, COMMIT or an advisory lock, so the workers'
        inbox traffic does not queue street-wide."""
        return self.transaction(completes_update=False)

    @abstractmethod
    def read(self) -> AbstractAsyncContextManager[Session]:
        """Repositories for queries that change nothing."""

    @abstractmethod
    async def run_unit(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """A whole unit of work as one synchronous function of a connection (the
        hottest writes: a ballot, a check-in); committed before this returns."""

    @abstractmethod
    async def run_read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """A synchronous read-only query function, in one hop."""

    @abstractmethod
    async def integrity_check(self) -> str:
        """ "ok" when the database is sound."""

    @abstractmethod
    async def checkpoint(self) -> bool:
        """Make deleted bytes gone from the engine's logs where it keeps them."""

    @abstractmethod
    def request_checkpoint(self) -> None:
        """Checkpoint soon (once for a burst of requests)."""

    @abstractmethod
    async def settle_checkpoints(self) -> None:
        """Do a requested checkpoint now."""

    @abstractmethod
    async def backup(self, target: Path) -> None:
        """Copy the live database to ``target``."""


def is_postgres_url(url: str | None) -> bool:
    """Whether ``[storage] url`` names a PostgreSQL server (else it is a SQLite path)."""
    return bool(url) and str(url).split(":", 1)[0] in {"postgresql", "postgres"}


def open_storage(
    url: str | None,
    path: Path,
    *,
    synchronous: str = "FULL",
    busy_timeout_ms: int = 5000,
    pool_size: int = 8,
) -> Storage:
    """The engine ``[storage]`` names (nothing is opened yet): PostgreSQL for a
    ``postgresql://`` url, else SQLite at the url (a path) or at ``path``."""
    if is_postgres_url(url):
        from storage.postgres.database import PostgresDatabase

        return PostgresDatabase(str(url), pool_size=pool_size)
    from storage.db import Database

    return Database(
        Path(url) if url else path, synchronous=synchronous, busy_timeout_ms=busy_timeout_ms
    )
