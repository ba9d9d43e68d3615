"""Spending per project (经费使用情况公开), part of the public board: ``services.board.spending``.

- A secretary opens a project (/project, or ➕ 新建项目 under 💰 经费公开): its name, the
  budget (元: "12000", "12,000.50", "1.2万"; positive, at most 2 decimals, up to 1 亿),
  where the money comes from (optional) and the matter it carries out (the recent
  matters as buttons, or 跳过).
- The secretary records what was spent: what, how much, on which day (the date picker;
  not after today) and any photos of the receipts (Telegram file ids). An item can be
  corrected (what, amount, day) or removed; each change is kept in the project's history,
  which everyone reads (公开: no silent edits). Spending more than the budget is allowed
  and flagged ⚠️ 超出预算. A project is closed (结项) once; then nothing changes.
- Residents read each project (budget, spent, remaining, items, the receipts' photos,
  the history) under 💰 经费公开, and a matter's screen says what its project spent.
- 🔔 关注 on a project (:class:`ProjectFollows`): told of each item added, corrected or
  removed and of the project closed, as a matter's followers are (bot/board/follows.py).
- The month's changes go into the board's monthly digest, and the ledger (台账) gets a
  经费公开 sheet: one row per item, a total per project (both in
  bot/board/spending_records.py).

Amounts are integer fen (分) everywhere; they are said through :func:`bot.spoken.yuan`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from bot import parsing, spoken, usertext
from bot.board.follows import Follows, notify_followers
from bot.board.spending_records import ledger_sheet
from bot.clock import Clock, system_clock
from bot.community.register import Actor, Role
from bot.config import Language, Settings
from bot.deliberation.ledger import LedgerService, SheetsOf
from bot.dialogs import expect_step
from bot.errors import UserFacingError
from bot.i18n import translate
from bot.runtime.outbox import ButtonSpec, OutgoingMessage
from bot.spreadsheets import Sheet
from storage import Storage
from storage.board.follows import FollowsRepository
from storage.board.spending import HistoryRow, ItemRow, ProjectRow
from storage.session import Session

#: Opening a project: name, budget, source, matter.
PROJECT_FLOW = "spending_project"
#: Recording an item: what, amount, date, receipts (photos, then ✅ 完成).
ITEM_FLOW = "spending_item"
#: Correcting one field of an item: the step is the field ("what", "amount", "date").
FIX_FLOW = "spending_fix"
FIELDS = ("what", "amount", "date")
NAME_MAX = 40
SOURCE_MAX = 60
WHAT_MAX = 60
#: The largest budget or item: 1 亿元, in fen.
MAX_FEN = 100_000_000 * 100
#: Receipt photos one item may carry.
MAX_RECEIPTS = 10
#: Items on a project's screen (the latest; all are in the ledger), and changes on its
#: history's screen (the latest): a message holds at most 4,096 characters.
ITEMS_SHOWN = 30
CHANGES_SHOWN = 40
#: Matters offered as buttons when a project is opened.
RECENT_MATTERS = 6
#: The outbox kind of a follower's note about a project.
FOLLOW_KIND = "board.project_follow"
#: Callback data of a project's screen (handlers/board/spending_callbacks.py decodes it).
PROJECT_PREFIX = "osp"

_MULTIPLIERS = {"万": Decimal(10000), "千": Decimal(1000), "": Decimal(1)}
#: Decimals an amount may have in each unit, so that it is whole fen (分).
_DECIMALS = {"万": 6, "千": 5, "": 2}
_AMOUNT = re.compile(r"([+-]?)(\d+(?:\.\d+)?|\.\d+)(万|千|)")


def project_callback(project_id: int) -> str:
    """The data of a button that opens a project's screen."""
    return f"{PROJECT_PREFIX}:{project_id}"


