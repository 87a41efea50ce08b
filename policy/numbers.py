"""Digit runs in normalised text: numbers written with separators inside them.

A run is digits joined by one separator each (space, hyphen, dot, parenthesis, a line break), so
``4772 0159 6301``, ``9523-6071-4820``, ``047(366)7399`` and a number broken over two lines are one
run. Identifier recognizers ask a run for the stretches of whole groups that hold exactly the number
of digits they want; digits written together are never split, so a 13-digit 法人番号 never yields
a 12-digit 個人番号.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .prefilter import skipping

# Separators are never digits, so the pattern cannot backtrack over a run more than once. Plain
# classes, so re matches as regex did; rewritten to skip in C to the digits.
_RUN = skipping(re.compile(r"(?<![0-9])[0-9]+(?:(?:[ ]?[\-.()\n][ ]?|[ ])[0-9]+)*(?![0-9])"))
_GROUP = re.compile(r"[0-9]+")


@dataclass(frozen=True, slots=True)
class DigitSpan:
    digits: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class NumberRun:
    start: int
    end: int
    groups: tuple[tuple[int, int], ...]
    text: str
    #: The separator after each group but the last, as a kind: " ", "\n" or the mark ("-", "." …).
    separators: tuple[str, ...]
    #: How many digits the groups hold together.
    digit_count: int

    def windows(self, length: int) -> Iterator[DigitSpan]:
        """Every stretch of consecutive groups with exactly ``length`` digits that stands apart.

        A stretch inside a longer run counts only where the run changes separator (or breaks the
        line) at its edges: ``090-1234-5678 047-123-4567`` holds two numbers, ``4111 1111 1111 1112``
        holds none of twelve digits. Prefix sums find each stretch in one step, so a run of
        thousands of groups costs time in proportion to its length.
        """
        if length > self.digit_count:
            return
        groups = self.groups
        if len(groups) == 1:  # one block of digits (most numbers): itself, or nothing
            if length == self.digit_count:
                a, b = groups[0]
                yield DigitSpan(self.text[a:b], a, b)
            return
        ends_at: dict[int, int] = {}
        total = 0
        for k, (a, b) in enumerate(groups):
            total += b - a
            ends_at[total] = k
        before = 0
        for i, (a, b) in enumerate(groups):
            j = ends_at.get(before + length)
            before += b - a
            if j is None or j < i or not self._stands_apart(i, j):
                continue
            digits = "".join(self.text[x:y] for x, y in groups[i : j + 1])
            yield DigitSpan(digits, groups[i][0], groups[j][1])

    def _stands_apart(self, i: int, j: int) -> bool:
        seps = self.separators
        inner = seps[i:j]
        if i > 0 and seps[i - 1] != "\n" and seps[i - 1] in inner:
            return False
        return not (j + 1 < len(self.groups) and seps[j] != "\n" and seps[j] in inner)


def _kind(raw: str) -> str:
    if "\n" in raw:
        return "\n"
    return raw.strip() or " "


def number_runs(text: str) -> list[NumberRun]:
    runs: list[NumberRun] = []
    for m in _RUN.finditer(text):
        start, end = m.span()
        if m.group().isdigit():  # one group: most numbers in text (years, amounts, counts)
            runs.append(NumberRun(start, end, ((start, end),), text, (), end - start))
            continue
        groups = tuple((g.start() + start, g.end() + start) for g in _GROUP.finditer(m.group()))
        seps = tuple(_kind(text[groups[k][1] : groups[k + 1][0]]) for k in range(len(groups) - 1))
        runs.append(NumberRun(start, end, groups, text, seps, sum(b - a for a, b in groups)))
    return runs
