"""Japanese morphological analysis shared by screening and /guide.

fugashi (MeCab) with the unidic-lite dictionary, chosen over SudachiPy by measurement (see
pyproject.toml). UniDic marks person names (名詞,固有名詞,人名,姓/名) and places (地名), which is
what name detection needs; the same tokens feed the /guide index.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import NamedTuple

import fugashi
import unidic_lite


class Token(NamedTuple):
    """A token with its character offsets (a tuple: built for every word, so built cheaply)."""

    surface: str
    start: int
    end: int
    pos: tuple[str, str, str, str]
    lemma: str

    @property
    def is_person_name(self) -> bool:
        return self.pos[1] == "固有名詞" and self.pos[2] == "人名"

    @property
    def is_surname(self) -> bool:
        return self.is_person_name and self.pos[3] == "姓"

    @property
    def is_given_name(self) -> bool:
        return self.is_person_name and self.pos[3] == "名"

    @property
    def is_place(self) -> bool:
        return self.pos[1] == "固有名詞" and self.pos[2] == "地名"


# Only what Token needs: surface, POS (UniDic's four levels, trailing * dropped) and lemma (the
# surface for unknown words). MeCab then formats three fields a word instead of the eight of the
# dictionary's default output, and Python splits shorter lines.
_FORMAT = r"'-F%m\t%F-[0,1,2,3]\t%f[7]\n' '-U%m\t%F-[0,1,2,3]\t%m\n' '-EEOS\n'"


_local = threading.local()


def _tagger() -> fugashi.GenericTagger:
    # A MeCab tagger keeps its lattice between calls, so one per thread (the dictionary itself
    # is memory-mapped once and shared): screening may run on worker threads too.
    tagger = getattr(_local, "tagger", None)
    if tagger is None:
        dicdir = unidic_lite.DICDIR
        # An empty output-format-type lets -F/-U apply (the dictionary's dicrc names its own format).
        tagger = fugashi.GenericTagger(f'-d "{dicdir}" -r "{dicdir}/mecabrc" --output-format-type= {_FORMAT}')
        _local.tagger = tagger
    return tagger


@lru_cache(maxsize=512)
def _pos(joined: str) -> tuple[str, str, str, str]:
    """UniDic POS levels from MeCab's a-b-c-d; a few hundred distinct values, so each is split once."""
    p = joined.split("-")
    if len(p) < 4:
        p += ["*"] * (4 - len(p))
    return (p[0], p[1], p[2], p[3])


def tokenize(text: str) -> list[Token]:
    """Tokens with their character offsets in ``text``.

    Reads MeCab's text output rather than node objects: building fugashi's feature tuples costs
    more than the analysis itself. MeCab drops white space between tokens, so offsets are
    recovered by scanning forward.
    """
    tokens: list[Token] = []
    append = tokens.append
    pos = 0
    find = text.find
    for line in _tagger().parse(text).split("\n"):
        parts = line.split("\t")
        if len(parts) < 2:
            continue  # EOS and the empty last line
        # After a NUL MeCab prints no EOS and fugashi strips the output: a white-space lemma goes.
        surface, joined, lemma = parts if len(parts) == 3 else (parts[0], parts[1], "")
        start = find(surface, pos)
        if start < 0:  # MeCab normalised something; keep the running offset
            start = pos
        pos = start + len(surface)
        append(Token(surface, start, pos, _pos(joined), lemma or surface))
    return tokens
