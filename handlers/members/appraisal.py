"""The yearly democratic appraisal (民主评议): /appraisal, the members' self-assessment and
peer rating, the branch's assessment, closing, the table and its workbook; residents'
ratings of public pledges (under the pledge card, and on the board)."""

from __future__ import annotations

from telegram import InputFile, Update

from bot import parsing
from bot.members.appraisal import NOTE_FLOW, SELF_FLOW
from bot.members.appraisal_table import Table, table_sheet
from bot.spreadsheets import xlsx_bytes
from handlers.access import answer, reply, show
from handlers.context import Context
from handlers.members import callbacks as cb
from handlers.members import keyboards, texts
from handlers.texts import plain, t


def _chat_id(update: Update) -> int:
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - always in a chat
    return chat.id


def _data(update: Update) -> str | None:
    return update.callback_query.data if update.callback_query else None


async def _home(update: Update, context: Context, year: int | None) -> None:
    actor = context.require_actor()
    service = context.services.members.appraisal
    screen = await service.screen(actor, year)
    if screen.appraisal is not None and screen.appraisal.closed and screen.secretary:
        await _send_table(update, context, await service.table(actor, screen.year))
        return
    if screen.appraisal is not None and screen.appraisal.closed:
        await reply(update, t(actor.language, "appraisal.closed"))
        return
    language = actor.language
    await show(
        update, texts.appraisal_home(language, screen), keyboards.appraisal_home(language, screen)
    )


async def appraisal_command(update: Update, context: Context) -> None:
    """/appraisal [year]: the secretary's screen (open, rate, close, the table); a
    member's own part."""
    args = context.args or []
    year = parsing.number(args[0], low=2000, high=2999) if args else None
    if args and year is None:
        await reply(update, t(context.require_actor().language, "appraisal.bad_year"))
        return
    await _home(update, context, year)


async def home_pressed(update: Update, context: Context) -> None:
    """◀ 返回 to the year's screen."""
    await _home(update, context, cb.AppraisalHome.decode(_data(update)).year)


async def open_pressed(update: Update, context: Context) -> None:
    """▶️ 开始 2026 年度民主评议: every member is asked."""
    data = cb.AppraisalOpen.decode(_data(update))
    actor = context.require_actor()
    _, opened = await context.services.members.appraisal.open(actor, data.year)
    if opened:
        context.services.wake_sender()
    await answer(update, plain(actor.language, "appraisal.opened_toast", year=data.year))
    await _home(update, context, data.year)


# --- a member's part -------------------------------------------------------------------------


async def self_pressed(update: Update, context: Context) -> None:
    """A grade of the self-assessment; then a few words are asked."""
    data = cb.AppraisalSelf.decode(_data(update))
    actor = context.require_actor()
    await context.services.members.appraisal.grade_self(
        actor, _chat_id(update), data.appraisal_id, data.grade
    )
    language = actor.language
    await answer(update)
    await context.bot.send_message(
        _chat_id(update),
        t(
            language,
            "appraisal.self_done",
            grade=t(language, f"appraisal.grade.{data.grade}"),
            limit=300,
        ),
        reply_markup=keyboards.appraisal_after_self(language, data.appraisal_id),
    )


async def self_screen_pressed(update: Update, context: Context) -> None:
    """📝 自评: the four grades, to give or change one's own."""
    data = cb.AppraisalSelfScreen.decode(_data(update))
    actor = context.require_actor()
    view = await context.services.members.appraisal.mine(actor, data.appraisal_id)
    await show(
        update,
        t(actor.language, "appraisal.self_ask", year=view.appraisal.year),
        keyboards.appraisal_self(actor.language, data.appraisal_id),
    )


async def self_text(update: Update, context: Context, step: str, text: str) -> None:
    """The few words typed after the self-assessment's grade."""
    actor = context.require_actor()
    appraisal = await context.services.members.appraisal.describe_self(
        actor, _chat_id(update), text
    )
    await reply(
        update,
        t(actor.language, "appraisal.self_text_done"),
        keyboards.appraisal_after_self(actor.language, appraisal.id),
    )


async def peers_pressed(update: Update, context: Context) -> None:
    """👥 互评 / 📝 我的自评和互评: one's own grade, and a button per other member."""
    data = cb.AppraisalPeers.decode(_data(update))
    actor = context.require_actor()
    view = await context.services.members.appraisal.mine(actor, data.appraisal_id)
    await show(
        update,
        texts.appraisal_mine(actor.language, view),
        keyboards.appraisal_mine(actor.language, view),
    )


async def peer_pressed(update: Update, context: Context) -> None:
    """One member: the four grades."""
    data = cb.AppraisalPeer.decode(_data(update))
    actor = context.require_actor()
    member = await context.services.members.appraisal.peer(actor, data.appraisal_id, data.member_id)
    await show(
        update,
        t(actor.language, "appraisal.peer_ask", name=member.display_name),
        keyboards.appraisal_peer(actor.language, data.appraisal_id, member.id),
    )


async def peer_grade_pressed(update: Update, context: Context) -> None:
    """A grade for another member; back to the list, the grade shown."""
    data = cb.AppraisalPeerGrade.decode(_data(update))
    actor = context.require_actor()
    service = context.services.members.appraisal
    member = await service.rate_peer(actor, data.appraisal_id, data.member_id, data.grade)
    view = await service.mine(actor, data.appraisal_id)
    language = actor.language
    toast = plain(
        language,
        "appraisal.peer_done",
        name=member.display_name,
        grade=plain(language, f"appraisal.grade.{data.grade}"),
    )
    await show(
        update,
        texts.appraisal_mine(language, view),
        keyboards.appraisal_mine(language, view),
        toast=toast,
    )


