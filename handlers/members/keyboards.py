"""Keyboards of the Party members' systems."""

from __future__ import annotations

from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.community.register import Role
from bot.config import Language
from bot.members.appraisal import BranchView, MemberView, Screen
from bot.members.appraisal_table import GRADES, RATINGS
from handlers.board import callbacks as board_cb
from handlers.callbacks import Callback
from handlers.keyboards import button
from handlers.members import callbacks as cb
from handlers.texts import plain
from storage.community.people import PersonRow
from storage.members.appraisal import AppraisalRow, BranchRow
from storage.members.commitments import CommitmentRow
from storage.members.inservice import InserviceRow


def joined_rows(
    language: Language, person: PersonRow, person_id: int = 0
) -> list[list[InlineKeyboardButton]]:
    """🎂 入党日期 for a Party member (of oneself, or of ``person_id``); none for others."""
    if Role.PARTY_MEMBER.value not in person.roles:
        return []
    return [[button(plain(language, "members.button"), cb.SetJoined(person_id))]]


def clear_joined(language: Language, person_id: int) -> InlineKeyboardMarkup:
    """Under the question, when a date is recorded: 🗑 清除入党日期."""
    return InlineKeyboardMarkup(
        [[button(plain(language, "members.clear_button"), cb.ClearJoined(person_id))]]
    )


# --- the commitment system (党员承诺制) -------------------------------------------------

#: The date picker under "到什么时候完成？".
DUE_PICKER_KEY = "cmd"


def commitments_rows(language: Language, person: PersonRow) -> list[list[InlineKeyboardButton]]:
    """🤝 我的承诺 on /me for a Party member; none for others."""
    if Role.PARTY_MEMBER.value not in person.roles:
        return []
    return [[button(plain(language, "commit.mine_button"), cb.CommitMine())]]


def contact_choice(language: Language) -> InlineKeyboardMarkup:
    """💬 只通过议事亭联系 / 📱 也留电话号码."""
    return InlineKeyboardMarkup(
        [
            [button(plain(language, "commit.contact_bot_button"), cb.CommitContact("b"))],
            [button(plain(language, "commit.contact_phone_button"), cb.CommitContact("p"))],
        ]
    )


def mine(language: Language, commitments: list[CommitmentRow]) -> InlineKeyboardMarkup:
    """A button per commitment, then ➕ 提出新承诺."""
    rows = [
        [button(plain(language, "commit.item_button", what=c.what[:20]), cb.CommitOpen(c.id))]
        for c in commitments
    ]
    rows.append([button(plain(language, "commit.new_button"), cb.CommitNew())])
    return InlineKeyboardMarkup(rows)


def one(language: Language, commitment: CommitmentRow) -> InlineKeyboardMarkup:
    """📝 汇报进展 and ✅ 已践诺 while it is carried out; ✏️ when returned; ◀ back."""
    rows = []
    if commitment.state == "approved":
        rows.append(
            [button(plain(language, "commit.progress_button"), cb.CommitProgress(commitment.id))]
        )
        rows.append([button(plain(language, "commit.done_button"), cb.CommitDone(commitment.id))])
    elif commitment.state == "returned":
        rows.append([button(plain(language, "commit.edit_button"), cb.CommitEdit(commitment.id))])
    rows.append([button(plain(language, "commit.back_button"), cb.CommitMine())])
    return InlineKeyboardMarkup(rows)


# --- the yearly democratic appraisal (民主评议) ---------------------------------------------


def _grade_rows(
    language: Language, data: Callable[[str], Callback]
) -> list[list[InlineKeyboardButton]]:
    """优秀 合格 / 基本合格 不合格."""
    buttons = [button(plain(language, f"appraisal.grade.{g}"), data(g)) for g in GRADES]
    return [buttons[:2], buttons[2:]]


def appraisal_home(language: Language, screen: Screen) -> InlineKeyboardMarkup | None:
    """The secretary's screen: open it; or 🏛 支部测评, 📝 my part, 🔒 结束评议."""
    appraisal = screen.appraisal
    if appraisal is None:
        if not screen.secretary:
            return None
        label = plain(language, "appraisal.open_button", year=screen.year)
        return InlineKeyboardMarkup([[button(label, cb.AppraisalOpen(screen.year))]])
    rows: list[list[InlineKeyboardButton]] = []
    if screen.secretary:
        rows.append(
            [button(plain(language, "appraisal.branch_button"), cb.AppraisalBranch(appraisal.id))]
        )
    if screen.member:
        rows.append(
            [button(plain(language, "appraisal.mine_button"), cb.AppraisalPeers(appraisal.id))]
        )
    if screen.secretary:
        rows.append(
            [button(plain(language, "appraisal.close_button"), cb.AppraisalClose(appraisal.id))]
        )
    return InlineKeyboardMarkup(rows)


