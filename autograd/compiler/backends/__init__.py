"""Backends of the compiler: each turns a traced program into callables."""

__all__ = ()
