"""``python -m nn``: see :mod:`nn.cli`."""

from .cli import main

raise SystemExit(main())
