"""Carrying out decided matters (民办): /assign, /progress, /refer, /referrals,
/answer, /major and /supervision, the buttons of their guided forms, and the
rating (民意测评) and acceptance (验收: a secretary's, or the supervision group's for
a major project) buttons the bot pushes privately.

Thin adapters: each parses the update, calls a part of bot/deliberation/carrying/
(``services.carrying.<part>``), and renders with handlers/deliberation/texts.py and
handlers/deliberation/keyboards.py.
"""

from __future__ import annotations

from datetime import datetime

from telegram import Message, Update
from telegram.constants import ChatType

from bot import parsing, spoken
from bot.datepicker import Needs
from bot.deliberation.carrying.rules import (
    ANSWER_FLOW,
    ASSIGN_FLOW,
    NOTE_FLOW,
    PROGRESS_FLOW,
    REFER_FLOW,
    REVIEW_FLOW,
    SUPERVISION_FLOW,
    TermResult,
)
from bot.errors import UserFacingError
from handlers.access import answer, reply, show
from handlers.callbacks import StaleButton
from handlers.community.keyboards import lost
from handlers.context import Context
from handlers.datepicker import picker
from handlers.deliberation import callbacks as cb
from handlers.deliberation import keyboards, texts
from handlers.deliberation.matters import refresh_card_soon
from handlers.texts import plain, t


def _number(context: Context) -> int | None:
    """The matter number of "/command N" (also "#N"), or None."""
    args = context.args or []
    return parsing.item_number(args[0]) if len(args) == 1 else None


def _chat_id(update: Update) -> int:
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - commands and buttons always have a chat
    return chat.id


# --- owner and due date ----------------------------------------------------------


async def assign_command(update: Update, context: Context) -> None:
    """/assign N: give a passed matter an owner and a due date (guided, with buttons).

    In a group, as a reply to a resident's message, that resident is the
    owner, and the due date is asked in the secretary's private chat.
    """
    actor = context.require_actor()
    number = _number(context)
    if number is None:
        await reply(update, t(actor.language, "carry.usage_assign"))
        return
    matter_id = await context.services.matters.id_of(number)
    chat = update.effective_chat
    if chat is not None and chat.type != ChatType.PRIVATE:
        await _assign_by_reply(update, context, matter_id)
        return
    matter = await context.services.carrying.owners.start_assign(actor, _chat_id(update), matter_id)
    await reply(
        update,
        t(actor.language, "carry.ask_kind", number=matter.number, title=matter.title),
        keyboards.owner_kinds(actor.language),
    )


async def _assign_by_reply(update: Update, context: Context, number: int) -> None:
    actor = context.require_actor()
    message = update.effective_message
    target_message = message.reply_to_message if message else None
    if target_message is None:
        await reply(update, t(actor.language, "carry.assign_reply_hint"))
        return
    target = target_message.from_user
    if target is None or target.is_bot or target_message.sender_chat is not None:
        raise UserFacingError("roles.target_not_person")
    owner = await context.services.community.person_by_telegram_id(target.id)
    await context.services.carrying.owners.start_assign(actor, actor.tg_user_id, number, owner)
    await context.bot.send_message(
        actor.tg_user_id,
        t(actor.language, "carry.ask_due", owner=owner.display_name),
        reply_markup=keyboards.due_choices(actor.language, ASSIGN_FLOW, allow_none=False),
    )
    await reply(update, t(actor.language, "carry.sent_privately"))


async def assign_pressed(update: Update, context: Context) -> None:
    """Button 安排办理 under a matter (a group or private): the owner form, privately."""
    data = cb.AssignMatter.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    matter = await context.services.carrying.owners.start_assign(
        actor, actor.tg_user_id, data.matter_id
    )
    text = t(actor.language, "carry.ask_kind", number=matter.number, title=matter.title)
    keyboard = keyboards.owner_kinds(actor.language)
    # Always a new private message: the pressed message (a result, a resolution)
    # stays as it is, and an alert could not carry the form's buttons.
    await context.bot.send_message(actor.tg_user_id, text, reply_markup=keyboard)
    chat = update.effective_chat
    in_private = chat is not None and chat.id == actor.tg_user_id
    await answer(update, None if in_private else plain(actor.language, "carry.sent_privately"))


