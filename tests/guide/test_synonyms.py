"""Staff vocabulary (policy/guide/data/synonyms.yaml): loaded, validated, applied."""

from __future__ import annotations

import pytest

from policy.datafile import RuleDataError
from policy.guide.synonyms import load_synonyms


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("チャットGPTのアカウント", "chatgpt"),
        ("ChatGTPで", "chatgpt"),
        ("マイナの番号", "マイナンバー"),
        ("個人番号を入れたい", "特定個人情報"),
        ("課長に聞く", "所属長"),
        ("申し込みたい", "申請"),
        ("Can I enter my number?", "マイナンバー"),
        ("password reset", "パスワード"),
        ("copyright of outputs", "著作権"),
        ("まだ発表してない予算案", "公開前情報"),
        ("どこまで信じていい", "正確"),
        ("生成AIで作ったロゴ", "生成物"),
        ("アンソロピックって", "anthropic"),
        ("元ネタを書く", "出典元"),
        ("誰かの評判を落とす", "名誉毀損"),
        ("係長がいいって言えば", "許可"),
        ("市民から苦情が来た", "問題"),
        ("セキュリティの穴", "脆弱性"),
        ("チャットボットは何語に対応してる", "多言語能力"),
        ("why do i have to wait so long", "回答速度"),
        ("住民の症状から受診すべきか", "医療情報"),
        ("事実と違う経歴が入ってた", "虚偽"),
        ("入力した内容が外に漏れる心配", "拡散"),
        ("could information i enter be seen by other users?", "学習"),
        ("what do we do when a risk case is detected?", "リスクケース"),
        ("what do we do when a risk case is detected?", "検知"),
        ("ハルシネーション対策", "事実と異なる"),
        ("JDLAってどういう団体?", "日本ディープラーニング協会"),
        ("返事のたたき台をAIに書かせたい", "下書き"),
    ],
)
def test_staff_words_become_the_guidelines_words(synonyms, question, expected):
    assert expected in synonyms.expand(question).split()


def test_words_of_two_senses_are_not_given_one(synonyms):
    # 傷つける is also a hurtful remark (3-1(6)), 弱点 a weakness (2章3), not only 名誉毀損 and 脆弱性.
    assert "名誉毀損" not in synonyms.expand("人を傷つけるような発言").split()
    assert "脆弱性" not in synonyms.expand("chatgptの弱点は").split()
    # Copying someone's work is 類似; copying data into the AI is entering it.
    assert "類似" in synonyms.expand("copying someone else's work").split()
    assert "類似" not in synonyms.expand("copying resident data into chatgpt").split()
    assert "有用性" not in synonyms.expand("is chatgpt useful for translation").split()
    # Telling people: 周知 (7-1(5), 3章1-1(5)) or 明記 (6-5), both.
    assert {"周知", "明記"} <= set(synonyms.expand("AIで作ったと市民に伝える").split())


def test_the_longest_word_wins_and_latin_words_match_whole(synonyms):
    assert "マイナンバーンバー" not in synonyms.expand("マイナンバーは?")
    assert "ログ" not in synonyms.expand("プログラムのコード").split()  # katakana words match whole too
    assert "ログ" in synonyms.expand("利用ログの保存").split()
    assert "アカウント" not in synonyms.expand("idea")  # "ID" is a word of its own
    assert "アカウント" in synonyms.expand("my ID")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Does the output infringe a trademark?", "権利侵害"),
        ("if AI output infringes someone's trademark", "権利侵害"),
        ("it infringed a copyright", "権利侵害"),
        ("Do I need to fact-check it?", "根拠"),
        ("Who approves accounts?", "承認"),
        ("using AI-generated images", "生成物"),
        ("AI replies to residents", "回答"),  # reply: replies, replied
        ("it replied wrongly", "回答"),
        ("AI replies to residents", "市民"),
        ("A resident sent us a complaint", "市民"),
        ("if AI output harms citizens", "住民"),
    ],
)
def test_english_words_match_in_any_regular_inflection(synonyms, question, expected):
    assert expected in synonyms.expand(question).split()


def test_english_glossary_leaves_japanese_questions_alone(synonyms):
    # 責任 is in the English glossary only: a Japanese question naming it is not rewritten.
    assert synonyms.expand("責任は誰にある") == "責任は誰にある"
    assert "責任" in synonyms.expand("who is responsible").split()


def _write(tmp_path, body: str):
    path = tmp_path / "synonyms.yaml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("groups:\n  - guideline: [申請]\n    staff: [申込]\n  - guideline: [登録]\n    staff: [申込]\n", "でも定義"),
        ("groups:\n  - guideline: [申請]\n    staff: [申込]\n    extra: [x]\n", "不明な項目"),
        ("groups:\n  - guideline: [申請]\n    staff: [報告]\n  - guideline: [報告]\n    staff: [連絡]\n", "staff にも"),
        ("groups:\n  - guideline: []\n", "staff"),
        ("groups:\n  - staff: [申込]\n", "guideline"),
        ("groups: [1, 2\n", "YAML"),
    ],
)
def test_bad_data_stops_loading_with_file_and_line(tmp_path, body, message):
    with pytest.raises(RuleDataError, match=message) as error:
        load_synonyms(_write(tmp_path, body))
    assert "synonyms.yaml" in str(error.value)


