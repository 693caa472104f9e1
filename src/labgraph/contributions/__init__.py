"""Collective updates: proposals of new cards and corrections, their review, and their landing.

A proposal is kept in an embedded SQLite database under ``state_dir`` (:mod:`.db`), never in
the graph: until a curator accepts it, it is nobody's fact. Nothing there is ever updated or
deleted: proposals, their versions, reviews and decisions are rows appended to an event log,
and a proposal's state is its last event. An accepted proposal becomes a source document of
its own (``data/contributions/contribution-N.ttl``, graph ``graph/contribution-N``), with its
provenance, and the next build publishes it like any other source.

The web layer reaches this package only through :mod:`.base` (the interface and its data
types); the implementation, which checks proposals with the build's SHACL shapes and runs
builds, is wired in by ``labgraph.serving``.

May import: the foundation, ``labgraph.dataset``, ``labgraph.graph`` (the shapes, the build),
``labgraph.cards`` (a proposal is a card) and the store's interface; :mod:`.base` imports only
the foundation, since the web imports it.
"""
