"""Cards and texts of the chat path: block, try again, service choice.

Buttons carry ids only: a masked resend or a retry names a kept prompt (``prompt``), never its
text. Section buttons open the guideline section with ``/guide``'s ``guide.open`` action.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cards.common import Element, adaptive_card, execute, fact_set, text
from cards.guide import label

RESEND = "chat.resend_masked"
RETRY = "chat.retry"
CHOOSE_SERVICE = "chat.service"
GUIDE_OPEN = "guide.open"

SERVICE_LABELS = {
    "chatbot": "生成AI総合案内チャットボット（Anthropic Claude）",
    "chatgpt": "ChatGPT（OpenAI）",
}

INFORMATIVE = "回答を作成しています…"
TOO_LONG = "メッセージが長すぎます（{limit:,}文字まで）。分けて送信してください。"
NOT_CONFIGURED = (
    "{service}はまだ設定されていないため、回答できません。管理者が環境変数 {setting} を設定すると使えるようになります。"
    "「/service {other}」で別のサービスに切り替えることもできます。"
)
SCREENING_FAILED = "回答の内容を確認できなかったため、表示を取りやめました。時間をおいてもう一度お試しください。"
SERVICE_CHANGED = "以後の質問は{service}に送ります。"
SERVICE_UNKNOWN = "「{name}」というサービスはありません。「/service chatbot」または「/service chatgpt」を指定してください。"
RESET_DONE = "{service}との会話をリセットしました。新しい話題からどうぞ。"
RESET_NOTHING = "{service}との会話はまだありません。"
PROMPT_GONE = "この内容はすでに送信済みか、有効期限が切れています。もう一度入力してください。"
RESENT = "伏せ字にした内容を確認して送信しました。回答をお待ちください。"
RETRIED = "もう一度送信しました。回答をお待ちください。"

FAILURES = {
    "rate_limited": "{service}が混み合っています（利用回数の上限に達しました）。",
    "timeout": "{service}から時間内に回答がありませんでした。",
    "unavailable": "{service}で障害が起きているようです。",
    "network": "{service}に接続できませんでした。",
    "auth": "{service}の認証に失敗しました。管理者（DX推進課）に API キーの設定の確認を依頼してください。",
    "rejected": "{service}がこの依頼を受け付けませんでした。内容を変えてお試しください。",
}


@dataclass(frozen=True)
class FindingView:
    """One finding as the person who typed it may see it: masked, with its category and section."""

    category_name: str  # 表示名
    masked: str
    section: str
    reason: str


def _findings(findings: Sequence[FindingView]) -> list[Element]:
    items: list[Element] = []
    for number, finding in enumerate(findings, 1):
        items.append({
            "type": "Container",
            "separator": number > 1,
            "items": [
                text(f"{number}. {finding.category_name}", weight="Bolder"),
                fact_set([("該当箇所", finding.masked or "（表示しません）"), ("理由", finding.reason),
                          ("ルール", label(finding.section))]),
            ],
        })
    return items


def _section_buttons(findings: Sequence[FindingView], limit: int = 3) -> list[Element]:
    sections = list(dict.fromkeys(f.section for f in findings))[:limit]
    return [execute(f"{label(section)}を読む", GUIDE_OPEN, {"section": section}, inputs=False) for section in sections]


def block_card(findings: Sequence[FindingView], resend: tuple[str, str] | None = None) -> dict[str, Any]:
    """5-1: nothing was sent. ``resend`` is (prompt id, masked text) when masking makes it sendable."""
    body: list[Element] = [
        text("送信しませんでした", weight="Bolder", size="Medium", color="Attention"),
        text("入力を禁止されている情報（松戸市職員生成AI利活用ルール 第2章 5-1）が含まれているため、"
             "生成AIには何も送っていません。"),
        *_findings(findings),
    ]
    actions: list[Element] = []
    if resend:
        prompt_id, masked = resend
        body += [
            text("該当箇所を伏せ字にした次の内容なら送信できます。送信前にもう一度確認します。", separator=True),
            {"type": "Container", "style": "emphasis", "items": [text(masked, fontType="Monospace")]},
        ]
        actions.append(execute("伏せ字にして送信", RESEND, {"prompt": prompt_id}, style="positive", inputs=False))
    else:
        body.append(text("伏せ字では送れない内容です。該当する情報を除いて入力し直してください。", separator=True))
    return adaptive_card(body, actions + _section_buttons(findings))


def retry_card(service: str, kind: str, prompt_id: str | None) -> dict[str, Any]:
    """A provider failure; the prompt is kept and one click sends it again."""
    label = SERVICE_LABELS.get(service, service)
    body = [
        # A shaded box rather than yellow text, which is hard to read on the light theme.
        {"type": "Container", "style": "warning",
         "items": [text("回答を取得できませんでした", weight="Bolder", size="Medium")]},
        text(FAILURES.get(kind, FAILURES["unavailable"]).format(service=label)),
    ]
    actions = []
    if prompt_id:
        body.append(text("入力した内容は保存されています。少し時間をおいて「もう一度送信」を押してください。"))
        actions.append(execute("もう一度送信", RETRY, {"prompt": prompt_id}, style="positive", inputs=False))
    return adaptive_card(body, actions)


def service_card(current: str, models: dict[str, str]) -> dict[str, Any]:
    """``/service`` without a name: which service answers, and buttons to switch."""
    body = [
        text("利用するサービス", weight="Bolder", size="Medium"),
        text(f"現在は「{SERVICE_LABELS.get(current, current)}」に送っています。"),
        fact_set([(f"/service {s}", f"{SERVICE_LABELS[s]}、モデル {m}") for s, m in models.items()]),
        text("生成AI総合案内チャットボットは申請なしで使えます（ルール 7-2(1)）。"
             "ChatGPT の業務利用には所属での利用申請が必要です（ルール 7-1）。", isSubtle=True),
    ]
    actions = [execute(f"{SERVICE_LABELS[s]}に切り替え", CHOOSE_SERVICE, {"service": s}, inputs=False)
               for s in models if s != current]
    return adaptive_card(body, actions)


def _sample_findings() -> list[FindingView]:
    # As bot.handlers.chat.finding_views shows policy.screen's findings for the sample text below.
    return [
        FindingView("個人情報の可能性", "**", "2章4", "個人を指す氏名（敬称付き）の可能性があります"),
        FindingView("個人番号（マイナンバー）", "**** **** 9018", "2章5-1(1)", "マイナンバー・個人番号の近くに12桁の番号があります"),
        FindingView("個人情報", "***-****-5678", "2章5-1(1)", "個人の携帯電話番号が含まれています"),
    ]


# policy.masked_resend's output for 「山田様のマイナンバーは1234 5678 9018、電話は090-1234-5678です。
# 手続きの案内文を作ってください。」: every digit is masked, not only the part shown in the findings.
_SAMPLE_RESEND = "**様のマイナンバーは**** **** ****、電話は*************です。手続きの案内文を作ってください。"

SAMPLES = {
    "chat_block_resend": lambda: block_card(
        _sample_findings(), ("0f3c9a", _SAMPLE_RESEND)
    ),
    "chat_block": lambda: block_card([FindingView("契約・執行情報", "予定価格", "2章5-1(1)", "予定価格・最低制限価格などの契約情報です")]),
    "chat_retry": lambda: retry_card("chatbot", "rate_limited", "0f3c9a"),
    "chat_service": lambda: service_card("chatbot", {"chatbot": "claude-haiku-4-5", "chatgpt": "gpt-4o-mini"}),
}
