"""Load and validate all rule data at once, so start-up fails early with a message naming the line."""

from __future__ import annotations

from .categories import categories
from .config import allow_list, keyword_sets
from .rules import cues, rules


def load_all() -> int:
    """Load every data file (raises RuleDataError); returns the number of data rules."""
    categories()
    keyword_sets()
    allow_list()
    cues()
    return len(rules())
