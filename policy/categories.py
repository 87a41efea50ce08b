"""Category metadata (the contract's table), loaded from ``data/categories.yaml``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from .datafile import DATA_DIR, RuleDataError, load_yaml, require
from .model import Verdict

_MASKABLE = ("yes", "no", "with_person", "notice")


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    name: str
    display_name: str
    verdict: Verdict
    section: str
    #: True when a finding of this category can be masked on its own ("yes" in the contract).
    maskable: bool
    #: True for sensitive_personal and staff_info: masked only together with the person finding.
    maskable_with_person: bool


@lru_cache(maxsize=1)
def categories() -> Mapping[str, CategoryInfo]:
    data = load_yaml(DATA_DIR / "categories.yaml")
    out: dict[str, CategoryInfo] = {}
    for name, node in data.items():
        verdict = require(node, "verdict", str)
        maskable = require(node, "maskable", str)
        if verdict.upper() not in Verdict.__members__:
            raise RuleDataError(f"{node.where()}: verdict {verdict!r} は block/confirm/notice/allow のいずれかです")
        if maskable not in _MASKABLE:
            raise RuleDataError(f"{node.where()}: maskable {maskable!r} は {'/'.join(_MASKABLE)} のいずれかです")
        out[name] = CategoryInfo(
            name=name,
            display_name=require(node, "display_name", str),
            verdict=Verdict.parse(verdict),
            section=require(node, "section", str),
            maskable=maskable == "yes",
            maskable_with_person=maskable == "with_person",
        )
    return MappingProxyType(out)


def category(name: str) -> CategoryInfo:
    try:
        return categories()[name]
    except KeyError:
        raise RuleDataError(f"未知のカテゴリです: {name!r}") from None
