"""In-service members reporting in (在职党员报到): /report_in and 🏢 on /me, the contact
card and the messages relayed through it, /inservice (secretaries) and the feedback."""

from __future__ import annotations

from telegram import InputFile, Update

from bot.documents import docx_bytes
from bot.members.inservice import FLOW, RELAY_FLOW, REPLY_FLOW, Step, token_of
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


def _file_name(text: str) -> str:
    """A file name from a text that may hold a person's words (no path separators)."""
    return text.replace("/", "_").replace("\\", "_")


def _data(update: Update) -> str | None:
    return update.callback_query.data if update.callback_query else None


async def _ask(update: Update, context: Context, step: Step, *, edit: bool = False) -> None:
    """The question of ``step``, with its buttons (the posts, the buildings)."""
    language = context.require_actor().language
    service = context.services.members.inservice
    text = texts.inservice_ask(language, step.step)
    markup = None
    if step.step == "post":
        markup = keyboards.inservice_posts(service.posts(language))
    elif step.step == "building":
        buildings = [str(b) for b in step.data.get("buildings") or []]
        markup = keyboards.inservice_buildings(language, buildings)
    if edit:
        await show(update, text, markup)
    else:
        await reply(update, text, markup)


async def _begin(update: Update, context: Context) -> None:
    actor = context.require_actor()
    step = await context.services.members.inservice.start(actor, _chat_id(update))
    intro = t(actor.language, "inservice.intro")
    await answer(update)
    await context.bot.send_message(
        _chat_id(update), intro + "\n\n" + texts.inservice_ask(actor.language, step.step)
    )


async def report_in_command(update: Update, context: Context) -> None:
    """/report_in: register as an in-service member (a Party member)."""
    await _begin(update, context)


async def open_pressed(update: Update, context: Context) -> None:
    """🏢 在职党员报到 on /me: the record with 🪪 and ✏️, or registering."""
    actor = context.require_actor()
    service = context.services.members.inservice
    record = await service.mine(actor)
    if record is None:
        await _begin(update, context)
        return
    language = actor.language
    text = (
        t(language, "inservice.mine_title")
        + "\n"
        + texts.inservice_record(language, record, service.post_name(language, record.post))
    )
    await answer(update)
    await context.bot.send_message(
        _chat_id(update), text, reply_markup=keyboards.inservice_mine(language)
    )


async def redo_pressed(update: Update, context: Context) -> None:
    """✏️ 重新填写: the same steps again."""
    await _begin(update, context)


async def text_answer(update: Update, context: Context, step: str, text: str) -> None:
    """A typed answer while registering (the post and building take buttons)."""
    actor = context.require_actor()
    service = context.services.members.inservice
    if step in ("post", "building"):
        # The post and the building take buttons: they are shown again.
        await reply(update, t(actor.language, "inservice.use_buttons"))
        await _ask(update, context, await service.current(actor, _chat_id(update)))
        return
    result = await service.answer(actor, _chat_id(update), step, text)
    await _ask(update, context, result)


async def post_pressed(update: Update, context: Context) -> None:
    """A post's button: then the buildings (包楼栋)."""
    data = cb.InservicePost.decode(_data(update))
    actor = context.require_actor()
    result = await context.services.members.inservice.choose_post(
        actor, _chat_id(update), data.index
    )
    await _ask(update, context, result, edit=True)


async def building_pressed(update: Update, context: Context) -> None:
    """A building's button, or ⏭ 跳过: registered; a building makes a 包楼栋 commitment."""
    data = cb.InserviceBuilding.decode(_data(update))
    actor = context.require_actor()
    service = context.services.members.inservice
    done = await service.choose_building(
        actor, _chat_id(update), None if data.index < 0 else data.index
    )
    language = actor.language
    record = done.record
    text = (
        t(language, "inservice.done")
        + "\n"
        + texts.inservice_record(language, record, service.post_name(language, record.post))
    )
    if done.commitment is not None:
        text += "\n\n" + t(language, "inservice.pledge_submitted", building=record.building or "")
        context.services.wake_sender()
    await show(update, text, keyboards.inservice_mine(language))


async def card_pressed(update: Update, context: Context) -> None:
    """🪪 我的联系卡: the card, privately (drawn by the sender)."""
    actor = context.require_actor()
    await context.services.members.inservice.send_card(actor, context.bot.username)
    await answer(update, t(actor.language, "inservice.card_coming"))
    context.services.wake_sender()


# --- the contact card's link, the relayed messages -------------------------------------------


def is_contact_start(args: list[str] | None) -> bool:
    """Whether /start's payload is a contact card's (``contact-<token>``)."""
    return token_of(args) is not None


async def contact_start(update: Update, context: Context) -> None:
    """/start contact-<token>: "给 王芳 留言：" (the message is typed next)."""
    actor = context.require_actor()
    token = token_of(context.args) or ""
    record = await context.services.members.inservice.open_contact(actor, _chat_id(update), token)
    await reply(update, t(actor.language, "inservice.relay_ask", name=record.name))


