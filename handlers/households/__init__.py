"""Households and the members who look after them (党员联户): Telegram adapters."""
