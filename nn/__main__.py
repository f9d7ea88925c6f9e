"""``python -m nn``: see :mod:`nn.cli`."""

from .cli.main import main

__all__: list[str] = []  # a program, not a module to import from

if __name__ == "__main__":
    raise SystemExit(main())
