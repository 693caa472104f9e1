"""Events: the timeline, date ranges, agendas, challenges and proposals.

Expected answers are written from the documents (see expect.py).
"""

from __future__ import annotations

from collections import Counter

import pytest

from labgraph import catalogue

from .expect import (
    Run,
    c,
    col,
    cols,
    cs,
    words,
)

TIMELINE = [
    # document 001: steering committee of 5 September 2019, training day of 6 February 2020 (9h-17h),
    # residencies of April and co-design workshops of June 2020; the video meetings and the possible
    # in-person workshops are only dated by their year
    ("ev:copil-openlabs-2019-09-05", "2019-09-05"),
    ("ev:openlabs-ateliers-presentiel-apres-ete-2020", "2020"),
    ("ev:openlabs-visio-territoires-2020", "2020"),
    ("ev:openlabs-formation-2020-02-06", "2020-02-06T09:00:00+01:00"),
    ("ev:openlabs-residence-nievre-2020-04", "2020-04-07"),
    ("ev:openlabs-residence-haute-loire-2020-04", "2020-04-16"),
    ("ev:openlabs-residence-val-d-oise-2020-04", "2020-04-23"),
    ("ev:openlabs-residence-haut-rhin-2020-04", "2020-04-28"),
    ("ev:openlabs-co-design-haut-rhin-2020-06", "2020-06-04"),
    ("ev:openlabs-co-design-nievre-2020-06", "2020-06-09"),
    ("ev:openlabs-co-design-haute-loire-2020-06", "2020-06-11"),
    ("ev:openlabs-co-design-val-d-oise-2020-06", "2020-06-16"),
    # document 003: the day of 23 November 2021, during the Public Innovation Month
    ("ev:mois-innovation-publique-2021", "2021-11"),
    ("ev:journee-labs-academie-2021", "2021-11-23"),
]
CANCELLED = words(
    "ev:openlabs-residence-nievre-2020-04 ev:openlabs-residence-haute-loire-2020-04 "
    "ev:openlabs-residence-val-d-oise-2020-04 ev:openlabs-residence-haut-rhin-2020-04 "
    "ev:openlabs-co-design-haut-rhin-2020-06 ev:openlabs-co-design-nievre-2020-06 "
    "ev:openlabs-co-design-haute-loire-2020-06 ev:openlabs-co-design-val-d-oise-2020-06"
)


def test_events_timeline(run: Run) -> None:
    rows = run("events-timeline")
    assert cols(rows, "event", "start") == [(c(e), d) for e, d in TIMELINE]
    # the source says these sessions were replaced, not cancelled (issue #19)
    assert {r["event"] for r in rows if r.get("status") == c("status:replaced")} == cs(CANCELLED)
    formation = next(r for r in rows if r["event"] == c("ev:openlabs-formation-2020-02-06"))
    assert formation["end"] == "2020-02-06T17:00:00+01:00"
    # the OpenLabs programme has all of them but the two events of document 003
    openlabs = run("events-timeline", programme=c("prog:openlabs"))
    assert cols(openlabs, "event", "start") == [(c(e), d) for e, d in TIMELINE[:-2]]
    assert run("events-timeline", programme=c("prog:mission-prefiguration-labo-creuse")) == []


