"""Households (党员联户): /households for secretaries and grid workers (the list, adding
one, flags, the contact member), lead households (党员中心户), the tree and its workbook;
/myhouseholds and visits (入户走访) for the members."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, InputFile, Message, Update

from bot.community.register import Role
from bot.datepicker import Needs
from bot.households.service import ADD_FLOW, NEED_FLOW
from bot.households.sheets import tree_sheet
from bot.households.views import Household, NeedStep, VisitStep
from bot.households.visits import VISIT_FLOW
from bot.spreadsheets import stamped, xlsx_bytes
from handlers.access import answer, reply, show
from handlers.context import Context
from handlers.datepicker import picker
from handlers.households import callbacks as cb
from handlers.households import keyboards, texts
from handlers.sheets import masthead
from handlers.texts import plain, t


def _chat_id(update: Update) -> int:
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - always in a chat
    return chat.id


def _data(update: Update) -> str | None:
    return update.callback_query.data if update.callback_query else None


# --- the list, adding one --------------------------------------------------------------


async def _list(update: Update, context: Context, page: int) -> None:
    actor = context.require_actor()
    services = context.services
    found = await services.households.page(actor, page)
    settings = services.settings
    await show(
        update,
        texts.listing(actor.language, found, settings.community.grids, settings.households.flags),
        keyboards.listing(actor.language, found, actor.has(Role.SECRETARY)),
    )


async def households_command(update: Update, context: Context) -> None:
    """/households: the households by grid and building (a secretary, a grid worker)."""
    await _list(update, context, 0)


async def list_pressed(update: Update, context: Context) -> None:
    await _list(update, context, cb.HouseholdList.decode(_data(update)).page)


async def add_pressed(update: Update, context: Context) -> None:
    """➕ 添加住户: the building is asked."""
    actor = context.require_actor()
    await context.services.households.start_add(actor, _chat_id(update))
    await answer(update)
    await context.bot.send_message(_chat_id(update), texts.add_step(actor.language, "building"))


async def _after_add(
    update: Update, context: Context, step: str, created: Household | None
) -> None:
    actor = context.require_actor()
    language = actor.language
    if step == "note":
        await reply(update, texts.add_step(language, "note"), keyboards.add_note(language))
    elif step == "grid":
        grids = context.services.settings.community.grids
        await show(update, texts.add_step(language, "grid"), keyboards.add_grid(language, grids))
    elif step == "done" and created is not None:
        await show(update, texts.added(language, created), keyboards.added(language, created))
    else:
        await reply(update, texts.add_step(language, step))


async def add_answer(update: Update, context: Context, step: str, text: str) -> None:
    """A typed building, door or note."""
    actor = context.require_actor()
    following, created = await context.services.households.add_answer(
        actor, _chat_id(update), step, text
    )
    await _after_add(update, context, following, created)


async def skip_note_pressed(update: Update, context: Context) -> None:
    actor = context.require_actor()
    following, created = await context.services.households.skip_note(actor, _chat_id(update))
    await _after_add(update, context, following, created)


async def grid_pressed(update: Update, context: Context) -> None:
    data = cb.HouseholdGrid.decode(_data(update))
    actor = context.require_actor()
    created = await context.services.households.choose_grid(actor, _chat_id(update), data.grid)
    await _after_add(update, context, "done", created)


# --- one household: flags, the contact member ---------------------------------------------


async def _household(update: Update, context: Context, household_id: int) -> None:
    actor = context.require_actor()
    services = context.services
    view = await services.households.view(actor, household_id)
    settings = services.settings
    await show(
        update,
        texts.household(
            actor.language,
            view,
            settings.community.grids,
            settings.households.flags,
            services.households.today(),
            settings.households.households_per_member,
        ),
        keyboards.household(actor.language, view, settings.households.flags),
    )


async def open_pressed(update: Update, context: Context) -> None:
    await _household(update, context, cb.HouseholdOpen.decode(_data(update)).household_id)


async def flag_pressed(update: Update, context: Context) -> None:
    data = cb.HouseholdFlag.decode(_data(update))
    actor = context.require_actor()
    await context.services.households.toggle_flag(actor, data.household_id, data.flag)
    await _household(update, context, data.household_id)


async def contacts_pressed(update: Update, context: Context) -> None:
    """👤 联系党员: the members of the grid (or the community) as buttons."""
    data = cb.HouseholdContacts.decode(_data(update))
    actor = context.require_actor()
    choices = await context.services.households.contact_choices(
        actor, data.household_id, data.scope
    )
    await show(
        update,
        texts.contacts(actor.language, choices),
        keyboards.contacts(actor.language, choices),
    )


async def link_pressed(update: Update, context: Context) -> None:
    data = cb.HouseholdLink.decode(_data(update))
    actor = context.require_actor()
    await context.services.households.link_contact(actor, data.household_id, data.person_id)
    await _household(update, context, data.household_id)


# --- lead households (党员中心户) -------------------------------------------------------------


async def _leads(update: Update, context: Context, note: str | None = None) -> None:
    actor = context.require_actor()
    service = context.services.households
    found = await service.leads.summaries(actor)
    limit = service.config.members_per_lead
    text = texts.leads(actor.language, found, limit)
    await show(
        update,
        f"{note}\n\n{text}" if note else text,
        keyboards.leads(
            actor.language,
            [(s.person.id, texts.lead_label(actor.language, s, limit)) for s in found],
        ),
    )


async def leads_pressed(update: Update, context: Context) -> None:
    """⭐ 党员中心户: the lead households with their counts."""
    await _leads(update, context)


async def candidates_pressed(update: Update, context: Context) -> None:
    """➕ 设立中心户: the Party members to choose from."""
    data = cb.LeadCandidates.decode(_data(update))
    actor = context.require_actor()
    page = await context.services.households.leads.candidates(actor, data.page)
    text = t(
        actor.language, "households.lead_choose" if page.people else "households.no_members_at_all"
    )
    await show(update, text, keyboards.candidates(actor.language, page))


async def _lead(update: Update, context: Context, lead_id: int, page: int) -> None:
    actor = context.require_actor()
    view = await context.services.households.leads.view(actor, lead_id, page)
    grids = context.services.settings.community.grids
    await show(
        update, texts.lead(actor.language, view, grids), keyboards.lead(actor.language, view)
    )


async def mark_pressed(update: Update, context: Context) -> None:
    data = cb.LeadMark.decode(_data(update))
    actor = context.require_actor()
    await context.services.households.leads.mark(actor, data.person_id)
    await _lead(update, context, data.person_id, 0)


async def lead_pressed(update: Update, context: Context) -> None:
    data = cb.LeadOpen.decode(_data(update))
    await _lead(update, context, data.lead_id, data.page)


async def toggle_pressed(update: Update, context: Context) -> None:
    data = cb.LeadToggle.decode(_data(update))
    actor = context.require_actor()
    await context.services.households.leads.toggle_member(
        actor, data.lead_id, data.member_id, data.page
    )
    await _lead(update, context, data.lead_id, data.page)


async def remove_pressed(update: Update, context: Context) -> None:
    data = cb.LeadRemove.decode(_data(update))
    actor = context.require_actor()
    person = await context.services.households.leads.unmark(actor, data.lead_id)
    await _leads(
        update, context, t(actor.language, "households.lead_removed", name=person.display_name)
    )


# --- the tree ------------------------------------------------------------------------------------


async def tree_pressed(update: Update, context: Context) -> None:
    """🌳 联户情况: grid → 中心户 → members → households, and those nobody looks after."""
    data = cb.TreePage.decode(_data(update))
    actor = context.require_actor()
    services = context.services
    tree = await services.households.tree(actor)
    settings = services.settings
    pages = texts.tree_pages(
        actor.language,
        tree,
        settings.community.grids,
        settings.households.flags,
        services.households.today(),
        settings.community.name_in(actor.language),
    )
    page = min(max(data.page, 0), len(pages) - 1)
    await show(
        update,
        texts.page_mark(actor.language, pages[page], page, len(pages)),
        keyboards.tree(actor.language, page, len(pages)),
    )


async def sheet_pressed(update: Update, context: Context) -> None:
    """📥 下载表格: the tree as a workbook."""
    actor = context.require_actor()
    services = context.services
    tree = await services.households.tree(actor)
    settings = services.settings
    sheet = tree_sheet(actor.language, tree, settings.households.flags, settings.community.grids)
    today = services.households.today()
    await answer(update)
    await context.bot.send_document(
        _chat_id(update),
        InputFile(
            xlsx_bytes(stamped([sheet], masthead(context, today, today))),
            filename=plain(actor.language, "households.sheet_file") + ".xlsx",
        ),
    )


# --- a member's households and visits ------------------------------------------------------------


async def _mine(update: Update, context: Context) -> None:
    actor = context.require_actor()
    services = context.services
    households = await services.households.visits.mine(actor)
    await show(
        update,
        texts.mine(
            actor.language,
            households,
            services.settings.households.flags,
            services.households.today(),
        ),
        keyboards.mine(actor.language, households),
    )


async def myhouseholds_command(update: Update, context: Context) -> None:
    """/myhouseholds: the households the member looks after."""
    await _mine(update, context)


async def mine_pressed(update: Update, context: Context) -> None:
    """🏠 我联系的住户 (on /me)."""
    await _mine(update, context)


async def _ask_note(update: Update, context: Context, step: VisitStep, *, edit: bool) -> None:
    language = context.require_actor().language
    text = texts.visit_ask(language, step, context.services.households.today())
    if edit:
        await show(update, text, keyboards.visit_note(language))
    else:
        await reply(update, text, keyboards.visit_note(language))


async def visit_pressed(update: Update, context: Context) -> None:
    """📝 记录走访: the note is asked (the day is today; 📅 for another)."""
    data = cb.VisitStart.decode(_data(update))
    actor = context.require_actor()
    step = await context.services.households.visits.start(
        actor, _chat_id(update), data.household_id
    )
    await answer(update)
    language = actor.language
    await context.bot.send_message(
        _chat_id(update),
        texts.visit_ask(language, step, context.services.households.today()),
        reply_markup=keyboards.visit_note(language),
    )


async def other_day_pressed(update: Update, context: Context) -> None:
    """📅 不是今天？: the earlier days as buttons (or typed)."""
    actor = context.require_actor()
    await context.services.households.visits.ask_day(actor, _chat_id(update))
    await show(
        update, t(actor.language, "households.day_ask"), picker.keyboard(context, DAY_PICKER)
    )


async def _day_picked(update: Update, context: Context, text: str) -> None:
    actor = context.require_actor()
    step = await context.services.households.visits.choose_day(actor, _chat_id(update), text)
    await _ask_note(update, context, step, edit=True)


#: 📅 the days up to today under "哪天去的？".
DAY_PICKER = picker.register(
    picker.Target(
        keyboards.VISIT_PICKER_KEY,
        VISIT_FLOW,
        "day",
        Needs.PAST,
        "households.day_question",
        "households.day_example",
        _day_picked,
    )
)


async def visit_answer(update: Update, context: Context, step: str, text: str) -> None:
    """A typed day (at "day") or the visit's note."""
    actor = context.require_actor()
    service = context.services.households
    if step == "day":
        result = await service.visits.choose_day(actor, _chat_id(update), text)
        await _ask_note(update, context, result, edit=False)
        return
    result = await service.visits.log(actor, _chat_id(update), text)
    await reply(
        update,
        texts.visit_done(actor.language, result, service.today()),
        keyboards.visit_done(actor.language, result.household),
    )


