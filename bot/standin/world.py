"""The stand-in's in-memory world: records of users, chats, messages, files, callback queries,
injected failures and waiters, and the member statuses Telegram knows.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

GROUP_ANONYMOUS_BOT_ID = 1087968824
"""The user id Telegram puts in ``from`` of messages sent by anonymous group administrators."""


_MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "restricted", "left", "kicked"})


_PRESENT_STATUSES = frozenset({"creator", "administrator", "member", "restricted"})


_ADMIN_STATUSES = frozenset({"creator", "administrator"})


@dataclass
class _User:
    json: dict[str, Any]
    started: bool = True
    blocked: bool = False


@dataclass
class _Chat:
    json: dict[str, Any]
    members: dict[int, str] = field(default_factory=dict)
    migrated_to: int | None = None


@dataclass
class _Msg:
    chat_id: int
    json: dict[str, Any]
    by_bot: bool
    edits: list[str] = field(default_factory=list)
    deleted: bool = False
    files: dict[str, bytes] = field(default_factory=dict)
    sent_markup: Any = None


@dataclass
class _File:
    file_id: str
    file_unique_id: str
    kind: str
    file_name: str | None
    mime_type: str | None
    data: bytes
    file_path: str
    width: int = 0
    height: int = 0


@dataclass
class _Failure:
    error_code: int
    description: str
    retry_after: int | None
    remaining: int


@dataclass
class _Query:
    user_id: int
    chat_id: int
    message_id: int
    data: str
    answered: bool = False


@dataclass
class _Waiter:
    event: asyncio.Event
    loop: asyncio.AbstractEventLoop


_Files = Mapping[str, tuple[str, bytes]]
