"""A street with two communities, briefly, for ``pavilion demo`` (bot/demo/story.py calls it).

The street office's administrator creates 和平社区 with /street and sends its new
secretary an invitation link; the secretary accepts, binds the community's residents'
group; a resident follows the group's link (it carries the community) and raises a
matter, which is 和平社区's #1 although 幸福社区 has its own #1; then the administrator
reads the street view: one block per community, a workbook and a chart.
"""

from __future__ import annotations

import re

from bot.demo.commitments import Script, _sent


async def play_street(
    script: Script, *, admin: int, secretary: int, resident: int, group: int
) -> None:
    """Play the story. Expects the first community played already (its matters exist)."""
    api = script.api
    await script.say(admin, "/street")
    await script.press(admin, "新建社区")
    await script.say(admin, "和平社区")
    await script.press(admin, "指定书记 和平社区")
    made = api.bot_messages(admin)[-1].get("text", "")
    link = re.search(r"start=(sec-[\w-]+)", made)
    if link is None:
        raise RuntimeError("demo script: no invitation link for the secretary")
    await script.say(secretary, f"/start {link.group(1)}")
    await script.press(secretary, "同意并担任书记")
    # The new secretary adds the bot to the community's group and binds it.
    api.bot_added(group, secretary)
    await script.settle()
    await script.say(secretary, "/bind residents", group)
    # A resident follows the group's link: it carries the community.
    welcome = api.bot_messages(group)[-1]
    (url,) = [
        button["url"]
        for row in (welcome.get("reply_markup") or {}).get("inline_keyboard", [])
        for button in row
        if "url" in button
    ]
    payload = url.split("?start=", 1)[1]
    await script.say(resident, f"/start {payload}")
    await script.press(resident, "同意并登记")
    await script.press(resident, "就用")
    await script.press(resident, "跳过")
    await script.say(resident, "提议 小区门口增设快递柜")
    await script.say(resident, "快递总放在门卫室，老人取件不方便。")
    await script.press(resident, "提交")
    await _sent(script)
    # The street view: each community's figures, a workbook and a chart.
    await script.say(admin, "/street")
    await script.press(admin, "街道总览")