# --- the branch's assessment ---------------------------------------------------------------


async def branch_pressed(update: Update, context: Context) -> None:
    """🏛 支部测评: every member with the branch's grade."""
    data = cb.AppraisalBranch.decode(_data(update))
    actor = context.require_actor()
    appraisal, members = await context.services.members.appraisal.branch_list(
        actor, data.appraisal_id
    )
    await show(
        update,
        t(actor.language, "appraisal.branch_intro", year=appraisal.year),
        keyboards.appraisal_branch_list(actor.language, appraisal, members),
    )


async def branch_member_pressed(update: Update, context: Context) -> None:
    data = cb.AppraisalBranchMember.decode(_data(update))
    actor = context.require_actor()
    view = await context.services.members.appraisal.branch_view(
        actor, data.appraisal_id, data.member_id
    )
    await show(
        update,
        texts.appraisal_branch_view(actor.language, view),
        keyboards.appraisal_branch_member(actor.language, view),
    )


async def branch_grade_pressed(update: Update, context: Context) -> None:
    data = cb.AppraisalBranchGrade.decode(_data(update))
    actor = context.require_actor()
    view = await context.services.members.appraisal.grade_branch(
        actor, data.appraisal_id, data.member_id, data.grade
    )
    language = actor.language
    await show(
        update,
        texts.appraisal_branch_view(language, view),
        keyboards.appraisal_branch_member(language, view),
        toast=plain(language, "appraisal.saved"),
    )


async def branch_note_pressed(update: Update, context: Context) -> None:
    """✏️ 写意见: the note is typed next."""
    data = cb.AppraisalBranchNote.decode(_data(update))
    actor = context.require_actor()
    member = await context.services.members.appraisal.ask_note(
        actor, _chat_id(update), data.appraisal_id, data.member_id
    )
    await answer(update)
    await context.bot.send_message(
        _chat_id(update), t(actor.language, "appraisal.note_ask", name=member.display_name)
    )


async def note_text(update: Update, context: Context, step: str, text: str) -> None:
    actor = context.require_actor()
    appraisal, member = await context.services.members.appraisal.note(actor, _chat_id(update), text)
    language = actor.language
    await reply(
        update,
        t(language, "appraisal.note_done", name=member.display_name),
        keyboards.appraisal_back_to_branch(language, appraisal.id),
    )


# --- closing and the table -------------------------------------------------------------------


async def close_pressed(update: Update, context: Context) -> None:
    """🔒 结束评议: asks to be sure."""
    data = cb.AppraisalClose.decode(_data(update))
    actor = context.require_actor()
    appraisal = await context.services.members.appraisal.to_close(actor, data.appraisal_id)
    await show(
        update,
        t(actor.language, "appraisal.close_ask", year=appraisal.year),
        keyboards.appraisal_close(actor.language, appraisal),
    )


async def close_sure_pressed(update: Update, context: Context) -> None:
    """✅ 确定结束: closed; the table and its workbook."""
    data = cb.AppraisalCloseSure.decode(_data(update))
    actor = context.require_actor()
    service = context.services.members.appraisal
    appraisal = await service.close(actor, data.appraisal_id)
    await answer(update, plain(actor.language, "appraisal.closed_toast", year=appraisal.year))
    await _send_table(update, context, await service.table(actor, appraisal.year))


async def _send_table(update: Update, context: Context, table: Table, page: int = 0) -> None:
    language = context.require_actor().language
    text, pages = texts.appraisal_table(language, table, page)
    await show(update, text, keyboards.appraisal_pages(table.year, page, pages, language))
    content = xlsx_bytes([table_sheet(language, table)])
    await context.bot.send_document(
        _chat_id(update),
        InputFile(content, filename=t(language, "appraisal.sheet_file", year=table.year) + ".xlsx"),
    )


async def page_pressed(update: Update, context: Context) -> None:
    """◀ 上一页 / 下一页 ▶ of the table (the workbook is not sent again)."""
    data = cb.AppraisalPage.decode(_data(update))
    actor = context.require_actor()
    table = await context.services.members.appraisal.table(actor, data.year)
    text, pages = texts.appraisal_table(actor.language, table, data.page)
    await show(update, text, keyboards.appraisal_pages(data.year, data.page, pages, actor.language))


# --- residents' ratings of public pledges ---------------------------------------------------


async def pledge_rate_pressed(update: Update, context: Context) -> None:
    """满意 / 基本满意 / 不满意 under a pledge (in the group, or on the board): an alert
    only the resident sees; the card is left as it was."""
    data = cb.PledgeRate.decode(_data(update))
    actor = context.require_actor()
    name = await context.services.members.appraisal.rate_pledge(
        actor, data.commitment_id, data.rating
    )
    language = actor.language
    text = plain(
        language,
        "appraisal.rated",
        name=name,
        rating=plain(language, f"appraisal.rate.{data.rating}"),
    )
    await answer(update, text, alert=True)


async def pledge_screen_pressed(update: Update, context: Context) -> None:
    """💬 评价 on the board: the three ratings of one pledge."""
    data = cb.PledgeRateScreen.decode(_data(update))
    actor = context.require_actor()
    commitment = await context.services.members.appraisal.pledge(data.commitment_id)
    await show(
        update,
        t(actor.language, "appraisal.rate_ask", name=commitment.member_name, what=commitment.what),
        keyboards.pledge_ratings(actor.language, commitment.id),
    )


#: Typed answers of the appraisal's forms (flow name -> handler).
TEXT_ANSWERS = {SELF_FLOW: self_text, NOTE_FLOW: note_text}
