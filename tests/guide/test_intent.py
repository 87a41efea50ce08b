"""Question intents (policy/guide/data/intents.yaml): what kind of answer a question wants, and the
sections of the rules that give it, found from the guideline's own sentence patterns."""

from __future__ import annotations

import pytest

from policy.datafile import RuleDataError
from policy.guide.intent import asked, load_intents
from policy.guide.terms import bigrams, fold, normalize


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("マイナンバーは入力していい?", "permission"),
        ("住民票をAIに貼ってもOKですか", "permission"),
        ("名簿を入れるのはだめ?", "permission"),
        ("Can I paste a resident list into ChatGPT?", "permission"),
        ("ChatGPTのアカウントはどう申請する?", "procedure"),
        ("How do I apply for an account?", "procedure"),
        ("パブリシティ権とは", "definition"),
        ("ブレストってなに", "definition"),
        ("障害発生報告書の書き方", "form"),
        ("このルールの目的はなんですか", "rules"),
        ("Who do I contact about these rules?", "rules"),
        ("AIが作ったロゴ", "output"),
        ("名簿を貼り付けたい", "input"),
        ("入れた情報が外に漏れることはある?", "risk"),
        # Casual wording: a filler inside 「って…何」, 「ことってある」, 「…たりしない」, 「何すれば」.
        ("生成AIってそもそも何?", "definition"),
        ("生成AIの定義は?", "definition"),
        ("アイネスってどんな会社?", "definition"),
        ("Anthropicってどういう会社?", "definition"),
        ("回答に出てきちゃうことってある?", "risk"),
        ("入れた情報ってよそに漏れたりしないの?", "risk"),
        ("うちの課でも使いたい。まず何すればいい?", "procedure"),
        ("市民向けにAIサービスを出すとき", "provider"),
        ("チャットボットの改善って業者にお願いできるの?", "provider"),
        ("ChatGPTってどういうサービス?", "about"),
        ("中身はどこの会社のAIなの?", "about"),
        ("ざっくり何ができるもの?", "about"),
        ("ガイドラインでわからないとこがあったら、誰に聞けばいい", "contact"),
        ("トラブったらどこに報告すればいい?", "contact"),
        ("Who should I ask about this?", "contact"),
        ("Could using AI-written text get us into trouble?", "output"),
        ("チャットボットの回答にかたよりがないか、誰か見てるんですか", "provider"),
        ("Is it safe to paste a resident list into ChatGPT?", "permission"),
        ("個人情報を入れても安全?", "permission"),
        ("住所録 AI 整形 だめ？", "input"),
        ("イラストをAIに読ませて似た画像を作らせるのはアリ？", "permission"),
        ("AIを使うかどうかは誰が決めるの?", "contact"),
        ("who decides if we can use AI", "contact"),
        ("チャットボットの回答の質は誰がチェックしてるの？", "provider"),
        ("AIの間違いで市民が損をしたときの報告先", "contact"),
        ("What is ChatGPT good at?", "about"),
        ("What can the chatbot do?", "about"),
    ],
)
def test_a_question_shows_its_intent(intents, question, intent):
    assert intent in asked(intents, normalize(question))


def test_a_plain_topic_shows_no_intent(intents):
    assert asked(intents, normalize("著作権侵害")) == frozenset()
    # A topic may still show the stage of the work it is about (5 input, 6 the output).
    assert asked(intents, normalize("生成物の著作権")) == {"output"}
    assert "permission" not in asked(intents, normalize("book review"))  # "ok" only as a word
    assert "permission" not in asked(intents, normalize("What if ChatGPT gives me wrong information?"))  # nor "ng"
    assert "permission" in asked(intents, normalize("これはNG?"))


def test_a_resident_is_the_providers_concern_when_using_the_chatbot(intents):
    # The provider's side (3章) is residents using the chatbot; since a provider question drops the stages of the
    # staff's work (replaces), a resident who merely appears (市民が損をした) must not make one.
    assert "provider" in asked(intents, normalize("市民がチャットボットに入れた内容は何に使われる"))
    assert "provider" in asked(intents, normalize("住民が質問した内容はどうなる?"))
    assert "provider" not in asked(intents, normalize("AIの間違いで市民が損をしたときの報告先"))


def test_who_should_check_is_the_staff_and_anyone_is_no_one_to_ask(intents):
    # 「誰がチェックすればいい」 asks what the staff must do (6-1); 「誰がチェックしてる」 who monitors (3章1-1).
    assert "provider" not in asked(intents, normalize("ChatGPTの生成物は誰がチェックすればいい?"))
    assert "contact" not in asked(intents, normalize("誰にでも使えるの?"))