def test_what_is_not_so_is_false(synonyms):
    # 実際にはない経歴 is the 虚偽 of 2章6-2(3), as 実在しない/ありもしない are.
    assert "虚偽" in synonyms.expand("実際にはない経歴が書いてあった")
    assert "虚偽" not in synonyms.expand("実際に使ってみた")


def test_what_the_rules_aim_at_is_their_purpose(synonyms):
    # 狙い/ねらい/趣旨 are 目的 (1章3); 狙われる (being targeted) is not.
    assert "目的" in synonyms.expand("このルールの狙いってなに")
    assert "目的" not in synonyms.expand("標的型攻撃で狙われるのが心配")


def test_the_people_who_use_it_are_its_users(synonyms):
    # 使う人/利用する人 are the rules' 利用者 (3章1-1(5) 利用者への周知, 2章7-1(2) 利用者の追加).
    assert "利用者" in synonyms.expand("問題点って、使う人に知らせるんですか")
    assert "利用者" in synonyms.expand("チャットGPTを利用する人って申請いるの?")


def test_not_telling_ones_superior_is_using_it_without_permission(synonyms):
    # 2章4: 所属長の許可を得た上で. Not telling residents is no such thing (6-5 明記).
    assert "許可" in synonyms.expand("係長に言わないでチャットGPTを使った")
    assert "許可" not in synonyms.expand("市民に言わないでAIで作った文章を配っていい?")
    # 使い始めちゃった (already started) asks no procedure; 使い始めたい does.
    assert "利用手順" not in synonyms.expand("使い始めちゃった")
    assert "利用手順" in synonyms.expand("ChatGPT使い始めたい")


def test_a_bot_is_the_chatbot(synonyms):
    # 「ボット」「案内ボット」 are what staff call the 生成AI総合案内チャットボット.
    assert "生成ai総合案内チャットボット" in synonyms.expand("ボットのやりとり").split()
    assert "生成ai総合案内チャットボット" in synonyms.expand("案内ボットに打ち込んだ").split()


def test_being_told_is_being_let_know(synonyms):
    # 知らされる is the 周知 of 3章1-1(5); an お知らせ (a notice to draft) is a document, not a letting know.
    assert "周知" in synonyms.expand("使う側に知らされるの").split()
    assert "周知" not in synonyms.expand("避難所開設のお知らせ文の下書き").split()


def test_another_use_is_use_for_another_purpose(synonyms):
    # 3章1-3(2)「提供目的以外に利用しないこと」: 別の用途, 流用 are use for another purpose.
    assert "目的以外" in synonyms.expand("入力データを別の用途に使わない保証").split()
    assert "目的以外" in synonyms.expand("ログを流用していいの").split()


def test_a_near_copy_is_a_look_alike(synonyms):
    # 6-2(1)「既存の著作物と同一・類似している場合」: ほぼ同じ is 類似; a bare 同じ (同じ意味) is not.
    assert "類似" in synonyms.expand("本の一節とほぼ同じだった").split()
    assert "類似" not in synonyms.expand("会話型aiってチャットボットと同じ意味ですか").split()


def test_spreading_somewhere_is_leaking_not_becoming_widespread(synonyms):
    # 2章3-1(3)「拡散される恐れ」: what one entered spreading somewhere; AI spreading in society is 1章2's 普及.
    assert "拡散" in synonyms.expand("打ち込んだ内容がどっかに広まったりする").split()
    assert "普及" in synonyms.expand("生成aiが広まっている背景").split()


def test_drawing_on_something_is_basing_on_it(synonyms):
    # 1章1-1「…を参考に作成をしたものである」: 下敷きにして is 参考にして.
    assert "参考" in synonyms.expand("国の指針を下敷きにして作ってる").split()


def test_the_content_of_what_was_entered_is_no_model(synonyms):
    # 打ち込んだ中身 is the 入力内容 of 3章1-3; the 中身 of a service is the model inside it (2章1-1(3)).
    assert "入力内容" in synonyms.expand("市民が案内ボットに打ち込んだ中身").split()
    assert "モデル" not in synonyms.expand("市民が案内ボットに打ち込んだ中身").split()
    assert "モデル" in synonyms.expand("チャットボットの中身はどこのAI").split()


def test_english_families_of_proofreading_unreleased_and_known_issues(synonyms):
    # 2章2-1(2)④ 文章の校正: catching typos; 5-1(3) 公開前情報: a release not out yet; 2章3 課題: known limitations.
    assert "校正" in synonyms.expand("can i run a notice through chatgpt to catch typos?").split()
    assert "公開前情報" in synonyms.expand("our press release is not out until next week").split()
    assert "課題" in synonyms.expand("is that a known limitation?").split()
    # Running a notice through ChatGPT is no 運用 (operating a system); running the chatbot is.
    assert "運用" not in synonyms.expand("can i run a notice through chatgpt").split()
    assert "運用" in synonyms.expand("who runs the chatbot?").split()


def test_what_runs_behind_a_service_is_its_model(synonyms):
    # 2章1-1(3)「…チャットボットに用いられている生成 AI モデル」: the AI running behind it.
    assert "モデル" in synonyms.expand("チャットボットの裏で動いてるAIって何").split()
