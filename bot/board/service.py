"""The public board (信息公开 / 党务公开栏, issue 14 §6), gathered as ``services.board``:
"将社区组织机构、人员变动信息、管辖事项、办事流程、经费使用情况等信息定期向社区居民公开".

- ``.committee``: 社区组织 — the secretaries, the grid workers and their grids, the
  supervision group (names only: no phone numbers, no Telegram usernames).
- ``.pages``: 办事流程 — how-to pages a secretary writes (/boardpage), residents read.
- ``.resolutions``: 决议公开 — matters decided, their resolution, owner, deadline,
  progress and state, paged.
- ``.digest``: on the 1st, the month's changes to the residents' groups (digest.py).
- ``.spending``: 经费公开 — spending per project: budget, items, receipts' photos, the
  history of changes, 关注 a project, the ledger's sheet (spending.py).
- ``.follows``: 关注 — a resident follows a matter and is told privately of each change
  (a progress report, acceptance, closing, a vote opened or closed), hooked where the
  matter's history is written (storage ``MattersRepository.add_event``).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import usertext
from bot.board.digest import DigestService
from bot.board.follows import FollowService
from bot.board.spending import SpendingService
from bot.clock import Clock, system_clock
from bot.community.register import Actor, Role
from bot.config import Language, Settings
from bot.deliberation.ledger import LedgerService
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from bot.runtime.scheduler import SchedulerService
from storage import Storage
from storage.board.pages import PageRow
from storage.deliberation.matters import MatterRow

#: The guided conversation where a secretary writes a how-to page.
PAGE_FLOW = "board_page"
TITLE_STEP = "title"
BODY_STEP = "body"
#: How long a page's title and text may be (the table checks them too).
TITLE_MAX = 40
BODY_MAX = 2000
#: Resolutions per screen of 决议公开.
RESOLUTIONS_PER_PAGE = 5


@dataclass(frozen=True)
class GridTeam:
    """One grid and its grid workers' names."""

    name: str
    workers: list[str]


@dataclass(frozen=True)
class Committee:
    """社区组织: who does what, by name only."""

    secretaries: list[str]
    grids: list[GridTeam]
    #: Grid workers whose grid is not (or no longer) one of the community's.
    other_workers: list[str]
    supervisors: list[str]


@dataclass(frozen=True)
class ResolutionsPage:
    """One screen of 决议公开."""

    matters: list[MatterRow]
    page: int
    pages: int


class CommitteeService:
    """社区组织, from the register and the configured grids."""

    def __init__(self, db: Storage, settings: Settings) -> None:
        self._db = db
        self._settings = settings

    async def committee(self, actor: Actor, language: Language) -> Committee:
        """Who does what, for a registered reader."""
        actor.registered_person()
        community = self._settings.community
        async with self._db.read() as session:
            secretaries = [p.display_name for p in await session.people.with_role("secretary")]
            for tg_user_id in community.secretaries:
                person = await session.people.by_telegram_id(tg_user_id)
                if person is not None and person.display_name not in secretaries:
                    secretaries.append(person.display_name)
            workers = await session.people.with_role(Role.GRID_WORKER.value)
            supervisors = await session.people.with_role(Role.SUPERVISOR.value)
        grid_ids = {grid.id for grid in community.grids}
        return Committee(
            secretaries=secretaries,
            grids=[
                GridTeam(
                    grid.name_in(language),
                    [w.display_name for w in workers if w.grid_id == grid.id],
                )
                for grid in community.grids
            ],
            other_workers=[w.display_name for w in workers if w.grid_id not in grid_ids],
            supervisors=[p.display_name for p in supervisors],
        )


