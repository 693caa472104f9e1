"""Data access for the web layer and the command line, behind one narrow interface.

``base`` defines that interface; ``policy`` decides what a query may do before any engine
sees it; ``embedded`` runs queries on Oxigraph in killable worker processes.
"""
