"""Pictures of a graph: static Graphviz drawings and the interactive explorer."""

__all__ = ()