async def owner_kind_chosen(update: Update, context: Context) -> None:
    """Button: the kind of owner; then a resident, a name, or the due date."""
    data = cb.AssignOwnerKind.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    step = await context.services.carrying.owners.choose_owner_kind(
        actor, _chat_id(update), data.kind
    )
    language = actor.language
    if step.step == "person":
        await _show_owner_people(update, context, 0)
    elif step.step == "name":
        kind = plain(language, f"carry.kind_name.{data.kind}")
        await show(update, t(language, "carry.ask_name", kind=kind))
    else:
        await show(
            update,
            t(language, "carry.ask_due", owner=texts.owner_label(language, "committee", None)),
            keyboards.due_choices(language, ASSIGN_FLOW, allow_none=False),
        )


async def owner_page(update: Update, context: Context) -> None:
    """Button: another page of residents to choose the owner from."""
    data = cb.AssignPeoplePage.decode(update.callback_query.data if update.callback_query else None)
    await _show_owner_people(update, context, data.page)


async def _show_owner_people(update: Update, context: Context, page_number: int) -> None:
    """A page of residents to choose the owner from."""
    language = context.require_actor().language
    page = await context.services.community.people_page(page_number)
    await show(update, t(language, "carry.ask_person"), keyboards.owner_people(language, page))


async def owner_person_chosen(update: Update, context: Context) -> None:
    """Button: this resident is the owner; then the due date."""
    data = cb.AssignPerson.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    person = await context.services.carrying.owners.choose_owner_person(
        actor, _chat_id(update), data.person_id
    )
    await show(
        update,
        t(actor.language, "carry.ask_due", owner=person.display_name),
        keyboards.due_choices(actor.language, ASSIGN_FLOW, allow_none=False),
    )


async def due_chosen(update: Update, context: Context) -> None:
    """Button: a due date for /assign or /refer (days from today; 0 = none, referrals only)."""
    data = cb.ChooseDue.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    carrying = context.services.carrying
    if data.flow == REFER_FLOW:
        due = carrying.due_from_days(data.days) if data.days > 0 else None
        referral = await carrying.referrals.refer(actor, _chat_id(update), due)
        await show(
            update,
            t(
                actor.language,
                "carry.referred",
                department=referral.department,
                number=await context.services.matters.number(referral.matter_id),
            ),
        )
        return
    if data.flow != ASSIGN_FLOW or data.days <= 0:
        raise StaleButton(data.encode())
    await _assigned(update, context, carrying.due_from_days(data.days), edit=True)


async def _assigned(update: Update, context: Context, due: datetime, *, edit: bool) -> None:
    actor = context.require_actor()
    carrying = context.services.carrying
    matter = await carrying.owners.assign(actor, _chat_id(update), due)
    text = t(
        actor.language,
        "carry.assigned",
        number=matter.number,
        owner=texts.owner_label(actor.language, matter.owner_kind, matter.owner_name),
        due=spoken.day(
            actor.language,
            due.astimezone(carrying.tz).date(),
            spoken.local_date(context.services.clock(), carrying.tz),
        ),
    )
    await (show(update, text) if edit else reply(update, text))
    refresh_card_soon(context, matter.id)
    context.services.wake_sender()


# --- progress ---------------------------------------------------------------------


async def progress_command(update: Update, context: Context) -> None:
    """/progress N: the owner (or a secretary) reports progress."""
    actor = context.require_actor()
    number = _number(context)
    if number is None:
        await reply(update, t(actor.language, "carry.usage_progress"))
        return
    matter = await context.services.carrying.progress.start_progress(
        actor, _chat_id(update), await context.services.matters.id_of(number)
    )
    await reply(
        update,
        t(actor.language, "carry.ask_percent", number=matter.number, title=matter.title),
        keyboards.percents(actor.language),
    )


async def progress_pressed(update: Update, context: Context) -> None:
    """Button 📝 报告进展 under the owner's assignment: the same form as /progress N."""
    data = cb.ReportProgress.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    matter = await context.services.carrying.progress.start_progress(
        actor, _chat_id(update), data.matter_id
    )
    await answer(update)
    # A new message: the assignment above stays as it is, for the next report.
    await context.bot.send_message(
        actor.tg_user_id,
        t(actor.language, "carry.ask_percent", number=matter.number, title=matter.title),
        reply_markup=keyboards.percents(actor.language),
    )


async def percent_chosen(update: Update, context: Context) -> None:
    """Button: the percent; then a few words or a photo."""
    data = cb.ProgressPercent.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    percent = await context.services.carrying.progress.choose_percent(
        actor, _chat_id(update), data.percent
    )
    await show(update, t(actor.language, "carry.ask_text", percent=percent))


