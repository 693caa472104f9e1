"""Territories and their codes.

Expected answers are written from the documents (see expect.py).
"""

from __future__ import annotations

import pytest

from labgraph import catalogue

from .expect import (
    Run,
    assert_sorted,
    c,
    col,
    cols,
)

TERRITORIES = {
    # territory: (level, INSEE code, parent, Wikidata item), from data/links.ttl
    "terr:auvergne-rhone-alpes": ("igeo:Region", "84", "terr:france", "Q18338206"),
    "terr:grand-est": ("igeo:Region", "44", "terr:france", "Q18677983"),
    "terr:normandie": ("igeo:Region", "28", "terr:france", "Q18677875"),
    "terr:bretagne": ("igeo:Region", "53", "terr:france", "Q12130"),
    "terr:nouvelle-aquitaine": ("igeo:Region", "75", "terr:france", "Q18678082"),
    "terr:pays-de-la-loire": ("igeo:Region", "52", "terr:france", "Q16994"),
    "terr:bourgogne-franche-comte": ("igeo:Region", "27", "terr:france", "Q18578267"),
    "terr:ile-de-france": ("igeo:Region", "11", "terr:france", "Q13917"),
    "terr:calvados": ("igeo:Departement", "14", "terr:normandie", "Q3249"),
    "terr:finistere": ("igeo:Departement", "29", "terr:bretagne", "Q3389"),
    "terr:haut-rhin": ("igeo:Departement", "68", "terr:grand-est", "Q12722"),
    "terr:haute-loire": ("igeo:Departement", "43", "terr:auvergne-rhone-alpes", "Q12572"),
    "terr:loire-atlantique": ("igeo:Departement", "44", "terr:pays-de-la-loire", "Q3068"),
    "terr:maine-et-loire": ("igeo:Departement", "49", "terr:pays-de-la-loire", "Q12584"),
    "terr:meuse": ("igeo:Departement", "55", "terr:grand-est", "Q12631"),
    "terr:nievre": ("igeo:Departement", "58", "terr:bourgogne-franche-comte", "Q12657"),
    "terr:val-d-oise": ("igeo:Departement", "95", "terr:ile-de-france", "Q12784"),
    "terr:creuse": ("igeo:Departement", "23", "terr:nouvelle-aquitaine", "Q3353"),
    "terr:isere": ("igeo:Departement", "38", "terr:auvergne-rhone-alpes", "Q12559"),
    "terr:loire": ("igeo:Departement", "42", "terr:auvergne-rhone-alpes", "Q12569"),
    "terr:departement-de-paris": ("igeo:Departement", "75", "terr:ile-de-france", "Q90"),
    "terr:haute-vienne": ("igeo:Departement", "87", "terr:nouvelle-aquitaine", "Q12808"),
    "terr:paris": ("igeo:Commune", "75056", "terr:departement-de-paris", "Q90"),
    "terr:grenoble": ("igeo:Commune", "38185", "terr:isere", "Q1289"),
    "terr:saint-etienne": ("igeo:Commune", "42218", "terr:loire", "Q42716"),
    "terr:limoges": ("igeo:Commune", "87085", "terr:haute-vienne", "Q45656"),
    "terr:france": ("schema:Country", None, None, "Q142"),
    # areas served that are not administrative areas
    "terr:auvergne": (None, None, "terr:auvergne-rhone-alpes", None),
    "terr:grand-ouest": (None, None, None, None),
}


def test_territories(run: Run) -> None:
    rows = run("territories")
    assert set(cols(rows, "territory", "type", "code", "parent", "wikidata")) == {
        (c(t), c(level), code, c(parent), wd and c(f"wd:{wd}")) for t, (level, code, parent, wd) in TERRITORIES.items()
    }
    assert len(rows) == len(TERRITORIES) == 29
    assert_sorted(rows, "label", "territory")
    insee = {r["territory"]: r.get("insee") for r in rows}
    assert insee[c("terr:creuse")] == "http://id.insee.fr/geo/departement/23"
    assert insee[c("terr:auvergne")] == "http://id.insee.fr/geo/region/83"  # the former region
    communes = run("territories", level=c("igeo:Commune"))
    assert col(communes, "label") == ["Grenoble", "Limoges", "Paris", "Saint-Étienne"]
    regions = run("territories", level=c("igeo:Region"))
    assert len(regions) == 8
    with pytest.raises(catalogue.ParameterError):
        run("territories", level=c("schema:Place"))
