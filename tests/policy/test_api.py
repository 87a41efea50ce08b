"""The public API other packages code against: screen, mask, masked_resend, categories."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

import policy
from policy import Finding, Screening, Verdict, categories, mask, masked_resend, screen

CONTRACT = {
    "my_number": ("個人番号（マイナンバー）", "block", "2章5-1(1)", True),
    "personal_id": ("個人を特定する番号", "block", "2章5-1(1)", True),
    "personal_info": ("個人情報", "block", "2章5-1(1)", True),
    "sensitive_personal": ("住基・税・福祉等の個人情報", "block", "2章5-1(1)", False),
    "staff_info": ("職員情報", "block", "2章5-1(1)", False),
    "contract_info": ("契約・執行情報", "block", "2章5-1(1)", False),
    "nda_secret": ("秘密保持義務のある情報", "block", "2章5-1(2)", False),
    "non_public": ("非公開・公開前情報", "block", "2章5-1(3)", False),
    "credential": ("パスワード・認証情報", "block", "2章5-1(3)", True),
    "possible_personal": ("個人情報の可能性", "confirm", "2章4", True),
    "third_party_rights": ("第三者の権利", "notice", "2章5-2(1)", False),
    "medical_emergency": ("医療・緊急", "notice", "2章6-4", False),
}


def test_categories_follow_the_contract_table() -> None:
    table = categories()
    assert set(table) == set(CONTRACT)
    for name, (display, verdict, section, maskable) in CONTRACT.items():
        info = table[name]
        assert (info.display_name, info.verdict.label, info.section, info.maskable) == (
            display, verdict, section, maskable)
    assert table["sensitive_personal"].maskable_with_person and table["staff_info"].maskable_with_person


def test_screening_to_dict_matches_the_contract_shape() -> None:
    result = screen("マイナンバーは 1234 5678 9018 です")
    assert isinstance(result, Screening) and result.verdict is Verdict.BLOCK
    assert isinstance(result.findings[0], Finding)
    assert result.to_dict() == {
        "verdict": "block",
        "categories": ["my_number"],
        "findings": [{"category": "my_number", "section": "2章5-1(1)", "start": 8, "end": 22,
                      "masked": "**** **** 9018", "reason": "マイナンバー・個人番号の近くに12桁の番号があります",
                      "rule": "my_number.keyword"}],
    }


def test_mask_hides_every_maskable_finding_entirely() -> None:
    text = "山本 花子さん（090-1234-5678）の件"
    masked = mask(text, screen(text).findings)
    assert "山本" not in masked and "5678" not in masked
    assert masked.endswith("の件") and len(masked) == len(text)


def test_masked_resend_offers_text_that_screens_clean() -> None:
    text = "連絡先 090-1234-5678 の方に折り返しの文面を作って"
    result = screen(text)
    resend = masked_resend(text, result)
    assert resend is not None and "090" not in resend
    assert screen(resend).verdict <= Verdict.NOTICE


def test_masked_resend_refused_for_unmaskable_categories() -> None:
    text = "【部外秘】連絡先 090-1234-5678 の件"
    assert masked_resend(text, screen(text)) is None


def test_sensitive_fact_resend_only_with_the_person_masked() -> None:
    text = "近藤 武さんの保険料が3か月分滞納です。督促文を作って"
    result = screen(text)
    assert {"personal_info", "sensitive_personal"} <= set(result.categories)
    resend = masked_resend(text, result)
    assert resend is not None and "近藤" not in resend and "滞納" in resend


def test_allowed_text_has_no_resend() -> None:
    text = "会議の進め方を教えて"
    assert masked_resend(text, screen(text)) is None


def test_load_all_validates_every_rule_file() -> None:
    assert policy.load_all() >= 20


def test_screening_fails_closed() -> None:
    result = screen(None)  # type: ignore[arg-type]
    assert result.verdict is Verdict.BLOCK and result.error


def test_policy_is_pure() -> None:
    """No bot, web, storage or network code is imported by the screening library."""
    for mod in pkgutil.walk_packages(policy.__path__, "policy."):
        if not mod.name.startswith("policy.guide"):
            importlib.import_module(mod.name)
    loaded = set(sys.modules)
    own = [m for m in loaded if m.startswith("policy") and not m.startswith("policy.guide")]
    for name in own:
        source = getattr(sys.modules[name], "__file__", "") or ""
        if source.endswith(".py"):
            text = Path(source).read_text(encoding="utf-8")
            for banned in ("botbuilder", "aiohttp", "storage", "requests", "socket", "urllib"):
                assert f"import {banned}" not in text and f"from {banned}" not in text, (name, banned)