def appraisal_mine(language: Language, view: MemberView) -> InlineKeyboardMarkup:
    """📝 自评 (to change it), then a button per other member with the grade given."""
    aid = view.appraisal.id
    rows = [[button(plain(language, "appraisal.self_button"), cb.AppraisalSelfScreen(aid))]]
    for member, grade in view.others:
        shown = plain(language, f"appraisal.grade.{grade}" if grade else "appraisal.not_rated")
        label = plain(language, "appraisal.peer_item", name=member.display_name, grade=shown)
        rows.append([button(label, cb.AppraisalPeer(aid, member.id))])
    return InlineKeyboardMarkup(rows)


def appraisal_self(language: Language, appraisal_id: int) -> InlineKeyboardMarkup:
    rows = _grade_rows(language, lambda g: cb.AppraisalSelf(appraisal_id, g))
    rows.append([button(plain(language, "appraisal.back_button"), cb.AppraisalPeers(appraisal_id))])
    return InlineKeyboardMarkup(rows)


def appraisal_after_self(language: Language, appraisal_id: int) -> InlineKeyboardMarkup:
    """👥 互评其他党员, after the self-assessment."""
    return InlineKeyboardMarkup(
        [[button(plain(language, "appraisal.peers_button"), cb.AppraisalPeers(appraisal_id))]]
    )


def appraisal_peer(language: Language, appraisal_id: int, member_id: int) -> InlineKeyboardMarkup:
    rows = _grade_rows(language, lambda g: cb.AppraisalPeerGrade(appraisal_id, member_id, g))
    rows.append([button(plain(language, "appraisal.back_button"), cb.AppraisalPeers(appraisal_id))])
    return InlineKeyboardMarkup(rows)


def appraisal_branch_list(
    language: Language, appraisal: AppraisalRow, members: list[tuple[PersonRow, BranchRow | None]]
) -> InlineKeyboardMarkup:
    rows = []
    for member, branch in members:
        grade = branch.grade if branch else None
        shown = plain(language, f"appraisal.grade.{grade}" if grade else "appraisal.not_rated")
        label = plain(language, "appraisal.peer_item", name=member.display_name, grade=shown)
        rows.append([button(label, cb.AppraisalBranchMember(appraisal.id, member.id))])
    rows.append(
        [button(plain(language, "appraisal.back_button"), cb.AppraisalHome(appraisal.year))]
    )
    return InlineKeyboardMarkup(rows)


def appraisal_branch_member(language: Language, view: BranchView) -> InlineKeyboardMarkup:
    aid, mid = view.appraisal.id, view.member.id
    rows = _grade_rows(language, lambda g: cb.AppraisalBranchGrade(aid, mid, g))
    rows.append(
        [button(plain(language, "appraisal.note_button"), cb.AppraisalBranchNote(aid, mid))]
    )
    rows.append([button(plain(language, "appraisal.back_button"), cb.AppraisalBranch(aid))])
    return InlineKeyboardMarkup(rows)


def appraisal_back_to_branch(language: Language, appraisal_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(plain(language, "appraisal.back_button"), cb.AppraisalBranch(appraisal_id))]]
    )


def appraisal_close(language: Language, appraisal: AppraisalRow) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [button(plain(language, "appraisal.close_sure"), cb.AppraisalCloseSure(appraisal.id))],
            [button(plain(language, "appraisal.back_button"), cb.AppraisalHome(appraisal.year))],
        ]
    )


def appraisal_pages(
    year: int, page: int, pages: int, language: Language
) -> InlineKeyboardMarkup | None:
    """◀ 上一页 / 下一页 ▶ under a page of the table."""
    row = []
    if page > 0:
        row.append(button(plain(language, "appraisal.prev_page"), cb.AppraisalPage(year, page - 1)))
    if page + 1 < pages:
        row.append(button(plain(language, "appraisal.next_page"), cb.AppraisalPage(year, page + 1)))
    return InlineKeyboardMarkup([row]) if row else None


