"""Telegram adapters of the Party members' own systems: Party birthdays (政治生日) and
commitments (党员承诺)."""
