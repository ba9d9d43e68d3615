"""The commitment system (党员承诺制): /commit and 🤝 我的承诺, the secretaries' decision,
progress and 已践诺, and /commitments (the review)."""

from __future__ import annotations

from telegram import InputFile, Message, Update

from bot.datepicker import Needs
from bot.errors import UserFacingError
from bot.members.commitments import FLOW, PROGRESS_FLOW, RETURN_FLOW, Step, review_sheet
from bot.spreadsheets import xlsx_bytes
from handlers.access import answer, reply, show
from handlers.community.keyboards import lost
from handlers.context import Context
from handlers.datepicker import picker
from handlers.members import callbacks as cb
from handlers.members import keyboards, texts
from handlers.texts import t


def _chat_id(update: Update) -> int:
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - always in a chat
    return chat.id


def _data(update: Update) -> str | None:
    return update.callback_query.data if update.callback_query else None


async def _ask(update: Update, context: Context, step: Step, *, edit: bool = False) -> None:
    """The question of ``step``, with its buttons (the date picker, the contact choice)."""
    language = context.require_actor().language
    text = texts.commit_step(language, step)
    markup = None
    if step.step == "due":
        markup = picker.keyboard(context, DUE_PICKER)
    elif step.step == "contact":
        markup = keyboards.contact_choice(language)
    if edit:
        await show(update, text, markup)
    else:
        await reply(update, text, markup)


async def commit_command(update: Update, context: Context) -> None:
    """/commit: propose a commitment (a Party member)."""
    actor = context.require_actor()
    step = await context.services.members.commitments.start(actor, _chat_id(update))
    await _ask(update, context, step)


async def new_pressed(update: Update, context: Context) -> None:
    """➕ 提出新承诺."""
    actor = context.require_actor()
    step = await context.services.members.commitments.start(actor, _chat_id(update))
    await answer(update)
    await context.bot.send_message(_chat_id(update), texts.commit_step(actor.language, step))


async def edit_pressed(update: Update, context: Context) -> None:
    """✏️ 修改后重新提交 under a returned commitment: the same steps again."""
    data = cb.CommitEdit.decode(_data(update))
    actor = context.require_actor()
    step = await context.services.members.commitments.start(
        actor, _chat_id(update), data.commitment_id
    )
    await answer(update)
    await context.bot.send_message(_chat_id(update), texts.commit_step(actor.language, step))


async def _after(update: Update, context: Context, step: Step, *, edit: bool) -> None:
    if step.step == "submitted":
        text = texts.commit_submitted(context.require_actor().language, step)
        if edit:
            await show(update, text)
        else:
            await reply(update, text)
        context.services.wake_sender()
        return
    await _ask(update, context, step, edit=edit)


async def text_answer(update: Update, context: Context, step: str, text: str) -> None:
    """A typed answer while proposing."""
    actor = context.require_actor()
    if step == "contact":
        await reply(
            update,
            t(actor.language, "commit.use_buttons"),
            keyboards.contact_choice(actor.language),
        )
        return
    result = await context.services.members.commitments.answer(actor, _chat_id(update), step, text)
    await _after(update, context, result, edit=False)


async def _due_picked(update: Update, context: Context, text: str) -> None:
    """The deadline from the date picker, read as the typed 2026-12-15."""
    actor = context.require_actor()
    result = await context.services.members.commitments.answer(actor, _chat_id(update), "due", text)
    await _after(update, context, result, edit=True)


#: 📅 the days under "到哪天完成？".
DUE_PICKER = picker.register(
    picker.Target(
        keyboards.DUE_PICKER_KEY,
        FLOW,
        "due",
        Needs.DATE,
        "commit.pick_due",
        "commit.due_example",
        _due_picked,
    )
)


async def contact_pressed(update: Update, context: Context) -> None:
    """💬 只通过议事亭联系 / 📱 也留电话号码."""
    data = cb.CommitContact.decode(_data(update))
    actor = context.require_actor()
    result = await context.services.members.commitments.contact(
        actor, _chat_id(update), data.choice == "p"
    )
    await _after(update, context, result, edit=True)


