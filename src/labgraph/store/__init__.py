"""Data access for the web layer and the command line, behind one narrow interface.

``base`` defines that interface (the ``Store`` protocol, request and result types, the gate's
verdict); ``policy`` decides what a query may do before any engine sees it; ``formats`` names
the media types; ``embedded`` runs queries on Oxigraph in killable worker processes (``pool``,
``worker``); ``remote`` speaks to a SPARQL server; ``documents`` is what both backends share to
describe a resource; ``publish`` loads a release into a remote store; ``factory`` picks the
backend the settings name.

May import: the foundation and ``labgraph.dataset`` (figures counted through the store's own
queries). Never the graph build, the web layer or serving; callers outside ``serving`` and the
command line import ``base`` only.
"""
