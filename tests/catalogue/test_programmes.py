"""Programmes, their phases, calls and resources.

Expected answers are written from the documents (see expect.py).
"""

from __future__ import annotations

from .expect import (
    Run,
    assert_sorted,
    c,
    col,
    cols,
)


def test_programmes_overview(run: Run) -> None:
    rows = run("programmes-overview")
    names = (
        "programme",
        "start",
        "end",
        "parentLabel",
        "fundingValue",
        "fundingMax",
        "currency",
        "duration",
        "durationUnit",
        "laureateCount",
        "laureatesListed",
        "applicationCount",
        "phases",
        "events",
        "calls",
        "eventsStated",
    )
    assert cols(rows, *names) == [
        # document 002: June to December 2018, three stages, two study trips
        (
            c("prog:mission-prefiguration-labo-creuse"),
            "2018-06",
            "2018-12",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "0",
            None,
            "3",
            "2",
            "0",
            "2",
        ),
        # document 001: 9 co-candidatures, 4 territories retained, four phases (plus the two Covid-19
        # adaptations), 13 events of which 4 took place or are planned (issue #19: the 8 sessions replaced
        # because of Covid-19 and the in-person workshops only considered are not counted), report due end of 2020
        (c("prog:openlabs"), None, "2020", None, None, None, None, None, None, "4", "4", "9", "6", "4", "1", "13"),
        (c("prog:pia"), None, None, None, None, None, None, None, None, None, "0", None, "0", "0", "0", "0"),
        # document 002: 12 laureates in 2017-2018, "jusqu'à hauteur de 250 000 €", 18 months of support
        (
            c("prog:programme-labo-pia"),
            "2017",
            "2018",
            "Programme d'investissements d'avenir",
            None,
            "250000",
            "EUR",
            "18",
            "MON",
            "12",
            "0",
            None,
            "0",
            "4",
            "1",
            "4",
        ),
    ]
    one = run("programmes-overview", programme=c("prog:programme-labo-pia"))
    assert cols(one, "programme", "fundingMax", "laureateCount") == [(c("prog:programme-labo-pia"), "250000", "12")]


def test_programme_phases(run: Run) -> None:
    # document 001: "Un processus en 4 phases", with the two Covid-19 adaptations inside phases 2 and 3
    rows = run("programme-phases")
    assert cols(rows, "position", "phase", "parent", "start", "end") == [
        ("1", c("phase:openlabs-1-formation-action"), None, "2020-02", "2020-06"),
        ("2", c("phase:openlabs-2-immersion-observation"), None, None, None),
        ("2", c("phase:openlabs-diagnostic-a-distance"), c("phase:openlabs-2-immersion-observation"), None, None),
        ("3", c("phase:openlabs-3-diagnostic-co-design"), None, "2020-03", "2020-07"),
        (
            "3",
            c("phase:openlabs-co-conception-prototypage-test"),
            c("phase:openlabs-3-diagnostic-co-design"),
            None,
            None,
        ),
        ("4", c("phase:openlabs-4-accompagnement"), None, "2020-09", None),
    ]
    # document 002: "la mission s'est déroulée en trois temps"
    creuse = run("programme-phases", programme=c("prog:mission-prefiguration-labo-creuse"))
    assert cols(creuse, "position", "label") == [
        ("1", "La période d'intégration"),
        ("2", "Le Semestre Erasmus"),
        ("3", "La semaine de workshop"),
    ]
    every = run("programme-phases", programme="")
    assert col(every, "programme") == [c("prog:mission-prefiguration-labo-creuse")] * 3 + [c("prog:openlabs")] * 6
    assert run("programme-phases", programme=c("prog:programme-labo-pia")) == []


