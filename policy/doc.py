"""One message under screening: its normalised text and what is computed from it, each once."""

from __future__ import annotations

from bisect import bisect_left
from functools import cached_property

from .japanese import Tokens
from .normalize import Normalized, normalize
from .numbers import DigitSpan, NumberRun, number_runs
from .prefilter import Scanner


class Doc:
    def __init__(self, text: str) -> None:
        self.norm: Normalized = normalize(text)
        self.text: str = self.norm.text
        self._positions: dict[int, tuple[list[int], list[int]]] = {}
        self._cues: dict[str, tuple[list[int], list[int]]] = {}
        self._windows: dict[int, list[tuple[NumberRun, DigitSpan]]] = {}

    @cached_property
    def runs(self) -> list[NumberRun]:
        return number_runs(self.text)

    def windows(self, length: int) -> list[tuple[NumberRun, DigitSpan]]:
        """Every digit stretch of ``length`` digits in the message, computed once per length."""
        found = self._windows.get(length)
        if found is None:
            found = [(run, w) for run in self.runs if run.digit_count >= length for w in run.windows(length)]
            self._windows[length] = found
        return found

    @cached_property
    def tokens(self) -> Tokens:
        return Tokens(self.text)

    def positions(self, pattern: Scanner) -> tuple[list[int], list[int]]:
        """Starts and ends of every match of ``pattern``, computed once per message."""
        key = id(pattern)
        found = self._positions.get(key)
        if found is None:
            starts: list[int] = []
            ends: list[int] = []
            for m in pattern.finditer(self.text):
                starts.append(m.start())
                ends.append(m.end())
            found = (starts, ends)
            self._positions[key] = found
        return found

    def has(self, pattern: Scanner) -> bool:
        return bool(self.positions(pattern)[0])

    def set_cue(self, name: str, spans: list[tuple[int, int]]) -> None:
        """Spans found by the engine itself (people, identifiers) that rules refer to as ``@name``."""
        ordered = sorted(spans)
        self._cues[name] = ([s for s, _ in ordered], [e for _, e in ordered])

    def cue(self, name: str) -> tuple[list[int], list[int]]:
        return self._cues.get(name, ([], []))

    def near(self, pattern: Scanner, start: int, end: int, window: int | None) -> bool:
        """A match of ``pattern`` lies within ``window`` characters of [start, end) (None: anywhere)."""
        return spans_near(self.positions(pattern), start, end, window)

    def near_cue(self, name: str, start: int, end: int, window: int | None) -> bool:
        return spans_near(self.cue(name), start, end, window)


def spans_near(found: tuple[list[int], list[int]], start: int, end: int, window: int | None) -> bool:
    """Whether one of the sorted spans ``found`` overlaps [start - window, end + window)."""
    starts, ends = found
    if not starts:
        return False
    if window is None:
        return True
    lo = start - window
    hi = end + window
    # Spans are sorted by start; any span starting before hi whose end is after lo counts.
    i = bisect_left(starts, hi)
    for k in range(i - 1, -1, -1):
        if ends[k] > lo:
            return True
        if starts[k] < lo - 200:  # spans are short; stop scanning far back
            break
    return False
