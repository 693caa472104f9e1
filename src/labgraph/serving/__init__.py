"""Running labgraph for others: ``server`` (waitress, one or several processes), ``live`` (follow
new releases without a restart), ``app`` (a web app over the configured store) and ``proxy``
(the nginx cache recipe). Loading a release into a remote store is the store's own
(:mod:`labgraph.store.publish`).

May import: everything below it (the foundation, the graph, the store, the web layer). Only the
command line imports it.
"""
