"""``python -m nn``: the command line, its parser built from the registries."""

from .main import build_parser, main

__all__ = ["build_parser", "main"]
