"""Units and the weekly duty rota of volunteer service (志愿者打卡).

Commands: /unit (a secretary registers a unit and names its contact), /team
(a volunteer joins a unit), /rota, /duty (a unit's contact: skip the next
turn, or ask another unit to swap).
"""

from __future__ import annotations

from telegram import Update

from bot import spoken
from handlers.access import reply, show
from handlers.context import Context
from handlers.texts import t
from handlers.volunteering import callbacks as cb
from handlers.volunteering import keyboards, texts
from handlers.volunteering.common import callback_data

# --- units and the duty rota --------------------------------------------------------------------


async def unit_command(update: Update, context: Context) -> None:
    """/unit NAME: register a local organisation, then choose its contact."""
    actor = context.require_actor()
    name = " ".join(context.args or [])
    if not name:
        await reply(update, t(actor.language, "vol.unit_usage"))
        return
    unit = await context.services.volunteer.rota.add_unit(actor, name)
    page = await context.services.community.people_page(0)
    await reply(
        update,
        t(actor.language, "vol.unit_added", unit=unit.name),
        keyboards.vol_unit_contacts(actor.language, unit.id, page),
    )


async def unit_page(update: Update, context: Context) -> None:
    """Another page of people for the unit's contact."""
    data = cb.VolUnitPage.decode(callback_data(update))
    actor = context.require_actor()
    page = await context.services.community.people_page(data.page)
    await show(
        update,
        t(actor.language, "vol.unit_pick_contact"),
        keyboards.vol_unit_contacts(actor.language, data.unit_id, page),
    )


async def unit_contact(update: Update, context: Context) -> None:
    """The unit's contact is chosen."""
    data = cb.VolUnitContact.decode(callback_data(update))
    actor = context.require_actor()
    unit = await context.services.volunteer.rota.set_contact(actor, data.unit_id, data.person_id)
    person = await context.services.community.person(data.person_id)
    await show(
        update, t(actor.language, "vol.unit_contact_set", unit=unit.name, name=person.display_name)
    )


async def team_command(update: Update, context: Context) -> None:
    """/team: join a unit (a team), so its activities and duties are open to you."""
    actor = context.require_actor()
    units, mine = await context.services.volunteer.rota.teams(actor)
    if not units:
        await reply(update, t(actor.language, "vol.team_none"))
        return
    await reply(
        update, t(actor.language, "vol.team_pick"), keyboards.vol_teams(actor.language, units, mine)
    )


async def team_joined(update: Update, context: Context) -> None:
    """A unit chosen under /team."""
    data = cb.VolJoinUnit.decode(callback_data(update))
    actor = context.require_actor()
    unit = await context.services.volunteer.rota.join_unit(actor, data.unit_id)
    await show(update, t(actor.language, "vol.team_joined", unit=unit.name))


async def rota_command(update: Update, context: Context) -> None:
    """/rota: the planned duty days and the rotation order."""
    actor = context.require_actor()
    units, duties = await context.services.volunteer.rota.rota()
    await reply(update, texts.vol_rota(actor.language, units, duties))


async def duty_command(update: Update, context: Context) -> None:
    """/duty for a unit's contact: skip the next turn, or hand the duty to another unit."""
    actor = context.require_actor()
    screen = await context.services.volunteer.rota.my_duty(actor)
    await show(
        update, texts.vol_duty(actor.language, screen), keyboards.vol_duty(actor.language, screen)
    )


async def skip_toggle(update: Update, context: Context) -> None:
    """下次跳过 (or take the request back)."""
    actor = context.require_actor()
    await context.services.volunteer.rota.toggle_skip(actor)
    await duty_command(update, context)


async def swap_menu(update: Update, context: Context) -> None:
    """换班: choose the unit to ask."""
    data = cb.VolSwapMenu.decode(callback_data(update))
    actor = context.require_actor()
    screen = await context.services.volunteer.rota.my_duty(actor)
    await show(
        update,
        t(actor.language, "vol.swap_pick"),
        keyboards.vol_swap_targets(actor.language, data.duty_id, screen.others),
    )


async def swap_ask(update: Update, context: Context) -> None:
    """Ask the chosen unit; its contact is asked to agree."""
    data = cb.VolSwapAsk.decode(callback_data(update))
    actor = context.require_actor()
    other = await context.services.volunteer.rota.ask_swap(actor, data.duty_id, data.unit_id)
    await show(update, t(actor.language, "vol.swap_sent", unit=other.name))
    context.services.wake_sender()


async def swap_answer(update: Update, context: Context) -> None:
    """The other unit's contact agrees or declines."""
    data = cb.VolSwapAnswer.decode(callback_data(update))
    actor = context.require_actor()
    duty = await context.services.volunteer.rota.answer_swap(actor, data.swap_id, data.accept)
    key = "vol.swap_done" if data.accept else "vol.swap_refused"
    await show(
        update,
        t(
            actor.language,
            key,
            day=spoken.stored_day(actor.language, duty.day),
            unit=duty.unit_name,
        ),
    )
    context.services.wake_sender()
