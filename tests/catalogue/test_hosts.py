"""Labs, their hosts and ministries, and who runs what.

Expected answers are written from the documents (see expect.py).
"""

from __future__ import annotations

from .expect import (
    Run,
    assert_sorted,
    c,
    col,
    cols,
    cs,
)


def test_labs_hosts_ministries(run: Run) -> None:
    rows = run("labs-hosts-ministries")
    # ordered by ministry (none first), then host, then lab
    assert cols(rows, "lab", "host", "parentMinistry") == [
        (c("lab:acco-lab"), c("orga:bnf"), None),
        (c("lab:incubateur-patrimoine-cmn"), c("orga:centre-des-monuments-nationaux"), None),
        (c("lab:lab23"), c("orga:departement-creuse"), None),
        (c("lab:la-fruitiere"), c("orga:ensa-normandie"), None),
        (
            c("lab:bercylab"),
            c("orga:ministere-economie-finances-relance"),
            c("orga:ministere-economie-finances-relance"),
        ),
        (c("lab:110-bis"), c("orga:ministere-education-nationale"), c("orga:ministere-education-nationale")),
        # a DRAC is a decentralised service of the Ministry of Culture (flagged as implied in the data)
        (c("lab:fluxus"), c("orga:drac-grand-est"), c("orga:ministere-culture")),
        (c("lab:labo-culture"), c("orga:ministere-culture"), c("orga:ministere-culture")),
        # "L'Atelier numérique incubateur du Service du numérique, au sein du ministère de la Culture"
        (c("lab:atelier-numerique"), c("orga:service-du-numerique-culture"), c("orga:ministere-culture")),
        (c("lab:fabrique-numerique"), c("orga:ministere-solidarites-sante"), c("orga:ministere-solidarites-sante")),
    ]
    culture = run("labs-hosts-ministries", ministry=c("orga:ministere-culture"))
    assert set(col(culture, "lab")) == cs(["lab:labo-culture", "lab:atelier-numerique", "lab:fluxus"])
    assert set(col(culture, "parentMinistryLabel")) == {"Ministère de la Culture"}
    assert run("labs-hosts-ministries", ministry=c("orga:ministere-enseignement-superieur-recherche")) == []


def test_stewardship(run: Run) -> None:
    rows = run("stewardship")
    assert set(cols(rows, "agent", "relation", "target")) == {
        # document 000: the Labo "fédère" and "est à l'origine du Labo des Labs"
        (c("lab:labo-culture"), c("lg:animatedBy"), c("net:labo-des-labs")),
        (c("lab:labo-culture"), c("schema:founder"), c("net:labo-des-labs")),
        # document 003: the 110 bis organises the community's day; the Bercylab's ambassadors network
        (c("lab:110-bis"), c("lg:animatedBy"), c("net:communaute-labs-academie")),
        (c("lab:110-bis"), c("schema:organizer"), c("ev:journee-labs-academie-2021")),
        (c("lab:bercylab"), c("lg:animatedBy"), c("net:ambassadeurs-bercylab")),
        # document 004
        (c("orga:schoolab"), c("lg:animatedBy"), c("net:innovation-places-network")),
        (c("net:innovation-places-network"), c("schema:organizer"), c("ev:innovation-places-cycle")),
        # document 001: the call "établi et diffusé en partenariat avec l'ADF et l'ADCF"
        (c("orga:adf"), c("role:partner"), c("call:ami-openlabs-2019")),
        (c("orga:adcf"), c("role:partner"), c("call:ami-openlabs-2019")),
        (c("orga:lucas"), c("schema:organizer"), c("ev:openlabs-visio-territoires-2020")),
        # document 002: the DITP's monthly workshops, the Creuse mission
        (c("orga:ditp"), c("schema:organizer"), c("ev:pia-ateliers-collectifs")),
        (c("orga:ditp"), c("schema:organizer"), c("ev:pia-atelier-mon-offre-et-mon-animation")),
        (c("orga:ditp"), c("schema:organizer"), c("ev:pia-atelier-seance-de-creativite")),
        (c("orga:ditp"), c("schema:organizer"), c("ev:pia-atelier-developper-son-reseau")),
        (
            c("orga:laboratoire-passages"),
            c("role:associated-research-lab"),
            c("prog:mission-prefiguration-labo-creuse"),
        ),
        (c("orga:departement-creuse"), c("role:beneficiary"), c("prog:mission-prefiguration-labo-creuse")),
    }
    assert len(rows) == 16
    assert_sorted(rows, "agentLabel", "relationLabel", "targetLabel")
    labels = {r["relation"]: r.get("relationLabel") for r in rows}
    assert labels[c("lg:animatedBy")] == "animé par"
    assert labels[c("role:partner")] == "partenaire"
    labo = run("stewardship", agent=c("lab:labo-culture"))
    assert cols(labo, "relationLabel", "target") == [
        ("animé par", c("net:labo-des-labs")),
        ("initiateur", c("net:labo-des-labs")),
    ]
