"""The neighbours a reader of the five documents would expect, written from the documents (not
from labgraph's output), for the similarity tests and precision@5.

Each case is ``structure path -> (must, relevant)``: ``must`` are the structures that have to rank
in its top 5; ``relevant`` are all those a person would accept there (``must`` included).
Precision@5 counts the top 5 that are relevant, over min(5, |relevant|).
"""

from __future__ import annotations

#: the Labo des Labs' incubators of the culture page (the community of Culture incubators)
CULTURE_INCUBATORS = {
    "lab/104factory",
    "lab/atelier-numerique",
    "lab/ecopia",
    "lab/fluxus",
    "lab/incubateur-patrimoine-cmn",
    "lab/incubateur-studios-virecourt",
    "lab/la-fruitiere",
    "lab/le-damier",
    "lab/louvre-lens-vallee",
}
#: the labs d'académie page: 110 bis animates the community, Limoges and Bretagne told their story
LABS_ACADEMIE = {"lab/110-bis", "lab/110-bis-bretagne", "lab/110-bis-limoges", "network/communaute-labs-academie"}
#: the Lucas document: four départements' OpenLabs, the programme and its steering committee
OPENLABS = {
    "lab/openlab-haut-rhin",
    "lab/openlab-haute-loire",
    "lab/openlab-nievre",
    "lab/openlab-val-d-oise",
    "programme/openlabs",
    "network/copil-openlabs",
    "network/favd",
}

EXPECTED: dict[str, tuple[set[str], set[str]]] = {
    # Culture page: both are regional incubators accompanying cultural project holders
    # (Grand Est for one, Grand Ouest for the other).
    "lab/fluxus": ({"lab/ecopia"}, CULTURE_INCUBATORS - {"lab/fluxus"}),
    "lab/ecopia": ({"lab/fluxus"}, CULTURE_INCUBATORS - {"lab/ecopia"}),
    # Culture page: Virecourt hosts performing artists; TMNlab gathers performing-arts
    # professionals; 104factory also hosts and accompanies creators.
    "lab/incubateur-studios-virecourt": (
        {"network/tmnlab", "lab/104factory"},
        (CULTURE_INCUBATORS | {"network/tmnlab"}) - {"lab/incubateur-studios-virecourt"},
    ),
    # Culture page: La Fruitière and Louvre Lens Vallée both foster entrepreneurs' innovation.
    "lab/la-fruitiere": ({"lab/louvre-lens-vallee"}, CULTURE_INCUBATORS - {"lab/la-fruitiere"}),
    # Culture page: Le Damier and 104factory both gather the cultural and creative businesses.
    "lab/le-damier": ({"lab/104factory"}, CULTURE_INCUBATORS - {"lab/le-damier"}),
    # Labs d'académie page: the two academy labs that shared their experience, both in the
    # community animated by 110 bis.
    "lab/110-bis-bretagne": (
        {"lab/110-bis-limoges", "network/communaute-labs-academie"},
        LABS_ACADEMIE - {"lab/110-bis-bretagne"},
    ),
    "lab/110-bis-limoges": ({"lab/110-bis-bretagne"}, LABS_ACADEMIE - {"lab/110-bis-limoges"}),
    # Labs d'académie page: 110 bis organises the community's annual day; it invited the ministry
    # labs Bercylab and the Fabrique numérique; the Labo is the Culture ministry's lab.
    "lab/110-bis": (
        {"network/communaute-labs-academie"},
        (LABS_ACADEMIE | {"lab/bercylab", "lab/fabrique-numerique", "lab/labo-culture"}) - {"lab/110-bis"},
    ),
    "network/communaute-labs-academie": ({"lab/110-bis"}, LABS_ACADEMIE - {"network/communaute-labs-academie"}),
    # Lucas document: the four OpenLabs are the same programme in four départements.
    **{
        lab: ({o for o in OPENLABS if o.startswith("lab/")} - {lab}, OPENLABS - {lab})
        for lab in sorted(OPENLABS)
        if lab.startswith("lab/")
    },
    # Cousins page: the Creuse mission prefigured lab23, the Creuse département's lab.
    "lab/lab23": (
        {"programme/mission-prefiguration-labo-creuse"},
        {"programme/mission-prefiguration-labo-creuse", "programme/programme-labo-pia"},
    ),
    # Culture page: the Labo is at the origin of the Labo des Labs and animates it.
    "network/labo-des-labs": (
        {"lab/labo-culture"},
        CULTURE_INCUBATORS | {"lab/labo-culture", "lab/acco-lab", "network/tmnlab"},
    ),
    # Culture page: TMNlab is a learning community of performing-arts professionals, a member of
    # the Labo des Labs; Virecourt welcomes performing artists.
    "network/tmnlab": (
        {"lab/incubateur-studios-virecourt", "network/labo-des-labs"},
        {"lab/incubateur-studios-virecourt", "network/labo-des-labs", "network/favd"},
    ),
    # Labs d'académie page: Bercylab came to present itself and its network of ambassadors.
    "lab/bercylab": ({"network/ambassadeurs-bercylab"}, {"network/ambassadeurs-bercylab", "lab/110-bis"}),
}
