"""Data-quality queries, on the graph and on tiny stores built to fail them.

Expected answers are written from the documents (see expect.py).
"""

from __future__ import annotations

from labgraph import catalogue

from .expect import (
    Run,
    assert_sorted,
    c,
    col,
    cols,
    cs,
    run_on,
    words,
)


def test_quality_structures_without_territory(run: Run, queries: dict[str, catalogue.CatalogueQuery]) -> None:
    rows = run("quality-structures-without-territory")
    # none of the five documents gives an area for these labs and networks
    assert cols(rows, "structure", "class") == [
        *[
            (c(s), c("lg:Lab"))
            for s in (
                "lab:104factory",
                "lab:acco-lab",
                "lab:bercylab",
                "lab:fabrique-numerique",
                "lab:incubateur-studios-virecourt",
                "lab:incubateur-patrimoine-cmn",
                "lab:atelier-numerique",
                "lab:110-bis",
                "lab:labo-culture",
                "lab:louvre-lens-vallee",
            )
        ],
        *[
            (c(s), c("lg:Network"))
            for s in (
                "net:copil-openlabs",
                "net:favd",
                "net:innovation-places-network",
                "net:tmnlab",
                "net:labo-des-labs",
                "net:ambassadeurs-bercylab",
            )
        ],
    ]
    tiny = run_on(
        queries,
        "quality-structures-without-territory",
        """
        ex:g {
          ex:located a lg:Lab ; rdfs:label "Lab situé"@fr ; schema:areaServed ex:somewhere .
          ex:nowhere a lg:Lab ; rdfs:label "Lab sans territoire"@fr .
          ex:network a lg:Network ; rdfs:label "Réseau sans territoire"@fr .
          ex:org a org:Organization ; rdfs:label "Organisation"@fr .
        }
    """,
    )
    assert cols(tiny, "structure", "class") == [
        ("http://example.org/nowhere", c("lg:Lab")),
        ("http://example.org/network", c("lg:Network")),
    ]


def test_quality_resources_without_source(run: Run, queries: dict[str, catalogue.CatalogueQuery]) -> None:
    # every resource of every document's file cites that document (modelling guide)
    assert run("quality-resources-without-source") == []
    tiny = run_on(
        queries,
        "quality-resources-without-source",
        """
        ex:sources {
          ex:doc a lg:SourceDocument .
          ex:other a lg:SourceDocument .
          ex:graph prov:wasDerivedFrom ex:doc .
        }
        ex:graph {
          ex:sourced rdfs:label "Avec source"@fr ; prov:wasDerivedFrom ex:doc .
          ex:unsourced rdfs:label "Sans source"@fr .
          ex:wrong rdfs:label "Mauvaise source"@fr ; prov:wasDerivedFrom ex:other .
          [] rdfs:label "Nœud anonyme"@fr .
        }
        ex:undescribed { ex:free rdfs:label "Hors des graphes sourcés"@fr . }
    """,
    )
    assert cols(tiny, "resource", "graph", "label") == [
        ("http://example.org/unsourced", "http://example.org/graph", "Sans source"),
        ("http://example.org/wrong", "http://example.org/graph", "Mauvaise source"),
    ]


def test_quality_missing_label_language(run: Run, queries: dict[str, catalogue.CatalogueQuery]) -> None:
    # every resource and concept with a French label has an English one too
    assert run("quality-missing-label-language") == []
    assert run("quality-missing-label-language", language="fr") == []
    trig = """
        ex:g {
          ex:both rdfs:label "Les deux"@fr , "Both"@en .
          ex:french rdfs:label "Français seulement"@fr .
          ex:concept skos:prefLabel "Concept bilingue"@fr , "Bilingual concept"@en-GB .
          ex:frconcept skos:prefLabel "Concept français"@fr .
          ex:german rdfs:label "Allemand"@fr , "Deutsch"@de .
          ex:english rdfs:label "English only"@en .
        }
    """
    assert cols(run_on(queries, "quality-missing-label-language", trig), "resource", "label") == [
        ("http://example.org/german", "Allemand"),
        ("http://example.org/frconcept", "Concept français"),
        ("http://example.org/french", "Français seulement"),
    ]
    assert col(run_on(queries, "quality-missing-label-language", trig, language="de"), "resource") == words(
        "http://example.org/concept http://example.org/frconcept http://example.org/french http://example.org/both"
    )


# Concepts that no data file uses (only text notes mention some of them, e.g. role:sponsor and the
# maturity stages of the academy labs in document 003, which does not say which lab is at which stage).
UNUSED = words(
    "ekind:call-period ekind:workshop-week stage:active stage:in-development stage:prefiguration stage:starting "
    "meth:learning-by-doing rkind:job-description rkind:platform rkind:video rkind:wiki role:applicant "
    "role:funder role:host role:laureate role:manager role:organiser role:participant role:speaker role:sponsor "
    "role:witness kind:cultural-venue kind:innovation-place kind:intercommunality kind:tiers-lieu "
    "theme:solidarity dkind:contribution"  # no proposal is accepted in the documents' graph
)


def test_quality_unused_concepts(run: Run, queries: dict[str, catalogue.CatalogueQuery]) -> None:
    rows = run("quality-unused-concepts")
    assert set(col(rows, "concept")) == cs(UNUSED)
    assert len(rows) == 27
    assert_sorted(rows, "schemeLabel", "scheme", "conceptLabel")
    roles = run("quality-unused-concepts", scheme=c("scheme:role"))
    assert set(col(roles, "concept")) == cs(u for u in UNUSED if u.startswith("role:"))
    assert set(col(roles, "schemeLabel")) == {"Rôles"}
    assert run("quality-unused-concepts", scheme=c("scheme:service")) == []
    tiny = run_on(
        queries,
        "quality-unused-concepts",
        """
        ex:vocabularies {
          ex:scheme a skos:ConceptScheme ; skos:prefLabel "Schéma"@fr ; skos:hasTopConcept ex:used , ex:top .
          ex:used a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "utilisé"@fr .
          ex:top a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "concept de tête"@fr .
          ex:narrower a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "plus précis"@fr ;
              skos:broader ex:used .
          ex:unused a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "inutilisé"@fr ;
              skos:related ex:narrower .
          ex:qualified a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "rôle qualifié"@fr .
        }
        ex:data {
          ex:thing org:classification ex:used ; rdfs:comment "ex:unused is only named in text" .
          ex:programme prov:qualifiedAssociation [ prov:agent ex:thing ; prov:hadRole ex:qualified ] .
        }
    """,
    )
    assert col(tiny, "concept") == [
        "http://example.org/top",
        "http://example.org/unused",
        "http://example.org/narrower",
    ]
