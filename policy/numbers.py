"""Digit runs in normalised text: numbers written with separators inside them.

A run is digits joined by one separator each (space, hyphen, dot, parenthesis, a line break), so
``4772 0159 6301``, ``9523-6071-4820``, ``047(366)7399`` and a number broken over two lines are one
run. Identifier recognizers ask a run for the stretches of whole groups that hold exactly the number
of digits they want; digits written together are never split, so a 13-digit 法人番号 never yields
a 12-digit 個人番号.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import regex

# Separators are never digits, so the pattern cannot backtrack over a run more than once.
_RUN = regex.compile(r"(?<![0-9])[0-9]+(?:(?:[ ]?[\-.()\n][ ]?|[ ])[0-9]+)*(?![0-9])")
_GROUP = regex.compile(r"[0-9]+")


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

    def separator(self, k: int) -> str:
        """The separator between group ``k`` and group ``k + 1``, as a kind: space, newline or mark."""
        raw = self.text[self.groups[k][1] : self.groups[k + 1][0]]
        if "\n" in raw:
            return "\n"
        return raw.strip() or " "

    def windows(self, length: int) -> Iterator[DigitSpan]:
        """Every stretch of consecutive groups with exactly ``length`` digits that stands apart.

        A stretch inside a longer run counts only where the run changes separator (or breaks the
        line) at its edges: ``090-1234-5678 047-123-4567`` holds two numbers, ``4111 1111 1111 1112``
        holds none of twelve digits.
        """
        groups = self.groups
        for i in range(len(groups)):
            total = 0
            for j in range(i, len(groups)):
                total += groups[j][1] - groups[j][0]
                if total == length and self._stands_apart(i, j):
                    start, end = groups[i][0], groups[j][1]
                    digits = "".join(self.text[a:b] for a, b in groups[i : j + 1])
                    yield DigitSpan(digits, start, end)
                if total >= length:
                    break

    def _stands_apart(self, i: int, j: int) -> bool:
        inner = {self.separator(k) for k in range(i, j)}
        edges = ([self.separator(i - 1)] if i > 0 else []) + ([self.separator(j)] if j + 1 < len(self.groups) else [])
        return all(e == "\n" or e not in inner for e in edges) if inner else True


def number_runs(text: str) -> list[NumberRun]:
    runs: list[NumberRun] = []
    for m in _RUN.finditer(text):
        groups = tuple((g.start() + m.start(), g.end() + m.start()) for g in _GROUP.finditer(m.group()))
        runs.append(NumberRun(m.start(), m.end(), groups, text))
    return runs
