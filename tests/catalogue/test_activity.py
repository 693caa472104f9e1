"""Services, methods, themes and objectives.

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
    pairs,
    words,
)

SERVICES = {
    # document 000: the Labo's services "à la carte" and the members' offers
    "lab:labo-culture": words(
        "svc:advice svc:experimentation-space svc:training svc:team-support svc:collective-facilitation "
        "svc:participatory-approach-design svc:managerial-transformation-support "
        "svc:co-construction-with-partners svc:participatory-meeting-design svc:awareness-raising "
        "svc:collaboration-tools svc:inspiring-meetings svc:collective-intelligence-training "
        "svc:network-facilitation-support"
    ),
    "lab:104factory": {"svc:project-support", "svc:hosting", "svc:networking"},
    "lab:acco-lab": {"svc:project-support"},
    "lab:atelier-numerique": {"svc:experimentation-space", "svc:incubation"},
    "lab:le-damier": {"svc:project-support", "svc:networking"},
    "lab:ecopia": {"svc:project-support"},
    "lab:incubateur-studios-virecourt": {"svc:hosting", "svc:artistic-technical-support", "svc:incubation"},
    "lab:incubateur-patrimoine-cmn": {"svc:field-testing", "svc:incubation"},
    "lab:fluxus": {"svc:incubation", "svc:project-support"},
    "lab:la-fruitiere": {"svc:incubation"},
    "lab:louvre-lens-vallee": {"svc:coaching"},
    "net:labo-des-labs": {"svc:project-support", "svc:advice", "svc:training", "svc:networking"},
    "net:tmnlab": {"svc:peer-training", "svc:networking"},
    # document 001
    "net:favd": {"svc:peer-training", "svc:inspiring-meetings", "svc:team-support", "svc:collective-facilitation"},
    "prog:openlabs": words(
        "svc:action-training svc:remote-coaching svc:deployment-coaching svc:documentation-evaluation-support"
    ),
    "phase:openlabs-1-formation-action": {"svc:action-training"},
    "phase:openlabs-diagnostic-a-distance": {"svc:remote-coaching"},
    "phase:openlabs-co-conception-prototypage-test": {"svc:co-construction-with-partners"},
    "phase:openlabs-4-accompagnement": {"svc:deployment-coaching", "svc:documentation-evaluation-support"},
    # document 002
    "prog:programme-labo-pia": {"svc:funding", "svc:action-training", "svc:individual-support", "svc:mooc"},
    # document 003
    "lab:110-bis": {"svc:residency", "svc:network-facilitation-support"},
    "lab:fabrique-numerique": {"svc:incubation"},
}


def test_services_offered(run: Run) -> None:
    rows = run("services-offered")
    assert {(p, s) for s, p in cols(rows, "service", "provider")} == pairs(SERVICES)
    assert len(rows) == 58
    assert_sorted(rows, "serviceLabel", "service", "providerLabel")
    incubation = run("services-offered", service=c("svc:incubation"))
    assert col(incubation, "provider") == [
        c("lab:fabrique-numerique"),
        c("lab:fluxus"),
        c("lab:incubateur-studios-virecourt"),
        c("lab:incubateur-patrimoine-cmn"),
        c("lab:atelier-numerique"),
        c("lab:la-fruitiere"),
    ]


METHODS = {
    # document 000
    "lab:labo-culture": words(
        "meth:collective-intelligence meth:continuous-improvement meth:culture-of-failure "
        "meth:agile-experimentation meth:cross-cutting-work meth:participatory-approach meth:co-construction"
    ),
    "lab:acco-lab": {"meth:user-centred-design"},
    "lab:le-damier": {"meth:co-construction"},
    "lab:incubateur-patrimoine-cmn": {"meth:testing"},
    "lab:louvre-lens-vallee": {"meth:workshop", "meth:testing", "meth:cross-cutting-work"},
    "net:labo-des-labs": {"meth:collective-intelligence", "meth:peer-exchange", "meth:learning-community"},
    "net:tmnlab": {"meth:learning-community", "meth:peer-exchange"},
    # document 001
    "lab:openlab-haute-loire": {"meth:open-innovation"},
    "lab:openlab-haut-rhin": {"meth:open-innovation"},
    "lab:openlab-val-d-oise": {"meth:open-innovation", "meth:co-construction"},
    "lab:openlab-nievre": {"meth:open-innovation"},
    "net:favd": {"meth:peer-exchange", "meth:collective-intelligence", "meth:service-design", "meth:facilitation"},
    "prog:openlabs": words(
        "meth:action-research meth:open-innovation meth:action-training-method meth:immersion meth:observation "
        "meth:diagnosis meth:co-design meth:prototyping meth:testing meth:collective-intelligence "
        "meth:service-design"
    ),
    "phase:openlabs-1-formation-action": {"meth:action-training-method"},
    "phase:openlabs-2-immersion-observation": {"meth:immersion", "meth:observation"},
    "phase:openlabs-diagnostic-a-distance": {"meth:diagnosis"},
    "phase:openlabs-3-diagnostic-co-design": {"meth:diagnosis", "meth:co-design"},
    "phase:openlabs-co-conception-prototypage-test": words(
        "meth:co-design meth:prototyping meth:testing meth:co-construction"
    ),
    "ev:openlabs-sessions-travail-co-construction-2020": {"meth:co-construction"},
    # document 002
    "prog:programme-labo-pia": {"meth:action-training-method", "meth:workshop"},
    "prog:mission-prefiguration-labo-creuse": words(
        "meth:immersion meth:interviews meth:workshop meth:action-training-method meth:study-trip meth:prototyping"
    ),
    "phase:creuse-1-periode-integration": {"meth:immersion", "meth:interviews", "meth:workshop"},
    "phase:creuse-2-semestre-erasmus": {"meth:action-training-method", "meth:study-trip", "meth:expert-views"},
    "phase:creuse-3-semaine-workshop": {"meth:workshop", "meth:prototyping"},
    "ev:pia-atelier-seance-de-creativite": {"meth:ideation", "meth:facilitation"},
    "ev:creuse-voyage-etude-paris": {"meth:study-trip"},
    "ev:creuse-voyage-etude-saint-etienne": {"meth:study-trip"},
    # document 003
    "lab:110-bis": {"meth:peer-exchange"},
    "lab:110-bis-limoges": {"meth:facilitation"},
    "net:communaute-labs-academie": {"meth:peer-exchange"},
    "ev:journee-labs-academie-2021": {"meth:peer-exchange", "meth:crowd-sourced-survey"},
    "ev:journee-labs-academie-2021-cartographie": {"meth:mapping"},
    "ev:journee-labs-academie-2021-inspirateurs": {"meth:expert-views"},
    "ev:journee-labs-academie-2021-flash-codev": {"meth:co-development"},
    "ev:journee-labs-academie-2021-retours-experience": {"meth:interviews"},
    "ev:journee-labs-academie-2021-ideation": {"meth:ideation"},
    # document 004: every session has a guided visit, experts' views and a co-dev session
    "net:innovation-places-network": words(
        "meth:peer-exchange meth:guided-visit meth:expert-views meth:co-development"
    ),
    "ev:innovation-places-cycle": words("meth:guided-visit meth:expert-views meth:co-development meth:peer-exchange"),
    **{
        f"ev:innovation-places-thematique-{n}": {"meth:guided-visit", "meth:expert-views", "meth:co-development"}
        for n in range(1, 7)
    },
}


def test_methods_usage(run: Run) -> None:
    rows = run("methods-usage")
    assert {(u, m) for m, u in cols(rows, "method", "user")} == pairs(METHODS)
    assert len(rows) == 105
    assert_sorted(rows, "methodLabel", "method", "userLabel")
    codev = run("methods-usage", method=c("meth:co-development"))
    assert set(col(codev, "user")) == cs(
        ["ev:journee-labs-academie-2021-flash-codev", "net:innovation-places-network", "ev:innovation-places-cycle"]
        + [f"ev:innovation-places-thematique-{n}" for n in range(1, 7)]
    )
    assert len(codev) == 9
    assert run("methods-usage", method=c("meth:learning-by-doing")) == []


THEMES = {
    "lab:labo-culture": {"theme:managerial-innovation", "theme:organisational-transformation", "theme:culture"},
    "lab:104factory": {"theme:cultural-creative-industries", "theme:community-management"},
    "lab:acco-lab": {"theme:libraries"},
    "lab:atelier-numerique": {"theme:digital", "theme:culture"},
    "lab:le-damier": {"theme:cultural-creative-industries", "theme:corporate-social-responsibility"},
    "lab:ecopia": {"theme:culture"},
    "lab:incubateur-studios-virecourt": {"theme:performing-arts"},
    "lab:incubateur-patrimoine-cmn": {"theme:heritage", "theme:tourism", "theme:culture"},
    "lab:fluxus": {"theme:culture"},
    "lab:la-fruitiere": {"theme:architecture", "theme:entrepreneurship"},
    "lab:louvre-lens-vallee": {"theme:culture", "theme:entrepreneurship"},
    "net:labo-des-labs": words(
        "theme:culture theme:cultural-creative-industries theme:social-environmental-impact theme:lab-networks "
        "theme:entrepreneurship"
    ),
    "net:tmnlab": {"theme:performing-arts"},
    # document 001: the four territories' subjects
    "lab:openlab-haute-loire": words(
        "theme:cultural-rights theme:social-inclusion theme:tourism theme:digital theme:culture theme:heritage "
        "theme:economy theme:spatial-planning"
    ),
    "lab:openlab-haut-rhin": {"theme:culture"},
    "lab:openlab-val-d-oise": {"theme:arts-education"},
    "lab:openlab-nievre": {"theme:arts-teaching", "theme:amateur-practice", "theme:public-reading"},
    "net:favd": {"theme:culture"},
    "prog:openlabs": words("theme:territorial-cooperation theme:culture theme:cultural-rights theme:public-innovation"),
    # document 002
    "lab:lab23": {"theme:public-innovation"},
    "prog:programme-labo-pia": {"theme:public-innovation", "theme:lab-funding"},
    "prog:mission-prefiguration-labo-creuse": {"theme:public-innovation"},
    # document 003
    "lab:110-bis": {"theme:public-innovation"},
    "lab:fabrique-numerique": {"theme:digital-services"},
    "net:communaute-labs-academie": {"theme:public-innovation", "theme:education", "theme:community-management"},
    "net:ambassadeurs-bercylab": {"theme:lab-ambassadors"},
    # document 004
    "net:innovation-places-network": {"theme:innovation-places", "theme:third-places"},
}


def test_themes(run: Run) -> None:
    rows = run("themes")
    assert {(a, t) for t, a in cols(rows, "theme", "actor")} == pairs(THEMES)
    assert len(rows) == 56
    assert_sorted(rows, "themeLabel", "theme", "actorLabel")
    culture = run("themes", theme=c("theme:culture"))
    assert set(col(culture, "actor")) == {c(a) for a, themes in THEMES.items() if "theme:culture" in themes}
    assert len(culture) == 11


def test_openlab_territories_themes(run: Run) -> None:
    # document 001, "Les Territoires OpenLabs": Haute-Loire, Haut-Rhin, Val-d'Oise, Nièvre and their subjects
    rows = run("openlab-territories-themes")
    openlabs = {
        "lab:openlab-haute-loire": ("terr:haute-loire", "43", "Auvergne-Rhône-Alpes"),
        "lab:openlab-haut-rhin": ("terr:haut-rhin", "68", "Grand Est"),
        "lab:openlab-val-d-oise": ("terr:val-d-oise", "95", "Île-de-France"),
        "lab:openlab-nievre": ("terr:nievre", "58", "Bourgogne-Franche-Comté"),
    }
    assert set(cols(rows, "openlab", "territory", "code", "regionLabel", "theme")) == {
        (c(lab), c(territory), code, region, c(theme))
        for lab, (territory, code, region) in openlabs.items()
        for theme in THEMES[lab]
    }
    assert len(rows) == 13
    assert_sorted(rows, "territoryLabel", "openlab", "themeLabel")
    assert list(dict.fromkeys(col(rows, "territoryLabel"))) == ["Haut-Rhin", "Haute-Loire", "Nièvre", "Val-d'Oise"]
    culture = run("openlab-territories-themes", theme=c("theme:culture"))
    assert col(culture, "openlab") == [c("lab:openlab-haut-rhin"), c("lab:openlab-haute-loire")]


def test_structure_objectives(run: Run) -> None:
    # document 000: "Trois objectifs au cœur du projet", plus the members' general aim
    rows = run("structure-objectives")
    assert set(col(rows, "objective")) == cs(
        words(
            "obj:labo-des-labs-accompagner-porteurs-projet obj:labo-des-labs-cooperation-montee-competences "
            "obj:labo-des-labs-experimenter-prise-risque obj:labo-des-labs-rayonnement-ecosysteme"
        )
    )
    assert len(rows) == 4
    assert set(col(rows, "structure")) == {c("net:labo-des-labs")}
    assert_sorted(rows, "objectiveLabel")
    # document 001: the five "Objectifs des OpenLabs"
    openlabs = run("structure-objectives", structure=c("prog:openlabs"))
    assert set(col(openlabs, "objective")) == cs(
        words(
            "obj:openlabs-pistes-operationnelles-essaimables obj:openlabs-inspirer-elus-acteurs "
            "obj:openlabs-essaimer-methodes-cooperation obj:openlabs-decloisonner-acteurs "
            "obj:openlabs-droits-culturels-usagers"
        )
    )
    assert len(openlabs) == 5
    nievre = run("structure-objectives", structure=c("lab:openlab-nievre"))
    assert col(nievre, "objectiveLabel") == [
        "Co-créer et tester des actions de coopération publique territoriale",
        "Repérer les grands enjeux culturels du territoire",
    ]
    assert run("structure-objectives", structure=c("net:tmnlab")) == []
