"""The ``world`` fixture of the carrying-out tests (built in world.py)."""

from tests.bot.deliberation.carrying.world import world

__all__ = ["world"]
