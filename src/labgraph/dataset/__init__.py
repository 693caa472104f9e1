"""Describing the dataset: its figures (``stats``) and its VoID/DCAT and SPARQL service
descriptions (``description``).

May import: the foundation only. The build, the stores and the web layer all read it.
"""