def parse_yuan(text: str) -> int:
    """An amount as people type it, in fen: "12000", "12,000.50", "1.2万", "¥300", "300元".
    Refused unless positive, with at most 2 decimals (分), and at most 1 亿元."""
    typed = unicodedata.normalize("NFKC", usertext.line(text))
    typed = re.sub(r"[\s,，]", "", typed).removesuffix("元").removesuffix("块").lstrip("¥")
    match = _AMOUNT.fullmatch(typed)
    if match is None:
        raise UserFacingError("spending.amount_unreadable")
    sign, number, unit = match[1], match[2], match[3]
    whole, _, fraction = number.partition(".")
    if sign == "-" or not number.strip("0."):
        raise UserFacingError("spending.amount_not_positive")
    if len(whole.lstrip("0")) > 12:  # more than 1 亿 in any unit: before any arithmetic
        raise UserFacingError("spending.amount_too_big")
    if len(fraction) > _DECIMALS[unit]:
        raise UserFacingError("spending.amount_decimals")
    fen = Decimal(number) * _MULTIPLIERS[unit] * 100  # exact: at most 20 digits
    if fen > MAX_FEN:
        raise UserFacingError("spending.amount_too_big")
    return int(fen)


@dataclass(frozen=True)
class Step:
    """Where a form stands: the step now asked, and the answers so far."""

    step: str
    data: dict[str, Any]


@dataclass(frozen=True)
class ProjectView:
    """A project with its items that count."""

    project: ProjectRow
    items: list[ItemRow]
    #: What people call the project's matter (#12 of this community), if it has one.
    matter_number: int | None = None

    def shown(self) -> list[tuple[int, ItemRow]]:
        """The items on the screen with their numbers (第N笔): the latest ITEMS_SHOWN."""
        numbered = list(enumerate(self.items, 1))
        return numbered[-ITEMS_SHOWN:]


@dataclass(frozen=True)
class ItemView:
    """One item, with its project and its number in the project's list (1, 2, ...)."""

    project: ProjectRow
    item: ItemRow
    number: int


def status(language: Language, project: ProjectRow) -> str:
    """已用 X，预算 Y，还剩 Z — or ⚠️ 超出预算 Z."""
    spent, budget = (
        spoken.yuan(language, project.spent_fen),
        spoken.yuan(language, project.budget_fen),
    )
    if project.over_budget:
        over = spoken.yuan(language, -project.remaining_fen)
        return translate(language, "spending.status_over", spent=spent, budget=budget, over=over)
    left = spoken.yuan(language, project.remaining_fen)
    return translate(language, "spending.status", spent=spent, budget=budget, left=left)


def change_text(language: Language, detail: dict[str, Any], today: date | None = None) -> str:
    """What a correction changed: 金额 3,200 元 → 3,000 元；日期 … (from its history)."""
    before, after = detail.get("before", {}), detail.get("after", {})
    parts = []
    if before.get("what") != after.get("what"):
        parts.append(
            translate(
                language, "spending.change.what", old=before.get("what"), new=after.get("what")
            )
        )
    if before.get("amount_fen") != after.get("amount_fen"):
        parts.append(
            translate(
                language,
                "spending.change.amount",
                old=spoken.yuan(language, int(before.get("amount_fen", 0))),
                new=spoken.yuan(language, int(after.get("amount_fen", 0))),
            )
        )
    if before.get("spent_on") != after.get("spent_on"):
        parts.append(
            translate(
                language,
                "spending.change.date",
                old=spoken.stored_day(language, str(before.get("spent_on")), today),
                new=spoken.stored_day(language, str(after.get("spent_on")), today),
            )
        )
    return translate(language, "list_separator").join(parts)


class ProjectFollows(Follows):
    """🔔 关注 / 🔕 取消关注 on a spending project."""

    def _repo(self, session: Session) -> FollowsRepository:
        return session.board.project_follows

    async def _check(self, session: Session, subject_id: int) -> None:
        if await session.board.spending.project(subject_id) is None:
            raise UserFacingError("spending.project_gone")


