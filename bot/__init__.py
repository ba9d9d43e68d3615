"""Pavilion (议事亭): the application core.

Services here hold the community's rules and know nothing of Telegram; the
exceptions are the composition root (app.py), the update ingress
(telegram_ingress.py), the CLI and the demo. See DESIGN.md for the layering.
"""
