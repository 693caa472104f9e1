"""Merging other datasets into labgraph: ``mapping`` turns CSV/JSON records into triples by a YAML
mapping, ``reconcile`` matches their entities with ours (identifiers first, names to review), and
``importer`` writes the import and its links after validating the graph they would make.

May import: the foundation and ``labgraph.graph`` (a merge is checked as a build would be).
"""
