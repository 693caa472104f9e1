"""Interface strings in French and English (data labels come from the graph itself)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "site_title": {"fr": "labgraph", "en": "labgraph"},
    "tagline": {
        "fr": "Les laboratoires d'innovation publique en France, en données ouvertes et liées",
        "en": "Public innovation labs in France, as linked open data",
    },
    "skip": {"fr": "Aller au contenu", "en": "Skip to content"},
    "home": {"fr": "Accueil", "en": "Home"},
    "classes": {"fr": "Explorer", "en": "Browse"},
    "search": {"fr": "Rechercher", "en": "Search"},
    "sparql": {"fr": "SPARQL", "en": "SPARQL"},
    "ontology": {"fr": "Ontologie", "en": "Ontology"},
    "data": {"fr": "Données", "en": "Data"},
    "kind": {"fr": "Nature", "en": "Kind"},
    "statements": {"fr": "Ce que dit le graphe", "en": "What the graph says"},
    "incoming": {"fr": "Liens entrants", "en": "Incoming links"},
    "sources": {"fr": "Documents sources", "en": "Source documents"},
    "formats": {"fr": "Autres formats", "en": "Other formats"},
    "count": {"fr": "Nombre", "en": "Count"},
    "class": {"fr": "Classe", "en": "Class"},
    "results_for": {"fr": "Résultats pour", "en": "Results for"},
    "no_results": {"fr": "Aucun résultat.", "en": "No results."},
    "previous": {"fr": "Page précédente", "en": "Previous page"},
    "next": {"fr": "Page suivante", "en": "Next page"},
    "page": {"fr": "Page", "en": "Page"},
    "of": {"fr": "sur", "en": "of"},
    "dumps": {"fr": "Téléchargements", "en": "Downloads"},
    "file": {"fr": "Fichier", "en": "File"},
    "size": {"fr": "Taille", "en": "Size"},
    "media_type": {"fr": "Type de média", "en": "Media type"},
    "dataset_intro": {
        "fr": "labgraph décrit les laboratoires d'innovation publique, incubateurs, réseaux et programmes "
        "mentionnés par des pages web publiques, chaque fait relié au document qui l'énonce.",
        "en": "labgraph describes the public innovation labs, incubators, networks and programmes named "
        "by public web pages, each fact tied to the document that states it.",
    },
    "entry_points": {"fr": "Points d'entrée", "en": "Entry points"},
    "by_class": {"fr": "Ressources par classe", "en": "Resources by class"},
    "all_classes": {"fr": "Toutes les classes, par vocabulaire", "en": "Every class, by vocabulary"},
    "query": {"fr": "Requête", "en": "Query"},
    "run": {"fr": "Exécuter", "en": "Run"},
    "examples": {"fr": "Exemples", "en": "Examples"},
    "result_format": {"fr": "Format du résultat", "en": "Result format"},
    "classes_heading": {"fr": "Classes", "en": "Classes"},
    "properties_heading": {"fr": "Propriétés", "en": "Properties"},
    "schemes_heading": {"fr": "Vocabulaires contrôlés", "en": "Controlled vocabularies"},
    "domain": {"fr": "Domaine", "en": "Domain"},
    "range": {"fr": "Portée", "en": "Range"},
    "subclass_of": {"fr": "Sous-classe de", "en": "Subclass of"},
    "subproperty_of": {"fr": "Sous-propriété de", "en": "Subproperty of"},
    "note": {"fr": "Note", "en": "Note"},
    "language": {"fr": "English", "en": "Français"},
    "licence": {"fr": "Données sous Licence Ouverte 2.0", "en": "Data under Licence Ouverte 2.0"},
    "group_identity": {"fr": "Identité", "en": "Identity"},
    "group_relations": {"fr": "Relations", "en": "Relations"},
    "group_activity": {"fr": "Activité", "en": "Activity"},
    "group_time": {"fr": "Dates et nombres", "en": "Dates and numbers"},
    "group_links": {"fr": "Identifiants et liens externes", "en": "Identifiers and external links"},
    "group_provenance": {"fr": "Provenance et notes", "en": "Provenance and notes"},
    "group_other": {"fr": "Autres propriétés", "en": "Other properties"},
    "search_placeholder": {"fr": "Nom d'un lab, d'un réseau, d'une personne…", "en": "Name of a lab, network, person…"},
    "truncated": {"fr": "Résultat tronqué", "en": "Truncated result"},
}


def t(key: str, lang: str) -> str:
    entry = STRINGS.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry["fr"]
