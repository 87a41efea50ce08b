"""A quick proof that a regular expression has no match in a text: the words every match contains.

Most hand-written patterns of the rule data (credential values, file paths, trademark phrases,
amounts …) begin with a look-behind, a character class or a case-insensitive group, so ``re``
cannot skip to the characters where a match may begin and runs the whole pattern at every
character. This module reads such a pattern with ``re``'s own parser and collects words, one of
which is inside every match (``パスワード``, ``(?i:password)``, ``のイラスト`` …), into a pattern
of literal words whose branches all begin with a literal character, which ``re`` scans in C
without entering it at most positions. When that scan finds none of the words, the pattern cannot
match, and it is not run; otherwise it runs as before. So a pattern's matches never change, only
the time spent on messages that cannot contain them.

How the words are found (``_required``): in a sequence, consecutive parts that match one of a few
fixed strings (literals, small classes, groups and alternations of those, fixed repeats;
look-arounds consume nothing and keep them adjacent) are spelled out into every string they can
match, and each such run of adjacent parts must appear whole in a match. Other parts give their
own required words: a group or a repeat of at least one its contents', an alternation the words
of all its branches together. The most selective candidate is kept. A pattern for which nothing
is certain gets no prefilter.

Case: ``(?i:…)`` lets an ASCII letter match its other case and, in ``re``, four more characters
(``_EXTRA_FOLDS``, checked against every code point in tests/policy/test_prefilter.py); a word
spells those out. A cased character outside ASCII under ``(?i)`` ends a word.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import product
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

Atom = frozenset[str]  # the characters one position of a word may hold
Word = tuple[Atom, ...]

_MAX_WORDS = 256  # a spelled-out run or an alternation with more strings than this gives up
_MAX_CLASS = 64  # a character class with more characters than this is not spelled out
# Characters besides an ASCII letter's two cases that match it under re.IGNORECASE.
_EXTRA_FOLDS = {"i": "\u0130\u0131", "k": "\u212a", "s": "\u017f"}
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)


@dataclass(frozen=True, slots=True)
class Prefiltered:
    """A compiled pattern with the literal pattern of the words every match contains (or None)."""

    pattern: re.Pattern[str]
    words: re.Pattern[str] | None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        if self.words is not None and self.words.search(text) is None:
            return iter(())
        return self.pattern.finditer(text)

    @property
    def groupindex(self) -> dict[str, int]:
        return dict(self.pattern.groupindex)


#: What rules and Doc scan: a pattern as compiled, or with its prefilter.
Scanner = re.Pattern[str] | Prefiltered


def prefiltered(pattern: re.Pattern[str]) -> Prefiltered:
    words = required_words(pattern)
    return Prefiltered(pattern, _words_pattern(words) if words else None)


def required_words(pattern: re.Pattern[str]) -> set[Word] | None:
    """Words one of which every match of ``pattern`` contains, or None when none are certain."""
    parsed = _parser.parse(pattern.pattern, pattern.flags)
    return _required(parsed.data, bool(parsed.state.flags & re.IGNORECASE))


def _required(seq: Iterable[tuple[Any, Any]], icase: bool) -> set[Word] | None:
    candidates: list[set[Word]] = []
    run: set[Word] = {()}

    def close() -> None:
        if run and all(run):  # an empty word would be in every text
            candidates.append(run)

    for op, av in seq:
        exact = _exact_item(op, av, icase)
        if exact is not None:
            joined = _concat(run, exact)
            if joined is None:  # too many strings: what came before is a run of its own
                close()
                joined = exact
            run = joined
            continue
        close()
        run = {()}
        required = _required_item(op, av, icase)
        if required:
            candidates.append(required)
    close()
    return max(candidates, key=_selectivity, default=None)


def _required_item(op: Any, av: Any, icase: bool) -> set[Word] | None:
    if op is sre.SUBPATTERN:
        return _required(av[3], _icase(av, icase))
    if op is sre.ATOMIC_GROUP:
        return _required(av, icase)
    if op in _REPEATS and av[0] >= 1:
        return _required(av[2], icase)
    if op is sre.BRANCH:
        union: set[Word] = set()
        for alternative in av[1]:
            words = _required(alternative, icase)
            if not words:
                return None
            union |= words
        return union if len(union) <= _MAX_WORDS else None
    return None


def _exact(seq: Iterable[tuple[Any, Any]], icase: bool) -> set[Word] | None:
    """Every string ``seq`` can match, as words, or None when there is no short list."""
    out: set[Word] | None = {()}
    for op, av in seq:
        exact = _exact_item(op, av, icase)
        if exact is None or out is None:
            return None
        out = _concat(out, exact)
    return out


def _exact_item(op: Any, av: Any, icase: bool) -> set[Word] | None:
    if op is sre.LITERAL:
        atom = _fold(chr(av), icase)
        return {(atom,)} if atom else None
    if op is sre.IN:
        atom = _class(av, icase)
        return {(atom,)} if atom else None
    if op in _ZERO_WIDTH:
        return {()}  # consumes nothing: what stands on either side is adjacent
    if op is sre.SUBPATTERN:
        return _exact(av[3], _icase(av, icase))
    if op is sre.BRANCH:
        union: set[Word] = set()
        for alternative in av[1]:
            words = _exact(alternative, icase)
            if words is None:
                return None
            union |= words
        return union if len(union) <= _MAX_WORDS else None
    if op in _REPEATS and av[0] == av[1] and av[0] <= 8:
        words = _exact(av[2], icase)
        out: set[Word] | None = {()}
        for _ in range(av[0]):
            out = _concat(out, words) if out is not None and words is not None else None
        return out
    return None


def _concat(left: set[Word], right: set[Word]) -> set[Word] | None:
    if len(left) * len(right) > _MAX_WORDS:
        return None
    return {a + b for a, b in product(left, right)}


def _icase(av: Any, icase: bool) -> bool:
    _group, add_flags, del_flags, _sub = av
    return (icase or bool(add_flags & re.IGNORECASE)) and not del_flags & re.IGNORECASE


def _fold(ch: str, icase: bool) -> Atom | None:
    """The characters that match ``ch`` (None when unknown: a cased non-ASCII letter under (?i))."""
    if not icase or not _sre.unicode_iscased(ord(ch)):
        return frozenset(ch)
    if not ch.isascii():
        return None
    low = ch.lower()
    return frozenset(low + low.upper() + _EXTRA_FOLDS.get(low, ""))


def _class(items: list[tuple[Any, Any]], icase: bool) -> Atom | None:
    chars: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL:
            chars.add(chr(av))
        elif op is sre.RANGE and av[1] - av[0] < _MAX_CLASS:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        else:
            return None  # negation, \s and other categories, big ranges
    if len(chars) > _MAX_CLASS:
        return None
    atom: set[str] = set()
    for ch in chars:
        folded = _fold(ch, icase)
        if folded is None:
            return None
        atom |= folded
    return frozenset(atom)


def _selectivity(words: set[Word]) -> tuple[float, int]:
    """How rarely a set of words occurs: its weakest word's length, counting a position that
    allows many characters as a fraction; then fewer words."""
    weakest = min(sum(1.0 if len(atom) <= 4 else 4 / len(atom) for atom in w) for w in words)
    return weakest, -len(words)


def _words_pattern(words: set[Word]) -> re.Pattern[str]:
    """One branch per first character, so that every branch begins with a literal."""
    branches = set()
    for word in words:
        rest = "".join(_atom_source(atom) for atom in word[1:])
        branches.update(re.escape(ch) + rest for ch in word[0])
    return re.compile("|".join(sorted(branches)))


def _atom_source(atom: Atom) -> str:
    if len(atom) == 1:
        return re.escape(next(iter(atom)))
    return "[" + "".join(re.escape(ch) for ch in sorted(atom)) + "]"
