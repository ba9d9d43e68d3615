"""The layering of DESIGN.md, checked: ``handlers → bot (services) → storage``, with the
Telegram plumbing in a room of its own (bot/runtime/: ingress, HTTP, flood control, jobs,
the sender and its reports). A service that imported telegram, or storage that imported
a service, would fail here rather than in review."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Where bot/ may talk to Telegram and to the handlers: the composition root (app.py,
#: cli.py), the plumbing (runtime/), the demo that plays the whole bot, and the Bot API
#: stand-in (standin/: Telegram's side of the wire).
BOT_TELEGRAM_ROOMS = ("bot/app.py", "bot/cli.py", "bot/runtime/", "bot/demo/", "bot/standin/")


def imported(path: Path) -> set[str]:
    """The top-level packages a module imports (anywhere in it, lazily too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def modules(package: str) -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / package).rglob("*.py"))


@pytest.mark.parametrize(
    "module",
    [m for m in modules("bot") if not m.startswith(BOT_TELEGRAM_ROOMS)],
)
def test_services_know_no_telegram_and_no_handlers(module: str) -> None:
    assert not imported(ROOT / module) & {"telegram", "handlers"}


@pytest.mark.parametrize("module", modules("storage"))
def test_storage_knows_no_services_and_no_telegram(module: str) -> None:
    assert not imported(ROOT / module) & {"telegram", "handlers", "bot"}
