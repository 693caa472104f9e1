"""Each rule of the payload checks, failing with its field, rule and both languages; and a valid
payload passing."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from labgraph.config import Settings
from labgraph.contributions.check import check_payload
from labgraph.errors import FieldProblem, InvalidProposal, ProposalTooLarge

ID = "https://w3id.org/labgraph/id/"
LAB = ID + "concept/structure-kind/innovation-lab"
FACTORY = ID + "lab/104factory"
CHOICES = {"kind": {LAB}, "methods": {ID + "concept/method/collective-intelligence"}, "target": {FACTORY}}
VALID: dict[str, Any] = {"label": {"fr": "Nouveau labo", "en": "New lab"}, "kind": [LAB],
                         "website": "https://nouveau.example/", "foundingDate": "2020-02-29", "dedicatedPlace": "no"}


def _problems(settings: Settings, payload: Any, kind: str = "new", card_type: str = "lab",
              target: str | None = None) -> list[FieldProblem]:
    with pytest.raises(InvalidProposal) as caught:
        check_payload(settings, kind, card_type, target, payload, CHOICES)
    for p in caught.value.problems:
        assert p.message["fr"] and p.message["en"] and p.message["fr"] != p.message["en"]
    return caught.value.problems


def _rules(problems: list[FieldProblem]) -> set[tuple[str, str]]:
    return {(p.field, p.rule) for p in problems}


def test_a_valid_new_structure_and_a_valid_correction_pass(project_settings: Settings) -> None:
    check_payload(project_settings, "new", "lab", None, VALID, CHOICES)
    check_payload(project_settings, "correction", "lab", FACTORY, {"methods": list(CHOICES["methods"])}, CHOICES)


def test_an_unknown_field(project_settings: Settings) -> None:
    assert ("email", "unknown-field") in _rules(_problems(project_settings, {**VALID, "email": "x"}))


def test_a_new_structure_needs_a_french_label_and_a_kind(project_settings: Settings) -> None:
    rules = _rules(_problems(project_settings, {"label": {"en": "Only English"}}))
    assert {("label", "required"), ("kind", "required")} <= rules


def test_a_correction_needs_a_known_target_and_a_change(project_settings: Settings) -> None:
    assert ("target", "unknown-value") in _rules(
        _problems(project_settings, {"methods": []}, "correction", target=ID + "lab/nowhere"))
    assert ("fields", "required") in _rules(_problems(project_settings, {"comment": "hi"}, "correction",
                                                      target=FACTORY))


def test_a_value_not_among_the_choices(project_settings: Settings) -> None:
    problems = _problems(project_settings, {**VALID, "methods": [ID + "concept/method/astrology"]})
    [problem] = [p for p in problems if p.field == "methods"]
    assert problem.rule == "unknown-value"
    assert "choices" in problem.message["en"] and "liste" in problem.message["fr"]


@pytest.mark.parametrize("value", ["javascript:alert(1)", "ftp://x.example/", "https://", "https://a b.example/",
                                   "not a url"])
def test_a_bad_url(project_settings: Settings, value: str) -> None:
    assert ("website", "url") in _rules(_problems(project_settings, {**VALID, "website": value}))


@pytest.mark.parametrize("value", ["2021-02-30", "20", "2021-13", "yesterday", "2021/05/01"])
def test_a_bad_date(project_settings: Settings, value: str) -> None:
    assert ("foundingDate", "date") in _rules(_problems(project_settings, {**VALID, "foundingDate": value}))


def test_a_bad_yes_no_and_bad_types(project_settings: Settings) -> None:
    rules = _rules(_problems(project_settings, {**VALID, "dedicatedPlace": "maybe", "kind": LAB, "label": "x"}))
    assert {("dedicatedPlace", "unknown-value"), ("kind", "type"), ("label", "type")} <= rules
    assert ("fields", "type") in _rules(_problems(project_settings, ["not", "an", "object"]))


def test_unknown_kind_of_proposal_and_card_type(project_settings: Settings) -> None:
    rules = _rules(_problems(project_settings, VALID, kind="delete", card_type="person"))
    assert {("kind_of_proposal", "unknown-value"), ("card_type", "unknown-value")} <= rules


def test_a_field_too_long(project_settings: Settings) -> None:
    limit = project_settings.contribution_field_chars
    long_label = {"fr": "x" * (limit + 1)}
    problems = _problems(project_settings, {**VALID, "label": long_label, "comment": "y" * (limit + 1)})
    assert {("label", "too-long"), ("comment", "too-long")} <= _rules(problems)
    check_payload(project_settings, "new", "lab", None, {**VALID, "label": {"fr": "x" * limit}}, CHOICES)


def test_a_proposal_too_large(project_settings: Settings) -> None:
    small = dataclasses.replace(project_settings, contribution_max_bytes=200)
    with pytest.raises(ProposalTooLarge):
        check_payload(small, "new", "lab", None, {**VALID, "description": {"fr": "é" * 100}}, CHOICES)
