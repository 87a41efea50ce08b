"""The prefilter of hand-written patterns: a pattern is skipped only on a text where it cannot match."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from itertools import product

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy.normalize import normalize
from policy.prefilter import Prefiltered, _fold, prefiltered, required_words, skipping
from policy.rules import cues, rules

ALL_CHARS = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)


def _spelled(pattern: str) -> set[str] | None:
    """The required words of ``pattern``, every string they allow written out."""
    words = required_words(re.compile(pattern))
    if words is None:
        return None
    return {"".join(chars) for word in words for chars in product(*word)}


@pytest.mark.parametrize("ch", [chr(c) for c in range(128)])
def test_case_folds_are_every_character_re_matches_without_case(ch):
    matched = set(re.findall(f"(?i:{re.escape(ch)})", ALL_CHARS))
    assert matched == _fold(ch, True)


def test_a_class_without_case_matches_what_its_folded_characters_spell():
    matched = set(re.findall("(?i:[a-z0-9_])", ALL_CHARS))
    assert matched == set().union(*(_fold(c, True) for c in "abcdefghijklmnopqrstuvwxyz0123456789_"))


def test_required_words_of_small_patterns():
    assert _spelled("(?<=[^、]{2})の(?:イラスト|キャラ)(?:と|を)") == {
        "のイラストと", "のイラストを", "のキャラと", "のキャラを"}
    # A run ends at anything optional; the best run is the rarer one.
    assert _spelled("認証コード[ ]?(?:は|:)?[0-9]{4}") == {"認証コード"}
    # Each branch brings its own words; alternatives inside a group count for the group.
    assert _spelled("(?:ロゴ|マスコット)みたい|登録商標") == {"ロゴみたい", "マスコットみたい", "登録商標"}
    assert _spelled("x+(?:abc)+") == {"abc"}


def test_nothing_is_required_when_a_match_may_be_empty_or_open():
    assert _spelled("a?") is None
    assert _spelled("(?:abc|)") is None
    assert _spelled("[^a]+") is None
    assert _spelled("abc|[^a]+") is None  # one branch has no word
    assert _spelled("abc|[0-9]+") == {"abc", *"0123456789"}


def test_case_insensitive_words_allow_every_fold():
    words = required_words(re.compile("(?i:disk)"))
    assert words == {(frozenset("dD"), frozenset("iI\u0130\u0131"), frozenset("sS\u017f"), frozenset("kK\u212a"))}
    gated = prefiltered(re.compile("(?i:disk)"))
    assert [m.group() for m in gated.finditer("DİſK disk")] == ["DİſK", "disk"]


def test_a_cased_letter_outside_ascii_under_ignorecase_gives_no_word():
    assert _spelled("(?i:é)") is None
    assert _spelled("é") == {"é"}


def _data_patterns() -> list[Prefiltered]:
    found = [r.trigger for r in rules()] + [p for c in cues().values() for p in c.patterns]
    return [p for p in found if isinstance(p, Prefiltered) and p.words is not None]


def test_most_hand_written_patterns_get_a_prefilter():
    assert len(_data_patterns()) >= 15


def _pieces() -> list[str]:
    out: list[str] = []
    for rule in rules():
        out += [normalize(t).text for t in rule.match + rule.no_match]
    return out


def _matches(found: Iterator[re.Match[str]]) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    return [(m.span(), m.groups()) for m in found]


PIECES = _pieces()
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4),
                           st.sampled_from(list("0123456789-.:\\ \n@$kKMİſ"))), max_size=12).map("".join)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_a_pattern_that_matches_has_one_of_its_words(text: str) -> None:
    for p in _data_patterns():
        assert _matches(p.finditer(text)) == _matches(p.source.finditer(text))


def test_every_rule_example_gives_the_same_matches():
    for p in _data_patterns():
        for text in PIECES:
            assert _matches(p.finditer(text)) == _matches(p.source.finditer(text))


def test_every_hand_written_pattern_is_rewritten_to_skip_in_c():
    for p in _data_patterns():
        assert p.fast is not p.source, p.source.pattern


# Random patterns of the constructs the rewriting handles (and some it must leave alone), on
# random texts: the rewritten pattern finds the same matches with the same groups.
_ATOMS = ["a", "b", "ア", "[ab]", "[^a]", "\\s", ".", "[a-cA]", "K", "s", "i"]


def _patterns() -> st.SearchStrategy[str]:
    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(inner, inner).map("".join),
            st.tuples(inner, inner).map(lambda p: f"(?:{p[0]}|{p[1]})"),
            inner.map(lambda p: f"(?i:{p})"),
            inner.map(lambda p: f"(?P<g{abs(hash(p)) % 1000}>{p})"),
            st.tuples(inner, st.sampled_from(["?", "*", "+", "{1,3}", "{2}", "??", "*?", "+?", "{0,2}?"])).map(
                lambda p: f"(?:{p[0]}){p[1]}"),
            st.tuples(st.sampled_from(["(?<=a)", "(?<![ab])", "(?<=\\s)", "(?<!ア.)", "\\b", "(?=b)"]), inner).map(
                "".join),
        )
    return st.recursive(st.sampled_from(_ATOMS), extend, max_leaves=6)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_patterns(), st.lists(st.text(alphabet="abAB アİKs\n", max_size=12), min_size=1, max_size=4))
def test_rewritten_patterns_match_like_the_original(source: str, texts: list[str]) -> None:
    try:
        original = re.compile(source)
    except re.error:
        return  # a repeated group name, a variable-width look-behind
    fast = skipping(original)
    for text in texts:
        assert _matches(fast.finditer(text)) == _matches(original.finditer(text)), (source, text)
