"""Telegram adapters of the public board (信息公开 / 党务公开栏)."""
