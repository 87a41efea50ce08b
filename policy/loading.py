"""Load and validate all rule data at once, so start-up fails early with a message naming the line."""

from __future__ import annotations

from .categories import categories
from .config import allow_list, keyword_sets
from .engine import screen
from .rules import cues, rules

# Screened once at start-up so that the first staff message does not pay for what loads lazily:
# phonenumbers' Japanese numbering plan, stdnum, MeCab's dictionary pages for common words, the
# patterns compiled on first use. Fictitious data; it touches every recognizer and the name rules.
_WARM_UP = (
    "架空の例です。氏名：山田 太郎 様（45歳）、昭和55年3月2日生まれ、自宅 047-000-0000、携帯 090-0000-0000、"
    "test.user@example.com、松戸市サンプル町1丁目2番3号。マイナンバー 1234 5678 9012、口座 普通 1234567、"
    "カード 4111 1111 1111 1111。Mr. Smith called about the invoice. パスワードは abc123 です。"
)


def load_all() -> int:
    """Load every data file (raises RuleDataError) and warm the engine; returns the number of data rules."""
    categories()
    keyword_sets()
    allow_list()
    cues()
    count = len(rules())
    screen(_WARM_UP)
    return count