class SpendingService:
    """Projects, their items and receipts, their history; 关注; the ledger's sheet."""

    def __init__(
        self,
        db: Storage,
        settings: Settings,
        clock: Clock = system_clock,
        ledger: LedgerService | None = None,
    ) -> None:
        self._db = db
        self._settings = settings
        self._clock = clock
        self.follows = ProjectFollows(db, clock)
        if ledger is not None:  # the 经费公开 sheet of the 台账
            ledger.add_section(self.ledger_section)

    @property
    def tz(self) -> ZoneInfo:
        return self._settings.community.tz

    def today(self) -> date:
        return self._clock().astimezone(self.tz).date()

    # --- reading ------------------------------------------------------------------------------

    async def projects(self, actor: Actor) -> list[ProjectRow]:
        """💰 经费公开: every project, the open ones first."""
        actor.registered_person()
        async with self._db.read() as session:
            return await session.board.spending.projects()

    async def view(self, actor: Actor, project_id: int) -> ProjectView:
        """One project with its items."""
        actor.registered_person()
        async with self._db.read() as session:
            return await self._view(session, project_id)

    async def _view(self, session: Session, project_id: int) -> ProjectView:
        project = await session.board.spending.project(project_id)
        if project is None:
            raise UserFacingError("spending.project_gone")
        items = await session.board.spending.items(project_id)
        if project.matter_id is None:
            return ProjectView(project, items)
        numbers = await session.matters.numbers([project.matter_id])
        return ProjectView(project, items, numbers.get(project.matter_id, project.matter_id))

    async def history(self, actor: Actor, project_id: int) -> tuple[ProjectRow, list[HistoryRow]]:
        """📜 变更记录: every change of the project, oldest first."""
        actor.registered_person()
        async with self._db.read() as session:
            view = await self._view(session, project_id)
            return view.project, await session.board.spending.history(project_id)

    async def receipts(self, actor: Actor, item_id: int) -> tuple[ItemView, list[str]]:
        """🧾 an item's receipt photos (file ids)."""
        actor.registered_person()
        async with self._db.read() as session:
            item = await self._item(session, item_id)
            return item, await session.board.spending.receipts(item_id)

    async def of_matter(self, matter_id: int) -> list[ProjectRow]:
        """The projects carrying out a matter (its screen says what they spent)."""
        async with self._db.read() as session:
            return await session.board.spending.of_matter(matter_id)

    async def _item(self, session: Session, item_id: int) -> ItemView:
        item = await session.board.spending.item(item_id)
        if item is None or item.removed_at is not None:
            raise UserFacingError("spending.item_gone")
        view = await self._view(session, item.project_id)
        number = next((n for n, i in enumerate(view.items, 1) if i.id == item_id), 0)
        return ItemView(view.project, item, number)

    async def item(self, actor: Actor, item_id: int) -> ItemView:
        """One item, for a secretary to correct or remove."""
        actor.require(Role.SECRETARY, "spending.secretary_only")
        async with self._db.read() as session:
            return await self._item(session, item_id)

    # --- opening a project --------------------------------------------------------------------

    async def start_project(self, actor: Actor, chat_id: int) -> Step:
        """/project or ➕ 新建项目: the name is asked."""
        actor.require(Role.SECRETARY, "spending.secretary_only")
        async with self._db.transaction() as session:
            await session.dialogs.put(
                chat_id, actor.tg_user_id, PROJECT_FLOW, "name", {}, self._clock()
            )
        return Step("name", {})

    async def project_answer(self, actor: Actor, chat_id: int, step: str, text: str) -> Step:
        """A typed answer while opening a project; the next step."""
        actor.require(Role.SECRETARY, "spending.secretary_only")
        if step == "name":
            name = _line(text, NAME_MAX)
            return await self._advance(actor, chat_id, PROJECT_FLOW, "name", "budget", name=name)
        if step == "budget":
            fen = parse_yuan(text)
            return await self._advance(
                actor, chat_id, PROJECT_FLOW, "budget", "source", budget_fen=fen
            )
        if step == "source":
            source = _line(text, SOURCE_MAX)
            return await self._advance(
                actor, chat_id, PROJECT_FLOW, "source", "matter", source=source
            )
        raise UserFacingError("spending.use_buttons")

    async def skip_source(self, actor: Actor, chat_id: int) -> Step:
        """跳过 the source of funds: the matter is asked."""
        actor.require(Role.SECRETARY, "spending.secretary_only")
        return await self._advance(actor, chat_id, PROJECT_FLOW, "source", "matter", source=None)

    async def recent_matters(self) -> list[tuple[int, int, str]]:
        """The matters offered as buttons (id, number people call it, title), the latest
        first."""
        async with self._db.read() as session:
            recent = await session.board.spending.recent_matters(RECENT_MATTERS)
            numbers = await session.matters.numbers([matter_id for matter_id, _ in recent])
        return [
            (matter_id, numbers.get(matter_id, matter_id), title) for matter_id, title in recent
        ]

    async def choose_matter(self, actor: Actor, chat_id: int, matter_id: int) -> ProjectView:
        """The matter (0: 跳过): the project is opened and the form ends."""
        me = actor.member(Role.SECRETARY, "spending.secretary_only")
        now = self._clock()
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, PROJECT_FLOW, "matter", "spending.expired"
            )
            if matter_id and await session.matters.get(matter_id) is None:
                raise UserFacingError("matter.not_found", number=matter_id)
            data = dialog.data
            repo = session.board.spending
            project_id = await repo.create(
                str(data["name"]),
                int(data["budget_fen"]),
                data.get("source"),
                matter_id or None,
                me.id,
                now,
            )
            await repo.record(
                project_id,
                "created",
                item_id=None,
                actor_id=me.id,
                now=now,
                budget_fen=int(data["budget_fen"]),
            )
            await session.dialogs.end(chat_id, actor.tg_user_id)
            await session.audit.record(
                at=now, action="spending.project_open", actor_id=me.id, detail=str(project_id)
            )
            return await self._view(session, project_id)

    # --- recording an item --------------------------------------------------------------------

    async def _open_project(self, session: Session, project_id: int) -> ProjectRow:
        project = await session.board.spending.project(project_id)
        if project is None:
            raise UserFacingError("spending.project_gone")
        if project.closed_at is not None:
            raise UserFacingError("spending.closed_already", name=project.name)
        return project

    async def start_item(self, actor: Actor, chat_id: int, project_id: int) -> ProjectRow:
        """➕ 记一笔支出: what was bought is asked."""
        actor.require(Role.SECRETARY, "spending.secretary_only")
        async with self._db.transaction() as session:
            project = await self._open_project(session, project_id)
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                ITEM_FLOW,
                "what",
                {"project": project_id, "receipts": []},
                self._clock(),
            )
        return project

    def _day(self, text: str) -> date:
        today = self.today()
        day = parsing.past_day(text.strip(), today) or parsing.written_day(text)
        if day is None:
            raise UserFacingError("spending.date_unreadable")
        if day > today:
            raise UserFacingError("spending.date_future")
        return day

    async def item_answer(self, actor: Actor, chat_id: int, step: str, text: str) -> Step:
        """A typed answer while recording an item; the next step."""
        actor.require(Role.SECRETARY, "spending.secretary_only")
        if step == "what":
            what = _line(text, WHAT_MAX)
            return await self._advance(actor, chat_id, ITEM_FLOW, "what", "amount", what=what)
        if step == "amount":
            fen = parse_yuan(text)
            return await self._advance(actor, chat_id, ITEM_FLOW, "amount", "date", amount_fen=fen)
        if step == "date":
            day = self._day(text)
            return await self._advance(
                actor, chat_id, ITEM_FLOW, "date", "receipts", spent_on=day.isoformat()
            )
        raise UserFacingError("spending.receipts_photo")

    async def receipt(self, actor: Actor, chat_id: int, file_id: str) -> int:
        """A receipt's photo, kept for the item; how many it has now."""
        actor.require(Role.SECRETARY, "spending.secretary_only")
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, ITEM_FLOW, "receipts", "spending.expired"
            )
            receipts = [*dialog.data.get("receipts", [])]
            if len(receipts) >= MAX_RECEIPTS:
                raise UserFacingError("spending.receipts_full", most=MAX_RECEIPTS)
            receipts.append(file_id)
            await session.dialogs.put(
                chat_id,
                actor.tg_user_id,
                ITEM_FLOW,
                "receipts",
                {**dialog.data, "receipts": receipts},
                self._clock(),
            )
        return len(receipts)

    async def finish_item(self, actor: Actor, chat_id: int) -> ProjectView:
        """✅ 完成 (or 没有收据): the item is recorded, its followers told."""
        me = actor.member(Role.SECRETARY, "spending.secretary_only")
        now = self._clock()
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, ITEM_FLOW, "receipts", "spending.expired"
            )
            data = dialog.data
            project = await self._open_project(session, int(data["project"]))
            repo = session.board.spending
            spent_on = date.fromisoformat(str(data["spent_on"]))
            what, fen = str(data["what"]), int(data["amount_fen"])
            item_id = await repo.add_item(project.id, what, fen, spent_on, me.id, now)
            for file_id in data.get("receipts", []):
                await repo.add_receipt(item_id, str(file_id))
            change = await repo.record(
                project.id,
                "item_added",
                item_id=item_id,
                actor_id=me.id,
                now=now,
                what=what,
                amount_fen=fen,
                spent_on=spent_on.isoformat(),
            )
            await session.dialogs.end(chat_id, actor.tg_user_id)
            await session.audit.record(
                at=now, action="spending.item_add", actor_id=me.id, detail=str(item_id)
            )
            view = await self._view(session, project.id)
            await self._tell(session, view.project, change)
        return view

    # --- corrections --------------------------------------------------------------------------

    async def start_fix(self, actor: Actor, chat_id: int, item_id: int, field: str) -> ItemView:
        """✏️ 改内容 / 改金额 / 📅 改日期: the new value is asked."""
        actor.require(Role.SECRETARY, "spending.secretary_only")
        if field not in FIELDS:
            raise UserFacingError("spending.expired")
        async with self._db.transaction() as session:
            item = await self._item(session, item_id)
            await self._open_project(session, item.project.id)
            await session.dialogs.put(
                chat_id, actor.tg_user_id, FIX_FLOW, field, {"item": item_id}, self._clock()
            )
        return item

    async def fix_answer(self, actor: Actor, chat_id: int, field: str, text: str) -> ProjectView:
        """The corrected value: the item changes, the history keeps both, followers are told."""
        me = actor.member(Role.SECRETARY, "spending.secretary_only")
        value: Any
        if field == "what":
            value = _line(text, WHAT_MAX)
        elif field == "amount":
            value = parse_yuan(text)
        else:
            value = self._day(text)
        now = self._clock()
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, FIX_FLOW, field, "spending.expired"
            )
            current = await self._item(session, int(dialog.data["item"]))
            await self._open_project(session, current.project.id)
            item = current.item
            what = value if field == "what" else item.what
            fen = value if field == "amount" else item.amount_fen
            day = value if field == "date" else item.spent_on
            await session.dialogs.end(chat_id, actor.tg_user_id)
            if (what, fen, day) == (item.what, item.amount_fen, item.spent_on):
                raise UserFacingError("spending.unchanged")
            repo = session.board.spending
            if not await repo.correct(item.id, what, fen, day):
                raise UserFacingError("spending.item_gone")
            change = await repo.record(
                item.project_id,
                "item_corrected",
                item_id=item.id,
                actor_id=me.id,
                now=now,
                before=_values(item.what, item.amount_fen, item.spent_on),
                after=_values(what, fen, day),
            )
            await session.audit.record(
                at=now, action="spending.item_correct", actor_id=me.id, detail=str(item.id)
            )
            view = await self._view(session, item.project_id)
            await self._tell(session, view.project, change)
        return view

    async def remove_item(self, actor: Actor, item_id: int) -> ProjectView:
        """🗑 删除这笔 (after asking): it no longer counts; the history keeps it."""
        me = actor.member(Role.SECRETARY, "spending.secretary_only")
        now = self._clock()
        async with self._db.transaction() as session:
            current = await self._item(session, item_id)
            await self._open_project(session, current.project.id)
            item = current.item
            repo = session.board.spending
            if not await repo.remove(item.id, now):
                raise UserFacingError("spending.item_gone")
            change = await repo.record(
                item.project_id,
                "item_removed",
                item_id=item.id,
                actor_id=me.id,
                now=now,
                **_values(item.what, item.amount_fen, item.spent_on),
            )
            await session.audit.record(
                at=now, action="spending.item_remove", actor_id=me.id, detail=str(item.id)
            )
            view = await self._view(session, item.project_id)
            await self._tell(session, view.project, change)
        return view

    async def close(self, actor: Actor, project_id: int) -> ProjectView:
        """✅ 结项 (after asking), once."""
        me = actor.member(Role.SECRETARY, "spending.secretary_only")
        now = self._clock()
        async with self._db.transaction() as session:
            project = await self._open_project(session, project_id)
            repo = session.board.spending
            if not await repo.close(project.id, me.id, now):
                raise UserFacingError("spending.closed_already", name=project.name)
            change = await repo.record(
                project.id,
                "closed",
                item_id=None,
                actor_id=me.id,
                now=now,
                spent_fen=project.spent_fen,
            )
            await session.audit.record(
                at=now, action="spending.project_close", actor_id=me.id, detail=str(project.id)
            )
            view = await self._view(session, project.id)
            await self._tell(session, view.project, change)
        return view

    # --- followers ----------------------------------------------------------------------------

    async def _tell(self, session: Session, project: ProjectRow, change: HistoryRow) -> None:
        """The project's followers' notes of ``change``, in this unit of work."""
        followers = await session.board.project_follows.followers(project.id)
        today = self.today()
        detail = change.detail
        button = ButtonSpec("spending.open_button", project_callback(project.id))

        def message(language: Language) -> OutgoingMessage:
            params: dict[str, Any] = {
                "name": project.name,
                "status": status(language, project),
                "what": detail.get("what", ""),
                "amount": spoken.yuan(language, int(detail.get("amount_fen", 0))),
            }
            if change.kind == "item_corrected":
                params["what"] = detail["after"]["what"]
                params["change"] = change_text(language, detail, today)
            return OutgoingMessage(
                f"spending.follow.{change.kind}", language, params, buttons=((button,),)
            )

        await notify_followers(
            session,
            followers,
            actor_id=change.actor_id,
            message=message,
            kind=FOLLOW_KIND,
            title=f"project {project.id} {change.kind}",
            dedupe_prefix=f"{FOLLOW_KIND}:{change.id}",
            now=change.at,
        )

    # --- the ledger ---------------------------------------------------------------------------

    async def ledger_section(self, session: Session, start: datetime, end: datetime) -> SheetsOf:
        """The ledger's 经费公开 sheet: each item dated in the period, a total per project."""
        first = start.astimezone(self.tz).date()
        last = date.fromordinal(end.astimezone(self.tz).date().toordinal() - 1)
        rows = await session.board.spending.ledger_items(first, last)
        numbers = await session.matters.numbers(
            sorted({int(row["matter_id"]) for row in rows if row["matter_id"]})
        )

        def sheets(language: Language, tz: ZoneInfo) -> list[Sheet]:
            return [ledger_sheet(language, rows, numbers)]

        return sheets

    # --- the form's steps ---------------------------------------------------------------------

    async def _advance(
        self, actor: Actor, chat_id: int, flow: str, from_step: str, to_step: str, **answers: Any
    ) -> Step:
        async with self._db.transaction() as session:
            dialog = await expect_step(
                session, chat_id, actor.tg_user_id, flow, from_step, "spending.expired"
            )
            data = {**dialog.data, **answers}
            await session.dialogs.put(chat_id, actor.tg_user_id, flow, to_step, data, self._clock())
        return Step(to_step, data)


def _line(text: str, most: int) -> str:
    value = usertext.line(text)
    if not value:
        raise UserFacingError("spending.empty")
    if len(value) > most:
        raise UserFacingError("spending.too_long", most=most)
    return value


def _values(what: str, fen: int, day: date) -> dict[str, Any]:
    return {"what": what, "amount_fen": fen, "spent_on": day.isoformat()}
