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


def test_a_name_qualified_or_quoted_before_tte_is_the_topic(guide):
    # 「…っていう」「…でいう」 and an opening quote put a name after them; the name is what is asked about.
    assert guide.index.read(normalize("資料に出てくるっていうデジタル社会推進会議幹事会ってなに?")).topic == "デジタル社会推進会議幹事会"
    assert guide.index.read(normalize("本文でいうライセンス違反って、どういうこと?")).topic == "ライセンス違反"
    assert guide.index.read(normalize("研修で「会話型AIとは」を説明したい")).topic == "会話型ai"
    # 「…っていうのは」 still marks its topic.
    assert guide.index.read(normalize("ブレインストーミングっていうのは何?")).topic == "ブレインストーミング"


def test_what_kind_of_body_or_document_a_named_one_is_asks_for_the_glossary(guide, intents):
    assert "definition" in asked(intents, normalize("デジタル社会推進会議幹事会って、どういう組織なの?"))
    assert "definition" in asked(intents, normalize("そのガイドラインって、どういう位置づけの文書?"))
    assert guide.search("ルールが挙げてる「デジタル社会推進会議幹事会」って、どういう組織?")[0].section.id == "用語(※2)"
    assert guide.search("ルールでいうライセンス違反って、どういう話?")[0].section.id == "用語(※12)"


def test_the_service_a_question_likens_its_subject_to_is_not_the_one_it_asks_about(guide):
    for question in (
        "案内ボットの答えで市民から苦情が来そう。ChatGPTのように報告書を書いて出すの?",
        "チャットボットで不具合が出たら、ChatGPTの場合と同じく誰かに報告?",
        "チャットボットで議事録のたたき台を作るのは活用方法の範囲に入る?ChatGPTだとOKだったけど",
    ):
        assert guide.index.read(normalize(question)).compared == ("chatgpt",), question
    assert guide.search("案内ボットの答えで市民から苦情が来そう。ChatGPTのように報告書を書いて出すの?")[0].section.id == "2章7-2(3)"


def test_activity_methods_are_uses_not_a_procedure(intents):
    # 活用方法 (the uses 2章2 lists) is no 方法 of doing something; 「活用方法の範囲に入る?」 asks whether a use is among them.
    wanted = asked(intents, normalize("チャットボットで翻訳するのは活用方法の範囲に入ってますか"))
    assert "permission" in wanted and "procedure" not in wanted
    assert "procedure" in asked(intents, normalize("申請の方法を教えて"))


def test_a_residents_quoted_question_about_the_chatbot_is_asked_of_its_provider(guide, intents):
    question = "住民の方に「ボットに書いた相談内容って誰かが読むの?」と聞かれた。なんて説明すれば?"
    assert "provider" in asked(intents, normalize(question))
    assert guide.search(question)[0].section.id.startswith("3章")


def test_what_the_last_sentence_asks_is_asked_whatever_the_situation_shows(guide, intents):
    question = "ネットのブログ記事を全文貼り付けて翻訳させちゃった。貼り付けるだけでも権利の問題になる?"
    # Said in one breath the deed (incident) replaces input; the last sentence asks about entering it (2章5-2).
    assert "input" not in asked(intents, normalize(question.replace("。", "、")))
    assert guide.search(question)[0].section.id == "2章5-2(1)"


def test_a_work_that_sounds_familiar_is_like_an_existing_one(guide):
    assert "類似" in _weights(guide, "AIに書かせたキャッチコピー、どこかで見た気がする")
    question = "ChatGPTに作らせたイベントのロゴ、見覚えがある気がする。ポスターに使っていい?"
    assert guide.search(question)[0].section.id.startswith("2章6-2")


def test_what_a_service_made_for_the_asker_is_their_output(guide, intents):
    for question in ("GPTが書いた挨拶文、少し直せば使える?", "ChatGPTの文章を広報に流用していい?"):
        wanted = asked(intents, normalize(question))
        assert {"output", "user"} <= wanted and "provider" not in wanted, question


def test_what_a_law_or_system_says_in_an_answer_is_a_fact_to_check(guide, intents):
    question = "ChatGPTがまとめた制度の概要、市民向けチラシにそのまま載せていい?"
    assert "facts" in asked(intents, normalize(question))
    # (6-5, what to state when handing it on as it is, answers its そのまま too.)
    assert "2章6-1" in [h.section.id for h in guide.search(question)[:2]]


def test_what_the_rules_see_as_a_concern_asks_for_their_list_of_issues(guide, intents):
    for question in ("AIの回答の偏りって、ルールで課題として挙げられてる?", "市はこの情報漏れのリスクをどう捉えてるの?"):
        assert "concern" in asked(intents, normalize(question)), question
    assert "concern" not in asked(intents, normalize("個人情報を入れても問題ない?"))
    assert guide.search("職員がAIに仕事を丸投げしちゃう心配って、ルールではどう考えられてる?")[0].section.id == "2章3-1(7)"


