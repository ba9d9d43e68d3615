"""The parts of :class:`bot.standin.api.FakeBotApi`, one mixin per concern.

Each derives from :class:`bot.standin.world.World` (the shared state) or from the mixin whose
helpers it uses: ``Members`` -> ``Chats`` -> ``Messages`` (with ``Failures``) -> ``Media`` ->
``UserActions``; ``Updates``, ``Profile`` and ``Inspection`` stand on ``World`` alone.

Each handler ``_method_name`` implements the Bot API method named after it (``methodName``);
:class:`~bot.standin.api.FakeBotApi` registers them for :meth:`~bot.standin.api.FakeBotApi.call`.
"""