def pledge_rate_rows(
    language: Language, commitments: list[CommitmentRow]
) -> list[list[InlineKeyboardButton]]:
    """💬 评价 张阿姨 的承诺, one per public pledge (the board's 🤝 党员承诺)."""
    return [
        [
            button(
                plain(language, "appraisal.rate_button", name=c.member_name, number=c.number),
                cb.PledgeRateScreen(c.id),
            )
        ]
        for c in commitments
    ]


def pledge_ratings(language: Language, commitment_id: int) -> InlineKeyboardMarkup:
    """满意 / 基本满意 / 不满意 on the board, and ◀ back to the pledges."""
    return InlineKeyboardMarkup(
        [
            [
                button(plain(language, f"appraisal.rate.{r}"), cb.PledgeRate(commitment_id, r))
                for r in RATINGS
            ],
            [button(plain(language, "appraisal.back_button"), board_cb.BoardCommitments())],
        ]
    )


# --- in-service members reporting in (在职党员报到) ----------------------------------------


def inservice_rows(language: Language, person: PersonRow) -> list[list[InlineKeyboardButton]]:
    """🏢 在职党员报到 on /me for a Party member; none for others."""
    if Role.PARTY_MEMBER.value not in person.roles:
        return []
    return [[button(plain(language, "inservice.me_button"), cb.InserviceOpen())]]


def inservice_mine(language: Language) -> InlineKeyboardMarkup:
    """Under the member's record: 🪪 我的联系卡 · ✏️ 重新填写."""
    return InlineKeyboardMarkup(
        [
            [button(plain(language, "inservice.card_button"), cb.InserviceCard())],
            [button(plain(language, "inservice.redo_button"), cb.InserviceRedo())],
        ]
    )


def inservice_posts(names: list[str]) -> InlineKeyboardMarkup:
    """A button per post, two a row."""
    buttons = [button(name, cb.InservicePost(index)) for index, name in enumerate(names)]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def inservice_buildings(language: Language, buildings: list[str]) -> InlineKeyboardMarkup:
    """A button per building of the register, three a row, then ⏭ 跳过."""
    buttons = [button(name, cb.InserviceBuilding(index)) for index, name in enumerate(buildings)]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    rows.append([button(plain(language, "inservice.skip_button"), cb.InserviceBuilding(-1))])
    return InlineKeyboardMarkup(rows)


def inservice_reply(language: Language, message_id: int) -> InlineKeyboardMarkup:
    """↩ 回复 (under a relayed message, after a refused reply)."""
    return InlineKeyboardMarkup(
        [[button(plain(language, "inservice.reply_button"), cb.InserviceReply(message_id))]]
    )


#: Members a page of /inservice shows.
INSERVICE_PAGE = 10


def inservice_roster(
    language: Language, records: list[InserviceRow], page: int
) -> InlineKeyboardMarkup:
    """A button per in-service member of the page, ◀ ▶ between pages, then 📄 年度反馈."""
    start = page * INSERVICE_PAGE
    shown = records[start : start + INSERVICE_PAGE]
    rows = [[button(r.name, cb.InserviceMember(r.person_id))] for r in shown]
    turn = []
    if page > 0:
        turn.append(button(plain(language, "inservice.prev_button"), cb.InserviceList(page - 1)))
    if start + INSERVICE_PAGE < len(records):
        turn.append(button(plain(language, "inservice.next_button"), cb.InserviceList(page + 1)))
    if turn:
        rows.append(turn)
    if records:
        rows.append([button(plain(language, "inservice.feedback_button"), cb.InserviceFeedback())])
    return InlineKeyboardMarkup(rows)


def inservice_member(language: Language, person_id: int) -> InlineKeyboardMarkup:
    """On a member of /inservice: 📤 发联系卡到居民群 · 🗑 移出名单 · ◀ 返回."""
    return InlineKeyboardMarkup(
        [
            [button(plain(language, "inservice.post_button"), cb.InserviceAction(person_id, "g"))],
            [
                button(
                    plain(language, "inservice.remove_button"), cb.InserviceAction(person_id, "x")
                )
            ],
            [button(plain(language, "inservice.back_button"), cb.InserviceList(0))],
        ]
    )
