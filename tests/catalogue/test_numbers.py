"""Stated quantities, and counts by kind and territory.

Expected answers are written from the documents (see expect.py).
"""

from __future__ import annotations

from collections import Counter

from .expect import (
    KINDS,
    Run,
    assert_sorted,
    c,
    cols,
)

QUANTITIES = [
    # (subject, property, value, minValue, maxValue, unitCode, currency)
    # document 000: "les onze membres", "trois missions principales", "plus de 1 000 professionnels"
    ("net:labo-des-labs", "memberCount", "11", None, None, None, None),
    ("net:labo-des-labs", "statedQuantity", "3", None, None, None, None),
    ("net:tmnlab", "memberCount", None, "1000", None, None, None),
    # document 001
    ("net:favd", "memberCount", None, "200", None, None, None),
    ("net:copil-openlabs", "memberCount", "4", None, None, None, None),
    ("prog:openlabs", "statedQuantity", "4", None, None, None, None),  # phases
    ("prog:openlabs", "statedQuantity", "4", None, None, None, None),  # terrains
    ("call:ami-openlabs-2019", "applicationCount", "9", None, None, None, None),
    ("call:ami-openlabs-2019", "statedQuantity", "11", None, None, None, None),
    ("call:ami-openlabs-2019", "statedQuantity", "12", None, None, None, None),
    ("call:ami-openlabs-2019", "laureateCount", "4", None, None, None, None),
    ("phase:openlabs-1-formation-action", "duration", "1", None, None, "DAY", None),
    ("phase:openlabs-3-diagnostic-co-design", "duration", "1.5", None, None, "DAY", None),
    *[
        (f"ev:openlabs-residence-{t}-2020-04", "duration", "2", None, None, "DAY", None)
        for t in ("nievre", "haute-loire", "val-d-oise", "haut-rhin")
    ],
    *[
        (f"ev:openlabs-co-design-{t}-2020-06", "duration", "1.5", None, None, "DAY", None)
        for t in ("nievre", "haute-loire", "val-d-oise", "haut-rhin")
    ],
    # document 002: 12 laureates, up to 250 000 €, 18 months, six monthly workshops of one day, three
    # stages, a workshop week, a two-year plan
    ("prog:programme-labo-pia", "laureateCount", "12", None, None, None, None),
    ("prog:programme-labo-pia", "fundingAmount", None, None, "250000", None, "EUR"),
    ("prog:programme-labo-pia", "duration", "18", None, None, "MON", None),
    ("prog:mission-prefiguration-labo-creuse", "statedQuantity", "3", None, None, None, None),
    ("phase:creuse-3-semaine-workshop", "duration", "1", None, None, "WEE", None),
    ("ev:pia-ateliers-collectifs", "frequency", "1", None, None, "MON", None),
    ("ev:pia-ateliers-collectifs", "duration", "6", None, None, "MON", None),
    ("ev:pia-atelier-mon-offre-et-mon-animation", "duration", "1", None, None, "DAY", None),
    ("ev:pia-atelier-seance-de-creativite", "duration", "1", None, None, "DAY", None),
    ("ev:pia-atelier-developper-son-reseau", "duration", "1", None, None, "DAY", None),
    ("res:plan-action-lab23", "duration", "2", None, None, "ANN", None),
    # document 003
    ("net:communaute-labs-academie", "memberCount", None, "15", None, None, None),
    ("ev:journee-labs-academie-2021-inspirateurs", "statedQuantity", "2", None, None, None, None),
    ("ev:journee-labs-academie-2021-inspirateurs", "statedQuantity", "2", None, None, None, None),
    ("ev:journee-labs-academie-2021-flash-codev", "statedQuantity", "3", None, None, None, None),
    ("ev:journee-labs-academie-2021-retours-experience", "statedQuantity", "2", None, None, None, None),
    ("ev:journee-labs-academie-2021-ideation", "statedQuantity", "3", None, None, None, None),
    ("ev:journee-labs-academie-2021-ideation", "statedQuantity", "3", None, None, None, None),
    ("ev:journee-labs-academie-2021-ideation", "duration", "30", None, None, "MIN", None),
    ("obj:communaute-labs-academie-2022-temps-du-lab", "statedQuantity", "2", None, None, None, None),
    ("prop:journee-labs-academie-2021-visios-courtes", "frequency", "1", None, None, "MON", None),
    # document 004: six sessions, every six weeks, 15 to 20 participants, four hours
    ("ev:innovation-places-cycle", "statedQuantity", "6", None, None, None, None),
    ("ev:innovation-places-cycle", "frequency", "6", None, None, "WEE", None),
    ("ev:innovation-places-cycle", "participantCount", None, "15", "20", None, None),
    ("ev:innovation-places-cycle", "duration", "4", None, None, "HUR", None),
]


