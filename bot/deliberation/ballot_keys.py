"""The keys of anonymous ballots: the database file alone links no ballot to anyone.

Threat model: someone gets the database file (and its ``-wal``): a copy made
with ``pavilion backup``, a file sent along for debugging, a stolen disk
image of the database directory's backups. From those bytes alone they must
not be able to tell who cast which ballot of an anonymous vote, while the vote
is open or after it closed. Someone who also holds the key file and watches
the running bot is out of scope (they are the operator).

Design. One master key (32 random bytes) lives in a key file outside the
database, created on first use with mode 0600 (``[storage] ballot_key_file``,
by default beside the database as ``<database>.ballot-key``; keep it out of
database backups). Each anonymous vote gets a random nonce when it opens,
stored in the vote's row; the vote's key is HMAC(master, nonce) and a ballot's
key is HMAC(vote key, "<vote id>:<identity>"), so one person still has one
changeable ballot (and a proxy ballot for them the same key: one per person),
but without the key file nobody can recompute it. At the close the nonce is
erased (``secure_delete`` zeroes it, a WAL checkpoint truncates the WAL), and
from then on not even the key file can link a ballot: the vote key is gone.

The row keeps a short check value beside the nonce, so a missing or replaced
key file is noticed (votes refuse ballots) instead of silently giving everyone
a second ballot.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import stat
from pathlib import Path

from bot.errors import UserFacingError

log = logging.getLogger(__name__)

VERSION = "k1"
MASTER_BYTES = 32


class BallotKeys:
    """Makes each anonymous vote's secret and each ballot's key from the master key file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._master: bytes | None = None

    def new_vote_secret(self) -> str:
        """What an anonymous vote's row keeps while it is open: a nonce and a check value."""
        nonce = secrets.token_hex(16)
        return f"{VERSION}:{nonce}:{self._check(nonce)}"

    def voter_key(self, secret: str, vote_id: int, identity: str) -> str:
        """The ballot key of ``identity`` (``p<person id>`` or ``w<paper resident id>``)."""
        version, _, rest = secret.partition(":")
        if version != VERSION:
            # A vote opened before keys moved out of the database (its salt is in it).
            return hashlib.sha256(f"{secret}:{identity}".encode()).hexdigest()
        nonce, _, check = rest.partition(":")
        if not hmac.compare_digest(check, self._check(nonce)):
            log.error(
                "the ballot key file %s does not match the open anonymous vote %s;"
                " restore the key file the vote was opened with",
                self.path,
                vote_id,
            )
            raise UserFacingError("vote.key_lost")
        vote_key = hmac.new(self._key(), f"vote:{nonce}".encode(), hashlib.sha256).digest()
        return hmac.new(vote_key, f"{vote_id}:{identity}".encode(), hashlib.sha256).hexdigest()

    def _check(self, nonce: str) -> str:
        return hmac.new(self._key(), f"check:{nonce}".encode(), hashlib.sha256).hexdigest()[:16]

    def _key(self) -> bytes:
        if self._master is None:
            self._master = self._load_or_create()
        return self._master

    def _load_or_create(self) -> bytes:
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return self._load()
        key = secrets.token_bytes(MASTER_BYTES)
        with os.fdopen(fd, "w", encoding="ascii") as file:
            file.write(key.hex() + "\n")
            file.flush()
            os.fsync(file.fileno())
        log.info("created the ballot key file %s (keep it out of database backups)", self.path)
        return key

    def _load(self) -> bytes:
        mode = stat.S_IMODE(self.path.stat().st_mode)
        if mode & 0o077:
            log.warning("ballot key file %s was readable by others; made it 0600", self.path)
            self.path.chmod(0o600)
        key = bytes.fromhex(self.path.read_text(encoding="ascii").strip())
        if len(key) != MASTER_BYTES:
            raise ValueError(f"ballot key file {self.path} does not hold a {MASTER_BYTES}-byte key")
        return key
