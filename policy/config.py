"""Identifier keywords and allow-lists (``data/identifiers.yaml``, ``data/allow.yaml``), loaded once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .datafile import DATA_DIR, Node, RuleDataError, load_yaml, optional, require, string_list
from .terms import compile_terms


@dataclass(frozen=True, slots=True)
class KeywordSet:
    name: str
    window: int
    keywords: tuple[str, ...]
    pattern: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class AllowList:
    phones: frozenset[str]
    postal_codes: frozenset[str]
    addresses: tuple[str, ...]
    mail_domains: tuple[str, ...]
    role_mailboxes: frozenset[str]
    placeholder_names: frozenset[str]


@lru_cache(maxsize=1)
def keyword_sets() -> dict[str, KeywordSet]:
    data = load_yaml(DATA_DIR / "identifiers.yaml")
    out: dict[str, KeywordSet] = {}
    for name, node in data.items():
        if not isinstance(node, Node):
            raise RuleDataError(f"identifiers.yaml: {name!r} はマッピングで書いてください")
        window = require(node, "window", int)
        if window < 0 or window > 1000:
            raise RuleDataError(f"{node.where()}: window は 0〜1000 文字にしてください")
        words = string_list(node, "keywords")
        out[name] = KeywordSet(name, window, words, compile_terms(words))
        if "kinds" in node:
            kinds = string_list(node, "kinds")
            out[f"{name}.kinds"] = KeywordSet(f"{name}.kinds", window, kinds, compile_terms(kinds))
    return out


def keywords(name: str) -> KeywordSet:
    try:
        return keyword_sets()[name]
    except KeyError:
        raise RuleDataError(f"identifiers.yaml に {name!r} がありません") from None


@lru_cache(maxsize=1)
def allow_list() -> AllowList:
    node = load_yaml(DATA_DIR / "allow.yaml")
    digits = re.compile(r"[0-9]+")
    for key in ("phones", "postal_codes"):
        for value in string_list(node, key):
            if not digits.fullmatch(value):
                raise RuleDataError(f"{node.where()}: {key} は数字だけで書いてください: {value!r}")
    optional(node, "addresses", list, [])
    return AllowList(
        phones=frozenset(string_list(node, "phones")),
        postal_codes=frozenset(string_list(node, "postal_codes")),
        addresses=string_list(node, "addresses"),
        mail_domains=tuple(d.lower() for d in string_list(node, "mail_domains")),
        role_mailboxes=frozenset(m.lower() for m in string_list(node, "role_mailboxes")),
        placeholder_names=frozenset(string_list(node, "placeholder_names")),
    )
