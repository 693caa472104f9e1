"""The sources' lists as data (issue #19): the catalogue queries over schema:ItemList.

Expected answers are written from the seed documents: Le Labo's à-la-carte offer has eight
bulleted items; the Labo des Labs has three main missions (its fourth aim is not one of them);
the OpenLabs selection is typed as one application with an agglomeration community, one
"intermediate" border territory and two rural ones; the flash co-dev had three groups.
"""

from __future__ import annotations

from .expect import Run, c, col, cols, cs


def test_source_lists(run: Run) -> None:
    rows = run("source-lists")
    assert len(rows) == 12
    by_list = {r["list"]: r for r in rows}
    offer = by_list[c("list:labo-culture-offre-a-la-carte")]
    assert (offer["kind"], offer["about"], offer["numberOfItems"], offer["exhaustive"]) == (
        c("lkind:service-offer"),
        c("lab:labo-culture"),
        "8",
        "true",
    )
    # the structures Le Labo supported are introduced by "parmi lesquelles" and end with an ellipsis
    assert by_list[c("list:labo-culture-structures-accompagnees")]["exhaustive"] == "false"
    # one query answers "which lists are about the Labo des Labs?"
    labs = run("source-lists", about=c("net:labo-des-labs"))
    assert cols(labs, "kindLabel", "numberOfItems") == [("membres", "12"), ("missions principales", "3")]
    assert col(run("source-lists", kind=c("lkind:main-missions")), "list") == [
        c("list:labo-des-labs-missions-principales")
    ]
    assert run("source-lists", kind=c("lkind:applicants"), about=c("lab:labo-culture")) == []


def test_list_items(run: Run) -> None:
    # the three main missions, in the page's order; the fourth aim (the ecosystem's profile) is not one
    missions = run("list-items", about=c("net:labo-des-labs"), kind=c("lkind:main-missions"))
    assert cols(missions, "position", "item") == [
        ("1", c("obj:labo-des-labs-accompagner-porteurs-projet")),
        ("2", c("obj:labo-des-labs-cooperation-montee-competences")),
        ("3", c("obj:labo-des-labs-experimenter-prise-risque")),
    ]
    about_the_labs = col(run("list-items", about=c("net:labo-des-labs")), "item")
    assert c("obj:labo-des-labs-rayonnement-ecosysteme") not in about_the_labs
    # Le Labo's offer: 8 bulleted items, which are 8 of the 14 services it offers
    offer = run("list-items", list=c("list:labo-culture-offre-a-la-carte"))
    assert col(offer, "position") == [str(i) for i in range(1, 9)]
    assert offer[0]["item"] == c("svc:managerial-transformation-support")
    assert offer[-1]["item"] == c("svc:network-facilitation-support")
    # positions are numbers, not strings: the twelfth member comes after the ninth
    members = run("list-items", list=c("list:labo-des-labs-membres"))
    assert col(members, "position") == [str(i) for i in range(1, 13)]
    assert members[-1]["item"] == c("lab:labo-culture")
    # the typology of the selected OpenLabs territories
    typology = run("list-items", list=c("list:openlabs-typologie-territoires"))
    assert cols(typology, "item", "types") == [
        (c("terr:val-d-oise"), "candidature avec une communauté d'agglomération"),
        (c("terr:haut-rhin"), "territoire frontalier ; territoire « intermédiaire »")
        if typology[1]["types"].startswith("territoire frontalier")
        else (c("terr:haut-rhin"), "territoire « intermédiaire » ; territoire frontalier"),
        (c("terr:nievre"), "territoire rural"),
        (c("terr:haute-loire"), "territoire rural"),
    ]
    rural = run("list-items", item_type=c("tkind:rural"))
    assert set(col(rural, "item")) == cs(["terr:nievre", "terr:haute-loire"])
    # the groups of the flash co-dev: one problem per group
    groups = run("list-items", list=c("list:flash-codev-groupes"))
    assert cols(groups, "position", "item") == [
        ("1", c("chal:labs-academie-equipe-coeur")),
        ("2", c("chal:labs-academie-besoins-financements")),
        ("3", c("chal:labs-academie-adhesion-personnes-eloignees")),
    ]
    assert run("list-items", list=c("lab:labo-culture")) == []


def test_every_list_counts_its_items(run: Run) -> None:
    """schema:numberOfItems is the number of items stated, and positions run from 1 without a gap."""
    items = run("list-items")
    for row in run("source-lists"):
        positions = [int(r["position"]) for r in items if r["list"] == row["list"]]
        assert positions == list(range(1, int(row["numberOfItems"]) + 1)), row["list"]
