"""Text normalisation with a map back to the original text (screening contract, "Text is normalised").

Rules match on the normalised text; every finding's span is mapped back through ``Normalized.span``
so that it indexes the message as the user wrote it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import regex

from .prefilter import skipping

# Invisible characters people (or copy-paste) put inside numbers and words.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e")
# Dash-like characters that NFKC leaves alone (jp-identifiers.md §0).
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58", "-"))
_KANJI_DIGITS = str.maketrans("〇一二三四五六七八九", "0123456789")
# A kanji numeral stands in a number when the run it belongs to (digits, kanji numerals and the
# separators allowed inside numbers) holds at least three digits: 〇九〇-一二三四, 第三〇一号.
# Two kanji numerals alone (〇〇様, 一二) stay text.
_KANJI_NUMBER_RUN = re.compile(r"[0-9〇一二三四五六七八九](?:[ \-ー]?[0-9〇一二三四五六七八九])+")
_LONG_VOWEL_IN_NUMBER = regex.compile(r"(?<=[0-9])ー(?=[0-9])")


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalised text plus, for each of its characters, the original span it came from."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of ``text`` to the span of ``original`` that produced it."""
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return pos, pos
        return self.starts[start], self.ends[end - 1]


def _clusters(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Base character plus its combining marks, so NFKC can compose ｶﾞ → ガ and keep offsets."""
    out: list[tuple[int, int]] = []
    i, n = lo, hi
    while i < n:
        j = i + 1
        while j < n and (unicodedata.combining(text[j]) or text[j] in "\uff9e\uff9f\u3099\u309a"):
            j += 1
        out.append((i, j))
        i = j
    return out


# Characters NFKC leaves as they are and that need no mapping: most text is copied in one go.
_STABLE = r"\x00-\x7f\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc-\u30fe\u4e00-\u9fff\u3001\u3002\u3005\u300c-\u300f"
_UNSTABLE_RUN = skipping(re.compile(rf"[^{_STABLE}]+"))
_COMBINING_START = frozenset("\uff9e\uff9f\u3099\u309a")


def normalize(text: str) -> Normalized:
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    done = 0
    for m in _UNSTABLE_RUN.finditer(text):
        a, b = m.span()
        if a > done and (text[a] in _COMBINING_START or unicodedata.combining(text[a])):
            a -= 1  # a combining mark composes with the stable character before it
        if a > done:
            chars.append(text[done:a])
            starts.extend(range(done, a))
            ends.extend(range(done + 1, a + 1))
        _normalize_piece(text, a, b, chars, starts, ends)
        done = b
    if done < len(text):
        chars.append(text[done:])
        starts.extend(range(done, len(text)))
        ends.extend(range(done + 1, len(text) + 1))
    norm = "".join(chars)
    norm = _LONG_VOWEL_IN_NUMBER.sub("-", norm)
    norm = _KANJI_NUMBER_RUN.sub(_kanji_run, norm)
    return Normalized(text, norm, tuple(starts), tuple(ends))


@lru_cache(maxsize=4096)
def _nfkc(piece: str) -> str:
    """A character (with its combining marks) as matching sees it; the same few recur in a text."""
    return unicodedata.normalize("NFKC", "".join(c for c in piece if c not in _INVISIBLE)).translate(_DASHES)


def _normalize_piece(text: str, lo: int, hi: int, chars: list[str], starts: list[int], ends: list[int]) -> None:
    for i, j in _clusters(text, lo, hi):
        piece = text[i:j]
        if piece in _INVISIBLE:
            continue
        out = _nfkc(piece)
        chars.append(out)
        starts.extend([i] * len(out))
        ends.extend([j] * len(out))


def _kanji_run(m: re.Match[str]) -> str:
    run = m.group()
    digits = sum(1 for c in run if c not in " -ー")
    if digits < 3:
        return run
    # Inside a number, ー is a dash typed from the kana keyboard.
    return run.translate(_KANJI_DIGITS).replace("ー", "-")
