"""Every data rule's examples hold when screened: each ``match`` example fires the rule, no
``no_match`` example does. DX推進課 edits the YAML; this is what keeps their edits honest."""

from __future__ import annotations

import pytest

from policy.rules import Rule, rules

from .helpers import rules_fired, screened

MATCH = [(r, text) for r in rules() for text in r.match]
NO_MATCH = [(r, text) for r in rules() for text in r.no_match]


@pytest.mark.parametrize(("rule", "text"), MATCH, ids=[f"{r.id}:{i}" for i, (r, _) in enumerate(MATCH)])
def test_must_match(rule: Rule, text: str) -> None:
    result = screened(text)
    assert rule.id in rules_fired(result), f"{rule.where}: {rule.id} does not fire on {text!r}"
    assert rule.category in result.categories


@pytest.mark.parametrize(("rule", "text"), NO_MATCH, ids=[f"{r.id}:{i}" for i, (r, _) in enumerate(NO_MATCH)])
def test_must_not_match(rule: Rule, text: str) -> None:
    assert rule.id not in rules_fired(screened(text)), f"{rule.where}: {rule.id} fires on {text!r}"


def test_every_context_category_has_rules() -> None:
    covered = {r.category for r in rules()}
    assert covered >= {"non_public", "contract_info", "nda_secret", "credential", "sensitive_personal",
                       "third_party_rights", "medical_emergency"}


def test_rule_sections_are_the_guideline_sections_of_their_category() -> None:
    for r in rules():
        assert r.section.startswith(("2章5-1", "2章5-2", "2章6-4", "2章4")), r.id
