"""Context categories beyond the rule examples: markers applied vs talked about, amounts tied to
vendors vs published figures, NDA material vs NDA in general, third-party texts vs national notices."""

from __future__ import annotations

import pytest

from .helpers import screened

# fmt: off
CASES = [
    ("【取扱注意】来年度の人事異動案を要約して", "block", {"non_public"}),
    ("「取扱注意」と書かれた文書の一般的な扱い方を教えて", "allow", set()),
    ("写真コンテストは未発表の作品に限ります", "allow", set()),
    ("知り得た情報を口外しないよう職員に周知徹底する文を作って", "allow", set()),
    ("議会に説明する前の段階ですが、市民プールを廃止する方針です", "block", {"non_public"}),
    ("ファイルサーバ 10.1.2.3 の共有設定", "block", {"non_public"}),
    ("予定価格 5,500,000円 で公告します", "block", {"contract_info"}),
    ("予定価格と最低制限価格の違いを表にして", "allow", set()),
    ("入札参加の3社の見積です：株式会社ABC 1,200,000円、DEF株式会社 1,350,000円", "block", {"contract_info"}),
    ("令和8年度当初予算の総額は1,712億円（公表済み）です", "allow", set()),
    ("款\t項\t事業名\t予算額\t執行額\n2\t1\t庁舎維持管理事業\t412,300,000\t198,540,120", "allow", set()),
    ("機密保持契約を結んだベンダーから聞いた導入予定の自治体名をまとめて", "block", {"nda_secret"}),
    ("秘密保持契約のひな形に入る条項を教えて", "allow", set()),
    ("Please prepare the agenda for the NDA review meeting.", "allow", set()),
    ("NDAの締結手続きの流れを教えて", "allow", set()),
    ("ログインIDは admin、パスワードは P@ssw0rd2026 です", "block", {"credential"}),
    ("Authorization: Bearer abcDEF123456ghiJKL789xyz", "block", {"credential"}),
    ("APIキーを環境変数で管理する方法は？", "allow", set()),
    ("この新聞記事を要約して、広報に載せられる文章に書き直して", "notice", {"third_party_rights"}),
    ("総務省の通知文（抜粋）を3行で要約して", "allow", set()),
    ("子どもが頭を強く打ちました。救急車を呼ぶべきですか", "notice", {"medical_emergency"}),
    ("熱中症予防の呼びかけ文を作って", "allow", set()),
    # weaker identifiers ask the 所属長 (contract rule 4)
    ("車のナンバー「千葉 500 あ 12-34」の持ち主から苦情", "confirm", {"possible_personal"}),
    ("LINE ID: sample_99 の方から問い合わせ", "confirm", {"possible_personal"}),
    ("3年2組 出席番号15番の児童の保護者から相談", "confirm", {"possible_personal"}),
    ("見本町地区の70代で一人暮らしの男性から相談", "confirm", {"possible_personal"}),
    ("地区別の世帯数と65歳以上の人口（公表済み）をグラフに", "allow", set()),
    ("胸が苦しいと訴える来庁者がいます", "notice", {"medical_emergency"}),
    ("懲戒処分案（公表前）：土木課 主任 岡田 聡、酒気帯び運転により停職", "block",
     {"non_public", "staff_info", "sensitive_personal"}),
]
# fmt: on


@pytest.mark.parametrize(("text", "verdict", "categories"), CASES)
def test_context(text: str, verdict: str, categories: set[str]) -> None:
    result = screened(text)
    assert result.verdict.label == verdict
    assert categories <= set(result.categories)