async def relay_text(update: Update, context: Context, step: str, text: str) -> None:
    """The resident's message: relayed to the member."""
    actor = context.require_actor()
    record = await context.services.members.inservice.relay(actor, _chat_id(update), text)
    await reply(update, t(actor.language, "inservice.relay_done", name=record.name))
    context.services.wake_sender()


async def reply_pressed(update: Update, context: Context) -> None:
    """↩ 回复 under a relayed message: the reply is asked."""
    data = cb.InserviceReply.decode(_data(update))
    actor = context.require_actor()
    relayed = await context.services.members.inservice.start_reply(
        actor, _chat_id(update), data.message_id
    )
    await answer(update)
    await context.bot.send_message(
        _chat_id(update), t(actor.language, "inservice.reply_ask", name=relayed.resident_name)
    )


async def reply_text(update: Update, context: Context, step: str, text: str) -> None:
    """The member's reply: relayed back to the resident."""
    actor = context.require_actor()
    relayed = await context.services.members.inservice.answer_reply(actor, _chat_id(update), text)
    await reply(update, t(actor.language, "inservice.reply_done", name=relayed.resident_name))
    context.services.wake_sender()


# --- the secretary's list and the feedback ---------------------------------------------------


async def _roster(update: Update, context: Context, page: int, *, edit: bool) -> None:
    actor = context.require_actor()
    service = context.services.members.inservice
    records = await service.roster(actor)
    language = actor.language
    size = keyboards.INSERVICE_PAGE
    page = max(0, min(page, (len(records) - 1) // size if records else 0))
    text = texts.inservice_roster(
        language, records, lambda post: service.post_name(language, post), page * size, size
    )
    markup = keyboards.inservice_roster(language, records, page)
    if edit:
        await show(update, text, markup)
    else:
        await reply(update, text, markup)


async def inservice_command(update: Update, context: Context) -> None:
    """/inservice (secretaries): the in-service members, a button each (ten a page)."""
    await _roster(update, context, 0, edit=False)


async def list_pressed(update: Update, context: Context) -> None:
    """◀ 返回 / a page of the list."""
    data = cb.InserviceList.decode(_data(update))
    await _roster(update, context, data.page, edit=True)


async def member_pressed(update: Update, context: Context) -> None:
    """One member: the record, 📤 发联系卡到居民群, 🗑 移出名单."""
    data = cb.InserviceMember.decode(_data(update))
    actor = context.require_actor()
    service = context.services.members.inservice
    record = await service.one(actor, data.person_id)
    language = actor.language
    text = (
        t(language, "inservice.member_title", name=record.name)
        + "\n"
        + texts.inservice_record(language, record, service.post_name(language, record.post))
    )
    await show(update, text, keyboards.inservice_member(language, record.person_id))


async def action_pressed(update: Update, context: Context) -> None:
    """📤 the card to the residents' group(s), or 🗑 off the list."""
    data = cb.InserviceAction.decode(_data(update))
    actor = context.require_actor()
    service = context.services.members.inservice
    language = actor.language
    if data.action == "g":
        record = await service.post_card(actor, data.person_id, context.bot.username)
        await answer(update, t(language, "inservice.posted", name=record.name))
        context.services.wake_sender()
        return
    record = await service.remove(actor, data.person_id)
    await show(update, t(language, "inservice.removed", name=record.name))


async def feedback_pressed(update: Update, context: Context) -> None:
    """📄 年度反馈: a letter (.docx) per member to their employer's Party organisation,
    and the workbook (.xlsx) with a row each."""
    actor = context.require_actor()
    yearly = context.services.members.inservice.yearly
    found = await yearly.feedback(actor)
    language = actor.language
    await answer(update)
    chat_id = _chat_id(update)
    if not found:
        await context.bot.send_message(chat_id, t(language, "inservice.roster_empty"))
        return
    year = found[0].year
    for item in found:
        name = plain(language, "inservice.letter_file", name=item.record.name, year=year)
        await context.bot.send_document(
            chat_id,
            InputFile(
                docx_bytes(yearly.letter(language, item)), filename=_file_name(name) + ".docx"
            ),
        )
    sheet = yearly.feedback_sheet(language, found)
    await context.bot.send_document(
        chat_id,
        InputFile(
            xlsx_bytes([sheet]),
            filename=_file_name(plain(language, "inservice.sheet_file", year=year)) + ".xlsx",
        ),
        caption=t(language, "inservice.feedback_caption", count=len(found), year=year),
    )


#: Typed answers (flow name -> handler): registering, a resident's message, the reply.
TEXT_ANSWERS = {FLOW: text_answer, RELAY_FLOW: relay_text, REPLY_FLOW: reply_text}