def test_events_in_range(run: Run) -> None:
    # default range: the year 2020, counting what took place or is planned (issue #19): the video
    # meetings and the training day; the eight sessions replaced because of Covid-19 and the in-person
    # workshops the page only considers are left out
    rows = run("events-in-range")
    assert cols(rows, "event", "startDate") == [
        (c("ev:openlabs-visio-territoires-2020"), "2020"),
        (c("ev:openlabs-formation-2020-02-06"), "2020-02-06T09:00:00+01:00"),
    ]
    assert cols(run("events-in-range", include="all"), "event", "startDate") == [(c(e), d) for e, d in TIMELINE[1:12]]
    # April 2020: the four residencies, and the two events dated only "2020"
    april = run("events-in-range", start="2020-04-01", end="2020-04-30", include="all")
    assert col(april, "event") == [
        c("ev:openlabs-ateliers-presentiel-apres-ete-2020"),
        c("ev:openlabs-visio-territoires-2020"),
        c("ev:openlabs-residence-nievre-2020-04"),
        c("ev:openlabs-residence-haute-loire-2020-04"),
        c("ev:openlabs-residence-val-d-oise-2020-04"),
        c("ev:openlabs-residence-haut-rhin-2020-04"),
    ]
    assert col(run("events-in-range", start="2020-04-01", end="2020-04-30"), "event") == [
        c("ev:openlabs-visio-territoires-2020")
    ]
    # the bounds are inclusive, a dateTime counts by its day
    assert col(run("events-in-range", start="2020-02-06", end="2020-02-06", include="all"), "event") == [
        c("ev:openlabs-ateliers-presentiel-apres-ete-2020"),
        c("ev:openlabs-visio-territoires-2020"),
        c("ev:openlabs-formation-2020-02-06"),
    ]
    assert col(run("events-in-range", start="2020-04-08", end="2020-04-16", include="all"), "event")[2:] == [
        c("ev:openlabs-residence-haute-loire-2020-04")
    ]
    # after the 23rd, November 2021 still overlaps the month but not the day
    assert col(run("events-in-range", start="2021-11-24", end="2021-11-30"), "event") == [
        c("ev:mois-innovation-publique-2021")
    ]
    assert col(run("events-in-range", start="2019-01-01", end="2019-12-31"), "event") == [
        c("ev:copil-openlabs-2019-09-05")
    ]
    # an empty bound leaves the range open on that side
    assert col(run("events-in-range", start="2021-01-01", end=""), "event") == [
        c("ev:mois-innovation-publique-2021"),
        c("ev:journee-labs-academie-2021"),
    ]
    assert len(run("events-in-range", start="", end="", include="all")) == len(TIMELINE)
    assert len(run("events-in-range", start="", end="")) == len(TIMELINE) - len(CANCELLED) - 1
    assert run("events-in-range", start="2022-01-01", end="2022-12-31") == []
    with pytest.raises(catalogue.ParameterError):
        run("events-in-range", start="2020-13-01")
    with pytest.raises(catalogue.ParameterError):
        run("events-in-range", include="cancelled")


def test_event_agenda(run: Run) -> None:
    # document 003: the day's sequences, morning then afternoon, with their speakers
    rows = run("event-agenda")
    assert cols(rows, "position", "item", "speaker") == [
        ("1", c("ev:journee-labs-academie-2021-accueil"), c("pers:celine-kerenflech")),
        ("2", c("ev:journee-labs-academie-2021-cartographie"), None),
        ("3", c("ev:journee-labs-academie-2021-inspirateurs"), c("pers:arnaud-derathe")),
        ("3", c("ev:journee-labs-academie-2021-inspirateurs"), c("pers:victoria-martinez")),
        ("4", c("ev:journee-labs-academie-2021-flash-codev"), None),
        ("5", c("ev:journee-labs-academie-2021-ressourcerie"), None),
        ("6", c("ev:journee-labs-academie-2021-retours-experience"), c("pers:nicolas-kermabon")),
        ("6", c("ev:journee-labs-academie-2021-retours-experience"), c("pers:severine-delage")),
        ("6", c("ev:journee-labs-academie-2021-retours-experience"), c("pers:elisabeth-artaud")),
        ("7", c("ev:journee-labs-academie-2021-ideation"), None),
        ("8", c("ev:journee-labs-academie-2021-convivialite"), None),
    ]
    # document 004: "Un cycle de 6 sessions thématiques"
    cycle = run("event-agenda", event=c("ev:innovation-places-cycle"))
    assert cols(cycle, "position", "item") == [(str(n), c(f"ev:innovation-places-thematique-{n}")) for n in range(1, 7)]
    # document 002: three named monthly workshops, with no rank
    pia = run("event-agenda", event=c("ev:pia-ateliers-collectifs"))
    assert cols(pia, "position", "item") == [
        (None, c("ev:pia-atelier-developper-son-reseau")),
        (None, c("ev:pia-atelier-mon-offre-et-mon-animation")),
        (None, c("ev:pia-atelier-seance-de-creativite")),
    ]
    # an empty parameter gives every event's agenda
    every = run("event-agenda", event="")
    assert Counter(col(every, "event")) == {
        c("ev:journee-labs-academie-2021"): 11,
        c("ev:innovation-places-cycle"): 6,
        c("ev:pia-ateliers-collectifs"): 3,
        c("ev:mois-innovation-publique-2021"): 1,
    }


