"""A short volunteer story for ``pavilion demo`` (志愿者打卡), on the real clock.

:func:`play_volunteering` drives the demo's script object (bot/demo/story.py's
``DemoScript``: ``say``, ``press``, ``pushes_done``, ``api``): the secretary
binds the volunteers' group, makes two registered people volunteers, and
publishes an activity with one place that is already running (so check-in
is open now); one volunteer signs up, the other joins the waitlist, the
first cancels and the second is promoted, checks in with the organiser's
rotating on-site code, checks out, and looks at their hours.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo


class Script(Protocol):
    """What the demo's script offers (bot/demo/story.py ``DemoScript``)."""

    api: Any

    async def say(
        self, user_id: int, text: str, chat_id: int | None = None, **extra: Any
    ) -> dict[str, Any]:
        """A person sends a message."""

    async def press(self, user_id: int, label: str, chat_id: int | None = None) -> None:
        """A person presses a button on the bot's last message to them."""

    async def pushes_done(self) -> None:
        """Every push is sent."""


def running_window(now: datetime, tz: ZoneInfo) -> str:
    """ "11-22 17:50-18:50": an hour that began ten minutes ago, within one local day."""
    local = now.astimezone(tz).replace(second=0, microsecond=0)
    start = max(local - timedelta(minutes=10), local.replace(hour=0, minute=0))
    end = min(start + timedelta(hours=1), datetime.combine(start.date(), time(23, 59), tz))
    if end <= local:  # just before midnight: end at 23:59 still lies ahead
        end = datetime.combine(start.date(), time(23, 59), tz)
    return f"{start:%m-%d %H:%M}-{end:%H:%M}"


async def play_volunteering(
    script: Script,
    *,
    secretary: int,
    volunteers: Sequence[int],
    group: int,
    now: datetime,
    tz: ZoneInfo,
    later: Callable[[timedelta], None] | None = None,
) -> None:
    """The volunteer story; the people are registered, the bot is in ``group``.

    ``volunteers`` are two registered people (the first signs up, the second
    waits, is promoted and checks in). ``now`` is the bot's clock; ``later``,
    if given, moves that clock on between the check-in and the check-out.
    """
    first, second = volunteers[0], volunteers[1]
    await script.say(secretary, "/bind", group)
    await script.press(secretary, "志愿者群", group)
    for person in (first, second):
        hello = await script.say(person, "我想参加志愿服务。", group)
        await script.say(secretary, "/grant 志愿者", group, reply_to_message_id=hello["message_id"])
    # The secretary publishes an activity with one place, checked by the on-site code.
    await script.say(secretary, "/newactivity")
    await script.say(secretary, "湖边清扫落叶")
    await script.say(secretary, "带好手套，扫帚由社区提供。")
    await script.say(secretary, "湖边议事亭")
    await script.press(secretary, "跳过")
    await script.say(secretary, running_window(now, tz))
    await script.say(secretary, "1")
    await script.press(secretary, "现场码")
    await script.press(secretary, "发布")
    await script.pushes_done()
    # Sign-up on the card: one place, then the waitlist; a cancellation promotes.
    await script.press(first, "报名", group)
    await script.press(second, "报名", group)
    await script.press(first, "取消报名", group)
    await script.pushes_done()
    await script.press(second, "加到手机日历")  # the promotion's 📅: the activity's .ics
    # Check-in: words alone are not enough here; the organiser's code is.
    await script.say(second, "签到")
    await script.say(secretary, "/code")
    caption = str(script.api.last_bot_message(secretary).get("caption") or "")
    match = re.search(r"\b(\d{6})\b", caption)
    if match is None:
        raise RuntimeError("demo script: no code on the organiser's screen")
    await script.say(second, f"签到 {match[1]}")
    if later is not None:
        later(timedelta(minutes=45))  # the demo's clock moves; a real one just runs
    await script.say(second, "签退")
    await script.say(second, "签退")  # pressed twice: told when, not "not checked in"
    await script.say(second, "/hours")
