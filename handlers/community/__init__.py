"""Telegram adapters of the community: registration, /me, the register, notices, /upcoming."""
