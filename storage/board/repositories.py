"""The public board's repositories, as ``session.board``."""

from __future__ import annotations

from typing import Any

import aiosqlite

from storage.board.digest import DigestRepository
from storage.board.follows import FollowsRepository
from storage.board.pages import PagesRepository


class BoardRepositories:
    """How-to pages, matters followed, the monthly digest's queries, on one connection."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.pages = PagesRepository(conn)
        self.follows = FollowsRepository(conn)
        self.digest = DigestRepository(conn)

    async def person_record(self, person_id: int) -> dict[str, Any]:
        """For /export: the matters the person follows, the pages they wrote."""
        return {
            "follows": await self.follows.person_record(person_id),
            "pages_written": await self.pages.written_by(person_id),
        }
