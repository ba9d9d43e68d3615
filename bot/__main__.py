"""``python -m bot``: the same as the ``pavilion`` command."""

import sys

from bot.cli import main

sys.exit(main())
