"""The services list (服务清单): /offer, /services, claiming a service, the offerer's answer."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot import parsing, spoken
from bot.community.register import Role
from bot.datepicker import Needs
from bot.needs import rules
from bot.needs.offers import OfferStep
from handlers.access import reply, show
from handlers.context import Context
from handlers.datepicker import picker
from handlers.needs import callbacks as cb
from handlers.needs import keyboards, texts
from handlers.texts import t


def _chat_id(update: Update) -> int:
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - always in a chat
    return chat.id


def _data(update: Update) -> str | None:
    return update.callback_query.data if update.callback_query else None


async def _after(update: Update, context: Context, step: OfferStep, *, edit: bool) -> None:
    language = context.require_actor().language
    markup: InlineKeyboardMarkup | None = None
    if step.step == "when":
        text = t(language, "needs.offer_ask_when")
        days = picker.keyboard(context, OFFER_PICKER)
        markup = InlineKeyboardMarkup([keyboards.long_term(language), *days.inline_keyboard])
    elif step.step == "count":
        text, markup = t(language, "needs.offer_ask_count"), keyboards.counts(language)
    elif step.step == "done" and step.offer is not None:
        offer = step.offer
        text = t(
            language,
            "needs.offer_done",
            what=offer.what,
            when=texts.when_text(language, offer.available_on),
            count=offer.capacity,
        )
    else:
        text = t(language, "needs.offer_ask_what")
    if edit:
        await show(update, text, markup)
    else:
        await reply(update, text, markup)


async def offer_command(update: Update, context: Context) -> None:
    """/offer: put a service on the list."""
    step = await context.services.needs.offers.start(context.require_actor(), _chat_id(update))
    await _after(update, context, step, edit=False)


async def offer_text(update: Update, context: Context, step: str, text: str) -> None:
    result = await context.services.needs.offers.answer(
        context.require_actor(), _chat_id(update), step, text
    )
    await _after(update, context, result, edit=False)


async def _day_picked(update: Update, context: Context, text: str) -> None:
    day = parsing.iso_day(text)
    result = await context.services.needs.offers.when(
        context.require_actor(), _chat_id(update), day.isoformat() if day else None
    )
    await _after(update, context, result, edit=True)


OFFER_PICKER = picker.register(
    picker.Target(
        keyboards.OFFER_PICKER_KEY,
        rules.OFFER_FLOW,
        "when",
        Needs.DATE,
        "needs.offer_question",
        "needs.due_example",
        _day_picked,
    )
)


async def long_term_pressed(update: Update, context: Context) -> None:
    result = await context.services.needs.offers.when(
        context.require_actor(), _chat_id(update), None
    )
    await _after(update, context, result, edit=True)


async def count_pressed(update: Update, context: Context) -> None:
    data = cb.OfferCount.decode(_data(update))
    result = await context.services.needs.offers.count(
        context.require_actor(), _chat_id(update), data.count
    )
    await _after(update, context, result, edit=True)


async def _list(update: Update, context: Context, page: int) -> None:
    actor = context.require_actor()
    offers, page, pages = await context.services.needs.offers.page(actor, page)
    text = (
        t(actor.language, "needs.services_title", page=page + 1, pages=pages)
        if offers
        else t(actor.language, "needs.services_empty")
    )
    await show(update, text, keyboards.services(actor.language, offers, page, pages))


async def services_command(update: Update, context: Context) -> None:
    """/services: the services offered."""
    await _list(update, context, 0)


async def page_pressed(update: Update, context: Context) -> None:
    await _list(update, context, cb.ServicesPage.decode(_data(update)).page)


async def open_pressed(update: Update, context: Context) -> None:
    data = cb.ServiceOpen.decode(_data(update))
    actor = context.require_actor()
    offer = await context.services.needs.offers.offer(actor, data.offer_id)
    await show(
        update,
        texts.offer_screen(actor.language, offer),
        keyboards.service(
            actor.language, offer, offer.person_id == actor.person_id, actor.has(Role.SECRETARY)
        ),
    )


async def claim_pressed(update: Update, context: Context) -> None:
    """🙋 我要认领: the offerer is asked."""
    data = cb.ServiceClaim.decode(_data(update))
    actor = context.require_actor()
    offer, _ = await context.services.needs.offers.claim(actor, data.offer_id)
    await show(update, t(actor.language, "needs.take_done", who=offer.person_name, what=offer.what))
    context.services.wake_sender()


async def for_pressed(update: Update, context: Context) -> None:
    """🙋 为居民认领 (a secretary): which resident?"""
    data = cb.ServiceFor.decode(_data(update))
    actor = context.require_actor()
    people, page, pages = await context.services.needs.offers.residents(actor, data.page)
    await show(
        update,
        t(actor.language, "needs.take_for_ask"),
        keyboards.residents(actor.language, data.offer_id, people, page, pages),
    )


async def for_person_pressed(update: Update, context: Context) -> None:
    """The resident chosen: the offerer is asked, for them."""
    data = cb.ServiceForPerson.decode(_data(update))
    actor = context.require_actor()
    offer, resident = await context.services.needs.offers.claim(
        actor, data.offer_id, data.person_id
    )
    await show(
        update,
        t(actor.language, "needs.take_for_done", who=offer.person_name, name=resident.display_name),
    )
    context.services.wake_sender()


async def answer_pressed(update: Update, context: Context) -> None:
    """The offerer's ✅ 同意 / 婉拒."""
    data = cb.ServiceAnswer.decode(_data(update))
    actor = context.require_actor()
    offer, need = await context.services.needs.offers.decide(
        actor, data.claim_id, bool(data.agreed)
    )
    if need is not None:
        due = (
            spoken.day(actor.language, need.due_on, context.services.needs.today())
            if need.due_on
            else ""
        )
        await show(
            update,
            t(actor.language, "needs.agreed_done", number=need.number, due=due, what=offer.what),
            keyboards.need_actions(actor.language, need, actor.person_id, False),
        )
    else:
        await show(update, t(actor.language, "needs.declined_done", what=offer.what))
    context.services.wake_sender()


#: Typed answers of the offer form.
TEXT_ANSWERS = {rules.OFFER_FLOW: offer_text}
