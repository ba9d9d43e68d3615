"""A card edit asked for while the card's previous edit is still running is not lost: the
refresh runs once more after it (a job of the same name added meanwhile would be
skipped by the scheduler, and the card would keep the state before the last change)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from handlers.cards import CARD_EDIT_SECONDS, EDIT_JOB_PREFIX, drop_pending_edits, edit_soon


@dataclass(eq=False)  # hashable by identity, as the real scheduler
class FakeScheduler:
    jobs: dict[str, Any] = field(default_factory=dict)
    running: bool = True

    def get_job(self, name: str) -> Any:
        return self.jobs.get(name)


class FakeCommunities:
    """Notes the community each edit runs in."""

    def __init__(self) -> None:
        self.entered: list[int] = []

    @contextmanager
    def enter(self, community: int) -> Iterator[None]:
        self.entered.append(community)
        yield


@dataclass
class FakeContext:
    data: object
    services: Any


@dataclass
class FakeJobQueue:
    """Records run_once; a test fires a job by hand (the scheduler removes it as it starts)."""

    scheduler: FakeScheduler = field(default_factory=FakeScheduler)
    scheduled: list[tuple[str, float]] = field(default_factory=list)
    communities: FakeCommunities = field(default_factory=FakeCommunities)

    def run_once(self, callback: Any, *, when: float, data: object, name: str, **_: Any) -> None:
        self.scheduler.jobs[name] = (callback, data)
        self.scheduled.append((name, when))

    def jobs(self) -> list[Any]:
        return []  # the jobs not yet started, which stopping removes (none in these tests)

    def start(self, name: str) -> asyncio.Task[None]:
        callback, data = self.scheduler.jobs.pop(name)
        services = type("Services", (), {"communities": self.communities})()
        return asyncio.create_task(callback(FakeContext(data, services)))


async def test_a_change_during_an_edit_edits_once_more_after_it() -> None:
    queue = FakeJobQueue()
    release = asyncio.Event()
    seen: list[object] = []

    async def refresh(context: Any) -> None:
        seen.append(context.data)
        await release.wait()

    edit_soon(queue, "vote-card:1", refresh, 1)  # type: ignore[arg-type]
    edit_soon(queue, "vote-card:1", refresh, 1)  # type: ignore[arg-type]
    name = EDIT_JOB_PREFIX + "vote-card:1"
    assert queue.scheduled == [(name, CARD_EDIT_SECONDS)]  # one edit for both changes

    running = queue.start(name)
    await asyncio.sleep(0)
    assert seen == [1]
    edit_soon(queue, "vote-card:1", refresh, 1)  # a change while the edit runs
    assert queue.scheduler.get_job(name) is None  # nothing the scheduler would skip
    release.set()
    await running
    assert queue.scheduled == [(name, CARD_EDIT_SECONDS), (name, CARD_EDIT_SECONDS)]

    await queue.start(name)  # the edit after it shows the last change
    assert seen == [1, 1]
    assert queue.scheduled == [(name, CARD_EDIT_SECONDS)] * 2  # and nothing more after that
    assert queue.communities.entered == [1, 1]  # both in the community that asked


async def test_no_change_during_an_edit_no_second_edit() -> None:
    queue = FakeJobQueue()

    async def refresh(context: Any) -> None:
        return None

    edit_soon(queue, "matter-card:7", refresh, 7)  # type: ignore[arg-type]
    await queue.start(EDIT_JOB_PREFIX + "matter-card:7")
    assert len(queue.scheduled) == 1
    assert queue.scheduler.jobs == {}


async def test_stopping_forgets_the_edit_due_after_a_running_one() -> None:
    queue = FakeJobQueue()
    release = asyncio.Event()

    async def refresh(context: Any) -> None:
        await release.wait()

    edit_soon(queue, "vote-card:2", refresh, 2)  # type: ignore[arg-type]
    running = queue.start(EDIT_JOB_PREFIX + "vote-card:2")
    await asyncio.sleep(0)
    edit_soon(queue, "vote-card:2", refresh, 2)  # type: ignore[arg-type]
    assert drop_pending_edits(queue) == 1  # type: ignore[arg-type]
    release.set()
    await running
    assert len(queue.scheduled) == 1  # no edit after the running one