def test_what_to_do_or_whom_to_ask_is_no_permission_question(intents):
    # 「…ばいい」「…たらいい」 ask what one should do; 「…てもいい」 asks whether one may.
    for question in ("誰に聞けばいい", "こういう場合どう扱えばいいですか", "どうしたらいい?"):
        assert "permission" not in asked(intents, normalize(question))
    assert "permission" in asked(intents, normalize("入れてもいい?"))
    assert "permission" in asked(intents, normalize("これ使っていいの?"))


def test_whom_to_ask_is_answered_where_the_rules_name_someone_to_go_to(guide):
    roles = dict(zip((leaf.id for leaf in guide.index.leaves), guide.index._roles, strict=True))
    # 4章 「問い合わせ先は」, 2章4 「所属長に確認の上」, 7-1(6)/7-2(3) 「…へ速やかに報告を行い」; not
    # 6-2(2) 「データ出典元に十分に確認を行う」 (a source is no one to ask). 6-6 「…に報告をすること」, and the
    # report forms submitted (7-1(5), 7-2(2) 「…報告書を提出すること」) say where a report goes too.
    assert {i for i, r in roles.items() if "contact" in r} == {
        "2章4", "2章6-6", "2章7-1(5)", "2章7-1(6)", "2章7-2(2)", "2章7-2(3)", "4章"
    }
    ids = [h.section.id for h in guide.search("チャットボットの間違った案内を信じた市民が申請期限を過ぎてしまった。誰に報告すればいい？", 1)]
    # A resident harmed by it (期限を過ぎた, 不利益) is 6-6's risk case; the chatbot's own procedure 7-2(3) answers too.
    assert ids[0] in {"2章6-6", "2章7-2(3)"}


def test_section_roles_come_from_the_rules_text(guide):
    roles = dict(zip((leaf.id for leaf in guide.index.leaves), guide.index._roles, strict=True))
    # 5-1 says 「入力を禁止する」; 3-1(3) only names the risk (「拡散される恐れがある」).
    assert "permission" in roles["2章5-1(1)"] and "permission" not in roles["2章3-1(3)"]
    assert all("procedure" in r for i, r in roles.items() if i.startswith("2章7-"))
    assert {i for i, r in roles.items() if "definition" in r} == {f"用語(※{n})" for n in range(1, 15)}
    assert {i for i, r in roles.items() if "form" in r} == {"様式1", "様式2", "様式3", "様式4"}


def test_a_permission_question_gets_the_rule_not_a_risk_that_mentions_it(guide):
    # Before intents, 2章3-1(3) (a risk naming 個人情報) came first.
    assert guide.search("職員の住所をチャットGPTに入れてもいいですか")[0].section.id == "2章5-1(1)"


def test_staff_asking_what_they_may_do_are_not_the_provider(intents, guide):
    # 第3章 is addressed to the provider (「生成 AI 提供者としての対応事項」), read from its headings.
    elsewhere = dict(zip((leaf.id for leaf in guide.index.leaves), guide.index._elsewhere, strict=True))
    assert {i for i, e in elsewhere.items() if "permission" in e} == {
        i for i in elsewhere if i.startswith("3章")
    }
    # 3章1-1(3) (the provider checks the logs for 個人情報) came before the staff's rule 2章5-1(1).
    assert "wish" in asked(intents, normalize("職員の名簿をChatGPTに貼り付けて表にしたい"))
    ids = [h.section.id for h in guide.search("相談者の氏名と相談内容をAIでまとめたい", 3)]
    assert "2章5-1(1)" in ids and "3章1-1(3)" not in ids
    # A question from the provider's side (residents using the chatbot) still reaches 第3章.
    assert "provider" in asked(intents, normalize("市民がチャットボットに入れた内容は何に使われる"))
    assert guide.search("住民がチャットボットに個人情報を入れていないか確認する必要は？")[0].section.id == "3章1-1(3)"


def test_input_and_use_of_the_output_are_answered_in_their_own_parts(guide):
    # 5 is about entering data, 6 about using what the AI produced (read from their headings).
    assert guide.search("AIが作ったロゴを使っていい?")[0].section.id == "2章6-2(2)"
    assert guide.search("他社のロゴ画像をAIに読ませてもいい？")[0].section.id == "2章5-2(2)"
    assert guide.search("ChatGPTで作った文章に他人の文章とそっくりな部分があった")[0].section.id == "2章6-2(1)"
    assert guide.search("他人が書いた論文を入力してもいいですか")[0].section.id == "2章5-2(1)"


