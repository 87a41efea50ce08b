"""Cards of ``/usecase`` and ``/cases``: 様式2 and 様式4 forms, review, and the published cases."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from cards.common import Element, adaptive_card, execute, fact_set, jst_datetime, text
from cards.inputs import error_summary, form_inputs
from workflows.forms import (
    CASES_SEARCH_FIELDS,
    FORM2_FIELDS,
    FORM4_FIELDS,
    REVIEW_FIELDS,
    SERVICE_NAMES,
    USECASE_FIELDS,
)

TITLES = {
    "chatgpt": "【様式2】ChatGPT 活用方法報告書",
    "chatbot": "【様式4】生成AI総合案内チャットボット 活用事例報告書",
}
GUIDES = {
    "chatgpt": "効果的な活用方法をDX推進課に報告します。内容を確認のうえ、庁内に周知します（7-1(5)）。",
    "chatbot": "効果的な活用事例をDX推進課に報告します。内容を確認のうえ、庁内に周知します（7-2(2)）。",
}
# What a case is called in lists: its 業務名 (様式2) or 関連事業・業務名 (様式4).
_LABELS = {f.id: f.label for fields in (FORM2_FIELDS, FORM4_FIELDS) for f in fields}
MAX_LISTED = 10


def _when(value: str | None) -> str:
    return jst_datetime(datetime.fromisoformat(value)) if value else "—"


def _inner(card: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in card.items() if k not in ("$schema", "version", "msteams")}


def choose_card() -> dict[str, Any]:
    """``/usecase`` without a service: which 様式."""
    return adaptive_card(
        [
            text("活用事例の報告", size="Large", weight="Bolder"),
            text("報告するサービスを選んでください。ChatGPT は様式2、生成AI総合案内チャットボットは様式4で報告します。"),
        ],
        [
            execute("ChatGPT（様式2）", "usecase.open", {"service": "chatgpt"}),
            execute("チャットボット（様式4）", "usecase.open", {"service": "chatbot"}),
        ],
    )


def form_card(
    service: str,
    typed: Mapping[str, str],
    errors: Mapping[str, str] | None = None,
    *,
    case_id: str | None = None,
    review_note: str = "",
) -> dict[str, Any]:
    """The 様式2 or 様式4 form; after a failed submit, the same form with errors and values kept."""
    errors = errors or {}
    data: dict[str, Any] = {"service": service}
    body: list[Element] = [text(TITLES[service], size="Large", weight="Bolder"), text(GUIDES[service], size="Small")]
    if case_id:
        data["case_id"] = case_id
        body.append(text(f"差し戻された {case_id} を修正して再提出します。", weight="Bolder"))
        if review_note:
            body.append(text(f"DX推進課より: {review_note}", color="Attention"))
    body += [*error_summary(errors), *form_inputs(USECASE_FIELDS[service], typed, errors)]
    actions = [
        execute("提出する", "usecase.submit", data, style="positive"),
        execute("取りやめる", "usecase.cancel", {}, inputs=False),
    ]
    return adaptive_card(body, actions)


def _answers(case: Mapping[str, Any]) -> list[Element]:
    body: list[Element] = []
    for spec in USECASE_FIELDS[case["service"]]:
        value = case["answers"].get(spec.id)
        if value is None or value == "":
            continue
        if isinstance(value, float):
            value = f"{value:g} 時間"
        body.append(text(spec.label, weight="Bolder", size="Small", spacing="Small"))
        body.append(text(str(value), spacing="None"))
    return body


def _case_facts(case: Mapping[str, Any]) -> Element:
    return fact_set([
        ("受付番号", case["id"]),
        ("様式", f"{case['form']}（{SERVICE_NAMES[case['service']]}）"),
        ("状態", case["status"]),
        ("提出者", case["submitter_name"]),
        ("提出日時", _when(case["submitted_at"])),
    ])


def receipt_card(case: Mapping[str, Any]) -> dict[str, Any]:
    return adaptive_card([
        text("活用事例を受け付けました", size="Large", weight="Bolder"),
        text(f"受付番号 {case['id']}", size="ExtraLarge", weight="Bolder"),
        text("DX推進課が内容を確認し、公開したらお知らせします。ご報告ありがとうございます。"),
        _case_facts(case),
    ])


def review_card(case: Mapping[str, Any], errors: Mapping[str, str] | None = None) -> dict[str, Any]:
    """DX推進課: the submitted case with 公開する and 差し戻す."""
    body: list[Element] = [
        text(f"活用事例の審査: {case['id']}", size="Large", weight="Bolder"),
        *error_summary(errors or {}),
        _case_facts(case),
        *_answers(case),
    ]
    actions: list[Element] = []
    if case["status"] == "審査中":
        actions.append(execute("公開する", "usecase.publish", {"case_id": case["id"]}, style="positive"))
    if case["status"] != "差戻し":
        inner = adaptive_card(
            form_inputs(REVIEW_FIELDS, {}, errors or {}),
            [execute("差し戻す" if case["status"] == "審査中" else "公開を取り消して差し戻す",
                     "usecase.return", {"case_id": case["id"]}, style="destructive")],
        )
        actions.append({"type": "Action.ShowCard", "title": "差し戻す", "card": _inner(inner)})
    return adaptive_card(body, actions)


def decision_notice_card(case: Mapping[str, Any]) -> dict[str, Any]:
    """To the submitter: their case was published, or sent back with DX推進課's note."""
    if case["status"] == "公開":
        return adaptive_card([
            text(f"活用事例 {case['id']} が公開されました", weight="Bolder"),
            text("「/cases」で庁内のだれでも閲覧できます。ご協力ありがとうございました。"),
            _case_facts(case),
        ])
    body: list[Element] = [
        text(f"活用事例 {case['id']} が差し戻されました", weight="Bolder", color="Attention"),
    ]
    if case.get("review_note"):
        body.append(text(f"DX推進課より: {case['review_note']}"))
    body.append(_case_facts(case))
    return adaptive_card(body, [execute("修正して再提出する", "usecase.edit", {"case_id": case["id"]})])


