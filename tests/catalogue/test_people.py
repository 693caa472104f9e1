"""People and their roles.

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


def test_people(run: Run) -> None:
    rows = run("people")
    assert set(cols(rows, "person", "jobTitle", "organisation")) == {
        # document 002
        (c("pers:jeanne-deperrois"), "Cheffe de projets innovation publique", c("orga:ditp")),
        (c("pers:camille-rouge"), "Cheffe de projets innovation publique", c("orga:ditp")),
        (c("pers:nicolas-taillandier"), "consultant", c("orga:bureau-02")),
        # document 003
        (
            c("pers:celine-kerenflech"),
            "Secrétaire générale adjointe des ministères de l'Éducation nationale, de la Jeunesse et des Sports et de "
            "l'Enseignement supérieur, de la Recherche et de l'Innovation",
            c("orga:secretariat-general-men-mesri"),
        ),
        (c("pers:arnaud-derathe"), "Responsable du Bercylab", c("lab:bercylab")),
        (c("pers:victoria-martinez"), None, c("lab:fabrique-numerique")),
        (c("pers:severine-delage"), None, c("lab:110-bis-limoges")),
        (c("pers:elisabeth-artaud"), None, c("lab:110-bis-limoges")),
        (c("pers:nicolas-kermabon"), None, c("lab:110-bis-bretagne")),
        # document 004: "Responsable BNP Paribas", "Membre" of the collective
        (c("pers:jean-louis-soubret"), "Responsable", c("orga:bnp-paribas")),
        (c("pers:jean-louis-soubret"), "Responsable", c("net:innovation-places-network")),
    }
    assert len(rows) == 11
    assert_sorted(rows, "name", "person", "organisationLabel")
    ditp = run("people", organisation=c("orga:ditp"))
    assert col(ditp, "name") == ["Camille Rouge", "Jeanne Deperrois"]