def test_a_question_on_the_rules_themselves_gets_where_they_speak_of_themselves(guide):
    # 目的 alone also names 3章1-1(2) 「目的外利用の検証」.
    assert guide.search("このルールの目的はなんですか")[0].section.id == "1章3"
    assert guide.search("このガイドラインはいつ見直されるの?")[0].section.id == "5章"
    # Naming the rules is a concept of its own (本ガイドライン, 本ルール, 利活用ルール): with ガイドライン a
    # stop word, 「ガイドラインでわからないとこ」 held no word of 4章 「本ルールに関する問い合わせ先」.
    ids = [h.section.id for h in guide.search("ガイドラインでわからないとこがあったら、誰に聞けばいい", 3)]
    assert "4章" in ids


def test_what_a_service_is_is_answered_by_its_basic_information(guide):
    # 2章2-1(1) 基本情報 describes ChatGPT; its name is also in the scope (2章1-1) and the risks (2章3-1).
    assert guide.search("ChatGPTって何ができるサービス?")[0].section.id == "2章2-1(1)"
    assert guide.search("チャットGPTってどこの会社のサービス?")[0].section.id == "2章2-1(1)"


def test_a_section_referring_back_to_a_service_is_about_it(guide):
    # 3章1-3(1) says 「本生成AIに入力された内容」; 3章1-1(1) named the chatbot before it. Without the
    # reference resolved, 2章4 (the staff's input) came first.
    assert guide.search("チャットボットに入力された内容は何に使っていいの?")[0].section.id == "3章1-3(1)"


def test_kana_spellings_share_bigrams():
    assert fold("チャットジーピーティー") == fold("ちゃっとじーぴーてぃー") == fold("チヤツトジピテイ")
    assert set(bigrams("ちゃっと")) == set(bigrams("チャット"))


def test_bad_intent_data_stops_loading(tmp_path):
    path = tmp_path / "intents.yaml"
    path.write_text("intents:\n  - name: x\n    question: ['(']\n    text: ['a']\n", encoding="utf-8")
    with pytest.raises(RuleDataError, match="正規表現"):
        load_intents(path)
    path.write_text("intents:\n  - name: x\n    question: ['a']\n", encoding="utf-8")
    with pytest.raises(RuleDataError, match="text・heading・elsewhere"):
        load_intents(path)
    path.write_text("intents:\n  - name: x\n    question: ['a']\n    text: ['a']\n    replaces: [y]\n", encoding="utf-8")
    with pytest.raises(RuleDataError, match="replaces"):
        load_intents(path)


def test_a_question_as_the_provider_is_not_about_the_staffs_own_input(intents, guide):
    # 入力データ of the contractor's contract is the residents' input to the chatbot (3章1-3(2)), not the
    # staff's (2章5): 2章5-1(1) came first on the input intent.
    question = "委託業者が入力データを勝手に使わないように、契約で縛ってあるの?"
    assert asked(intents, normalize(question)) == {"provider"}
    assert guide.search(question)[0].section.id == "3章1-3(2)"
    assert "input" in asked(intents, normalize("名簿を入力していい?"))
    # What may happen to what one entered is a risk (2章3), not the rule on entering it (2章5).
    assert asked(intents, normalize("入力した内容が外に漏れる心配ってあるの?")) == {"risk"}


def test_what_was_entered_into_the_chatbot_is_asked_as_the_provider(intents):
    # 「チャットボットに入力された」: residents' input to the chatbot the city provides (3章1-3).
    assert "provider" in asked(intents, normalize("チャットボットに入力されたデータは最後どうなる？"))
    assert "provider" not in asked(intents, normalize("チャットボットに入力していい?"))


def test_a_question_about_entering_data_is_not_answered_by_a_services_uses(guide):
    # 2章2-1(2) lists what ChatGPT may be used for (Excel 関数, 集計); what may be entered is 2章5.
    elsewhere = dict(zip((leaf.id for leaf in guide.index.leaves), guide.index._elsewhere, strict=True))
    assert {i for i, e in elsewhere.items() if "input" in e} >= {"2章2-1(1)", "2章2-1(2)", "2章2-2(1)", "2章2-2(2)"}
    question = "給与データをExcel関数で集計する方法をChatGPTに聞くとき、実データを貼ってもいい?"
    assert guide.search(question)[0].section.id == "2章5-1(1)"