class PagesService:
    """办事流程: how-to pages; a secretary writes, edits and removes them."""

    def __init__(self, db: Storage, clock: Clock = system_clock) -> None:
        self._db = db
        self._clock = clock

    async def all(self) -> list[PageRow]:
        """Every page, oldest first."""
        async with self._db.read() as session:
            return await session.board.pages.all()

    async def get(self, page_id: int) -> PageRow:
        """One page; refused if it was removed."""
        async with self._db.read() as session:
            page = await session.board.pages.get(page_id)
        if page is None:
            raise UserFacingError("board.page_gone")
        return page

    async def start(self, actor: Actor, chat_id: int, page_id: int = 0) -> PageRow | None:
        """➕ 新建 (``page_id`` 0) or ✏️ 修改: ask the title; returns the page edited."""
        actor.require(Role.SECRETARY, "board.secretary_only")
        page = await self.get(page_id) if page_id else None
        async with self._db.transaction() as session:
            await session.dialogs.put(
                chat_id, actor.tg_user_id, PAGE_FLOW, TITLE_STEP, {"page": page_id}, self._clock()
            )
        return page

    async def title(self, actor: Actor, chat_id: int, text: str) -> PageRow | None:
        """The typed title: kept, and the text is asked; returns the page edited."""
        actor.require(Role.SECRETARY, "board.secretary_only")
        title = usertext.line(text)
        if not title:
            raise UserFacingError("board.title_empty")
        if len(title) > TITLE_MAX:
            raise UserFacingError("board.title_long", most=TITLE_MAX)
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, PAGE_FLOW, TITLE_STEP, "board.expired"
            )
            data = {**dialog.data, "title": title}
            await session.dialogs.put(
                chat_id, actor.tg_user_id, PAGE_FLOW, BODY_STEP, data, self._clock()
            )
            page_id = int(data["page"])
            return await session.board.pages.get(page_id) if page_id else None

    async def body(self, actor: Actor, chat_id: int, text: str) -> PageRow:
        """The typed text: the page is saved (new or changed) and the conversation ends."""
        actor.require(Role.SECRETARY, "board.secretary_only")
        body = usertext.block(text)
        if not body:
            raise UserFacingError("board.body_empty")
        if len(body) > BODY_MAX:
            raise UserFacingError("board.body_long", most=BODY_MAX)
        now = self._clock()
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, PAGE_FLOW, BODY_STEP, "board.expired"
            )
            page_id, title = int(dialog.data["page"]), str(dialog.data["title"])
            if page_id:
                if not await session.board.pages.update(page_id, title, body, now):
                    raise UserFacingError("board.page_gone")
                action = "board.page_edit"
            else:
                page_id = await session.board.pages.add(title, body, actor.person_id, now)
                action = "board.page_add"
            await session.dialogs.end(chat_id, actor.tg_user_id)
            await session.audit.record(
                at=now, action=action, actor_id=actor.person_id, detail=str(page_id)
            )
            page = await session.board.pages.get(page_id)
        assert page is not None  # noqa: S101 - written in this unit of work
        return page

    async def remove(self, actor: Actor, page_id: int) -> PageRow:
        """🗑 删除: the page is gone from the board."""
        actor.require(Role.SECRETARY, "board.secretary_only")
        now = self._clock()
        async with self._db.transaction() as session:
            page = await session.board.pages.get(page_id)
            if page is None or not await session.board.pages.delete(page_id):
                raise UserFacingError("board.page_gone")
            await session.audit.record(
                at=now, action="board.page_remove", actor_id=actor.person_id, detail=str(page_id)
            )
        return page


class ResolutionsService:
    """决议公开: the matters decided, as the deliberation services recorded them."""

    def __init__(self, db: Storage) -> None:
        self._db = db

    async def page(self, actor: Actor, page: int) -> ResolutionsPage:
        """One screen, the latest resolutions first."""
        actor.registered_person()
        async with self._db.read() as session:
            total = await session.matters.count_resolved()
            pages = max(1, -(-total // RESOLUTIONS_PER_PAGE))
            page = min(max(page, 0), pages - 1)
            matters = await session.matters.resolved(
                page * RESOLUTIONS_PER_PAGE, RESOLUTIONS_PER_PAGE
            )
        return ResolutionsPage(matters, page, pages)


class Board:
    """The public board: one part per section."""

    def __init__(
        self,
        db: Storage,
        settings: Settings,
        scheduler: SchedulerService,
        clock: Clock = system_clock,
        ledger: LedgerService | None = None,
    ) -> None:
        self.committee = CommitteeService(db, settings)
        self.pages = PagesService(db, clock)
        self.resolutions = ResolutionsService(db)
        self.follows = FollowService(db, clock)
        # Registers the built-in schedule of the monthly digest to the residents' groups.
        self.digest = DigestService(db, settings, scheduler, clock)
        # 经费公开: projects, items, receipts, follows; adds its sheet to the ledger.
        self.spending = SpendingService(db, settings, clock, ledger)
