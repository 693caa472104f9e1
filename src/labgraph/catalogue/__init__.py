"""The researcher query catalogue: ``queries/*.rq`` files with a ``#+`` YAML header, their
typed parameters, and how values are bound into a query as data.

May import: the foundation and the store's query gate (``store.policy``, for the lexical rules a
catalogue query must follow). Read by the command line and the web API.
"""

from labgraph.catalogue.loader import (
    RESERVED,
    CatalogueError,
    CatalogueQuery,
    Parameter,
    ParameterError,
    load,
    parse,
)

__all__ = ["RESERVED", "CatalogueError", "CatalogueQuery", "Parameter", "ParameterError", "load", "parse"]
