"""Keyword sets compiled once into one pattern, matched on normalised text.

The words are folded into a trie, so the pattern tests each position against one branch per
first character instead of against every word, and compiled with the standard ``re`` engine, which
runs such literal patterns many times faster than ``regex``. Case is ignored by spelling ASCII
letters as ``[aA]`` (``re.IGNORECASE`` would cost as much as the alternation saves). The longest
word wins: 個人番号カード over 個人番号.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def _trie(words: Iterable[str]) -> dict:
    root: dict = {}
    for w in words:
        node = root
        for ch in w.lower():
            node = node.setdefault(ch, {})
        node[""] = True
    return root


def _char(ch: str) -> str:
    if ch.isascii() and ch.isalpha():
        return f"[{ch}{ch.upper()}]"
    return re.escape(ch)


def _pattern(node: dict) -> str:
    keys = sorted(k for k in node if k)
    if not keys:
        return ""
    branches = [_char(k) + _pattern(node[k]) for k in keys]
    if len(branches) == 1 and "" not in node:
        return branches[0]
    group = "(?:" + "|".join(branches) + ")"
    # A word may end here: the longer words are tried first, then the optional group is skipped.
    return group + "?" if "" in node else group


def terms_pattern(terms: Iterable[str]) -> str:
    """The source of the pattern matching any of ``terms``."""
    words = {t for t in terms if t}
    return _pattern(_trie(words)) if words else "(?!)"


def compile_terms(terms: Iterable[str]) -> re.Pattern[str]:
    return re.compile(terms_pattern(terms))
