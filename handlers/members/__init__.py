"""Telegram adapters of the Party members' own systems: Party birthdays (政治生日)."""
