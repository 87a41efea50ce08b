"""Short Japanese replies of the bot itself (feature texts live with their cards)."""

WELCOME = (
    "松戸市 生成AI 利活用ボットです。業務の質問をそのまま入力してください。"
    "入力内容は送信前に「松戸市職員生成AI利活用ルール」に沿って確認します。"
    "使い方は「/help」、ルールの確認は「/guide」でどうぞ。"
)
EMPTY_MESSAGE = "メッセージが空です。質問や依頼を文章で入力してください。"
ATTACHMENT_IGNORED = "添付ファイルや画像は送信できません。内容を文章で入力してください（個人情報などは含めないでください）。"
UNKNOWN_COMMAND = "「/{name}」というコマンドはありません。「/help」で使えるコマンドを確認できます。"
UNSUPPORTED_INVOKE = "この操作には対応していません。"
UNKNOWN_ACTION = "このボタンの操作は見つかりませんでした。カードが古い可能性があります。もう一度操作をやり直してください。"
ACTION_DONE = "受け付けました。"
INTERNAL_ERROR = "申し訳ありません。処理中にエラーが発生しました。時間をおいてもう一度お試しください。"
