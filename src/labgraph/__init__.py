"""labgraph: an open knowledge graph of French public innovation labs, incubators and networks.

The public API is small on purpose: load :class:`Settings`, then :func:`build` a release of
the graph (parse, check, validate, write dumps) or :func:`validate` it without writing.

The names are loaded on first use (PEP 562): every query worker process imports a module of this
package, and importing pySHACL with the validator would cost each of them half a second.

The rooms, lowest first (each may import only those below it; ``tests/test_layering.py`` holds
the rules):

- foundation: ``config``, ``errors``, ``namespaces``, ``uris``, ``release``, ``rdflib_terms``
- ``dataset``: the dataset's figures and its VoID/DCAT description
- ``graph``: read, check, validate and build the graph into a release
- ``store``: the one interface to data, with the embedded and remote backends
- ``catalogue``: the researcher query catalogue
- ``merge``: bring other datasets in
- ``web``: the Flask publisher, over the store interface
- ``serving``: run the publisher, follow releases, cache, publish to remote stores
- ``cli``: the ``labgraph`` command
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from labgraph.config import Settings
    from labgraph.graph.build import run_build as build
    from labgraph.graph.validation import validate_dataset as validate

__all__ = ["Settings", "__version__", "build", "validate"]
__version__ = "0.1.0"

_LAZY = {
    "Settings": ("labgraph.config", "Settings"),
    "build": ("labgraph.graph.build", "run_build"),
    "validate": ("labgraph.graph.validation", "validate_dataset"),
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'labgraph' has no attribute {name!r}")
    from importlib import import_module

    module, attribute = _LAZY[name]
    value = getattr(import_module(module), attribute)
    globals()[name] = value
    return value
