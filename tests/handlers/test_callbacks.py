"""The one registry of button kinds: every feature's kinds are in it, each prefix once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import pytest

from handlers import BUTTONS
from handlers.callbacks import KINDS, Callback, StaleButton
from handlers.community import callbacks as community_cb
from handlers.lessons import callbacks as lesson_cb
from handlers.volunteering import callbacks as vol_cb


def test_every_kind_has_one_handler_and_every_handler_a_registered_kind() -> None:
    handled = [button.kind.PREFIX for button in BUTTONS]
    assert len(handled) == len(set(handled))
    assert set(handled) == set(KINDS)
    for button in BUTTONS:
        assert KINDS[button.kind.PREFIX] is button.kind


def test_the_kinds_of_each_feature_are_registered() -> None:
    for module in (community_cb, lesson_cb, vol_cb):
        kinds = [
            value
            for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, Callback) and value is not Callback
        ]
        assert kinds
        for kind in kinds:
            assert KINDS[kind.PREFIX] is kind


def test_a_prefix_already_taken_is_refused() -> None:
    taken = community_cb.RegisterGrid.PREFIX
    with pytest.raises(TypeError, match="taken"):

        @dataclass(frozen=True)
        class Impostor(Callback):
            PREFIX: ClassVar[str] = taken

    assert KINDS[taken] is community_cb.RegisterGrid


def test_a_prefix_with_the_separator_is_refused() -> None:
    with pytest.raises(TypeError, match="PREFIX"):

        @dataclass(frozen=True)
        class Broken(Callback):
            PREFIX: ClassVar[str] = "a:b"


def test_decoding_checks_the_kind_and_the_fields() -> None:
    grid = community_cb.RegisterGrid("g1")
    assert community_cb.RegisterGrid.decode(grid.encode()) == grid
    with pytest.raises(StaleButton):
        community_cb.ConfirmForget.decode(grid.encode())
    with pytest.raises(StaleButton):
        community_cb.RegisterGrid.decode(grid.encode() + ":extra")
