"""``pavilion demo``: the real bot, played against the Bot API stand-in, with a transcript."""
