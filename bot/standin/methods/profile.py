"""The bot's own profile: getMe, the command lists (setMyCommands, ...), descriptions and
names per language, close and logOut.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from typing import Any

from bot.standin.errors import _bad
from bot.standin.world import World, _Files

_BOT_COMMAND_NAME_RE = re.compile(r"[a-z0-9_]{1,32}")


_LANGUAGE_RE = re.compile(r"[a-z]{2}")


class Profile(World):
    """getMe, commands, descriptions and names; close and logOut."""

    def _get_me(self, params: dict[str, Any], files: _Files) -> Any:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": not self.privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    @staticmethod
    def _language(params: Mapping[str, Any]) -> str:
        language = str(params.get("language_code") or "")
        if language and not _LANGUAGE_RE.fullmatch(language):
            raise _bad("invalid language code specified")
        return language

    @staticmethod
    def _scope_key(params: Mapping[str, Any]) -> str:
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or "type" not in scope:
            raise _bad("can't parse BotCommandScope JSON object")
        return json.dumps(scope, sort_keys=True)

    def _set_my_commands(self, params: dict[str, Any], files: _Files) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad("too many commands specified")
        for command in commands:
            if not isinstance(command, dict):
                raise _bad("can't parse BotCommand JSON object")
            name = str(command.get("command", "")).removeprefix("/")
            if not _BOT_COMMAND_NAME_RE.fullmatch(name):
                raise _bad("BOT_COMMAND_INVALID")
            description = str(command.get("description", "")).strip()
            if not 1 <= len(description) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        key = (self._scope_key(params), self._language(params))
        self.commands[key] = [
            {"command": str(c["command"]).removeprefix("/"), "description": c["description"]}
            for c in commands
        ]
        return True

    def _get_my_commands(self, params: dict[str, Any], files: _Files) -> Any:
        key = (self._scope_key(params), self._language(params))
        return copy.deepcopy(self.commands.get(key, []))

    def _delete_my_commands(self, params: dict[str, Any], files: _Files) -> Any:
        self.commands.pop((self._scope_key(params), self._language(params)), None)
        return True

    def _set_text_setting(self, kind: str, params: Mapping[str, Any], most: int) -> bool:
        text = str(params.get(kind) or "")
        if len(text) > most:
            raise _bad(f"{kind} is too long")
        key = (kind, self._language(params))
        if text:
            self.descriptions[key] = text
        else:
            self.descriptions.pop(key, None)
        return True

    def _get_text_setting(self, kind: str, params: Mapping[str, Any]) -> dict[str, Any]:
        language = self._language(params)
        text = self.descriptions.get((kind, language)) or self.descriptions.get((kind, ""), "")
        if kind == "name" and not text:
            text = self.bot_first_name
        return {kind: text}

    def _set_my_description(self, params: dict[str, Any], files: _Files) -> Any:
        return self._set_text_setting("description", params, 512)

    def _get_my_description(self, params: dict[str, Any], files: _Files) -> Any:
        return self._get_text_setting("description", params)

    def _set_my_short_description(self, params: dict[str, Any], files: _Files) -> Any:
        return self._set_text_setting("short_description", params, 120)

    def _get_my_short_description(self, params: dict[str, Any], files: _Files) -> Any:
        return self._get_text_setting("short_description", params)

    def _set_my_name(self, params: dict[str, Any], files: _Files) -> Any:
        return self._set_text_setting("name", params, 64)

    def _get_my_name(self, params: dict[str, Any], files: _Files) -> Any:
        return self._get_text_setting("name", params)

    def _close(self, params: dict[str, Any], files: _Files) -> Any:
        return True

    def _log_out(self, params: dict[str, Any], files: _Files) -> Any:
        return True
