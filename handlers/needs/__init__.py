"""Telegram adapters of the two lists (需求/服务两张清单)."""
