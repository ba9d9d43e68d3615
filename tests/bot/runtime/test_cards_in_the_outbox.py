"""A message's card: stored in the outbox, drawn at send time by the renderer it names."""

from __future__ import annotations

from typing import Any

import pytest

from bot.config import Language
from bot.runtime.outbox import OutgoingMessage
from bot.runtime.sender import photo_of

CARD = {"renderer": "test.card", "params": {"name": "张阿姨"}}


def test_a_card_survives_the_outbox_and_is_drawn_by_its_renderer() -> None:
    message = OutgoingMessage("members.card_caption", Language.ZH_HANS, card=CARD)
    stored = OutgoingMessage.from_content(message.to_content())
    assert stored == message
    drawn: list[dict[str, Any]] = []

    def renderer(params: dict[str, Any]) -> bytes:
        drawn.append(params)
        return b"PNG"

    assert photo_of(stored, None, {"test.card": renderer}) == b"PNG"
    assert drawn == [{"name": "张阿姨"}]


def test_a_card_that_cannot_be_drawn_leaves_the_text_alone(
    caplog: pytest.LogCaptureFixture,
) -> None:
    message = OutgoingMessage("members.card_caption", Language.ZH_HANS, card=CARD)
    assert photo_of(message, None, {}) is None  # no such renderer

    def broken(params: dict[str, Any]) -> bytes:
        raise ValueError("no font")

    assert photo_of(message, None, {"test.card": broken}) is None
    assert "cannot draw the card" in caplog.text
    # A message without a card is as before.
    assert photo_of(OutgoingMessage("x", Language.ZH_HANS), None, {"test.card": broken}) is None
