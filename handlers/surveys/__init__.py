"""Telegram adapters of surveys (民意测评): the builder, answers, results and the response."""
