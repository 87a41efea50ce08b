"""How the index reads short Japanese questions that ask what a term means, whom to ask, or how to apply."""

from __future__ import annotations

from policy.guide.intent import asked
from policy.guide.present import answer_view
from policy.guide.terms import normalize


def _weights(guide, question: str) -> dict[str, float]:
    return guide.index.read(normalize(question)).weights


def test_the_digits_of_a_numbered_class_are_read_once(guide):
    # 機密性1 is one class; read again as the bare 1 it would match every section numbered (1).
    weights = _weights(guide, "機密性1のものなら入力OKって理解であってる?")
    assert "機密性1" in weights and "1" not in weights
    assert guide.search("機密性1のものなら入力OKって理解であってる?")[0].section.id == "別紙機密性"
    # A form numbered in its own name keeps its place.
    assert guide.search("様式1の申請書ってどんな項目を書くの?")[0].section.id == "様式1"


def test_digits_listed_after_a_numbered_class_number_the_same_word(guide):
    weights = _weights(guide, "機密性3と2と1の違いを教えて")
    assert {"機密性3", "機密性2", "機密性1"} <= weights.keys()
    assert not {"1", "2", "3"} & weights.keys()
    # Classes compared side by side are the rows of the annex's table.
    assert guide.search("機密性3と2と1の違いを教えて")[0].section.id == "別紙機密性"


def test_the_row_of_the_class_asked_about_is_marked(guide):
    view = answer_view(guide, "機密性1の情報ならChatGPTに入力できる?")
    table = next(
        r for s in view["results"] if s["id"] == "別紙機密性" for p in s["paragraphs"] for r in [p["rows"]] if r
    )
    assert [row["cells"][0] for row in table[1:] if row["marked"]] == ["1"]  # table[0]: the header


def test_what_residents_entered_is_the_providers_question_not_a_use_of_the_service(guide):
    # 2章2-2(2) lists the staff's uses of the chatbot and sends the residents' side on to 第3章
    # (「市民への提供という観点については、第3章にて後述する。」).
    hits = guide.search("市民がボットに打ち込んだ内容、市として何に使っていいか決まってますか")
    assert hits[0].section.id == "3章1-3(1)"


def test_a_question_about_who_the_rules_cover_asks_for_their_audience(guide, intents):
    for question in ("このガイドラインはどの職員が対象?", "教育委員会や上下水道の職員もこのルールの対象ですか"):
        assert "audience" in asked(intents, normalize(question))
        assert guide.search(question)[0].section.id == "2章1-2"
    # 対象 after another noun is that noun's: 評価対象の職員 are the ones evaluated.
    assert "audience" not in asked(intents, normalize("評価対象の職員名や勤務状況を入力してもいい？"))
    # The services the rules cover are 2章1-1's.
    assert "audience" not in asked(intents, normalize("有償版のChatGPTも対象?"))


def test_whom_to_ask_about_the_rules_is_their_inquiry_desk(guide):
    assert guide.search("ガイドラインでわからないとこがあったら、誰に聞けばいい")[0].section.id == "4章"
    # Something that went wrong is reported, not asked about.
    assert guide.search("個人情報を入力してしまいました。誰に報告すればいい?")[0].section.id != "4章"


def test_whom_to_ask_before_entering_something_is_the_superior(guide, intents):
    question = "入力していいか微妙なデータがあるとき、誰に確認すればいい？"
    assert guide.search(question)[0].section.id == "2章4"
    # Without input in view the superior is not added: 「ガイドラインのことで誰に相談すれば」 is 4章's.
    assert "所属長" not in guide.index.read(normalize("ガイドラインのことで誰に相談すれば")).weights
    assert guide.search("ガイドラインのことで誰に相談すれば")[0].section.id == "4章"


def test_the_first_step_of_a_procedure_is_its_first_numbered_step(guide):
    # 7-1(1) 説明会の参加 comes before 7-1(2)'s application.
    assert guide.search("ChatGPTを課で使いたいんだけど最初に何すればいいの?")[0].section.id == "2章7-1(1)"
    # まずい is no first step; どこから (from where) is no first step either.
    assert guide.search("申請したあと、使っていいかの返事はどこから来るの？")[0].section.id == "2章7-1(2)"


def test_which_paper_to_submit_to_use_a_service_is_its_application(guide, intents):
    question = "ChatGPTを使いたい課はどんな書類を出す?"
    # 「使いたい課」 is the rules' 「利用を希望する所属」; which paper to hand in asks for the procedure.
    assert {"wish", "procedure"} <= asked(intents, normalize(question))
    assert guide.search(question)[0].section.id in {"2章7-1(2)", "様式1"}


