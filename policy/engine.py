"""``screen(text)``: identifiers, people, then the data rules; the verdict is the most severe finding.

Screening fails closed: any exception becomes a ``block`` with the error recorded.
"""

from __future__ import annotations

from .categories import categories
from .doc import Doc
from .hit import Hit
from .masking import mask_value
from .model import Finding, Screening, Verdict
from .people import find_people
from .person_findings import person_hits
from .recognizers.address import area_spans
from .registry import RECOGNIZERS
from .rules import rule_sections, rules

_IDENTIFYING = frozenset({"personal_id", "my_number"})


def screen(text: str) -> Screening:
    try:
        return _screen(text)
    except Exception as exc:
        return Screening(Verdict.BLOCK, (), error=f"{type(exc).__name__}: {exc}")


def _screen(text: str) -> Screening:
    if not isinstance(text, str):
        raise TypeError("text must be str")
    doc = Doc(text)
    hits = [h for r in RECOGNIZERS for h in r.find(doc)]
    mentions = find_people(doc)
    identified = [(m.start, m.end) for m in mentions if m.kind == "full"]
    identified += [(h.start, h.end) for h in hits if h.category in _IDENTIFYING or h.rule == "address.street"]
    doc.set_cue("person", [(m.start, m.end) for m in mentions] + identified + area_spans(doc))
    doc.set_cue("identified_person", identified)
    staff = [(m.start, m.end) for m in mentions if m.staff]
    doc.set_cue("staff_person", staff + [(h.start, h.end) for h in hits if h.category == "staff_info"])
    for rule in rules():
        hits.extend(rule.find(doc))
    hits.extend(person_hits(doc, mentions, hits))
    return _result(doc, _resolve(hits, len(doc.text)))


def _resolve(hits: list[Hit], length: int) -> list[Hit]:
    """One finding per category and span; a confirm is dropped where a block covers the same text.

    Linear in the number of hits: blocked characters are marked once, and hits come sorted by
    start, so a hit inside an earlier one of its category is one whose end the earlier one passed.
    """
    table = categories()
    blocked = bytearray(length + 1)
    for h in hits:
        if table[h.category].verdict == Verdict.BLOCK:
            blocked[h.start : h.end] = b"\x01" * (h.end - h.start)
    reach: dict[str, int] = {}
    out: list[Hit] = []
    for h in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        if table[h.category].verdict == Verdict.CONFIRM and any(blocked[h.start : h.end]):
            continue
        if reach.get(h.category, -1) >= h.end:
            continue
        reach[h.category] = h.end
        out.append(h)
    return sorted(out, key=lambda h: (h.start, h.end, h.category))


def _result(doc: Doc, hits: list[Hit]) -> Screening:
    table = categories()
    findings = []
    for h in hits:
        info = table[h.category]
        start, end = doc.norm.span(h.start, h.end)
        findings.append(Finding(h.category, _section(h, info.section), start, end,
                                mask_value(doc.norm.original[start:end], h.mask), h.reason, h.rule))
    verdict = max((table[f.category].verdict for f in findings), default=Verdict.ALLOW)
    return Screening(verdict, tuple(findings))


def _section(hit: Hit, default: str) -> str:
    return rule_sections().get(hit.rule, default)
