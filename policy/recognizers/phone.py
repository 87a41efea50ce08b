"""Japanese telephone numbers in every written format (0X-XXXX-XXXX, (0X)XXXX-XXXX, +81 …, full-width,
ー as a dash, kanji numerals), validated against the numbering plan with ``phonenumbers``.

Mobile and IP numbers belong to individuals (personal_info). A landline is an individual's when a
private word (自宅, 携帯 …) is near, an organisation's when an organisation word is near, and
otherwise unexplained (possible_personal). Free dial and navi-dial numbers are never personal.
"""

from __future__ import annotations

from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberType

from ..config import allow_list, keywords
from ..doc import Doc
from ..hit import Hit

_PERSONAL_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.VOIP, PhoneNumberType.PAGER,
                             PhoneNumberType.PERSONAL_NUMBER})


@lru_cache(maxsize=4096)
def phone_type(digits: str) -> int | None:
    """The numbering-plan type of a national number written with its leading 0, or None."""
    if not digits.startswith("0") or digits.startswith("00"):
        return None
    try:
        number = phonenumbers.parse(digits, "JP")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.number_type(number)


def is_phone_number(digits: str) -> bool:
    return phone_type(digits) is not None


class PhoneRecognizer:
    name = "phone"

    def find(self, doc: Doc) -> list[Hit]:
        allowed = allow_list().phones
        org, private = keywords("organisation_phone"), keywords("private_phone")
        hits: list[Hit] = []
        text = doc.text
        for length in (10, 11, 12):
            for run, w in doc.windows(length):
                international = run.start >= 1 and text[run.start - 1] == "+"
                digits = w.digits
                if international:
                    if not digits.startswith("81") or w.start != run.start:
                        continue
                    digits = "0" + digits[2:]
                elif length == 12:
                    continue
                kind = phone_type(digits)
                if kind is None or digits in allowed:
                    continue
                start = w.start - 1 if international else w.start
                if kind in _PERSONAL_TYPES:
                    hits.append(Hit("personal_info", start, w.end, "phone.mobile",
                                    "個人の携帯電話番号が含まれています", "digits"))
                elif kind != PhoneNumberType.FIXED_LINE and kind != PhoneNumberType.FIXED_LINE_OR_MOBILE:
                    continue  # free dial, navi-dial: an organisation's number
                elif doc.near(private.pattern, w.start, w.end, private.window):
                    hits.append(Hit("personal_info", start, w.end, "phone.private_landline",
                                    "個人の電話番号が含まれています", "digits"))
                elif not doc.near(org.pattern, w.start, w.end, org.window):
                    hits.append(Hit("possible_personal", start, w.end, "phone.unexplained_landline",
                                    "個人の電話番号の可能性があります", "digits"))
        return hits