def _title(case: Mapping[str, Any]) -> str:
    return str(case["answers"].get("task") or "")


def _summary(case: Mapping[str, Any]) -> str:
    answers = case["answers"]
    if case["service"] == "chatgpt":
        hours = answers.get("hours_saved")
        saved = f"（月あたり約{hours:g}時間の削減）" if isinstance(hours, int | float) else ""
        return f"{answers.get('after') or ''}\n効果: {answers.get('effect') or ''}{saved}"
    return f"{answers.get('usage') or ''}\n想定活用頻度: {answers.get('frequency') or ''}"


def cases_card(
    cases: Sequence[Mapping[str, Any]], typed: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """``/cases``: published cases, newest first, with the search inputs kept."""
    typed = typed or {}
    keyword, department = typed.get("keyword", "").strip(), typed.get("department", "").strip()
    searched = "、".join(p for p in (f"キーワード「{keyword}」" if keyword else "",
                                     f"所属「{department}」" if department else "") if p)
    heading = f"{searched}の活用事例: {len(cases)}件" if searched else f"公開中の活用事例: {len(cases)}件"
    body: list[Element] = [
        text("生成AI 活用事例", size="Large", weight="Bolder"),
        text("DX推進課が確認して公開した、庁内の活用事例です（7-1(5)、7-2(2)）。新しい順に表示します。", size="Small"),
        *error_summary(errors or {}),
        {"type": "ColumnSet", "columns": [
            {"type": "Column", "width": "stretch", "items": form_inputs(CASES_SEARCH_FIELDS[:1], typed, errors or {})},
            {"type": "Column", "width": "stretch", "items": form_inputs(CASES_SEARCH_FIELDS[1:], typed, errors or {})},
        ]},
        text(heading, weight="Bolder", spacing="Medium"),
    ]
    if not cases:
        body.append(text("該当する活用事例はありません。キーワードを変えてお試しください。"))
    for case in cases[:MAX_LISTED]:
        answers = case["answers"]
        team = f"　{answers['team']}" if answers.get("team") else ""
        body.append({
            "type": "Container", "separator": True, "spacing": "Medium",
            "items": [
                text(_title(case), weight="Bolder"),
                text(f"{answers.get('department', '')}{team}　{SERVICE_NAMES[case['service']]}"
                     f"　公開 {_when(case['published_at'])}",
                     size="Small", isSubtle=True, spacing="None"),
                text(_summary(case), size="Small", spacing="Small", maxLines=6),
            ],
        })
    if len(cases) > MAX_LISTED:
        body.append(text(f"ほか {len(cases) - MAX_LISTED} 件あります。キーワードや所属で絞り込んでください。", isSubtle=True))
    return adaptive_card(body, [execute("検索する", "cases.search", {})])


# --- samples ---------------------------------------------------------------------------------

_NOW = "2026-11-26T05:30:00+00:00"
_FORM2 = {
    "department": "市民課", "manager": "佐藤 花子", "reporter": "山田 太郎", "contact": "内線1234",
    "task": "窓口案内文の作成",
    "before": "窓口で配る案内文を職員が一から作成し、課内で2回校正していた。",
    "after": "ChatGPT で下書きを作り、職員が内容と表現を確認・修正してから課内で1回校正する。",
    "effect": "案内文1件あたりの作成時間が約2時間から約40分に短縮した。", "hours_saved": "12",
}
_FORM4 = {
    "department": "市民課", "team": "窓口係", "task": "転入手続きの案内",
    "usage": "窓口で市民から手続きを聞かれたとき、職員がチャットボットで必要書類を確認し、案内の参考にする。",
    "frequency": "毎日", "person": "山田 太郎", "phone": "内線1234",
}
SAMPLE_CASE: dict[str, Any] = {
    "id": "U2026-0003", "service": "chatgpt", "form": "様式2", "status": "審査中",
    "submitter_id": "3333", "submitter_name": "山田 太郎",
    "answers": {**_FORM2, "hours_saved": 12.0}, "submitted_at": _NOW, "published_at": None,
    "reviewed_by": None, "review_note": "", "version": 1,
}
_PUBLISHED = [
    {**SAMPLE_CASE, "status": "公開", "published_at": _NOW},
    {**SAMPLE_CASE, "id": "U2026-0002", "service": "chatbot", "form": "様式4", "status": "公開",
     "answers": _FORM4, "published_at": "2026-11-20T02:00:00+00:00"},
]
_RETURNED = {**SAMPLE_CASE, "status": "差戻し", "review_note": "効果の数値の根拠を補ってください。"}

SAMPLES = {
    "usecase_choose": choose_card,
    "usecase_form2": lambda: form_card(
        "chatgpt", {k: _FORM2[k] for k in ("department", "manager", "reporter", "contact")}
    ),
    "usecase_form4": lambda: form_card("chatbot", {"department": "市民課", "person": "山田 太郎"}),
    "usecase_form2_errors": lambda: form_card(
        "chatgpt", {**_FORM2, "effect": "", "hours_saved": "-3"},
        {"effect": "効果を入力してください。", "hours_saved": "時間削減（時間／月）は0から744の範囲で入力してください。"},
    ),
    "usecase_form_resubmit": lambda: form_card("chatgpt", _FORM2, case_id="U2026-0003",
                                                review_note=_RETURNED["review_note"]),
    "usecase_receipt": lambda: receipt_card(SAMPLE_CASE),
    "usecase_review": lambda: review_card(SAMPLE_CASE),
    "usecase_published_notice": lambda: decision_notice_card(_PUBLISHED[0]),
    "usecase_returned_notice": lambda: decision_notice_card(_RETURNED),
    "usecase_cases": lambda: cases_card(_PUBLISHED),
    "usecase_cases_search": lambda: cases_card(_PUBLISHED[1:], {"keyword": "転入", "department": "市民"}),
    "usecase_cases_empty": lambda: cases_card([], {"keyword": "存在しない"}),
}