# --- a need recorded for a household (🙋 记录需求) ----------------------------------------


def _need_keyboard(context: Context, step: NeedStep) -> InlineKeyboardMarkup | None:
    language = context.require_actor().language
    if step.step == "resident":
        return keyboards.need_residents(language, step.residents)
    if step.step == "category":
        return keyboards.need_categories(context.services.settings.needs, language)
    if step.step == "urgency":
        return keyboards.need_urgency(language)
    return None


async def _need_ask(update: Update, context: Context, step: NeedStep, *, edit: bool) -> None:
    text = texts.need_ask(context.require_actor().language, step)
    if edit:
        await show(update, text, _need_keyboard(context, step))
    else:
        await reply(update, text, _need_keyboard(context, step))


async def need_pressed(update: Update, context: Context) -> None:
    """🙋 记录需求: the resident (when more than one), then the category."""
    data = cb.NeedStart.decode(_data(update))
    actor = context.require_actor()
    step = await context.services.households.start_need(actor, _chat_id(update), data.household_id)
    await answer(update)
    await context.bot.send_message(
        _chat_id(update),
        texts.need_ask(actor.language, step),
        reply_markup=_need_keyboard(context, step),
    )


async def need_resident_pressed(update: Update, context: Context) -> None:
    data = cb.NeedResident.decode(_data(update))
    actor = context.require_actor()
    step = await context.services.households.need_resident(actor, _chat_id(update), data.person_id)
    await _need_ask(update, context, step, edit=True)


