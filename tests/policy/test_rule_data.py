"""A broken rules file stops start-up with a message naming the file and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy.datafile import RuleDataError
from policy.rules import load_rule_files

DATA = Path(__file__).parent / "data"

# fmt: off
BROKEN = [
    ("bad_regex.yaml", "bad_regex.yaml:6", "正規表現"),
    ("missing_examples.yaml", "missing_examples.yaml:3", "no_match"),
    ("unknown_cue.yaml", "unknown_cue.yaml:7", "@nowhere"),
    ("bad_yaml.yaml", "bad_yaml.yaml:7", "YAML"),
    ("unknown_category.yaml", "unknown_category.yaml:1", "未知のカテゴリ"),
    ("wrong_prefix.yaml", "wrong_prefix.yaml:3", "で始めて"),
]
# fmt: on


@pytest.mark.parametrize(("name", "where", "words"), BROKEN)
def test_broken_rule_file_names_the_line(name: str, where: str, words: str) -> None:
    with pytest.raises(RuleDataError) as err:
        load_rule_files([DATA / name])
    assert where in str(err.value) and words in str(err.value)


def test_duplicate_rule_ids_across_files_are_refused() -> None:
    with pytest.raises(RuleDataError, match="でも使われています"):
        load_rule_files([DATA / "good.yaml", DATA / "good.yaml"])


def test_a_good_file_loads() -> None:
    [rule] = load_rule_files([DATA / "good.yaml"])
    assert rule.id == "non_public.test_marker" and rule.section == "2章5-1(3)"