async def _report(update: Update, context: Context, text: str, photo: str | None) -> None:
    actor = context.require_actor()
    result = await context.services.carrying.progress.report(actor, _chat_id(update), text, photo)
    key = "carry.reported"
    if result.matter.stage == "acceptance":
        key = "carry.reported_acceptance" if result.matter.major else "carry.reported_review"
    await reply(update, t(actor.language, key, number=result.matter.number, percent=result.percent))
    refresh_card_soon(context, result.matter.id)
    context.services.wake_sender()


async def photo_answer(update: Update, context: Context, step: str, message: Message) -> None:
    """A photo sent during a progress report: its photo (the caption is the text)."""
    actor = context.require_actor()
    if step != "text" or not message.photo:
        await reply(update, t(actor.language, "help.unknown_media"), lost(actor.language))
        return
    await _report(update, context, message.caption or "", message.photo[-1].file_id)


# --- typed answers of the forms ------------------------------------------------------


async def assign_text(update: Update, context: Context, step: str, text: str) -> None:
    """/assign typed answers: the team's or unit's name, then a typed due date."""
    actor = context.require_actor()
    carrying = context.services.carrying
    if step == "name":
        name = await carrying.owners.answer_owner_name(actor, _chat_id(update), text)
        await reply(
            update,
            t(actor.language, "carry.ask_due", owner=name),
            keyboards.due_choices(actor.language, ASSIGN_FLOW, allow_none=False),
        )
    elif step == "due":
        await _assigned(update, context, carrying.parse_due(text), edit=False)
    else:
        await reply(update, t(actor.language, "register.use_buttons"))


async def progress_text(update: Update, context: Context, step: str, text: str) -> None:
    """/progress typed answers: a percent number, then the few words."""
    actor = context.require_actor()
    if step == "percent":
        typed = parsing.percent(text)
        if typed is None:
            raise UserFacingError("carry.percent_invalid")
        percent = await context.services.carrying.progress.choose_percent(
            actor, _chat_id(update), typed
        )
        await reply(update, t(actor.language, "carry.ask_text", percent=percent))
    elif step == "text":
        await _report(update, context, text, None)
    else:
        await reply(update, t(actor.language, "register.use_buttons"))


async def refer_text(update: Update, context: Context, step: str, text: str) -> None:
    """/refer typed answers: the department, what is asked, a typed due date."""
    actor = context.require_actor()
    carrying = context.services.carrying
    chat_id = _chat_id(update)
    if step == "department":
        department = await carrying.referrals.answer_department(actor, chat_id, text)
        await reply(update, t(actor.language, "carry.ask_request", department=department))
    elif step == "request":
        await carrying.referrals.answer_request(actor, chat_id, text)
        await reply(
            update,
            t(actor.language, "carry.ask_referral_due"),
            keyboards.due_choices(actor.language, REFER_FLOW, allow_none=True),
        )
    elif step == "due":
        referral = await carrying.referrals.refer(actor, chat_id, carrying.parse_due(text))
        await show(
            update,
            t(
                actor.language,
                "carry.referred",
                department=referral.department,
                number=await context.services.matters.number(referral.matter_id),
            ),
        )
    else:
        await reply(update, t(actor.language, "register.use_buttons"))


async def answer_text(update: Update, context: Context, step: str, text: str) -> None:
    """/answer typed answer: the department's answer."""
    actor = context.require_actor()
    referral = await context.services.carrying.referrals.record_answer(
        actor, _chat_id(update), text
    )
    await reply(
        update,
        t(
            actor.language,
            "carry.answered",
            department=referral.department,
            number=await context.services.matters.number(referral.matter_id),
        ),
    )


async def note_text(update: Update, context: Context, step: str, text: str) -> None:
    """The optional note a supervisor types after a verdict."""
    actor = context.require_actor()
    number = await context.services.carrying.acceptance.add_note(actor, _chat_id(update), text)
    await reply(update, t(actor.language, "carry.note_saved", number=number))


async def buttons_only(update: Update, context: Context, step: str, text: str) -> None:
    """A form that takes buttons only (appointing the supervision group)."""
    actor = context.require_actor()
    await reply(update, t(actor.language, "register.use_buttons"))


# --- referrals -------------------------------------------------------------------------


async def refer_command(update: Update, context: Context) -> None:
    """/refer N: refer a matter to an outside department (社区吹哨、部门报到)."""
    actor = context.require_actor()
    number = _number(context)
    if number is None:
        await reply(update, t(actor.language, "carry.usage_refer"))
        return
    matter = await context.services.carrying.referrals.start_refer(
        actor, _chat_id(update), await context.services.matters.id_of(number)
    )
    await reply(
        update, t(actor.language, "carry.ask_department", number=matter.number, title=matter.title)
    )


