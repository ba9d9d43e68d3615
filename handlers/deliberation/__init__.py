"""Telegram adapters of deliberation: matters, desk, discussion, votes, sittings, carrying out."""
