"""The street level's Telegram adapters: /street, its buttons, the name form, the
secretary invite link and the street view (bot/street/)."""