@pytest.mark.parametrize(
    "question",
    [
        "チャットGPTにうっかり市民の住所入りの文章を入れてしまいました。どうしたらいいですか",
        "GPTに入れちゃいけないものを入れちゃったかも…どこに報告?",
        "Someone in my section may have leaked internal data through ChatGPT. Who do we report it to, and is there a form?",
    ],
)
def test_a_question_telling_of_an_accident_asks_what_to_do_now(intents, guide, question):
    # What was done wrong (入力 of 個人情報) is not what is asked: 2章5-1(1) came first.
    wanted = asked(intents, normalize(question))
    assert "incident" in wanted and "input" not in wanted
    assert guide.search(question)[0].section.id == "2章7-1(6)"


def test_questions_before_the_fact_are_no_incident(intents):
    # A story told in the past, then what to do or whom to tell: an incident too.
    # And a problem put as a case (問題が起きたら, トラブったら): what the rules say to do when one arises.
    for question in ("ChatGPTで問題が起きたらどうする?", "チャットボットで不具合が起きたときの対応は?", "GPT使ってトラブったら?"):
        assert "incident" in asked(intents, normalize(question))
    assert "incident" in asked(intents, normalize("チャットボットの回答がおかしいと市民から苦情が来た。課としてどう動けばいい?"))
    for question in (
        "入れた情報ってよそに漏れたりしないの?",
        "AIに仕事を丸ごと任せてしまっていいの?",
        "名簿を入れてもいい?",
        "GPTで作ったら条件が違っていました。どう扱えばいいですか",
        "AIがデタラメな経歴を書いてきた。それを使っちゃったらどうなる?",
    ):
        assert "incident" not in asked(intents, normalize(question))


def test_english_words_are_read_whole(intents):
    # ng (NG, no good) inside harming, apply to (staff) as scope, a word between this and guideline.
    assert "permission" not in asked(intents, normalize("What if false information ends up harming residents?"))
    assert "procedure" not in asked(intents, normalize("Does this guideline apply to part-time staff?"))
    assert "procedure" in asked(intents, normalize("How does our section apply to start using ChatGPT?"))
    assert "contact" in asked(intents, normalize("Who needs to be told?"))
    assert "rules" in asked(intents, normalize("Does this AI guideline apply to me?"))


def test_what_a_service_is_based_on_or_can_do_is_no_definition(intents):
    # 「何の情報をもとに答えてる」 asks what the chatbot answers from (基本情報), not what the word means.
    for question in ("総合案内チャットボットって何の情報をもとに答えてるんですか?", "ChatGPTってどういうことができるツールなの?"):
        wanted = asked(intents, normalize(question))
        assert "about" in wanted and "definition" not in wanted
    assert "definition" in asked(intents, normalize("生成AIってどういうこと?"))


def test_whether_to_report_somewhere_asks_whom_to_report_to(intents, guide):
    # 「どこかに報告」: somewhere; 「どこまで確認」: how far to check, nobody to go to. 2章7-1(5) 「報告書を提出する
    # こと」 and 2章6-6 「…に報告をすること」 say where a report goes as 7-1(6) 「…へ速やかに報告を行い」 does.
    assert "contact" in asked(intents, normalize("うまく使えた事例ってどこかに報告するの?"))
    assert "contact" not in asked(intents, normalize("AIの答えはどこまで確認が必要?"))
    assert "form" in asked(intents, normalize("報告書はどんな項目を埋めればいいの"))
    roles = dict(zip((leaf.id for leaf in guide.index.leaves), guide.index._roles, strict=True))
    assert all("contact" in roles[section] for section in ("2章7-1(5)", "2章6-6", "2章7-1(6)"))


def test_whether_what_came_out_must_be_checked(intents, guide):
    # 2章6-1 「正確で信頼できる情報源と照合し、必ず根拠や裏付けを確認すること」 answers it.
    for question in ("GTPで調べた法律の条文番号、いちいち裏取りしないとダメ?", "AIの答えって鵜呑みにしていい?", "Do I need to fact-check it?"):
        assert "verify" in asked(intents, normalize(question))
    assert "verify" not in asked(intents, normalize("入力していいか迷ったら誰に確認?"))
    roles = dict(zip((leaf.id for leaf in guide.index.leaves), guide.index._roles, strict=True))
    assert {i for i, r in roles.items() if "verify" in r} == {"2章6-1"}


