"""Reminders to vote through the real bot: before the close, privately, once, only to
those who have not voted and still want them; ballot buttons in the reminder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.deliberation.voting.reminders import REMIND_KIND
from bot.standin import FakeBotApi
from tests.conftest import FakeClock, make_settings
from tests.handlers.conftest import SECRETARY, BotHarness, button_labels, start_harness
from tests.handlers.deliberation.test_votes_flow import GRID_WORKER, community, open_vote

REMINDER = "⏰ "
# Tom reads English; the others Chinese.
ZHANG, TOM, LI = 2001, 2002, 2003


def reminders(harness: BotHarness, user_id: int) -> list[dict[str, Any]]:
    """The reminders to vote in a person's private chat."""
    return [
        m for m in harness.api.bot_messages(user_id) if (m.get("text") or "").startswith(REMINDER)
    ]


async def reminder_schedules(harness: BotHarness, vote_id: int) -> list[Any]:
    async with harness.db.read() as session:
        return await session.schedules.pending_for(REMIND_KIND, "vote_id", vote_id)


async def fire(harness: BotHarness, clock: FakeClock, schedule: Any) -> bool:
    clock.now = schedule.next_due_at
    fired = await harness.running.services.scheduler.fire(schedule.id, schedule.next_due_at)
    await harness.pushes_sent()
    return fired


async def vote_of(harness: BotHarness, matter_id: int) -> Any:
    async with harness.db.read() as session:
        return (await session.votes.for_matter(matter_id))[-1]


async def test_non_voters_are_reminded_once_with_ballot_buttons(
    tmp_path: Path, api: FakeBotApi
) -> None:
    clock = FakeClock()
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        # Closing in 72 hours: the reminders come 24 h and 2 h before the close.
        card = await open_vote(harness, 1, "截止时间", "截止时间")
        vote = await vote_of(harness, 1)
        assert (vote.closes_at - vote.opened_at).total_seconds() == 72 * 3600
        first, second = await reminder_schedules(harness, vote.id)
        assert (vote.closes_at - first.next_due_at).total_seconds() == 24 * 3600
        assert (vote.closes_at - second.next_due_at).total_seconds() == 2 * 3600

        await harness.say(SECRETARY, "/upcoming")
        assert "表决 #1 截止前 1 天 提醒未投票的居民" in harness.last(SECRETARY)["text"]

        # 张阿姨 votes on the card; the others have not when the first reminder fires.
        await harness.press_label(ZHANG, card, "赞成")
        assert await fire(harness, clock, first)
        assert reminders(harness, ZHANG) == []
        for user_id in (LI, GRID_WORKER):
            (reminder,) = reminders(harness, user_id)
            assert reminder["text"].startswith("⏰ 投票提醒：表决 #1 小区门口加装路灯")
            assert "还有 1 天" in reminder["text"] and "本次为记名投票" in reminder["text"]
            assert button_labels(reminder) == ["赞成", "反对", "弃权", "🔕 不再提醒我投票"]
        (english,) = reminders(harness, TOM)
        assert english["text"].startswith("⏰ Reminder to vote: vote #1 小区门口加装路灯")
        assert "in 1 day" in english["text"]
        assert button_labels(english)[-1] == "🔕 Stop reminding me to vote"
        # The same firing again does nothing: nobody is reminded twice for one moment.
        assert not await harness.running.services.scheduler.fire(first.id, first.next_due_at)
        await harness.pushes_sent()
        assert len(reminders(harness, TOM)) == 1

        # Tom votes from the reminder itself; 李大爷 turns the reminders off.
        await harness.press_label(TOM, reminders(harness, TOM)[0], "No")
        assert "No" in str(api.callback_answers()[-1]["text"])
        async with harness.db.read() as session:
            assert sorted(await session.votes.choice_counts(vote.id)) == [((0,), 1), ((1,), 1)]
        await harness.press_label(LI, reminders(harness, LI)[0], "不再提醒我投票")
        off = harness.last(LI)
        assert off["text"].startswith("好的，以后不再提醒您投票")
        assert button_labels(off) == ["🔔 恢复投票提醒"]
        await harness.press_label(LI, reminders(harness, LI)[0], "不再提醒我投票")
        assert api.callback_answers()[-1]["text"] == "投票提醒已经关了。"

        # The second reminder: neither the voters nor 李大爷; the grid worker again.
        assert await fire(harness, clock, second)
        assert [len(reminders(harness, uid)) for uid in (ZHANG, TOM, LI)] == [0, 1, 1]
        assert len(reminders(harness, GRID_WORKER)) == 2
        assert "还有 2 小时" in reminders(harness, GRID_WORKER)[-1]["text"]

        # 🔔 turns them back on.
        await harness.press_label(LI, off, "恢复投票提醒")
        assert harness.last(LI)["text"].startswith("好的，表决截止前会提醒您投票")
        async with harness.db.read() as session:
            assert await session.people.reminders_off("vote") == set()
    finally:
        await harness.running.stop()


async def test_anonymous_votes_find_who_voted_and_an_early_close_stops_reminders(
    tmp_path: Path, api: FakeBotApi
) -> None:
    clock = FakeClock()
    settings = make_settings(
        tmp_path, telegram={"poll_timeout": 1}, deliberation={"vote_reminder_hours": [2]}
    )
    harness = await start_harness(settings, api, clock)
    try:
        await community(harness)
        # Anonymous, closing in 24 hours: one reminder, 2 h before the close.
        card = await open_vote(harness, 1, "记名/不记名", "截止时间")
        assert "不记名" in card["text"]
        vote = await vote_of(harness, 1)
        assert vote.anonymous
        (reminder,) = await reminder_schedules(harness, vote.id)
        await harness.press_label(ZHANG, card, "赞成")
        assert await fire(harness, clock, reminder)
        assert reminders(harness, ZHANG) == []
        assert "本次为不记名投票" in reminders(harness, LI)[0]["text"]

        # A vote closed by hand stops the reminders still to come.
        await open_vote(harness, 2, "截止时间")
        vote2 = await vote_of(harness, 2)
        (pending,) = await reminder_schedules(harness, vote2.id)
        await harness.say(SECRETARY, "/closevote 2")
        assert await reminder_schedules(harness, vote2.id) == []
        before = len(reminders(harness, TOM))
        assert not await harness.running.services.scheduler.fire(pending.id, pending.next_due_at)
        await harness.pushes_sent()
        assert len(reminders(harness, TOM)) == before
    finally:
        await harness.running.stop()


async def test_a_vote_shorter_than_every_lead_gets_no_reminder(
    tmp_path: Path, api: FakeBotApi
) -> None:
    settings = make_settings(tmp_path, telegram={"poll_timeout": 1})
    harness = await start_harness(settings, api, FakeClock())
    try:
        await community(harness)
        await open_vote(harness, 1)  # the default: closes in 2 hours, no 24 h or 2 h lead ahead
        assert await reminder_schedules(harness, (await vote_of(harness, 1)).id) == []
    finally:
        await harness.running.stop()
