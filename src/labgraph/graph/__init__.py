"""Building the graph: read the source files, check them, validate them, write a release.

``sources`` parses the Turtle files (one named graph per document), ``consistency`` finds
contradictions across files, ``validation`` runs the SHACL shapes (through :mod:`labgraph.rdflib_terms`), and ``build``
writes a release atomically.

May import: the foundation (``config``, ``errors``, ``namespaces``, ``uris``, ``release``) and
``labgraph.dataset``. Never the store, the web layer or serving: a build runs without a server.
"""
