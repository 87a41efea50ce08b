"""Japanese morphological analysis shared by screening and /guide.

fugashi (MeCab) with the unidic-lite dictionary, chosen over SudachiPy by measurement (see
pyproject.toml). UniDic marks person names (名詞,固有名詞,人名,姓/名) and places (地名), which is
what name detection needs; the same tokens feed the /guide index.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import fugashi


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


@lru_cache(maxsize=1)
def _tagger() -> fugashi.Tagger:
    return fugashi.Tagger()


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
        # fugashi's UniDic output: surface, pronunciation, reading, lemma, POS (a-b-c-d), …
        parts = line.split("\t", 5)
        if len(parts) < 5:
            continue  # EOS and the empty last line
        surface = parts[0]
        start = find(surface, pos)
        if start < 0:  # MeCab normalised something; keep the running offset
            start = pos
        pos = start + len(surface)
        p = parts[4].split("-")
        if len(p) < 4:
            p += _STARS[: 4 - len(p)]
        append(Token(surface, start, pos, (p[0], p[1], p[2], p[3]), parts[3] or surface))
    return tokens


_STARS = ["*", "*", "*", "*"]
