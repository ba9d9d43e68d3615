"""Notices: a secretary sends a message to everyone, or to everyone with a role.

A short guided form (audience → text → confirm) kept in the dialogs table;
confirming queues one private message per recipient as a push, whose
progress and final summary the sender shows the secretary.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot import usertext
from bot.clock import Clock, system_clock
from bot.community.register import Actor, Role
from bot.config import CommunitySettings, community_now
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from bot.i18n import parse_language
from bot.runtime.outbox import Delivery, OutgoingMessage, PushReport, queue_push
from storage import Storage
from storage.community.people import PersonRow
from storage.session import Session
from storage.times import to_db_time

FLOW = "notify"
EVERYONE = "all"
MAX_NOTICE_LENGTH = 1000


@dataclass(frozen=True)
class NoticeDraft:
    """A notice being written: who it goes to, how many they are, and its text."""

    audience: str
    recipients: int
    text: str | None = None


class NoticeService:
    """Writing and sending notices."""

    @property
    def _settings(self) -> CommunitySettings:
        # The community being worked for (bot/config/community.py: current_profile).
        return community_now(self._configured)

    def __init__(
        self, db: Storage, settings: CommunitySettings, clock: Clock = system_clock
    ) -> None:
        self._db = db
        self._configured = settings
        self._clock = clock

    async def start(self, actor: Actor, chat_id: int) -> None:
        """Open the form at the audience question."""
        async with self._db.transaction() as session:
            await session.dialogs.put(
                chat_id, actor.tg_user_id, FLOW, "audience", {}, self._clock()
            )

    async def choose_audience(self, actor: Actor, chat_id: int, audience: str) -> NoticeDraft:
        """Set the audience (a role, or everyone); then the form asks for the text."""
        if audience != EVERYONE and audience not in {role.value for role in Role}:
            raise UserFacingError("notify.expired")
        async with self._db.transaction() as session:
            await self._expect(session, actor, chat_id, "audience")
            count = len(await _recipients(session, audience))
            await session.dialogs.put(
                chat_id, actor.tg_user_id, FLOW, "text", {"audience": audience}, self._clock()
            )
        return NoticeDraft(audience, count)

    async def set_text(self, actor: Actor, chat_id: int, text: str) -> NoticeDraft:
        """The notice's text; then the form asks to confirm."""
        cleaned = usertext.block(text)
        if not cleaned:
            raise UserFacingError("notify.empty")
        if len(cleaned) > MAX_NOTICE_LENGTH:
            raise UserFacingError("notify.too_long", limit=MAX_NOTICE_LENGTH, length=len(cleaned))
        async with self._db.transaction() as session:
            data = await self._expect(session, actor, chat_id, "text")
            audience = str(data["audience"])
            count = len(await _recipients(session, audience))
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                FLOW,
                "confirm",
                {"audience": audience, "text": cleaned},
                self._clock(),
            )
        return NoticeDraft(audience, count, cleaned)

    async def send(self, actor: Actor, chat_id: int) -> NoticeDraft:
        """Queue the notice for every recipient, with progress shown in ``chat_id``."""
        now = self._clock()
        async with self._db.transaction() as session:
            data = await self._expect(session, actor, chat_id, "confirm")
            audience, text = str(data["audience"]), str(data["text"])
            people = await _recipients(session, audience)
            if not people:
                raise UserFacingError("notify.nobody")
            sender_name = actor.person.display_name if actor.person else ""
            await queue_push(
                session,
                kind="notice",
                title=text[:40],
                deliveries=[
                    Delivery(
                        person.tg_user_id,
                        person.id,
                        OutgoingMessage(
                            "notify.message",
                            parse_language(person.language),
                            {"community": self._settings.name, "sender": sender_name, "text": text},
                        ),
                    )
                    for person in people
                ],
                dedupe_prefix=f"notice:{actor.tg_user_id}:{to_db_time(now)}",
                now=now,
                report=PushReport(actor.person_id, chat_id, actor.language),
            )
            await session.dialogs.end(chat_id, actor.tg_user_id)
            await session.audit.record(
                at=now, action="notice.send", actor_id=actor.person_id, detail=audience
            )
        return NoticeDraft(audience, len(people), text)

    async def _expect(
        self, session: Session, actor: Actor, chat_id: int, step: str
    ) -> dict[str, Any]:
        dialog = await expect_step(session, chat_id, actor.tg_user_id, FLOW, step, "notify.expired")
        return dialog.data


async def _recipients(session: Session, audience: str) -> list[PersonRow]:
    if audience == EVERYONE:
        total = await session.people.count()
        return await session.people.page(0, max(total, 1))
    return await session.people.with_role(audience)
