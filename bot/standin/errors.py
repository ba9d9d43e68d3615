"""The stand-in's errors: a Bot API error answer and a simulated dropped connection."""

from __future__ import annotations

from typing import Any


class StandinNetworkError(ConnectionError):
    """Raised by :meth:`FakeBotApi.call` for a ``fail_next(..., description="network")``.

    :class:`StandinServer` answers it by dropping the connection; ``tests.fakes.FakeRequest`` turns
    it into ``telegram.error.NetworkError``.
    """


class _ApiError(Exception):
    """An error answer of the Bot API (``ok: false``)."""

    def __init__(
        self, error_code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def envelope(self) -> dict[str, Any]:
        """The response envelope Telegram would send for this error."""
        answer: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            answer["parameters"] = dict(self.parameters)
        return answer


def _bad(description: str) -> _ApiError:
    """A 400 answer; ``description`` without the ``Bad Request: `` prefix."""
    return _ApiError(400, f"Bad Request: {description}")