def test_what_may_be_entered_is_not_answered_by_the_list_of_uses(guide):
    # 2章2-1(2) 活用方法 lists the tasks ChatGPT may be used for; whether a resident's details may go in is 2章5-1(1).
    elsewhere = dict(zip((leaf.id for leaf in guide.index.leaves), guide.index._elsewhere, strict=True))
    assert {i for i, e in elsewhere.items() if "input" in e} >= {"2章2-1(2)", "2章2-2(2)", "2章6-1"}
    question = "A resident sent us a complaint email with their name and phone number. Can I paste it into ChatGPT?"
    assert guide.search(question)[0].section.id == "2章5-1(1)"


def test_whether_something_is_allowed_in_other_words(intents):
    for question in ("ChatGPTに叩き台を作らせるのは認められていますか", "税情報をAIに入れて集計させるのは可能ですか"):
        assert "permission" in asked(intents, normalize(question))


def test_a_risk_is_answered_by_the_risks_not_by_the_prohibitions(intents, guide):
    question = "入力した内容が外に漏れる心配ってあるの?"
    assert asked(intents, normalize(question)) == {"risk"}
    ids = [h.section.id for h in guide.search(question, 3)]
    assert "2章3-1(3)" in ids and "2章5-1(3)" not in ids


def test_a_question_asking_to_enter_and_about_the_risk_keeps_the_rule(intents, guide):
    question = "住民の名簿をChatGPTに入れても大丈夫?漏れたりしない?"
    assert {"input", "permission", "risk"} <= asked(intents, normalize(question))
    assert guide.search(question)[0].section.id == "2章5-1(1)"


def test_nande_of_nandesu_asks_no_reason(intents):
    # なんで (why) is not the なんで of なんですか (what is) nor of どうなんでしょう (how about).
    for question in ("会話型AIってなんですか", "研修って受けなきゃダメなんですか", "ロゴを入れるのはどうなんでしょう"):
        assert "risk" not in asked(intents, normalize(question))
    assert "risk" in asked(intents, normalize("毎回答えが違う。なんで?"))


def test_a_check_of_what_came_out_is_the_check_the_rules_require(intents, guide):
    # 「確認しなきゃダメ?」 about what came out is about 6-1's 照合/裏付け, whatever words ask it; about 利用規約 it is
    # 6-4's check (terms_with: output).
    verify = next(i for i in intents if i.name == "verify")
    question = "GPTが出した数字とか法律の条文、確認しなきゃダメ?"
    assert verify.tells(asked(intents, normalize(question)))
    assert guide.search(question)[0].section.id == "2章6-1"
    assert guide.search("GPTが出してきた数字、そのまま会議資料に使っていい?裏どりいる?")[0].section.id == "2章6-1"
    rules = "ChatGPTの利用規約って確認しないといけない?"
    assert "verify" in asked(intents, normalize(rules)) and not verify.tells(asked(intents, normalize(rules)))
    assert guide.search(rules)[0].section.id == "2章6-4"


def test_terms_with_names_known_intents(tmp_path):
    path = tmp_path / "intents.yaml"
    path.write_text("intents:\n  - name: x\n    question: ['a']\n    text: ['a']\n    terms: [b]\n    terms_with: [y]\n", encoding="utf-8")
    with pytest.raises(RuleDataError, match="terms_with"):
        load_intents(path)


def test_the_providers_duties_are_not_the_staffs_procedures_of_use(intents, guide):
    # 2章7-2(2) (staff share a use case, DX推進課 周知) and 3章1-1(5) (the provider reviews and tells users) both
    # speak of 周知 and the chatbot; asked as the provider, 2章7's procedures of use are elsewhere.
    question = "チャットボットのやりとりを見返して、便利な使い方とか問題点を利用者に知らせるのって、提供する側の仕事になってる?"
    assert "provider" in asked(intents, normalize(question))
    assert guide.search(question)[0].section.id == "3章1-1(5)"
    assert guide.search("チャットボットでいい使い方を見つけたら報告するの?")[0].section.id == "2章7-2(2)"


def test_a_form_asked_for_by_its_own_name_comes_first(intents, guide):
    # 様式3's title less its service (ChatGPT障害発生報告書 -> 障害発生報告書) names it; 2章7-1(6) only mentions it.
    assert guide.search("障害発生報告書の記入項目おしえて")[0].section.id == "様式3"
    question = "チャットボット活用事例報告書、想定活用頻度とか内線番号も書くの?"
    assert "form" in asked(intents, normalize(question))
    assert guide.search(question)[0].section.id == "様式4"
    # Not asking for the form itself, the rule that mentions it stays first.
    assert guide.search("障害発生報告書はいつ出すの?")[0].section.id != "様式3"


