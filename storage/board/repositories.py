"""The public board's repositories, as ``session.board``."""

from __future__ import annotations

from typing import Any

import aiosqlite

from storage.board.digest import DigestRepository
from storage.board.follows import PROJECTS, FollowsRepository
from storage.board.pages import PagesRepository
from storage.board.spending import SpendingRepository


class BoardRepositories:
    """How-to pages, matters followed, the monthly digest's queries, spending per project
    and the projects followed, on one connection."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.pages = PagesRepository(conn)
        self.follows = FollowsRepository(conn)
        self.digest = DigestRepository(conn)
        # 经费公开: projects, items, receipts, history; who follows a project.
        self.spending = SpendingRepository(conn)
        self.project_follows = FollowsRepository(conn, PROJECTS)

    async def person_record(self, person_id: int) -> dict[str, Any]:
        """For /export: the matters and projects the person follows, the pages they wrote,
        the spending they recorded."""
        return {
            "follows": await self.follows.person_record(person_id),
            "pages_written": await self.pages.written_by(person_id),
            "project_follows": await self.project_follows.person_record(person_id),
            **await self.spending.person_record(person_id),
        }
