"""The rules: what a row of the derivative table is, every row, and how a rule is read."""

__all__ = ()
