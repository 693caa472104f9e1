"""Structures by kind and territory.

Expected answers are written from the documents (see expect.py).
"""

from __future__ import annotations

from .expect import (
    KINDS,
    Run,
    assert_sorted,
    c,
    col,
    cols,
    cs,
    words,
)

HOSTS = {
    "lab:labo-culture": "Ministère de la Culture",
    "lab:acco-lab": "Bibliothèque nationale de France",
    "lab:atelier-numerique": "Service du numérique du ministère de la Culture",
    "lab:incubateur-patrimoine-cmn": "Centre des monuments nationaux",
    "lab:fluxus": "DRAC Grand Est",
    "lab:la-fruitiere": "École nationale supérieure d'architecture de Normandie",
    "lab:lab23": "Département de la Creuse",
    "lab:110-bis": "Ministère de l'Éducation nationale, de la Jeunesse et des Sports",
    "lab:bercylab": "Ministère de l'Économie, des Finances et de la Relance",
    "lab:fabrique-numerique": "Ministère des Solidarités et de la Santé",
}


def test_labs_by_kind(run: Run) -> None:
    rows = run("labs-by-kind")
    expected = {(c(s), c(k), HOSTS.get(s)) for s, kinds in KINDS.items() for k in kinds}
    assert len(rows) == len(expected) == 55
    assert set(cols(rows, "structure", "kind", "hostLabel")) == expected
    assert_sorted(rows, "kindLabel", "label")
    # document 000 lists nine incubators among the Labo des Labs members
    incubators = run("labs-by-kind", kind=c("kind:incubator"))
    assert set(col(incubators, "structure")) == cs(
        words(
            "lab:104factory lab:atelier-numerique lab:le-damier lab:ecopia lab:incubateur-studios-virecourt "
            "lab:incubateur-patrimoine-cmn lab:fluxus lab:la-fruitiere lab:louvre-lens-vallee"
        )
    )
    assert len(incubators) == 9


def test_structures_by_territory(run: Run) -> None:
    rows = run("structures-by-territory")
    assert set(cols(rows, "structure", "area", "region")) == {
        (c("orga:drac-auvergne-rhone-alpes"), c("terr:auvergne-rhone-alpes"), c("terr:auvergne-rhone-alpes")),
        (c("lab:le-damier"), c("terr:auvergne"), c("terr:auvergne-rhone-alpes")),
        (c("lab:openlab-haute-loire"), c("terr:haute-loire"), c("terr:auvergne-rhone-alpes")),
        (c("orga:drac-grand-est"), c("terr:grand-est"), c("terr:grand-est")),
        (c("lab:fluxus"), c("terr:grand-est"), c("terr:grand-est")),
        (c("lab:openlab-haut-rhin"), c("terr:haut-rhin"), c("terr:grand-est")),
        (c("lab:la-fruitiere"), c("terr:normandie"), c("terr:normandie")),
        (c("lab:openlab-val-d-oise"), c("terr:val-d-oise"), c("terr:ile-de-france")),
        (c("lab:openlab-nievre"), c("terr:nievre"), c("terr:bourgogne-franche-comte")),
        (c("orga:departement-creuse"), c("terr:creuse"), c("terr:nouvelle-aquitaine")),
        (c("lab:lab23"), c("terr:creuse"), c("terr:nouvelle-aquitaine")),
        (c("lab:110-bis-limoges"), c("terr:limoges"), c("terr:nouvelle-aquitaine")),
        (c("lab:110-bis-bretagne"), c("terr:bretagne"), c("terr:bretagne")),
        (c("lab:ecopia"), c("terr:grand-ouest"), None),
        (c("net:communaute-labs-academie"), c("terr:france"), None),
    }
    assert len(rows) == 15
    assert_sorted(rows, "regionLabel", "areaLabel", "label")
    # a region finds the structures of its départements: Haut-Rhin is in Grand Est
    grand_est = run("structures-by-territory", territory=c("terr:grand-est"))
    assert set(col(grand_est, "structure")) == cs(["orga:drac-grand-est", "lab:fluxus", "lab:openlab-haut-rhin"])
    # ... and of its communes, two levels down: Limoges is in Haute-Vienne, in Nouvelle-Aquitaine
    aquitaine = run("structures-by-territory", territory=c("terr:nouvelle-aquitaine"))
    assert set(col(aquitaine, "structure")) == cs(["orga:departement-creuse", "lab:lab23", "lab:110-bis-limoges"])
    assert col(run("structures-by-territory", territory=c("terr:haute-vienne")), "structure") == [
        c("lab:110-bis-limoges")
    ]
    assert run("structures-by-territory", territory=c("terr:calvados")) == []