def test_event_challenges_proposals(run: Run) -> None:
    rows = run("event-challenges-proposals")
    challenge, proposal = c("lg:Challenge"), c("lg:Proposal")
    assert cols(rows, "type", "position", "raisedAt", "item") == [
        # welcome address: carrying a lab project "notamment sur le plan des ressources"
        (challenge, "1", c("ev:journee-labs-academie-2021-accueil"), c("chal:labs-academie-portage-ressources")),
        # "2 difficultés pour les porteurs de labs"
        (
            challenge,
            "3",
            c("ev:journee-labs-academie-2021-inspirateurs"),
            c("chal:labs-academie-competences-incubation-numerique"),
        ),
        (
            challenge,
            "3",
            c("ev:journee-labs-academie-2021-inspirateurs"),
            c("chal:labs-academie-manque-ressources-dediees"),
        ),
        # the three groups of the flash co-dev
        (challenge, "4", c("ev:journee-labs-academie-2021-flash-codev"), c("chal:labs-academie-equipe-coeur")),
        (
            challenge,
            "4",
            c("ev:journee-labs-academie-2021-flash-codev"),
            c("chal:labs-academie-adhesion-personnes-eloignees"),
        ),
        (challenge, "4", c("ev:journee-labs-academie-2021-flash-codev"), c("chal:labs-academie-besoins-financements")),
        (
            challenge,
            "5",
            c("ev:journee-labs-academie-2021-ressourcerie"),
            c("chal:labs-academie-implication-acteurs-repartis"),
        ),
        # the two labs' experience
        (
            challenge,
            "6",
            c("ev:journee-labs-academie-2021-retours-experience"),
            c("chal:110-bis-limoges-appropriation-lab"),
        ),
        (challenge, "6", c("ev:journee-labs-academie-2021-retours-experience"), c("chal:110-bis-bretagne-notoriete")),
        (
            challenge,
            "6",
            c("ev:journee-labs-academie-2021-retours-experience"),
            c("chal:110-bis-bretagne-manque-ressources"),
        ),
        # the eleven remarks and proposals on the common resources, by label
        *[
            (proposal, "5", c("ev:journee-labs-academie-2021-ressourcerie"), c(f"prop:journee-labs-academie-2021-{p}"))
            for p in (
                "echange-pairs-mutualisation",
                "financements-echelle-territoriale",
                "enrichir-infolettre",
                "wiki-facilitation",
                "visios-courtes",
                "outils-numeriques-animation",
                "rh-fiches-poste",
                "montee-competences",
                "maillage-residences",
                "plateforme-partage",
                "retex-animation-communaute",
            )
        ],
    ]
    assert set(col(rows, "typeLabel")) == {"difficulté", "proposition"}
    # one agenda item only
    flash = run("event-challenges-proposals", event=c("ev:journee-labs-academie-2021-flash-codev"))
    assert set(col(flash, "item")) == cs(
        [
            "chal:labs-academie-equipe-coeur",
            "chal:labs-academie-besoins-financements",
            "chal:labs-academie-adhesion-personnes-eloignees",
        ]
    )
    assert run("event-challenges-proposals", event=c("ev:innovation-places-cycle")) == []
    with pytest.raises(catalogue.ParameterError):
        run("event-challenges-proposals", event="")
