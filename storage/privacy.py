"""Forgetting a person everywhere, not only in ``people``.

Deleting the person's row unlinks what they contributed (foreign keys ``ON
DELETE SET NULL`` / ``CASCADE``), but copies of their name, username and
Telegram id also sit inside JSON the bot keeps for its own work: stored
updates waiting to be handled (``inbox``), messages queued or sent to others
(``outbox``), other people's open conversations (``dialogs``), a matter's
history (``matter_events``), schedules' payloads. :meth:`PrivacyRepository.scrub`
rewrites each of those, in the same unit of work as the deletion.

The scrub is scoped: it rewrites the rows of the communities the caller names (the
current one, and those the person moved from: their traces stay behind there), never
another's; ``inbox`` (Telegram's updates, stored before anyone knows whose community
they concern) has no community and is always searched.

That removes the values from the tables; that no old copy of a page is left in
the files is the Database's part (``secure_delete`` on every connection, and a
WAL checkpoint that truncates the log after a forget).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import aiosqlite

from storage.scope import community_id

#: Text columns holding JSON that may quote a person; each is scrubbed on forget.
JSON_COLUMNS: tuple[tuple[str, str], ...] = (
    ("inbox", "payload"),
    ("outbox", "content"),
    ("dialogs", "data"),
    ("matter_events", "detail"),
    ("schedules", "payload"),
    ("votes", "tally"),
    ("lessons", "corrections"),
)
#: The key of each table's rows where it is not ``id``.
ROW_KEYS: dict[str, tuple[str, ...]] = {"inbox": ("update_id",), "dialogs": ("chat_id", "user_id")}
#: Tables without a community: searched whatever the communities named.
STREET_WIDE_TABLES = frozenset({"inbox"})
#: What a removed name or username becomes.
GONE = "—"
#: The update kinds whose ``from`` is the person who sent the update.
_SENT_BY = ("message", "edited_message", "callback_query", "my_chat_member")


@dataclass(frozen=True)
class Traces:
    """How a person can be recognised in stored text."""

    tg_user_id: int
    words: tuple[str, ...]  # display name, username (with and without @)

    @classmethod
    def of(cls, tg_user_id: int, display_name: str, username: str | None) -> Traces:
        words = [display_name]
        if username:
            words += [username, "@" + username]
        ordered = sorted({word for word in words if word}, key=len, reverse=True)
        return cls(tg_user_id, tuple(ordered))

    def needles(self) -> list[str]:
        """Substrings that a JSON text holding a trace must contain (raw or \\u-escaped)."""
        found = {str(self.tg_user_id)}
        for word in self.words:
            found.add(word)
            found.add(json.dumps(word)[1:-1])
        return sorted(found)

    def scrub_text(self, text: str) -> str:
        if text in self.words:
            return GONE
        for word in self.words:
            if len(word) >= 2:  # a one-character name is removed only where it stands alone
                text = text.replace(word, GONE)
        return re.sub(rf"(?<![0-9]){self.tg_user_id}(?![0-9])", "0", text)

    def scrub(self, value: Any) -> Any:
        """``value`` (parsed JSON) with every trace replaced."""
        if isinstance(value, dict):
            if value.get("id") == self.tg_user_id and "first_name" in value:
                return {"id": 0, "is_bot": False, "first_name": GONE}  # a Telegram User
            return {key: self.scrub(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.scrub(item) for item in value]
        if isinstance(value, str):
            return self.scrub_text(value)
        if isinstance(value, int) and not isinstance(value, bool) and value == self.tg_user_id:
            return 0
        return value

    def sent(self, update: Any) -> bool:
        """Whether a stored update is one the person sent themselves."""
        if not isinstance(update, dict):
            return False
        for kind in _SENT_BY:
            part = update.get(kind)
            if isinstance(part, dict):
                sender = part.get("from")
                if isinstance(sender, dict) and sender.get("id") == self.tg_user_id:
                    return True
        return False


class PrivacyRepository:
    """Queries that remove a person's traces from the JSON the bot keeps."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def scrub(
        self,
        person_id: int,
        traces: Traces,
        now_text: str,
        columns: Iterable[tuple[str, str]],
        communities: Iterable[int] = (),
    ) -> int:
        """Remove ``traces`` from every column in ``columns`` and from the matters they
        owned (run before the person's row is deleted), in the current community and in
        ``communities`` (those the person was registered in before); returns the rows
        changed.

        The person's own stored updates not yet handled are closed (they asked to
        be forgotten; what they sent since goes with them); others' updates and
        messages keep their place with the name, username and id replaced.
        """
        scope = sorted({community_id(), *communities})
        marks = ", ".join("?" for _ in scope)
        changed = 0
        cur = await self._conn.execute(
            "UPDATE matters SET owner_name = NULL WHERE owner_person_id = ?"
            f" AND community_id IN ({marks})",
            (person_id, *scope),
        )
        changed += cur.rowcount
        # The inbox keeps each stored update's turn by its sender ("user:<id>", several
        # workers): the person's goes, whatever else of the row is left.
        cur = await self._conn.execute(
            "UPDATE inbox SET order_key = NULL WHERE order_key = ?",
            (f"user:{traces.tg_user_id}",),
        )
        changed += cur.rowcount
        needles = traces.needles()
        for table, column in columns:
            # Table and column names come from JSON_COLUMNS, never from input.
            where = " OR ".join(f"instr({column}, ?) > 0" for _ in needles)
            scoped, args = "", list[str | int](needles)
            if table not in STREET_WIDE_TABLES:
                scoped, args = f" AND community_id IN ({marks})", [*needles, *scope]
            # Each row by its key (the id; the inbox's update, a dialog's chat and user).
            key = ", ".join(ROW_KEYS.get(table, ("id",)))
            key_where = " AND ".join(f"{k} = ?" for k in ROW_KEYS.get(table, ("id",)))
            async with self._conn.execute(
                f"SELECT {column}, {key} FROM {table} WHERE {column} IS NOT NULL"
                f" AND ({where}){scoped}",
                args,
            ) as rows:
                found = [(str(row[0]), tuple(row)[1:]) for row in await rows.fetchall()]
            for text, rowid in found:
                try:
                    value = json.loads(text)
                except ValueError:
                    value = text
                if table == "inbox" and traces.sent(value):
                    await self._conn.execute(
                        "UPDATE inbox SET payload = NULL, done_at = coalesce(done_at, ?)"
                        f" WHERE {key_where}",
                        (now_text, *rowid),
                    )
                    changed += 1
                    continue
                clean = traces.scrub(value)
                if clean == value:
                    continue
                new_text = (
                    clean if isinstance(clean, str) else json.dumps(clean, ensure_ascii=False)
                )
                await self._conn.execute(
                    f"UPDATE {table} SET {column} = ? WHERE {key_where}",
                    (new_text, *rowid),
                )
                changed += 1
        return changed
