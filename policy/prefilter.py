"""Hand-written patterns made cheap to run: rewritten so that ``re`` skips in C where no match can
begin, and not run at all on a text without one of the words every match contains.

Most hand-written patterns of the rule data (credential values, file paths, trademark phrases,
amounts …) begin with a look-behind, a character class, a repeat or a case-insensitive group, so
``re`` cannot derive the characters where a match may begin and runs the whole pattern at every
character. Both steps below read the pattern with ``re``'s own parser (``re._parser``; the
rewritten tree is compiled by ``re._compiler``, the module ``re.compile`` itself uses) and keep
every match, its groups and the order in which the engine tries alternatives; the tests compare
them with the pattern as written on every data pattern and on thousands of random patterns.

``skipping``: the pattern becomes an alternation whose every branch begins with one character
(``_split`` says why each step keeps the matches), from which ``re`` takes the set of characters
where a match may begin.

``required_words``: in a sequence, consecutive parts that match one of a few fixed strings
(literals, small classes, groups and alternations of those, fixed repeats; look-arounds consume
nothing and keep them adjacent) are spelled out into every string they can match, and each such
run of adjacent parts must appear whole in a match. Other parts give their own required words: a
group or a repeat of at least one its contents', an alternation the words of all its branches
together. The most selective candidate is kept; a pattern for which nothing is certain gets none.
The words make a literal pattern whose branches all begin with a literal character; when it finds
none of them in a message, the pattern is not run there.

Case: ``(?i:…)`` lets an ASCII letter match its other case and, in ``re``, four more characters
(``_EXTRA_FOLDS``, checked against every code point in tests/policy/test_prefilter.py); words and
rewritten branches spell those out. A cased character outside ASCII under ``(?i)`` is left alone.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import product
from re import _compiler, _parser  # type: ignore[attr-defined]
from re import _constants as sre  # type: ignore[attr-defined]
from typing import Any

Atom = frozenset[str]  # the characters one position of a word may hold
Word = tuple[Atom, ...]

_MAX_WORDS = 256  # a spelled-out run or an alternation with more strings than this gives up
_MAX_BRANCHES = 512  # a rewritten pattern with more alternatives than this is left as it was
_MAX_CLASS = 64  # a character class with more characters than this is not spelled out
# Characters besides an ASCII letter's two cases that match it under re.IGNORECASE.
_EXTRA_FOLDS = {"i": "\u0130\u0131", "k": "\u212a", "s": "\u017f"}
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)


@dataclass(frozen=True, slots=True)
class Prefiltered:
    """A pattern as written, the same pattern rewritten for speed (``skipping``) and the literal
    pattern of the words every match contains (None when there are none)."""

    source: re.Pattern[str]
    fast: re.Pattern[str]
    words: re.Pattern[str] | None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        if self.words is not None and self.words.search(text) is None:
            return iter(())
        return self.fast.finditer(text)

    @property
    def groupindex(self) -> dict[str, int]:
        return dict(self.source.groupindex)


#: What rules and Doc scan: a pattern as compiled, or with its prefilter.
Scanner = re.Pattern[str] | Prefiltered


def prefiltered(pattern: re.Pattern[str]) -> Prefiltered:
    words = required_words(pattern)
    return Prefiltered(pattern, skipping(pattern), _words_pattern(words) if words else None)


def skipping(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` rewritten so that it begins with a literal, a class, or alternatives that all
    begin with a literal, which lets ``re`` skip in C the positions where no match can begin;
    ``pattern`` itself when that cannot be done exactly. Same matches, groups and order of trying
    (see ``_split`` and ``_dispatch``)."""
    parsed = _parser.parse(pattern.pattern, pattern.flags)
    if parsed.state.flags & re.IGNORECASE:
        return pattern
    alternatives = _split(list(parsed.data), False, parsed.state)
    if alternatives is None:
        return pattern
    state = parsed.state
    if len(alternatives) == 1:
        data = alternatives[0]
    elif all(first[0] is sre.LITERAL for first, *_ in alternatives):
        data = [(sre.BRANCH, (None, [_parser.SubPattern(state, alt) for alt in alternatives]))]
    else:
        dispatched = _dispatch(alternatives, state)
        if dispatched is None:
            return pattern
        data = dispatched
    rewritten = _parser.SubPattern(state, data)
    if _compiler._get_charset_prefix(rewritten, state.flags) is None:
        return pattern
    compiled: re.Pattern[str] = _compiler.compile(rewritten, pattern.flags)
    return compiled


Item = tuple[Any, Any]