def test_a_report_the_ai_writes_is_no_form(intents):
    assert "form" not in asked(intents, normalize("報告書をGPTに書かせるのってどうなの"))
    assert "form" in asked(intents, normalize("活用事例の報告書には何を書けばいい?"))


def test_an_outside_service_used_without_approval_is_2_4s(guide):
    weights = _weights(guide, "許可なしで外部のクラウドサービスを仕事に使うのって何がまずいの?")
    assert "外部サービス" in weights and "第三者" not in weights
    assert guide.search("許可なしで外部のクラウドサービスを仕事に使うのって何がまずいの?")[0].section.id == "2章4"


def test_a_list_to_see_and_the_rules_by_their_name(intents):
    assert "table" in asked(intents, normalize("機密性ごとの扱いを一覧で確認したい"))
    assert "rules" in asked(intents, normalize("生成AIガイドラインはいつできたの?"))


def test_an_article_the_staff_write_is_their_own_document(guide):
    weights = _weights(guide, "市の広報誌に載せる原稿を書いてるところです。AIのルールの版数を知りたい")
    assert "資料" in weights and "著作物" not in weights
    assert "著作物" not in _weights(guide, "市報の記事をGPTに書かせたら長すぎた")
    # Someone else's article stays a 著作物.
    assert "著作物" in _weights(guide, "新聞の記事をAIで要約してもいい?")


def test_a_registered_trademark_by_its_staff_words(guide):
    assert "登録商標" in _weights(guide, "商標登録済みのロゴをAIに読ませていい?")
    assert "作成" not in _weights(guide, "商標登録済みのロゴをAIに読ませていい?")


def test_what_the_city_may_use_entered_content_for_asks_for_its_purposes(guide, intents):
    for question in ("住民がボットに書いた相談、役所はどこまで使っていいの?", "チャットボットの質問ログ、ほかの用途で使ってもOK?"):
        assert "purpose" in asked(intents, normalize(question)), question
    assert "purpose" not in asked(intents, normalize("ChatGPTは何に使っていいの?"))
    assert guide.search("住民がボットに書いた相談、役所はどこまで使っていいの?")[0].section.id == "3章1-3(1)"


def test_what_a_service_may_be_used_for_asks_for_its_listed_uses(guide, intents):
    assert "uses" in asked(intents, normalize("ChatGPTってどういう業務に使えるの?"))
    assert "uses" in asked(intents, normalize("案内ボットは何に使っていいの?"))
    # What residents entered is the provider's question (3章1-3(1)), not a use the staff may make.
    wanted = asked(intents, normalize("住民がボットに入力した質問は何に使っていいの?"))
    assert "uses" not in wanted and "purpose" in wanted
    # What the entered data is used for by the service is a risk, not the city's purposes.
    assert "purpose" not in asked(intents, normalize("ChatGPTに入れた情報って何に使われるの?"))


def test_whether_a_report_is_done_asks_for_the_report_the_rules_require(guide, intents):
    question = "ChatGPTで議事録の要点整理をしたら作業が半分で済んだ。こういうのって報告書を出すものなの?"
    assert "duty" in asked(intents, normalize(question))
    assert guide.search(question)[0].section.id == "2章7-1(5)"


def test_adding_a_user_is_a_change_of_users_to_apply_for(guide):
    weights = _weights(guide, "異動してきた係員をChatGPTの利用者に追加するには?")
    assert {"変更", "申請"} <= weights.keys()
    assert guide.search("異動してきた係員をChatGPTの利用者に追加するには?")[0].section.id == "2章7-1(2)"


def test_where_the_line_is_drawn_is_the_classification(guide):
    assert "分類" in _weights(guide, "AIに入れていいデータの境目ってどこ?")
    assert guide.search("入力OKな情報とNGな情報の線引きを知りたい")[0].section.id in {"別紙機密性", "2章5-1(1)"}


def test_whether_something_could_happen_asks_for_the_risk(intents):
    assert "risk" in asked(intents, normalize("AIの答えが他の人に見られるってありえる?"))
    assert "risk" in asked(intents, normalize("気づかないうちに商標を使ってた、なんてことあり得ますか"))


def test_entered_data_is_what_was_entered(guide):
    assert "入力内容" in _weights(guide, "チャットボットの入力データって業者がほかに使うことある?")


def test_a_work_protected_or_copied_by_others_is_6_3s(guide):
    weights = _weights(guide, "GPTで作ったポスターの文言、うちの著作物として保護されるの?他市にパクリされたら嫌だ")
    assert {"発生", "模倣"} <= weights.keys() and "類似" not in weights
    assert guide.search("GPTで作ったポスターの文言、うちの著作物として保護されるの?他市にパクリされたら嫌だ")[0].section.id == "2章6-3"


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