def test_a_word_the_rules_wrote_asked_about_is_a_definition(guide, intents):
    question = "ライセンス違反って書いてあるけど、具体的にどういうこと?"
    # って書いてある quotes the rules' wording: nothing a service wrote (output).
    assert asked(intents, normalize(question)) == {"definition"}
    assert guide.search(question)[0].section.id == "用語(※12)"


def test_what_sets_a_term_apart_from_another_is_its_glossary_entry(guide):
    assert guide.search("生成系AIって、普通のAIと何が違うの")[0].section.id == "用語(※4)"


def test_whether_something_is_required_is_answered_where_the_rules_require_it(guide, intents):
    question = "ChatGPTの利用規約って職員も読まないといけないんですか"
    assert "duty" in asked(intents, normalize(question))
    # 6-4 「利用規約を必ず確認の上…利用すること」, not 3-1(4)'s risk that OpenAI's terms allow learning.
    assert guide.search(question)[0].section.id == "2章6-4"
    # Only as the question's ending: a task that needs something is no question of duty.
    assert "duty" not in asked(intents, normalize("個人情報を入力する必要がある業務でAIを使っていい?"))


def test_where_the_chatbot_is_put_only_names_it(guide):
    weights = _weights(guide, "市HPのチャットボット、中で動いてるAIモデルって何？バージョンも")
    assert "ホームページ" not in weights and "生成ai総合案内チャットボット" in weights
    assert guide.search("市HPのチャットボット、中で動いてるAIモデルって何？バージョンも")[0].section.id == "2章1-1(3)"
    # Where on the homepage it is stays a question about the homepage.
    assert "ホームページ" in _weights(guide, "総合案内チャットボットってHPのどこから開けるの？")


def test_what_the_rules_were_made_from_is_their_premise(guide, intents):
    assert guide.search("このガイドラインって国のなにかを元にしてるの?")[0].section.id == "1章1-1"
    # The 元ネタ of a text the AI wrote is its 出典, no question about the rules.
    assert "basis" not in asked(intents, normalize("AIの文章を使うとき、元ネタがどこかも書くべき?"))


def test_a_trend_is_no_procedure(guide):
    weights = _weights(guide, "なんで市役所でまでAIを使おうって流れになってるの？")
    assert "動向" in weights and "手順" not in weights
    assert guide.search("なんで市役所でまでAIを使おうって流れになってるの？")[0].section.id == "1章2"


def test_something_perhaps_done_already_is_an_incident(guide, intents):
    question = "まだ実害は出てないけど、係の職員がAIに個人情報を入れたかもしれない。この段階でも上に報告すべき？"
    assert "incident" in asked(intents, normalize(question))
    # 7-1(6): 「問題が発生した場合、又は、問題発生のおそれがある場合には…報告を行い」.
    assert guide.search(question)[0].section.id == "2章7-1(6)"


def test_a_use_that_worked_well_is_shared_as_an_effective_use(guide):
    question = "チャットGPTで議事録の下書き時間が半分になった。こういう成功例ってどこかに報告するの？"
    assert guide.search(question)[0].section.id == "2章7-1(5)"


def test_the_provider_side_is_not_what_staff_may_enter(guide, intents):
    # Residents entering data, and the contract with the contractor, are 第3章's; 2章5 tells staff what they may enter.
    question = "チャットボットの入力欄に、市民が自分のマイナンバーや病名を打ち込んでる。運用側は何を見ておけばいい？"
    assert guide.search(question)[0].section.id == "3章1-1(3)"
    assert (
        guide.search("チャットボットの委託契約で、入力データの扱いについて何を確認しておけばいい")[0].section.id
        == "3章1-3(2)"
    )
    # Data the contractor gave staff is no provider's question.
    assert "provider" not in asked(
        intents, normalize("委託先の会社名と契約額が並んだ執行状況の表、AIに集計させても平気？")
    )
    assert "provider" not in asked(intents, normalize("委託先から「社外秘」と言われた見積りの内訳をAIで比較したい"))


def test_reviewing_logs_and_asking_the_vendor_are_the_providers_work(guide, intents):
    question = "チャットボットの回答精度が落ちてきた気がする。ベンダーにモデル改善をお願いしていいの?"
    assert "provider" in asked(intents, normalize(question))
    assert guide.search(question)[0].section.id == "3章1-2(1)"
    question = "ログのレビューで分かったチャットボットの苦手な質問、職員に知らせたほうがいいですか"
    assert "周知" in _weights(guide, question)
    assert guide.search(question)[0].section.id == "3章1-1(5)"


def test_a_plausible_answer_is_the_rules_natural_text(guide):
    # 2章3-1(1) 「誤った内容でも自然な文章で作成されるため間違いに気付きにくく」.
    weights = _weights(guide, "もっともらしい嘘を書くって聞いたけど、見抜けないのでは")
    assert {"自然", "気付く"} <= weights.keys()
    assert guide.search("もっともらしい嘘を書くって聞いたけど、見抜けないのでは")[0].section.id == "2章3-1(1)"