async def need_kind_pressed(update: Update, context: Context) -> None:
    data = cb.NeedKind.decode(_data(update))
    actor = context.require_actor()
    step = await context.services.households.need_category(actor, _chat_id(update), data.key)
    await _need_ask(update, context, step, edit=True)


async def need_urgent_pressed(update: Update, context: Context) -> None:
    data = cb.NeedUrgent.decode(_data(update))
    actor = context.require_actor()
    step = await context.services.households.need_urgency(
        actor, _chat_id(update), bool(data.urgent)
    )
    await _need_ask(update, context, step, edit=True)


async def _need_recorded(
    update: Update, context: Context, text: str, photo: str | None = None
) -> None:
    actor = context.require_actor()
    services = context.services
    recorded = await services.households.record_need(actor, _chat_id(update), text, photo=photo)
    category = services.needs.category_name(recorded.need.category, actor.language)
    await reply(
        update,
        texts.need_done(actor.language, recorded, category),
        keyboards.need_done(actor.language, recorded.household, recorded.need.id),
    )


async def need_answer(update: Update, context: Context, step: str, text: str) -> None:
    """The need's text (the other steps take buttons)."""
    if step != "text":
        await reply(update, t(context.require_actor().language, "households.use_buttons"))
        return
    await _need_recorded(update, context, text)


async def need_media(update: Update, context: Context, step: str, message: Message) -> None:
    """A photo (its caption the text) as the need."""
    if step != "text" or not message.photo:
        await reply(update, t(context.require_actor().language, "households.need_text"))
        return
    await _need_recorded(update, context, message.caption or "", message.photo[-1].file_id)


#: Typed answers of the households' forms (flow name -> handler).
TEXT_ANSWERS = {ADD_FLOW: add_answer, VISIT_FLOW: visit_answer, NEED_FLOW: need_answer}
#: A photo as the need recorded for a household.
MEDIA_ANSWERS = {NEED_FLOW: need_media}
