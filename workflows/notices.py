"""The texts every answer carries: 6-5 notice, 6-1/6-3 reminder, cautions of 5-2 and 6-4."""

from __future__ import annotations

from collections.abc import Iterable

import policy
from policy.model import Verdict

REMINDER = (
    "※ 内容は正確で信頼できる情報源と照合し、根拠を確認してください（6-1）。"
    "そのまま使わず、できる限り加筆・修正してからご利用ください（6-3）。"
)
FLAGGED = "※ 回答に個人情報と思われる内容が含まれていたため、伏せ字（＊）にしました。生成AIは実在しない個人の情報を作ることがあります（6-2(3)）。"
CAUTIONS = {
    "third_party_rights": (
        "※ 第三者の著作物・登録商標・著名人の氏名に関わる内容です。生成物が既存の著作物や登録商標に"
        "似ていないか確認してから利用してください（5-2、6-2）。"
    ),
    "medical_emergency": (
        "※ 医療・緊急に関わる内容です。治療・処置の方法やトリアージ、緊急時の判断に生成AIの回答を"
        "使わず、医療機関・専門職の判断に従ってください（6-4）。"
    ),
}
SEPARATOR = "\n\n---\n\n"


def ai_notice(provider: str, model: str) -> str:
    """The 6-5 notice, naming who ran the model and which model it was."""
    return (
        f"本コンテンツは生成AI（{provider} {model}）によって生成されております。"
        "本コンテンツの情報を利用の際は、必ず利用者様ご自身で、内容をご確認ください。"
    )


def cautions(categories: Iterable[str]) -> list[str]:
    """Cautions for the notice-level categories of a prompt (5-2 rights, 6-4 medical)."""
    table = policy.categories()
    return [
        CAUTIONS[name] for name in dict.fromkeys(categories)
        if name in CAUTIONS and name in table and table[name].verdict == Verdict.NOTICE
    ]


def answer_text(answer: str, *, provider: str, model: str, categories: Iterable[str], flagged: bool) -> str:
    """The final message: the (masked) answer, then the notice and reminders."""
    lines = [ai_notice(provider, model), REMINDER, *cautions(categories)]
    if flagged:
        lines.append(FLAGGED)
    return answer.rstrip() + SEPARATOR + "\n\n".join(lines)
