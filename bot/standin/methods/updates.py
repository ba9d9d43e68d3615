"""The update queue as the bot reads it: getUpdates (offsets, long polls, allowed_updates, the
409 of a second poll), setWebhook, deleteWebhook, getWebhookInfo, and taking updates as a
webhook would receive them.
"""

from __future__ import annotations

import asyncio
import copy
import re
from collections import deque
from typing import Any

from bot.standin.errors import _ApiError, _bad
from bot.standin.world import World, _Files

# Update types Telegram leaves out unless they are asked for in allowed_updates.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class Updates(World):
    """getUpdates, webhooks and the queue of pending updates."""

    @property
    def pending_updates(self) -> int:
        """Updates queued and not yet confirmed by a getUpdates offset."""
        return len(self._updates)

    def take_updates(self) -> list[dict[str, Any]]:
        """Remove and return every queued update, as Telegram would push them to a webhook."""
        taken = [copy.deepcopy(update) for update in self._updates]
        self._updates.clear()
        self.delivered_update_ids.extend(update["update_id"] for update in taken)
        self._notify()
        return taken

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook.get("url"):
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset")
        if isinstance(offset, int):
            if offset < 0:
                while len(self._updates) > -offset:
                    self._updates.popleft()
            else:
                while self._updates and self._updates[0]["update_id"] < offset:
                    self._updates.popleft()
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(str(kind) for kind in allowed) or None
        limit = params.get("limit")
        limit = 100 if not isinstance(limit, int) else min(max(limit, 1), 100)
        timeout = params.get("timeout")
        timeout = max(0, timeout) if isinstance(timeout, int) else 0
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self._poll_generation != generation:
                raise _ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one "
                    "bot instance is running",
                )
            ready = self._deliverable(limit)
            remaining = deadline - loop.time()
            if ready or remaining <= 0:
                self.delivered_update_ids.extend(update["update_id"] for update in ready)
                return copy.deepcopy(ready)
            await self._wait_change(remaining)

    def _deliverable(self, limit: int) -> list[dict[str, Any]]:
        allowed = self._allowed_updates
        kept: deque[dict[str, Any]] = deque()
        for update in self._updates:
            kind = next(key for key in update if key != "update_id")
            if (kind in allowed) if allowed is not None else (kind not in _OPT_IN_UPDATES):
                kept.append(update)
        self._updates = kept
        return list(kept)[:limit]

    def _delete_webhook(self, params: dict[str, Any], files: _Files) -> Any:
        self.webhook = {}
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _set_webhook(self, params: dict[str, Any], files: _Files) -> Any:
        url = str(params.get("url") or "")
        if url:
            match = re.fullmatch(r"https://[^/:]+(?::(\d+))?(/.*)?", url)
            if not match:
                raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
            if match.group(1) and match.group(1) not in ("80", "88", "443", "8443"):
                raise _bad("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook = {key: value for key, value in params.items() if key != "certificate"}
        if not url:
            self.webhook = {}
        return True

    def _get_webhook_info(self, params: dict[str, Any], files: _Files) -> Any:
        info: dict[str, Any] = {
            "url": str(self.webhook.get("url", "")),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if info["url"]:
            info["max_connections"] = int(self.webhook.get("max_connections", 40))
            if isinstance(self.webhook.get("allowed_updates"), list):
                info["allowed_updates"] = list(self.webhook["allowed_updates"])
        return info