def test_stated_quantities(run: Run) -> None:
    rows = run("stated-quantities")
    expected = Counter((c(s), c(f"lg:{p}"), *rest) for s, p, *rest in QUANTITIES)
    got = Counter(cols(rows, "subject", "property", "value", "minValue", "maxValue", "unitCode", "currency"))
    assert got == expected
    assert len(rows) == 46
    assert_sorted(rows, "subjectLabel", "subject", "propertyLabel", "property", "what")
    pia = run("stated-quantities", subject=c("prog:programme-labo-pia"))
    assert cols(pia, "propertyLabel", "what") == [
        ("durée", "durée de la formation-action et de l'accompagnement par la DITP"),
        ("montant du financement", "soutien financier maximal par lauréat"),
        ("nombre de lauréats", "laboratoires d'innovation publique lauréats"),
    ]
    assert run("stated-quantities", subject=c("lab:acco-lab")) == []


# ------------------------------------------------------------------------------------------ counts


def test_counts_by_kind(run: Run) -> None:
    rows = run("counts-by-kind")
    # direct counts from KINDS; totals add the narrower kinds of structure-kind.ttl (an OpenLab is a
    # territorial lab, which is an innovation lab; the DITP's kind is narrower than central administration)
    assert cols(rows, "kind", "directCount", "totalCount") == [
        (c("kind:innovation-lab"), "1", "11"),
        (c("kind:incubator"), "9", "10"),
        (c("kind:network"), "3", "8"),
        (c("kind:territorial-lab"), "1", "5"),
        (c("kind:ministry"), "5", "5"),
        (c("kind:openlab"), "4", "4"),
        (c("kind:ministry-lab"), "3", "3"),
        (c("kind:central-administration-service"), "2", "3"),
        (c("kind:higher-education-school"), "3", "3"),
        (c("kind:association-of-local-authorities"), "2", "2"),
        (c("kind:collective"), "2", "2"),  # the project, publisher of accepted contributions
        (c("kind:design-agency"), "2", "2"),
        (c("kind:community-of-labs"), "2", "2"),
        (c("kind:company"), "2", "2"),
        (c("kind:academy-lab"), "2", "2"),
        (c("kind:decentralised-service"), "2", "2"),
        (c("kind:public-establishment"), "2", "2"),
        (c("kind:association"), "1", "1"),
        (c("kind:local-authority"), "1", "1"),
        (c("kind:steering-committee"), "1", "1"),
        (c("kind:interministerial-directorate"), "1", "1"),
        (c("kind:digital-service-incubator"), "1", "1"),
        (c("kind:research-lab"), "1", "1"),
        (c("kind:research-programme"), "1", "1"),
        (c("kind:university"), "1", "1"),
    ]
    direct = Counter(k for kinds in KINDS.values() for k in kinds)
    assert {r["kind"]: int(r["directCount"]) for r in rows} == {c(k): n for k, n in direct.items()}


def test_counts_by_territory(run: Run) -> None:
    rows = run("counts-by-territory")
    assert cols(rows, "territory", "directCount", "totalCount") == [
        # France holds every region, so every structure placed in a French territory (1 + 3 + 3 + 3 + 4 × 1)
        (c("terr:france"), "1", "14"),
        (c("terr:auvergne-rhone-alpes"), "1", "3"),  # DRAC; Le Damier (Auvergne); OpenLab Haute-Loire
        (c("terr:grand-est"), "2", "3"),  # DRAC, Fluxus; OpenLab Haut-Rhin
        (c("terr:nouvelle-aquitaine"), "0", "3"),  # Creuse (council, lab23), Limoges (110 bis Limoges)
        (c("terr:creuse"), "2", "2"),
        (c("terr:auvergne"), "1", "1"),
        (c("terr:bourgogne-franche-comte"), "0", "1"),
        (c("terr:bretagne"), "1", "1"),
        (c("terr:grand-ouest"), "1", "1"),
        (c("terr:haut-rhin"), "1", "1"),
        (c("terr:haute-loire"), "1", "1"),
        (c("terr:haute-vienne"), "0", "1"),
        (c("terr:limoges"), "1", "1"),
        (c("terr:nievre"), "1", "1"),
        (c("terr:normandie"), "1", "1"),
        (c("terr:val-d-oise"), "1", "1"),
        (c("terr:ile-de-france"), "0", "1"),
    ]