async def referrals_command(update: Update, context: Context) -> None:
    """/referrals: the referrals waiting for an answer."""
    actor = context.require_actor()
    rows = await context.services.carrying.referrals.open_referrals(actor)
    tz = context.services.settings.community.tz
    today = spoken.local_date(context.services.clock(), tz)
    numbers = await context.services.matters.numbers([row.matter_id for row in rows])
    await reply(update, texts.referrals(actor.language, rows, tz, today, numbers))


async def answer_command(update: Update, context: Context) -> None:
    """/answer: choose an open referral with a button, then type its answer."""
    actor = context.require_actor()
    rows = await context.services.carrying.referrals.open_referrals(actor)
    if not rows:
        await reply(update, t(actor.language, "carry.no_referrals"))
        return
    await reply(
        update,
        t(actor.language, "carry.pick_referral"),
        keyboards.open_referrals(
            actor.language,
            rows,
            await context.services.matters.numbers([row.matter_id for row in rows]),
        ),
    )


async def referral_picked(update: Update, context: Context) -> None:
    """Button: the referral whose answer is typed next."""
    data = cb.PickReferral.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    referral = await context.services.carrying.referrals.start_answer(
        actor, _chat_id(update), data.referral_id
    )
    await show(
        update,
        t(
            actor.language,
            "carry.ask_answer",
            department=referral.department,
            number=await context.services.matters.number(referral.matter_id),
        ),
    )


# --- major projects, acceptance, ratings -------------------------------------------------


async def major_command(update: Update, context: Context) -> None:
    """/major N: mark a matter as a major project (again: unmark it)."""
    actor = context.require_actor()
    number = _number(context)
    if number is None:
        await reply(update, t(actor.language, "carry.usage_major"))
        return
    matter = await context.services.matters.matter(await context.services.matters.id_of(number))
    updated = await context.services.carrying.acceptance.set_major(
        actor, matter.id, not matter.major
    )
    key = "carry.major_on" if updated.major else "carry.major_off"
    await reply(update, t(actor.language, key, number=number))


async def verdict_pressed(update: Update, context: Context) -> None:
    """Button 验收通过 / 需要返工 on a pushed acceptance request."""
    data = cb.AcceptanceVerdict.decode(
        update.callback_query.data if update.callback_query else None
    )
    actor = context.require_actor()
    result = await context.services.carrying.acceptance.verdict(
        actor, _chat_id(update), data.matter_id, data.verdict
    )
    key = "carry.verdict_done" if result.matter.stage == "done" else "carry.verdict_recorded"
    await show(update, t(actor.language, key, number=result.matter.number))
    refresh_card_soon(context, result.matter.id)
    context.services.wake_sender()


async def review_pressed(update: Update, context: Context) -> None:
    """A secretary's ✅ 验收通过 / 🔁 退回返工 under an acceptance request (and, after
    🔁, 直接退回 without a reason). Too late or twice: a short alert, nothing done."""
    data = cb.SecretaryVerdict.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    review = context.services.carrying.review
    language = actor.language
    if data.verdict == "accepted":
        matter = await review.accept(actor, data.matter_id)
        await show(
            update, t(language, "carry.review_accepted", number=matter.number, title=matter.title)
        )
    elif data.verdict == "rework":
        matter = await review.ask_reason(actor, _chat_id(update), data.matter_id)
        await show(
            update,
            t(language, "carry.review_reason_ask", number=matter.number, title=matter.title),
            keyboards.review_reason(language, matter.id),
        )
        return
    elif data.verdict == "return":
        result = await review.rework(actor, _chat_id(update), data.matter_id, None)
        matter = result.matter
        await show(update, t(language, "carry.review_returned", number=matter.number))
    else:
        raise StaleButton(data.encode())
    refresh_card_soon(context, matter.id)
    context.services.wake_sender()


async def review_text(update: Update, context: Context, step: str, text: str) -> None:
    """The reason a secretary types after 🔁 退回返工: the matter goes back with it."""
    actor = context.require_actor()
    result = await context.services.carrying.review.reason_typed(actor, _chat_id(update), text)
    await reply(
        update,
        t(
            actor.language,
            "carry.review_returned_reason",
            number=result.matter.number,
            reason=result.reason or "",
        ),
    )
    refresh_card_soon(context, result.matter.id)
    context.services.wake_sender()


async def rate_pressed(update: Update, context: Context) -> None:
    """Button 满意 / 基本满意 / 不满意 on a pushed rating request."""
    data = cb.RateMatter.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    await context.services.carrying.ratings.rate(actor, data.matter_id, data.rating)
    await show(update, t(actor.language, "carry.rated"))


# --- the supervision group -----------------------------------------------------------


