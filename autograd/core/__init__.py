"""The core: the node (``Value``), ``record``, the one sweep, hooks, grad modes and interceptors.

It names no transformation: anomaly mode, forward mode and the jit's tracer
plug in through :mod:`.interceptors`. Nothing here is public API: the names
users need are re-exported by ``autograd``, and what libraries may build on
by ``autograd.extend``.
"""

__all__ = ()
