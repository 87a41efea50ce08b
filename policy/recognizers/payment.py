"""Bank accounts (7–8 digit account number next to an account word or 普通/当座) and payment cards
(Luhn-valid 14–19 digits with a card word, or a 15/16-digit number of a card brand's shape)."""

from __future__ import annotations

from stdnum import luhn

from ..config import keywords
from ..doc import Doc
from ..hit import Hit

_CARD_LENGTHS = (16, 15, 14, 19, 18, 17)


class BankAccountRecognizer:
    name = "bank_account"

    def find(self, doc: Doc) -> list[Hit]:
        kw, kinds = keywords("bank_account"), keywords("bank_account.kinds")
        if not (doc.has(kw.pattern) or doc.has(kinds.pattern)):
            return []
        hits: list[Hit] = []
        for length in (7, 8):
            for run, w in doc.windows(length):
                if len(run.groups) != 1:
                    continue  # account numbers are written as one block of digits
                if doc.near(kinds.pattern, w.start, w.end, 4) or doc.near(kw.pattern, w.start, w.end, kw.window):
                    hits.append(Hit("personal_id", w.start, w.end, "bank_account.keyword",
                                    "銀行口座番号が含まれています", "digits"))
        return hits


class PaymentCardRecognizer:
    name = "payment_card"

    def find(self, doc: Doc) -> list[Hit]:
        kw = keywords("credit_card")
        hits: list[Hit] = []
        for length in _CARD_LENGTHS:
            for run, w in doc.windows(length):
                if not luhn.is_valid(w.digits):
                    continue
                near = doc.near(kw.pattern, w.start, w.end, kw.window)
                branded = length in (15, 16) and w.digits[0] in "3456" and len(run.groups) in (1, 4)
                if near or branded:
                    hits.append(Hit("personal_id", w.start, w.end, "payment_card.luhn",
                                    "クレジットカード番号が含まれています", "digits"))
        return hits
