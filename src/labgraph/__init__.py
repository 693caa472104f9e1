"""labgraph: an open knowledge graph of French public innovation labs, incubators and networks.

The public API is small on purpose: load :class:`Settings`, then :func:`build` a release of
the graph (parse, check, validate, write dumps) or :func:`validate` it without writing.
"""

from labgraph.build import run_build as build
from labgraph.config import Settings
from labgraph.validation import validate_dataset as validate

__all__ = ["Settings", "__version__", "build", "validate"]
__version__ = "0.1.0"
