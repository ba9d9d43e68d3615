"""What the bot says on its own: pushes and their messages, queued durably.

Services describe a message as a catalog key with parameters in the
recipient's language (plus buttons); the sender (bot/runtime/sender.py) renders and
sends it later, at Telegram's limits. Queuing happens inside the caller's unit
of work, so a message is queued if and only if the change that causes it is
committed; the dedupe key makes queuing the same message twice a no-op.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.config import Language
from storage.session import Session

#: Draws a message's picture from its parameters as PNG bytes (``OutgoingMessage.card``).
Renderer = Callable[[dict[str, Any]], bytes]


@dataclass(frozen=True)
class ButtonSpec:
    """An inline button: a catalog key for its label, and callback data or a URL."""

    label_key: str
    callback_data: str | None = None
    url: str | None = None
    label_params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OutgoingMessage:
    """A message to render at send time: ``key`` in ``language`` with ``params``.

    Parameters are escaped when rendered, so a person's own words can be
    passed as they typed them.
    """

    key: str
    language: Language
    params: dict[str, Any] = field(default_factory=dict)
    buttons: tuple[tuple[ButtonSpec, ...], ...] = ()
    #: A photo already on Telegram (its file id); the text becomes its caption.
    photo: str | None = None
    #: A bar chart drawn at send time: {"title": str, "bars": [[label, count], ...]};
    #: the text becomes its caption.
    chart: dict[str, Any] | None = None
    #: A voice note already on Telegram (its file id); the text becomes its caption.
    voice: str | None = None
    #: A picture drawn at send time by a renderer a feature registered with the sender:
    #: {"renderer": name, "params": {...}} (e.g. a greeting card); the text is its caption.
    card: dict[str, Any] | None = None
    #: A document made at send time (e.g. {"minutes": sitting id}: the minutes as .docx,
    #: bot/runtime/sender.py ``document_renderer``); the text becomes its caption.
    document: dict[str, Any] | None = None

    def to_content(self) -> dict[str, Any]:
        """The JSON stored in the outbox."""
        return {
            "photo": self.photo,
            "chart": self.chart,
            "voice": self.voice,
            "card": self.card,
            "document": self.document,
            "key": self.key,
            "language": self.language.value,
            "params": self.params,
            "buttons": [
                [
                    {
                        "label_key": button.label_key,
                        "label_params": button.label_params,
                        "callback_data": button.callback_data,
                        "url": button.url,
                    }
                    for button in row
                ]
                for row in self.buttons
            ],
        }

    @classmethod
    def from_content(cls, content: dict[str, Any]) -> OutgoingMessage:
        """Read a message back from the outbox."""
        return cls(
            key=str(content["key"]),
            language=Language(content["language"]),
            params=dict(content.get("params") or {}),
            buttons=tuple(
                tuple(
                    ButtonSpec(
                        label_key=str(button["label_key"]),
                        callback_data=button.get("callback_data"),
                        url=button.get("url"),
                        label_params=dict(button.get("label_params") or {}),
                    )
                    for button in row
                )
                for row in content.get("buttons") or []
            ),
            photo=content.get("photo"),
            chart=content.get("chart"),
            voice=content.get("voice"),
            card=content.get("card"),
            document=content.get("document"),
        )


@dataclass(frozen=True)
class Delivery:
    """One message for one chat (a person's private chat, or a group)."""

    chat_id: int
    person_id: int | None
    message: OutgoingMessage


@dataclass(frozen=True)
class PushReport:
    """Where the person who started a push sees its progress."""

    person_id: int | None
    chat_id: int
    language: Language


async def queue_push(
    session: Session,
    *,
    kind: str,
    title: str,
    deliveries: Iterable[Delivery],
    dedupe_prefix: str,
    now: datetime,
    report: PushReport | None = None,
    not_before: datetime | None = None,
) -> int:
    """Create a push and queue its messages in the caller's unit of work; returns its id.

    ``dedupe_prefix`` names the push's cause (e.g. ``firing:12:2026-11-19T11:00``);
    each message's key is the prefix plus its chat, so doing the same cause
    twice never queues a second copy for anyone.
    """
    push_id = await session.outbox.create_push(
        kind=kind,
        title=title,
        started_by=report.person_id if report else None,
        report_chat_id=report.chat_id if report else None,
        report_language=(report.language if report else Language.ZH_HANS).value,
        now=now,
    )
    for delivery in deliveries:
        await session.outbox.enqueue(
            push_id=push_id,
            chat_id=delivery.chat_id,
            person_id=delivery.person_id,
            content=delivery.message.to_content(),
            dedupe_key=f"{dedupe_prefix}:{delivery.chat_id}",
            not_before=not_before or now,
            now=now,
        )
    return push_id
