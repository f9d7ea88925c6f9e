"""The one place valuegrad's version is written.

``autograd.__version__``, ``nn.__version__`` and the package metadata
(hatchling reads this file: ``[tool.hatch.version]`` in pyproject.toml) all
come from here.
"""

__all__ = ["__version__"]

__version__ = "0.2.0.dev0"