def test_call_applicants(run: Run) -> None:
    # document 001: nine co-applications "Calvados, Finistère, Haut-Rhin, Haute-Loire, Loire Atlantique, Maine
    # et Loire, Meuse, Nièvre, Val d'Oise"; the committee "a retenu ainsi : la Haute-Loire, le Val d'Oise, le
    # Haut-Rhin, la Nièvre"
    rows = run("call-applicants")
    assert cols(rows, "applicant", "laureate") == [
        (c("terr:haut-rhin"), "true"),
        (c("terr:haute-loire"), "true"),
        (c("terr:nievre"), "true"),
        (c("terr:val-d-oise"), "true"),
        (c("terr:calvados"), "false"),
        (c("terr:finistere"), "false"),
        (c("terr:loire-atlantique"), "false"),
        (c("terr:maine-et-loire"), "false"),
        (c("terr:meuse"), "false"),
    ]
    assert set(cols(rows, "call", "opens", "closes")) == {(c("call:ami-openlabs-2019"), "2019-06-12", "2019-07-12")}
    # document 002 names no applicant of the PIA call
    assert run("call-applicants", call=c("call:appel-projets-labos-pia")) == []
    assert len(run("call-applicants", call=c("call:ami-openlabs-2019"))) == 9


def test_knowledge_resources(run: Run) -> None:
    rows = run("knowledge-resources")
    assert set(cols(rows, "resource", "kind", "producer", "date", "url")) == {
        # document 000
        (c("res:presentation-labo-des-labs"), c("rkind:presentation"), None, None, None),
        # document 001: the call, the training tools, the method kit, the final report due end of 2020
        (c("res:ami-openlabs-2019"), c("rkind:call-document"), c("prog:openlabs"), None, None),
        (c("res:outils-formation-openlabs"), c("rkind:toolkit"), c("prog:openlabs"), None, None),
        (c("res:outils-formation-openlabs"), c("rkind:event-materials"), c("prog:openlabs"), None, None),
        (c("res:kit-methodologique-openlabs"), c("rkind:toolkit"), c("prog:openlabs"), None, None),
        (c("res:kit-methodologique-openlabs"), c("rkind:guide"), c("prog:openlabs"), None, None),
        (c("res:rapport-final-openlabs"), c("rkind:report"), c("prog:openlabs"), "2020", None),
        # document 002: "Un MOOC a été lancé en janvier 2018", the two-year action plan
        (c("res:mooc-labos-pia"), c("rkind:mooc"), c("prog:programme-labo-pia"), "2018-01", None),
        (c("res:plan-action-lab23"), c("rkind:action-plan"), c("prog:mission-prefiguration-labo-creuse"), None, None),
        # document 003: the survey, the map, and the "ressources communes"
        (c("res:questionnaire-journee-labs-academie-2021"), c("rkind:survey"), c("lab:110-bis"), None, None),
        (c("res:fiches-identite-labs"), c("rkind:identity-card"), None, None, None),
        (
            c("res:carte-umap-labs-academie"),
            c("rkind:map"),
            None,
            None,
            "http://umap.openstreetmap.fr/fr/map/lab-dacademie_458440",
        ),
        (
            c("res:carto-labs-academie-2021-11"),
            c("rkind:map"),
            None,
            "2021-11",
            "https://education.gouv.fr/sites/default/files/2022-01/110bis-carto-labs-academie-11-21-97702.pdf",
        ),
        (c("res:charte-communaute-labs"), c("rkind:charter"), None, None, None),
        (c("res:cahier-facilitation"), c("rkind:guide"), None, None, None),
        (c("res:infolettre-veille"), c("rkind:newsletter"), None, None, None),
        (c("res:tableau-financements-alternatifs"), c("rkind:table"), None, None, None),
        (c("res:format-residences-110-bis"), c("rkind:support-format"), c("lab:110-bis"), None, None),
        (c("res:affiches-mots-innovation"), c("rkind:poster"), None, None, None),
        (c("res:110-bus"), c("rkind:mobile-unit"), c("lab:110-bis-bretagne"), None, None),
        (c("res:supports-journee-labs-academie-2021"), c("rkind:event-materials"), None, None, None),
        # document 004
        (c("res:schoolab-advices-start-business"), c("rkind:article"), None, None, None),
    }
    assert len(rows) == 22
    assert_sorted(rows, "label", "resource", "kindLabel")
    maps = run("knowledge-resources", kind=c("rkind:map"))
    assert col(maps, "resource") == [c("res:carte-umap-labs-academie"), c("res:carto-labs-academie-2021-11")]
    assert run("knowledge-resources", kind=c("rkind:wiki")) == []
