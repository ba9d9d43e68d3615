"""The title row of every sheet a secretary downloads: community, period, who, when."""

from __future__ import annotations

from datetime import date

from bot.spreadsheets import Masthead, period_text
from handlers.context import Context


def masthead(context: Context, first: date, last: date) -> Masthead:
    """社区 · 统计期间 · 制表人 (the person asking) · 制表时间 (now, the community's zone)."""
    actor = context.require_actor()
    services = context.services
    community = services.settings.community
    made_by = actor.person.display_name if actor.person else str(actor.tg_user_id)
    return Masthead(
        community=community.name_in(actor.language),
        period=period_text(actor.language, first, last),
        made_by=made_by,
        made_at=services.clock(),
        tz=community.tz,
        language=actor.language,
    )
