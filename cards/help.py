"""/help: what the bot does, its commands, and whom to ask (第4章)."""

from __future__ import annotations

from typing import Any

from cards.common import Element, adaptive_card, execute, fact_set, text

CONTACT = "松戸市総務部 DX推進課（047-366-7399）"

# Commands everyone uses, in the order people need them; names as the router knows them.
STAFF_COMMANDS: tuple[tuple[str, str], ...] = (
    ("/guide", "ルールの目次を表示します。「/guide 質問」で該当箇所を引用して答えます（例: /guide マイナンバーは入力していい?）。"),
    ("/service", "使う生成AI（総合案内チャットボット / ChatGPT）を切り替えます。"),
    ("/reset", "これまでの会話を消して、新しい会話を始めます。"),
    ("/request", "生成AIの利用許可を所属長に申請します。"),
    ("/apply", "ChatGPT アカウント及び利用申請書（様式1）を作成します。"),
    ("/report", "リスクケースや生成物の問題を報告します（ルール 6-6）。"),
    ("/usecase", "業務での活用事例を登録します。"),
    ("/cases", "ほかの職員が登録した活用事例を見ます。"),
    ("/help", "この説明を表示します。"),
)
MANAGER_COMMANDS: tuple[tuple[str, str], ...] = (
    ("/permit", "利用許可を与えます（所属長・DX推進課）。"),
    ("/revoke", "利用許可を取り消します。"),
    ("/delegate", "所属長の代理を指定します（DX推進課）。"),
    ("/briefing /training", "説明会の参加・研修の受講を記録します（DX推進課）。"),
    ("/export /admin", "記録の書き出しと管理画面です（DX推進課）。"),
)


def help_card() -> dict[str, Any]:
    body: list[Element] = [
        text("松戸市 生成AI 利活用ボットの使い方", weight="Bolder", size="Medium", style="heading"),
        text(
            "業務の質問や依頼をそのまま入力すると、生成AIが回答します。送信前に、入力内容が"
            "「松戸市職員生成AI利活用ルール」に沿っているかを確認し、個人情報や機密情報が含まれる"
            "ときは送信せずにお知らせします。"
        ),
        text("生成AIの回答には誤りが含まれることがあります。必ず根拠や裏付けを確認してから使ってください。", isSubtle=True),
        text("コマンド", weight="Bolder", separator=True, spacing="Medium"),
        fact_set(STAFF_COMMANDS),
        text("所属長・DX推進課向け", weight="Bolder", spacing="Medium"),
        fact_set(MANAGER_COMMANDS),
        text("問い合わせ先", weight="Bolder", separator=True, spacing="Medium"),
        text(f"ルールやこのボットについては{CONTACT}にお問い合わせください（ルール第4章）。"),
    ]
    actions = [
        execute("ルールの目次", "guide.contents", {}),
        execute("第4章 問い合わせ", "guide.open", {"section": "4章"}),
        execute("生成物の確認（6-1）", "guide.open", {"section": "2章6-1"}),
    ]
    return adaptive_card(body, actions)


SAMPLES = {"help": help_card}
