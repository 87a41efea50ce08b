"""From mentions of people to findings (contract rules 1 and 6).

- staff named with a non-public staff matter or private contact → staff_info (it stands for the
  person);
- a full name with a personal detail (an identifier of theirs, an address, a fact about them) →
  personal_info; a full name alone, or a surname with 様/さん → possible_personal;
- a landline or a date of birth near a named person is that person's → personal_info.
"""

from __future__ import annotations

from .doc import Doc
from .hit import Hit
from .people import Mention
from .rules import Cue, cues

_DETAIL_WINDOW = 60
_ATTRIBUTE_OPENERS = frozenset("（(,、 \t:：")
_STAFF_WINDOW = 60
_IDENTIFIER_CATEGORIES = frozenset({"personal_info", "personal_id", "my_number"})


def person_hits(doc: Doc, mentions: list[Mention], found: list[Hit]) -> list[Hit]:
    all_cues = cues()
    detail, staff_matter, private = all_cues["person_detail"], all_cues["staff_matter"], all_cues["private_contact"]
    identifiers = [h for h in found if h.category in _IDENTIFIER_CATEGORIES or h.rule == "birth_date.full"]
    sensitive = [h for h in found if h.category == "sensitive_personal"]
    hits: list[Hit] = []
    for m in mentions:
        if m.staff and (staff_matter.near(doc, m.start, m.end, _STAFF_WINDOW)
                        or private.near(doc, m.start, m.end, _STAFF_WINDOW)):
            hits.append(Hit("staff_info", m.start, m.end, "person.staff_matter",
                            "職員の非公開の情報（人事・給与・休職・私的な連絡先など）が含まれています", "all"))
            continue
        # A bare name in running text may be a historical or public figure (伊能忠敬の生まれた年):
        # only an identifier or a sensitive fact makes it a private person's. A name marked as a
        # person (敬称, 氏名：, 役職) counts any personal detail.
        strong = (bool(identifiers) or any(abs(h.start - m.start) < 200 for h in sensitive)
                  or _detail_attached(doc, m, detail))
        if m.placeholder and not (identifiers or sensitive):
            # A sample name in a form letter is allowed; beside a real identifier or a sensitive
            # fact it names the person they belong to (contract rules 1 and 3).
            continue
        has_detail = strong or (m.how != "plain" and (
            detail.near(doc, m.start, m.end, _DETAIL_WINDOW)
            or staff_matter.near(doc, m.start, m.end, _DETAIL_WINDOW)
        ))
        if m.kind == "full" and has_detail:
            hits.append(Hit("personal_info", m.start, m.end, "person.name_with_detail",
                            "個人の氏名と、その人に関する情報が含まれています", "all"))
        elif m.kind == "full" and m.how != "plain":
            hits.append(Hit("possible_personal", m.start, m.end, "person.full_name",
                            "個人の氏名の可能性があります", "all"))
        elif m.kind in ("surname", "initials"):
            hits.append(Hit("possible_personal", m.start, m.end, "person.name_with_honorific",
                            "個人を指す氏名（敬称付き）の可能性があります", "all"))
    if mentions:
        hits.extend(_attributed(found, mentions))
    return hits


def _detail_attached(doc: Doc, m: Mention, detail: Cue) -> bool:
    """A detail written right after the name as its attribute: 鈴木健一（45歳）, 鈴木健一、会社員."""
    return doc.text[m.end : m.end + 1] in _ATTRIBUTE_OPENERS and detail.near(doc, m.end, m.end + 1, 10)


def _attributed(found: list[Hit], mentions: list[Mention]) -> list[Hit]:
    """Landlines and dates of birth that belong to a named person."""
    out: list[Hit] = []
    for h in found:
        if h.rule == "birth_date.full":
            out.append(Hit("personal_info", h.start, h.end, "birth_date.with_person",
                           "氏名とともに生年月日が含まれています", "digits"))
        elif h.rule == "phone.unexplained_landline" and any(abs(m.start - h.start) < 80 for m in mentions):
            out.append(Hit("personal_info", h.start, h.end, "phone.landline_with_person",
                           "個人の電話番号が含まれています", "digits"))
    return out
