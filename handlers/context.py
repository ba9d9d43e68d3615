"""The typed callback context every handler receives.

``context.services`` reaches the services without casts, and ``context.actor``
is who is acting, resolved once per update by the group -1 handler
(handlers/access.py) before any other handler runs.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.community.register import Actor
from bot.services import BotData, Services


class Context(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """CallbackContext with the services and the acting person."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self.actor: Actor | None = None
        self.anonymous = False

    @property
    def services(self) -> Services:
        """The bot's services."""
        return self.bot_data.services

    def require_actor(self) -> Actor:
        """The acting person (always set for updates that have a sender)."""
        if self.actor is None:
            raise RuntimeError("no actor resolved for this update")
        return self.actor
