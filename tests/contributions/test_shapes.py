"""The build's SHACL shapes judge a proposal against the current release, each violation
named by the payload field it concerns and worded in French and English."""

from __future__ import annotations

from typing import Any

import pytest

from labgraph.config import Settings
from labgraph.contributions.check import check_proposal
from labgraph.contributions.shapes import shape_problems
from labgraph.errors import InvalidProposal
from labgraph.graph.build import run_build

ID = "https://w3id.org/labgraph/id/"
C = ID + "concept/"
NEW: dict[str, Any] = {"label": {"fr": "Labo des essais"}, "kind": [C + "structure-kind/innovation-lab"],
                       "territory": [ID + "territory/normandie"], "maturity": [C + "maturity/prefiguration"]}


@pytest.fixture
def built(project_settings: Settings) -> Settings:
    run_build(project_settings)
    return project_settings


def test_a_valid_new_structure_conforms(built: Settings) -> None:
    assert shape_problems(built, "new", "lab", None, NEW, set()) == []


def test_two_maturity_stages_break_the_lab_shape(built: Settings) -> None:
    payload = {**NEW, "maturity": [C + "maturity/prefiguration", C + "maturity/beta"]}
    problems = shape_problems(built, "new", "lab", None, payload, set())
    assert [(p.field, p.rule) for p in problems] == [("maturity", "MaxCountConstraintComponent")]
    assert "maturité" in problems[0].message["fr"] and "maturity" in problems[0].message["en"]


def test_a_host_that_is_no_organisation_is_named_by_field(built: Settings) -> None:
    problems = shape_problems(built, "correction", "lab", ID + "lab/104factory",
                              {"host": [C + "method/collective-intelligence"]}, set())
    assert ("host", "ClassConstraintComponent") in {(p.field, p.rule) for p in problems}
    assert all(p.message["fr"] != p.message["en"] for p in problems)


def test_a_territory_known_to_the_release_passes_and_an_unknown_one_does_not(built: Settings) -> None:
    bad = {**NEW, "territory": [ID + "territory/atlantis"]}
    assert ("territory", "ClassConstraintComponent") in {
        (p.field, p.rule) for p in shape_problems(built, "new", "lab", None, bad, set())}


def test_check_proposal_runs_the_rules_then_the_shapes(built: Settings) -> None:
    choices = {"kind": set(NEW["kind"]), "territory": set(NEW["territory"]),
               "maturity": {C + "maturity/prefiguration", C + "maturity/beta"}}
    check_proposal(built, "new", "lab", None, NEW, choices, set())
    with pytest.raises(InvalidProposal) as caught:
        check_proposal(built, "new", "lab", None, {**NEW, "maturity": sorted(choices["maturity"])}, choices, set())
    assert [p.field for p in caught.value.problems] == ["maturity"]
    with pytest.raises(InvalidProposal) as caught:
        check_proposal(built, "new", "lab", None, {**NEW, "nope": 1}, choices, set())
    assert [p.rule for p in caught.value.problems] == ["unknown-field"]
