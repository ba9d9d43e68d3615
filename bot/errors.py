"""Domain errors that become a short reply to the person, in their language.

A service raises ``UserFacingError("key", **params)`` when a request cannot be
done (wrong role, bad input, too late); the handler layer turns it into a
reply in one place. Nothing is written when it is raised inside a unit of
work: the transaction rolls back.
"""

from __future__ import annotations


class UserFacingError(Exception):
    """A refusal or a problem the person can act on; ``key`` names a catalog text."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params
