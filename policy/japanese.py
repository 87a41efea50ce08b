"""Japanese morphological analysis shared by screening and /guide.

fugashi (MeCab) with the unidic-lite dictionary, chosen over SudachiPy by measurement (see
pyproject.toml). UniDic marks person names (名詞,固有名詞,人名,姓/名) and places (地名), which is
what name detection needs; the same tokens feed the /guide index.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from functools import lru_cache
from itertools import accumulate, compress, count
from pathlib import Path
from typing import NamedTuple, overload

import fugashi
import unidic_lite

from policy.dictionary_pages import read_on_demand


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
# The characters MeCab skips between words rather than making them words (the SPACE class of
# unidic-lite's char.def: tests/policy/test_japanese.py checks every code point).
_SKIPPED = re.compile(r"[\t\n\v ]+")


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
        read_on_demand(Path(dicdir))
    return tagger


@lru_cache(maxsize=512)
def _pos(joined: str) -> tuple[str, str, str, str]:
    """UniDic POS levels from MeCab's a-b-c-d; a few hundred distinct values, so each is split once."""
    p = joined.split("-")
    if len(p) < 4:
        p += ["*"] * (4 - len(p))
    return (p[0], p[1], p[2], p[3])


class Tokens(Sequence[Token]):
    """The tokens of one text, each built when it is first read.

    Screening reads a few dozen of the thousand tokens of a long paste (the proper nouns and the
    words around them), so MeCab's output is cut into fields by ``str`` methods and the offsets are
    prefix sums; a ``Token`` is built only for an index that is read.

    Offsets: MeCab drops white space (tab, line feed, vertical tab, space) between words and
    prints every other character inside a word, in order. So when the surfaces joined give the
    text without that white space, the k-th word starts where the text's non-space character
    numbered (lengths of the words before it) stands. Otherwise (MeCab stopped at a NUL, say) the
    offsets are found by scanning forward for each surface.
    """

    __slots__ = ("_at", "_built", "_ends", "_lemmas", "_poses", "_skipped", "_starts", "_surfaces")

    def __init__(self, text: str) -> None:
        out = _tagger().parse(text)
        body = out[: -len("EOS")] if out.endswith("EOS") else out
        lines = body.count("\n")  # one a word (after the last word too, before EOS)
        fields = body.replace("\n", "\t").split("\t")[:-1] if lines else []
        surfaces = fields[0::3]
        self._built: dict[int, Token] = {}
        self._starts: list[int] | None = None
        if out.endswith("EOS") and len(fields) == 3 * lines and "".join(surfaces) == _SKIPPED.sub("", text):
            self._surfaces = surfaces
            self._poses = fields[1::3]
            self._lemmas = fields[2::3]
            # Each word's end in the text without white space, and each white-space run's place
            # in that text with the number of characters skipped up to and including it.
            self._ends = list(accumulate(map(len, surfaces)))
            self._at: list[int] = []
            self._skipped = [0]
            for m in _SKIPPED.finditer(text):
                self._at.append(m.start() - self._skipped[-1])
                self._skipped.append(self._skipped[-1] + m.end() - m.start())
        else:
            self._scan(text, out)

    def _scan(self, text: str, out: str) -> None:
        surfaces: list[str] = []
        poses: list[str] = []
        lemmas: list[str] = []
        starts: list[int] = []
        pos = 0
        find = text.find
        for line in out.split("\n"):
            parts = line.split("\t")
            if len(parts) < 2:
                continue  # EOS and the empty last line
            # After a NUL MeCab prints no EOS and fugashi strips the output: a white-space lemma goes.
            surface, joined, lemma = parts if len(parts) == 3 else (parts[0], parts[1], "")
            start = find(surface, pos)
            if start < 0:  # MeCab normalised something; keep the running offset
                start = pos
            pos = start + len(surface)
            surfaces.append(surface)
            poses.append(joined)
            lemmas.append(lemma)
            starts.append(start)
        self._surfaces, self._poses, self._lemmas, self._starts = surfaces, poses, lemmas, starts

    def __len__(self) -> int:
        return len(self._surfaces)

    @overload
    def __getitem__(self, k: int) -> Token: ...

    @overload
    def __getitem__(self, k: slice) -> list[Token]: ...

    def __getitem__(self, k: int | slice) -> Token | list[Token]:
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        if k < 0:
            k += len(self._surfaces)
        token = self._built.get(k)
        if token is None:
            surface = self._surfaces[k]  # raises IndexError past the end
            if self._starts is not None:
                start = self._starts[k]
            else:
                start = self._ends[k] - len(surface)
                start += self._skipped[bisect_right(self._at, start)]
            token = Token(surface, start, start + len(surface), _pos(self._poses[k]), self._lemmas[k] or surface)
            self._built[k] = token
        return token

    def __iter__(self) -> Iterator[Token]:
        return (self[k] for k in range(len(self._surfaces)))

    def indexes(self, level: int, value: str) -> list[int]:
        """Indexes of the tokens whose POS at ``level`` (0–3) is ``value``, in order."""
        wanted = {p for p in set(self._poses) if _pos(p)[level] == value}
        return list(compress(count(), map(wanted.__contains__, self._poses)))


# UniDic's field of a word's kana as written (機密 -> キミツ), in the dictionary's own features.
_KANA_FIELD = 17


def kana(text: str) -> list[str | None]:
    """The kana of each word of ``text`` as UniDic reads it, None for a word it does not know.

    Read from the same tagger as ``tokenize``: a second tagger would map the dictionary a second
    time (about 230 MB more resident memory in the bot).
    """
    words = []
    for node in _tagger()(text):
        fields = node.feature
        value = fields[_KANA_FIELD] if len(fields) > _KANA_FIELD else "*"
        words.append(None if value == "*" else value)
    return words


def tokenize(text: str) -> list[Token]:
    """Tokens with their character offsets in ``text``."""
    return list(Tokens(text))