def _split(seq: list[Item], icase: bool, state: Any) -> list[list[Item]] | None:
    """Alternatives that together match what ``seq`` matches, tried in the same order, each
    beginning with an item that consumes exactly one character and none of them case-insensitive
    at the top level (``icase``: whether ``seq`` stands inside (?i:…)). None when not possible.

    Each step keeps the matches and the order in which the engine tries them:
    - (A|B)R is AR|BR: the engine tries A then R, and B then R only when that fails;
    - X{m,n}R with m ≥ 1 is X X{m-1,n-1} R; a greedy X{0,n}R is X X{0,n-1} R | R, a lazy one R | X…
      (X never empty; possessive repeats are left alone);
    - a look-behind L before a character c holds exactly when c is there and L c holds after it,
      so (?<=L)c is c(?<=Lc) (and (?<!L)c is c(?<!Lc)): fixed width still;
    - under (?i:…) a letter is the alternation of the characters that match it (_fold), and what
      follows it stays inside (?i:…).
    """
    if not seq:
        return None
    (op, av), rest = seq[0], seq[1:]
    if op is sre.LITERAL or op is sre.IN:
        if not icase or not _is_cased(op, av):
            return [[(op, av), *_in_case(rest, icase, state)]]
        atom = _fold(chr(av), True) if op is sre.LITERAL else _class(av, True)
        if atom is None:
            return None
        return [[(sre.LITERAL, ord(ch)), *_in_case(rest, icase, state)] for ch in sorted(atom)]
    if op in (sre.ASSERT, sre.ASSERT_NOT) and av[0] == -1:
        alternatives = _split(rest, icase, state)
        if alternatives is None:
            return None
        behind = av[1]
        out = []
        for first, *after in alternatives:
            seen = [*_in_case(list(behind.data), icase, state), first]
            out.append([first, (op, (-1, _parser.SubPattern(state, seen))), *after])
        return out
    if op is sre.SUBPATTERN and av[0] is None and not (av[1] | av[2]) & ~sre.SRE_FLAG_IGNORECASE:
        inner = _split(list(av[3].data), _icase(av, icase), state)
        if inner is None:
            return None
        return [[*alt, *_in_case(rest, icase, state)] for alt in inner]
    if op is sre.BRANCH:
        out = []
        for alternative in av[1]:
            split = _split([*alternative.data, *rest], icase, state)
            if split is None or len(out) + len(split) > _MAX_BRANCHES:
                return None
            out += split
        return out
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[2].getwidth()[0] >= 1:
        low, high, sub = av
        if low >= 1:
            again = [] if high == 1 else [(op, (low - 1, high - 1 if high != sre.MAXREPEAT else high, sub))]
            return _split([*sub.data, *again, *rest], icase, state)
        if high == 0:
            return None
        once = [*sub.data, (op, (0, high - 1 if high != sre.MAXREPEAT else high, sub)), *rest]
        if high == 1:
            once = [*sub.data, *rest]
        with_it, without = _split(once, icase, state), _split(rest, icase, state)
        if with_it is None or without is None or len(with_it) + len(without) > _MAX_BRANCHES:
            return None
        return with_it + without if op is sre.MAX_REPEAT else without + with_it
    return None


def _in_case(items: list[Item], icase: bool, state: Any) -> list[Item]:
    """``items`` as they were under (?i:…), for a place outside it."""
    if not icase or not items:
        return items
    return [(sre.SUBPATTERN, (None, sre.SRE_FLAG_IGNORECASE, 0, _parser.SubPattern(state, items)))]


def _is_cased(op: Any, av: Any) -> bool:
    if op is sre.LITERAL:
        return bool(_sre.unicode_iscased(av))
    for item_op, item_av in av:
        if item_op is sre.LITERAL and _sre.unicode_iscased(item_av):
            return True
        if item_op is sre.RANGE and any(map(_sre.unicode_iscased, range(item_av[0], item_av[1] + 1))):
            return True
        if item_op not in (sre.LITERAL, sre.RANGE):
            return True  # a category or a negation: treated as cased, so it is not moved out
    return False


def _dispatch(alternatives: list[list[Item]], state: Any) -> list[Item] | None:
    """One class of every character where an alternative may begin, then the alternatives in
    their order, each behind a look-behind at the character it begins with: [abc](?:(?<=a)R|(?<=[bc])S)
    is aR|[bc]S (the character is consumed once, and each alternative holds where its first item
    held). re derives where a match may begin from a leading class; the alternatives are
    few, so this is cheaper than a branch per character. None when a negated class begins one."""
    union: list[Item] = []
    for first, *_rest in alternatives:
        if first[0] is sre.LITERAL:
            union.append(first)
        elif any(op is sre.NEGATE for op, _ in first[1]):
            return None
        else:
            union += first[1]
    branches = [_parser.SubPattern(state, [(sre.ASSERT, (-1, _parser.SubPattern(state, [first]))), *rest])
                for first, *rest in alternatives]
    return [(sre.IN, union), (sre.BRANCH, (None, branches))]


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