def test_what_a_service_learns_from_is_no_definition(intents, guide):
    # 「…って何の情報を覚えてる」 asks what the chatbot answers from (2章2-1(1) 基本情報: 公式ホームページの情報を学習).
    question = "総合案内チャットボットって何の情報を覚えて答えてるの?"
    assert "definition" not in asked(intents, normalize(question))
    assert guide.search(question)[0].section.id == "2章2-2(1)"
    for meaning in ("パブリシティ権って何のこと?", "ブレストってなに?"):
        assert "definition" in asked(intents, normalize(meaning))


def test_doing_a_task_with_the_ai_is_entering_its_material(intents):
    # 「GPTでやっていい?」「AIで処理して」: the material of the task goes into the AI.
    for question in ("この名簿の整理、GPTでやって問題ない?", "AIで処理していい?"):
        assert "input" in asked(intents, normalize(question))


def test_english_questions_name_the_provider_and_the_rulebook(intents, guide):
    # Running the chatbot is the provider's side; "our city's AI rulebook" names these rules.
    question = "As the team running the city's chatbot, are we supposed to keep track of new attack techniques against the model?"
    assert "provider" in asked(intents, normalize(question))
    assert guide.search(question)[0].section.id == "3章1-1(4)"
    rulebook = "Which national guidelines was our city's AI rulebook modeled on?"
    assert "rules" in asked(intents, normalize(rulebook))
    assert guide.search(rulebook)[0].section.id == "1章1-1"
    # An attack on a person is no attack on the system (3章1-1(4)).
    assert guide.search("Could ChatGPT write something that attacks a real person?")[0].section.id != "3章1-1(4)"


def test_what_a_thing_other_than_a_service_is_is_its_glossary_entry(intents, guide):
    # Claude Haiku is described in the glossary (用語(※8)); ChatGPT, a service of the rules, under 基本情報.
    for question in ("Claude Haikuの特徴は", "クロード ハイクってどんなAI?"):
        assert "about" in asked(intents, normalize(question))
        assert guide.search(question)[0].section.id == "用語(※8)"
    assert guide.search("ChatGPTの特徴は?")[0].section.id == "2章2-1(1)"


def test_a_search_box_question_asking_the_meaning_of_a_term(intents, guide):
    # 「パブリシティ権 意味」: the term and 意味, as typed into a search box.
    for question in ("パブリシティ権 意味", "パブリシティけん　意味"):
        assert "definition" in asked(intents, normalize(question))
        assert guide.search(question)[0].section.id == "用語(※14)"
    assert "definition" not in asked(intents, normalize("AIに聞く意味ある?"))


def test_whether_the_rules_change_is_answered_where_they_say_they_are_revised(intents, guide):
    # 5章「…適宜見直しを行うこととする」.
    for question in ("このルールって今後変わる可能性ある?", "Will these rules change?"):
        assert "revision" in asked(intents, normalize(question))
        assert guide.search(question)[0].section.id == "5章"
    assert "revision" not in asked(intents, normalize("ルールに沿って文章を変えたい"))
    # A change of something else in a question naming the rules: the gap holds no が/を/で (round9b db51c37).
    question = "このルールで利用者が変わったら申請いる?"
    assert "revision" not in asked(intents, normalize(question))
    assert guide.search(question, 1)[0].section.id == "2章7-1(2)"


def test_figures_the_ai_gave_are_facts_to_check_but_figures_to_enter_are_data(intents, guide):
    # 2章6-1 「正確で信頼できる情報源と照合し、必ず根拠や裏付けを確認すること」 is what the rules say of facts it gave.
    facts = next(i for i in intents if i.name == "facts")
    question = "GPTが出してきた統計の数字、そのまま資料に使っていい?"
    assert facts.tells(asked(intents, normalize(question)))
    assert guide.search(question, 1)[0].section.id == "2章6-1"
    # Without output its terms are not read (terms_with: output): figures to enter are data (2章5).
    question = "予算の数字をChatGPTに入れていい?"
    assert not facts.tells(asked(intents, normalize(question)))
    assert guide.search(question, 1)[0].section.id == "2章5-1(1)"


