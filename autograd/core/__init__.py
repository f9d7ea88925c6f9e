"""The core: the node, the sweep, hooks and the per-thread modes; it names no transformation."""

__all__ = ()