async def verdict_pressed(update: Update, context: Context) -> None:
    """A secretary's ✅ 通过 / ↩ 退回; a decided one: a short alert, nothing twice."""
    data = cb.CommitVerdict.decode(_data(update))
    actor = context.require_actor()
    service = context.services.members.commitments
    language = actor.language
    if data.verdict == "a":
        commitment = await service.approve(actor, data.commitment_id)
        await show(
            update,
            t(language, "commit.approved_done", name=commitment.member_name, what=commitment.what),
        )
        context.services.wake_sender()
    else:
        commitment = await service.ask_reason(actor, _chat_id(update), data.commitment_id)
        await answer(update)
        await context.bot.send_message(
            _chat_id(update), t(language, "commit.reason_ask", name=commitment.member_name)
        )


async def reason_text(update: Update, context: Context, step: str, text: str) -> None:
    """The reason a secretary types after ↩ 退回."""
    actor = context.require_actor()
    commitment = await context.services.members.commitments.give_back(actor, _chat_id(update), text)
    await reply(update, t(actor.language, "commit.returned_done", name=commitment.member_name))
    context.services.wake_sender()


async def mine_pressed(update: Update, context: Context) -> None:
    """🤝 我的承诺: the member's commitments, a button each."""
    actor = context.require_actor()
    service = context.services.members.commitments
    commitments = await service.mine(actor)
    text = texts.commit_list(actor.language, commitments, service.today())
    markup = keyboards.mine(actor.language, commitments)
    await show(update, text, markup)


async def open_pressed(update: Update, context: Context) -> None:
    """One commitment: its state and progress, 📝 汇报进展 and ✅ 已践诺."""
    data = cb.CommitOpen.decode(_data(update))
    actor = context.require_actor()
    service = context.services.members.commitments
    overview = await service.overview(actor, data.commitment_id)
    tz = context.services.settings.community.tz
    await show(
        update,
        texts.commit_one(actor.language, overview, service.today(), tz),
        keyboards.one(actor.language, overview.commitment),
    )


async def progress_pressed(update: Update, context: Context) -> None:
    """📝 汇报进展: ask for the text (or a photo with a caption)."""
    data = cb.CommitProgress.decode(_data(update))
    actor = context.require_actor()
    await context.services.members.commitments.start_progress(
        actor, _chat_id(update), data.commitment_id
    )
    await answer(update)
    await context.bot.send_message(_chat_id(update), t(actor.language, "commit.progress_ask"))


async def _report(update: Update, context: Context, text: str, photo: str | None) -> None:
    actor = context.require_actor()
    commitment = await context.services.members.commitments.report(
        actor, _chat_id(update), text, photo
    )
    await reply(
        update,
        t(actor.language, "commit.progress_done", what=commitment.what),
        keyboards.one(actor.language, commitment),
    )


async def progress_text(update: Update, context: Context, step: str, text: str) -> None:
    """The typed progress report."""
    await _report(update, context, text, None)


async def progress_photo(update: Update, context: Context, step: str, message: Message) -> None:
    """A photo as the progress report (its caption is the text)."""
    if not message.photo:
        actor = context.require_actor()
        await reply(update, t(actor.language, "help.unknown_media"), lost(actor.language))
        return
    await _report(update, context, message.caption or "", message.photo[-1].file_id)


async def done_pressed(update: Update, context: Context) -> None:
    """✅ 已践诺: the commitment is carried out (once)."""
    data = cb.CommitDone.decode(_data(update))
    actor = context.require_actor()
    commitment = await context.services.members.commitments.finish(actor, data.commitment_id)
    await show(update, t(actor.language, "commit.done", what=commitment.what))


async def review_command(update: Update, context: Context) -> None:
    """/commitments: every commitment with its state, the overdue flagged, and a workbook."""
    actor = context.require_actor()
    service = context.services.members.commitments
    commitments = await service.review(actor)
    today = service.today()
    language = actor.language
    await reply(update, texts.commit_review(language, commitments, today))
    if not commitments:
        return
    content = xlsx_bytes(
        [review_sheet(language, commitments, today, context.services.settings.community.tz)]
    )
    message = update.effective_message
    if message is None:
        raise UserFacingError("commit.gone")
    await message.reply_document(
        InputFile(content, filename=t(language, "commit.sheet_file") + ".xlsx")
    )


#: Typed answers of the commitment system's forms (flow name -> handler).
TEXT_ANSWERS = {FLOW: text_answer, RETURN_FLOW: reason_text, PROGRESS_FLOW: progress_text}
#: Photos answering a form: a progress report.
MEDIA_ANSWERS = {PROGRESS_FLOW: progress_photo}