def test_how_to_prevent_is_answered_by_the_rule_before_the_fact(intents, guide):
    # 2章6-1 「…照合し、必ず根拠や裏付けを確認すること」 keeps it from going wrong; 6-6 says whom to tell once it has.
    question = "ハルシネーション対策って具体的に何をすればいいの"
    assert "prevent" in asked(intents, normalize(question))
    assert guide.search(question, 1)[0].section.id == "2章6-1"
    # Something that went wrong is still answered where the rules say what to do then.
    assert guide.search("トラブルが起きたときの対策は?", 1)[0].section.id in {"2章7-1(6)", "2章7-2(3)"}


def test_what_a_thing_other_than_a_service_is_asks_for_its_glossary_entry(guide):
    # 用語(※7) Anthropic, 用語(※8) Claude Haiku, 用語(※3) the ministry's guideline, 用語(※9) 会話型AI: asking what the
    # thing is (どこの会社, どんなAI, どういうもの, と何が違う) asks what the term is.
    for question, section in (
        ("Anthropicってどこの会社?", "用語(※7)"),
        ("クロード ハイクってどんなAI?", "用語(※8)"),
        ("総務省の情報セキュリティポリシーのガイドラインってどういうもの?", "用語(※3)"),
        ("会話型AIってチャットボットと何が違うの", "用語(※9)"),
    ):
        assert guide.search(question, 1)[0].section.id == section
    # Of a service the rules cover it asks what the service is (基本情報), not for the glossary.
    assert guide.search("総合案内のチャットボットって何のデータを元に答えてるの?", 1)[0].section.id == "2章2-2(1)"
    # A term the glossary lacks still goes to its rule.
    assert guide.search("無償版って有償版と何が違うの", 1)[0].section.id == "2章1-1(2)"


def test_a_longer_aside_before_douiukoto_still_asks_for_a_meaning(intents, guide):
    question = "ライセンス違反ってこの文脈だと具体的にどういうこと?"
    assert "definition" in asked(intents, normalize(question))
    assert guide.search(question, 1)[0].section.id == "用語(※12)"


def test_a_picture_the_ai_drew_is_what_it_made(intents, guide):
    # 描く is how people say a picture was made: 「AIに描かせたイラスト」 is a 生成物 as 「書かせた文章」 is.
    for question in ("AIに描かせたイラスト、チラシに使っていい?", "ChatGPTが描いた絵は使える?"):
        assert "output" in asked(intents, normalize(question))
    question = "AIに描かせたイラストが有名キャラにそっくりだった。チラシに使ったらまずい?"
    assert guide.search(question, 1)[0].section.id == "2章6-2(1)"


def test_what_came_back_after_having_the_ai_do_something_is_output(intents):
    # 「GPTに要約させたら、…になってた」: a past account of what it gave; 「まとめさせたらダメ?」 asks before.
    assert "output" in asked(intents, normalize("GPTに要約させたら、数字が全然違う内容になってた"))
    assert "output" not in asked(intents, normalize("名簿をGPTにまとめさせたらダメ?"))


def test_the_rules_named_by_their_own_title_are_the_rules_as_a_whole(intents, guide):
    # 利活用ルール is the cover's name for them (松戸市職員生成AI利活用ルール), compound as it is.
    question = "生成AIの利活用ルール、作ってるのはどこの部署なんですか"
    assert "rules" in asked(intents, normalize(question))
    assert guide.search(question, 1)[0].section.id == "表紙"
    # Another body's 利用ガイドライン (1章1-1's JDLA guideline) is not these rules.
    assert "rules" not in asked(intents, normalize("JDLAの利用ガイドラインって何?"))


def test_what_a_covered_service_is_or_can_do_is_its_basic_information(intents, guide):
    for question, section in (
        ("そもそもChatGPTってどういうことができるツールなの?", "2章2-1(1)"),
        ("ChatGPTってどういうもの?", "2章2-1(1)"),
        ("ChatGPTってどんなAI?", "2章2-1(1)"),
        ("チャットボットってどういうもの?", "2章2-2(1)"),
    ):
        assert "service" in asked(intents, normalize(question))
        assert guide.search(question, 1)[0].section.id == section
    # Whether it can do one thing is answered where the rules say so (2章3-1(6) 判断力は備わっていない).
    question = "ChatGPTは人間と同じように判断できる?"
    assert "service" not in asked(intents, normalize(question))
    assert guide.search(question, 1)[0].section.id == "2章3-1(6)"