async def supervision_command(update: Update, context: Context) -> None:
    """/supervision: the current group, and buttons to form the next one."""
    actor = context.require_actor()
    language = actor.language
    settings = context.services.settings.deliberation
    term, members = await context.services.carrying.supervision.current_term()
    tz = context.services.settings.community.tz
    if term is None:
        current = t(language, "carry.supervision_none")
    else:
        current = texts.supervision_term(
            language,
            "carry.supervision_current",
            term.method,
            term.ends_at,
            members,
            tz,
            spoken.local_date(context.services.clock(), tz),
        )
    ask = t(
        language,
        "carry.supervision_ask",
        size=settings.supervision_size,
        months=settings.supervision_term_months,
    )
    await reply(update, f"{current}\n\n{ask}", keyboards.supervision_methods(language))


async def supervision_method(update: Update, context: Context) -> None:
    """Button: draw the group by lot now, or start appointing members."""
    data = cb.SupervisionMethod.decode(
        update.callback_query.data if update.callback_query else None
    )
    actor = context.require_actor()
    carrying = context.services.carrying
    if data.lot:
        result = await carrying.supervision.draw_by_lot(actor)
        await _term_started(update, context, result)
        return
    await carrying.supervision.start_appointing(actor, _chat_id(update))
    await _show_appointees(update, context, 0, [])


async def _show_appointees(update: Update, context: Context, page: int, chosen: list[int]) -> None:
    actor = context.require_actor()
    people = await context.services.community.people_page(page)
    size = context.services.settings.deliberation.supervision_size
    await show(
        update,
        t(actor.language, "carry.pick_members", count=len(chosen), size=size),
        keyboards.appointees(actor.language, people, chosen),
    )


async def supervision_page(update: Update, context: Context) -> None:
    """Button: another page of residents while appointing."""
    data = cb.SupervisionPage.decode(update.callback_query.data if update.callback_query else None)
    actor = context.require_actor()
    chosen = await context.services.carrying.supervision.chosen_appointees(actor, _chat_id(update))
    await _show_appointees(update, context, data.page, chosen)


async def supervision_toggle(update: Update, context: Context) -> None:
    """Button: choose or unchoose a resident while appointing."""
    data = cb.SupervisionToggle.decode(
        update.callback_query.data if update.callback_query else None
    )
    actor = context.require_actor()
    chosen = await context.services.carrying.supervision.toggle_appointee(
        actor, _chat_id(update), data.person_id
    )
    await _show_appointees(update, context, data.page, chosen)


async def supervision_confirm(update: Update, context: Context) -> None:
    """Button: start the term with the appointed members."""
    actor = context.require_actor()
    result = await context.services.carrying.supervision.appoint(actor, _chat_id(update))
    await _term_started(update, context, result)


async def _term_started(update: Update, context: Context, result: TermResult) -> None:
    actor = context.require_actor()
    tz = context.services.settings.community.tz
    text = texts.supervision_term(
        actor.language,
        "carry.term_started",
        result.term.method,
        result.term.ends_at,
        result.members,
        tz,
        spoken.local_date(context.services.clock(), tz),
    )
    if result.short:
        size = context.services.settings.deliberation.supervision_size
        text += "\n" + t(actor.language, "carry.term_short", count=len(result.members), size=size)
    await show(update, text)
    context.services.wake_sender()


#: Typed answers of this module's guided forms (flow name -> handler).
TEXT_ANSWERS = {
    ASSIGN_FLOW: assign_text,
    PROGRESS_FLOW: progress_text,
    REFER_FLOW: refer_text,
    ANSWER_FLOW: answer_text,
    NOTE_FLOW: note_text,
    REVIEW_FLOW: review_text,
    SUPERVISION_FLOW: buttons_only,
}


async def _assign_due_picked(update: Update, context: Context, text: str) -> None:
    await _assigned(update, context, context.services.carrying.parse_due(text), edit=True)


async def _refer_due_picked(update: Update, context: Context, text: str) -> None:
    await refer_text(update, context, "due", text)


#: 📅 选日子 under 什么时候办完 / 希望什么时候答复: the picked day, read as the typed 2026-12-31.
DUE_PICKERS = tuple(
    picker.register(
        picker.Target(
            keyboards.DUE_PICKER_KEYS[flow],
            flow,
            "due",
            Needs.DATE,
            question,
            "carry.due_example",
            done,
        )
    )
    for flow, question, done in (
        (ASSIGN_FLOW, "carry.pick_due", _assign_due_picked),
        (REFER_FLOW, "carry.pick_referral_due", _refer_due_picked),
    )
)
