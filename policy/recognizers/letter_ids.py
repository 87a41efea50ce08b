"""Identifiers with letters: 在留カード番号 (2 letters, 8 digits, 2 letters; distinctive enough alone)
and 旅券番号 (2 letters, 7 digits; needs its keyword, since part numbers share the shape)."""

from __future__ import annotations

import re

from ..config import keywords
from ..doc import Doc
from ..hit import Hit
from ..prefilter import skipping

# ASCII classes only, so re matches as regex did; rewritten to skip in C to the letters. A card
# number may follow digits directly (…0AA12345678BC, glued or split by an invisible character):
# the shape is distinctive enough, and the digits before it are screened on their own.
_RESIDENCE_CARD = skipping(re.compile(r"(?<![A-Za-z])[A-Za-z]{2}[ \-]?[0-9]{8}[ \-]?[A-Za-z]{2}(?![A-Za-z0-9])"))
_PASSPORT = skipping(re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[ \-]?[0-9]{7}(?![A-Za-z0-9])"))


class ResidenceCardRecognizer:
    name = "residence_card"

    def find(self, doc: Doc) -> list[Hit]:
        return [Hit("personal_id", m.start(), m.end(), "residence_card.shape", "在留カード番号が含まれています", "digits")
                for m in _RESIDENCE_CARD.finditer(doc.text)]


class PassportRecognizer:
    name = "passport"

    def find(self, doc: Doc) -> list[Hit]:
        kw = keywords("passport")
        if not doc.has(kw.pattern):
            return []
        return [Hit("personal_id", m.start(), m.end(), "passport.keyword", "旅券番号が含まれています", "digits")
                for m in _PASSPORT.finditer(doc.text)
                if doc.near(kw.pattern, m.start(), m.end(), kw.window)]