def test_what_was_typed_or_pasted_in_is_no_entering_asked_about(intents):
    # 打ち込んだ内容, 貼った文章 name what was entered, as 入力した内容 does: the question is about what happens to it.
    assert asked(intents, normalize("打ち込んだ内容がどっかに広まったりする危険ってあるの?")) == {"risk"}
    assert "input" not in asked(intents, normalize("貼った文章が学習に使われることはある?"))
    assert "input" in asked(intents, normalize("名簿を打ち込んでもいい?"))
    assert "input" in asked(intents, normalize("議事録を貼ってもいい?"))


def test_what_a_named_thing_is_for_asks_for_its_glossary_entry(intents, guide):
    # 「…って、そもそも何のための文書?」 asks what the thing is: 用語(※3) describes the 総務省 guideline, which is
    # another body's guideline, not these rules (1章1-1 only names it).
    question = "総務省の情報セキュリティポリシーのガイドラインって、そもそも何のための文書?"
    assert "definition" in asked(intents, normalize(question))
    assert "用語(※3)" in [h.section.id for h in guide.search(question)[:3]]
    # What these rules are for stays their purpose (1章3).
    assert guide.search("このルールって、何のためにあるの?")[0].section.id == "1章3"


def test_the_chapters_generative_ai_system_is_the_service_it_named_so(guide):
    # 3章1-1(1): 「生成 AI 総合案内チャットボット等の生成 AI システム」; 3章1-1(2) 「生成 AI システムが利用されている
    # こと…業務と関係のない…入力」 is then about the chatbot. 2章6-6's 「生成 AI システム特有の…リスクケース」 is not.
    referred = dict(zip((leaf.id for leaf in guide.index.leaves), guide.index._referred_services(guide.tree), strict=True))
    assert referred["3章1-1(2)"] == referred["3章1-3(1)"] == "生成ai総合案内チャットボット"
    assert referred["2章6-6"] == ""
    question = "市民が案内ボットで関係ない遊びの質問ばかりしてたら、市はそれ把握してる?"
    assert "3章1-1(2)" in [h.section.id for h in guide.search(question)[:3]]


def test_whether_two_words_mean_the_same_or_what_a_thing_is_like(intents, guide):
    # 「XってYと同じ意味?」 asks what X means; 「Xってどういう特徴のAI?」 what X is (glossary, when X is no service).
    assert "definition" in asked(intents, normalize("会話型AIってチャットボットと同じ意味ですか"))
    assert guide.search("会話型AIってチャットボットと同じ意味ですか")[0].section.id == "用語(※9)"
    assert "about" in asked(intents, normalize("Claude Haikuってどういう特徴のAI?"))
    assert guide.search("Claude Haikuってどういう特徴のAI?なんでチャットボット向きなの")[0].section.id == "用語(※8)"
    # A service the rules describe keeps its 基本情報.
    assert guide.search("ChatGPTってどういう特徴があるの?")[0].section.id == "2章2-1(1)"


def test_starting_to_say_something_is_no_output(intents):
    # 言い出したり (starts saying) is not 出した (what the AI put out); 「AIが出してきた数字」 still is.
    assert "output" not in asked(intents, normalize("AIって悪いことに使われたり、変なこと言い出したりするって聞くけど本当?"))
    assert "output" in asked(intents, normalize("AIが出してきた数字"))


def test_a_boost_is_a_number_from_1_to_5(tmp_path):
    path = tmp_path / "intents.yaml"
    for bad in ("0.5", "9", "'x'", "true"):
        path.write_text(f"intents:\n  - name: x\n    question: ['a']\n    text: ['a']\n    boost: {bad}\n", encoding="utf-8")
        with pytest.raises(RuleDataError, match="boost は 1 以上 5 以下"):
            load_intents(path)
    path.write_text("intents:\n  - name: x\n    question: ['a']\n    text: ['a']\n    boost: 2\n", encoding="utf-8")
    assert load_intents(path)[0].boost == 2.0


def test_something_already_gone_wrong_is_answered_by_what_to_do_then(guide):
    # However much the question says about the data (the rule on entering it, the provider's leak check), what the
    # asker must do now is in the sections for a problem that has arisen.
    for question in (
        "I accidentally pasted a resident's address into ChatGPT. What now?",
        "AIに職員の給与データを貼ってしまった…",
        "うっかりAIに住民の住所を入れてしまいました",
    ):
        assert guide.search(question)[0].section.id == "2章7-1(6)", question
    assert guide.search("I think I entered a citizen's phone number into the chatbot by mistake.")[0].section.id == "2章7-2(3)"
    # Before the fact, the rule on entering it answers.
    assert guide.search("住民の住所をChatGPTに入れてもいい?")[0].section.id == "2章5-1(1)"