def test_whether_the_services_may_be_used_at_all_is_the_rule_of_use(guide):
    # 2章4 「原則として所属長の許可を得た上で…利用すること」, not a list of uses.
    assert guide.search("そもそも仕事で生成AIを使っていいの？")[0].section.id == "2章4"
    assert guide.search("そもそもChatGPTって何ができるの?")[0].section.id == "2章2-1(1)"


def test_what_staff_may_do_with_a_service_is_its_list_of_uses(guide):
    assert "活用方法" in _weights(guide, "ChatGPTで仕事上やっていいことって具体的に何?")
    assert guide.search("ChatGPTで仕事上やっていいことって具体的に何?")[0].section.id == "2章2-1(2)"


def test_whether_a_use_is_among_the_intended_ones_asks_for_the_list_of_uses(guide, intents):
    question = "案内チャットボットにエクセルの計算式を聞くのって、想定された使い方に入ってます？"
    assert "permission" in asked(intents, normalize(question))
    assert guide.search(question)[0].section.id == "2章2-2(2)"


def test_the_service_a_question_compares_with_is_not_the_one_it_asks_about(guide):
    question = "チャットボットでExcel関数作ってもらうのはできる?ChatGPTと使い道ちがうの"
    assert guide.index.read(normalize(question)).compared == ("chatgpt",)
    assert guide.search(question)[0].section.id == "2章2-2(2)"


def test_is_it_true_what_one_heard_is_no_accuracy_of_an_answer(guide):
    question = "AIって悪いことに使われたり、変なこと言い出したりするって聞くけど本当？"
    assert "正確" not in _weights(guide, question)
    assert guide.search(question)[0].section.id == "2章3-1(6)"
    # An answer one may believe stays a question of 正確.
    assert "正確" in _weights(guide, "AIの答えって本当に正しいの？")


def test_by_what_route_a_leak_happens_asks_for_the_risk(guide, intents):
    question = "AIに入れた個人情報が外に広まるって、どういう経路でそうなるの？"
    # 入れた個人情報 names what was entered; the question asks how it spreads (2章3-1(3) 「…拡散される恐れがある」).
    # (and staff putting it to an AI themselves ask as 第2章's users: 'user').
    assert asked(intents, normalize(question)) == {"risk", "user"}
    assert guide.search(question)[0].section.id == "2章3-1(3)"
    # How a service works is no risk.
    assert "risk" not in asked(intents, normalize("総合案内チャットボットってどういう仕組みで答えてるの?"))


def test_a_device_of_ones_own_asks_for_the_devices_the_rules_name(guide, intents):
    question = "自分のスマホでChatGPT使って業務メールの下書き作るのは？"
    assert "device" in asked(intents, normalize(question))
    assert guide.search(question)[0].section.id == "2章1-2"


def test_what_the_rules_say_is_no_label_on_a_text(guide, intents):
    # 「なんて書いてあった」「どうしろって書いてある」 ask what the rules say; 「AIで作ったって書いておく」 is 2章6-5's 明記.
    for question in ("個人情報の入力についてはなんて書いてあったっけ", "ログの保存期間はどうしろって書いてある?"):
        assert "明記" not in _weights(guide, question)
        assert "output" not in asked(intents, normalize(question))
    assert "明記" in _weights(guide, "AIで作ったって書いておくべき?")


def test_an_answer_not_as_expected_is_one_in_doubt(guide):
    assert guide.search("チャットボットから期待した答えが出ないときはどうする?", 1)[0].section.id != "2章6-5"
    assert "疑義" in _weights(guide, "ChatGPTから思った答えが返ってこない")


def test_who_made_a_document_named_in_quotes_asks_for_its_glossary_entry(guide, intents):
    question = "「地方公共団体における情報セキュリティポリシーに関するガイドライン」って誰が作ったもの?"
    assert "definition" in asked(intents, normalize(question)) and "output" not in asked(intents, normalize(question))
    assert guide.search(question, 1)[0].section.id == "用語(※3)"
    assert "output" in asked(intents, normalize("AIが作った画像を使っていい?"))


def test_the_glossary_named_as_the_place_frames_the_term(guide, intents):
    question = normalize("用語解説の「パブリシティ権」の説明ってどこ?")
    assert guide.index.read(question).topic == "パブリシティ権"
    assert "definition" in asked(intents, question)


def test_a_services_uses_are_its_list_of_uses(guide):
    assert "活用方法" in _weights(guide, "ChatGPTはどんな用途に向いてる?")
    assert "目的外利用" in _weights(guide, "入力された内容を用途外に使う")
