"""Questions in which staff describe a situation from their work (what they are doing, with what data) and ask
whether they may use AI: read by who acts (the staff with the AI, or residents with the city's chatbot), by the
task the rules list (2章2-1(2)) and by the data the prohibitions name (2章5-1)."""

from __future__ import annotations

from policy.guide.intent import asked
from policy.guide.terms import normalize


def _first(guide, question: str) -> str:
    return guide.search(question, 1)[0].section.id


def _top3(guide, question: str) -> list[str]:
    return [h.section.id for h in guide.search(question, 3)]


def test_staff_putting_material_to_an_ai_ask_as_users_not_as_the_provider(intents, guide):
    # 委託先 names whose data it is; the staff put it to the AI themselves (AIに集計させ), so the question is about
    # entering it (2章5), not the provider's contract with the chatbot's vendor (第3章).
    question = "委託先ごとの会社名と契約額をまとめた一覧、AIに並べ替えさせてもいい?"
    shown = asked(intents, normalize(question))
    assert "provider" not in shown and {"user", "input"} <= shown
    assert _first(guide, question) == "2章5-1(1)"
    # What the AI made for residents (市民向け) is still the staff's output (2章6), not the provider's.
    question = "AIで作った市民向けチラシの文が、どこかのサイトの文とそっくりだったら?"
    assert {"user", "output"} <= asked(intents, normalize(question))
    assert _first(guide, question) == "2章6-2(1)"
    # Residents typing into the chatbot remain the provider's side.
    assert "provider" in asked(intents, normalize("市民がチャットボットに入れた質問は何に使われる?"))
    assert "provider" in asked(intents, normalize("委託業者が入力データを勝手に使わないようにする取り決めは?"))


def test_an_intent_replaced_by_another_replaces_nothing_itself(intents):
    # provider replaces input; user replaces provider: input stays.
    shown = asked(intents, normalize("委託先の見積書をChatGPTに貼っても平気?"))
    assert "provider" not in shown and "input" in shown


def test_a_call_answered_by_searching_with_ai_is_the_listed_use(guide):
    # 2章2-1(2) 解説 ②「市民からの電話や来庁の問い合わせ時に…グーグル等インターネット検索をする代替として利用」.
    for question in (
        "電話で住民から聞かれたことを、ググるかわりにChatGPTで調べてもいい?",
        "来庁した人への説明のために、ネット検索の代わりにAIを使うのはどう?",
    ):
        assert _first(guide, question) in {"2章2-1(2)", "2章2-2(2)"}, question
    # A phone number stays contact details: the inquiry desk's number is 4章.
    assert _first(guide, "DX推進課の電話番号") == "4章"


def test_under_the_rules_is_no_question_about_the_rules(guide):
    # 「ルール的に」「ルール違反」 ask whether something is allowed, not about the rules as a whole (4章, 5章).
    question = "窓口でググる代わりにチャットGPTで調べるのってルール的にOK?"
    assert _first(guide, question) == "2章2-1(2)"


def test_an_ai_fixing_the_staffs_text_proofreads_it(guide):
    # 「GPTで手直し」: the AI fixes the staff's text, 2章2-1(2) ④ 文章の校正 and ③ わかりやすい文章作成; the staff's
    # own fix of what the AI made stays 6-3's 加筆・修正.
    question = "市民向けのお知らせ、もっとかみ砕いた言い回しにしたい。チャットGPTで手直ししてもいい?"
    assert _first(guide, question) == "2章2-1(2)"
    assert _first(guide, "AIが作った文章をそのまま手直しせずに使うのはだめな理由は") == "2章6-3"


def test_parents_are_residents_not_a_protected_right(guide):
    # 保護者 is no 保護 (6-3 権利保護): a newsletter for parents is a text for residents (2章2-1(2) ③ 住民等).
    question = "保護者向けのおたよりを読みやすくしたい。AIに直させてもいい?"
    assert set(_top3(guide, question)[:2]) == {"2章2-1(2)", "2章2-2(2)"}


def test_a_class_of_data_is_held_by_its_name_not_by_the_word_information(guide):
    # 症状 is 医療情報, which only 2章6-4 names (解説: 治療・処置…トリアージ); 2章5-1's 「職員が入力する情報は」 holds
    # 情報, not the medical class.
    from policy.guide.index import _without_generic_heads

    assert _without_generic_heads({"医療": 1.6, "情報": 1.6, "医療情報": 2.0}) == {"医療": 1.6, "医療情報": 2.0}
    assert _without_generic_heads({"情報": 1.0}) == {"情報": 1.0}
    for question in (
        "訪問先で聞いた利用者の症状をAIに入れて、どう処置すればいいか聞いてもいい?",
        "健康相談で、住民の症状から受診先をAIに判断させるのは?",
    ):
        assert _first(guide, question) == "2章6-4", question


def test_something_perhaps_entered_already_is_reported(guide, intents):
    # 「入れたかもしれない」: the act may be done; 2章7-1(6) 「問題が発生した場合、又は、問題発生のおそれがある場合」.
    question = "部下がChatGPTに住民の名前を貼り付けたかもしれない。実害はまだないけど報告はいる?"
    assert "incident" in asked(intents, normalize(question))
    assert _first(guide, question) == "2章7-1(6)"
    # Once something is done, the prohibition it broke (2章5) and the risk it ran (2章3) are not what to do now.
    assert _first(guide, "ChatGPTにうっかり職員の住所録を入れてしまいました。どうすれば?") == "2章7-1(6)"


def test_what_the_city_has_not_put_out_yet_is_before_publication(guide):
    # 5-1(3)「非公開や公開前の情報」: a council question before its notice, a bill not yet put to the council.
    for question in (
        "通告前に議員から届いた質問の原稿をAIで整理したい",
        "まだ出してない補正予算案の説明文、GPTで読みやすくしてもいい?",
    ):
        assert _first(guide, question) == "2章5-1(3)", question


def test_is_there_a_problem_asks_whether_it_is_allowed(intents, guide):
    # 「問題ありますか」 as 「問題ないですか」: a verdict asked for, not the 問題 of 7-1(6)'s 問題発生時.
    assert "permission" in asked(intents, normalize("この使い方は問題ありますか"))
    # 「整えるのにAIを使いたい」: the material is put to the AI for the task, so it is entered (2章5).
    question = "職員の勤務評定のメモ、文面を整えるのにAIを使いたいのですが問題ありますか"
    assert "input" in asked(intents, normalize(question))
    assert _first(guide, question) == "2章5-1(1)"


def test_a_question_of_several_sentences_asks_in_its_last(synonyms, guide):
    # The situation comes first, the ask last: the situation's words weigh less (query.SITUATION_WEIGHT).
    from policy.guide.query import SITUATION_WEIGHT, analyse

    query = analyse(normalize("ChatGPTで議事録を作った。報告は必要?"), synonyms)
    weights = query.weights
    assert weights["議事録"] == SITUATION_WEIGHT * analyse(normalize("ChatGPTで議事録を作った"), synonyms).weights["議事録"]
    assert weights["報告"] == analyse(normalize("報告は必要?"), synonyms).weights["報告"]
    # 「…苦情が来た。課としてどう対応すれば」: a complaint has come (incident) and the office asks what to do (procedure),
    # answered by 2章7-2(3) 問題発生時の対応, not by the chatbot's known weaknesses (2章3-2).
    assert _first(guide, "市民向けのチャットボットがおかしな回答をして苦情が来た。課としてどう対応すれば?") == "2章7-2(3)"


def test_a_use_that_worked_well_is_shared_by_its_form(guide):
    # 2章7-1(5)「効果的な活用方法を共有し、管理するため、【様式2】…を提出すること」.
    assert _first(guide, "GPTで会議録の作成がかなり楽になった。こういう成功例ってどこかに報告するの?") == "2章7-1(5)"


def test_a_device_of_ones_own_asks_which_devices_may_be_used(guide):
    # 2章1-2 「対象端末については、原則として次世代型職員用パソコン及び情報系の公用パソコンとする」: the task done on one's own
    # phone (下書き, 文章作成 of 2章2-1(2)) is not what is asked.
    for question in (
        "自分のスマホでChatGPTを使って挨拶文の下書きを作るのはあり?",
        "個人のパソコンからGPTで会議資料の文章を作ってもいい?",
    ):
        assert _first(guide, question) == "2章1-2", question


def test_output_of_unknown_origin_is_checked_against_its_grounds(guide):
    # 出典が分からない: 6-1 「正確で信頼できる情報源と照合し、必ず根拠や裏付けを確認すること」, not 6-5's 出典元 to cite.
    assert _first(guide, "GPTが出してきた人口の数字、出典が分からないけど報告書にそのまま載せていい?") == "2章6-1"


def test_which_papers_to_hand_in_to_start_is_the_application(intents, guide):
    # 「うちも使いたい」と相談が来た: another office wishes to use it (「利用を希望する所属は」), and 何の書類を出せば asks
    # for the procedure (2章7-1(2) 【様式1】…申請を行うこと).
    question = "隣の係から「うちもGPT使いたい」と言われた。何の書類を出せばいいか教えたい"
    assert {"wish", "procedure"} <= asked(intents, normalize(question))
    assert _first(guide, question) == "2章7-1(2)"


def test_records_kept_person_by_person_are_personal_information(guide):
    # 2章5-1(1) 解説「個人に関する情報」: a library's loans, a clinic's visits, kept for each person.
    for question in ("図書館の貸出履歴をAIで分析して選書に生かしたい",):
        assert _first(guide, question) == "2章5-1(1)", question


def test_staff_using_an_ai_they_do_not_name_mean_chatgpt_first(guide):
    # The service staff apply for to do their work (2章7-1) is ChatGPT; the chatbot is the city's for residents.
    top = _top3(guide, "保護者向けのおたよりを読みやすくしたい。AIに直させてもいい?")
    assert top[0] == "2章2-1(2)" and "2章2-2(2)" in top


def test_what_the_ai_made_found_wrong_is_fixed_before_use(guide):
    # 6-1 「生成物が事実と異なる場合は修正の上、所属長の責任で利用すること」.
    assert _first(guide, "GPTで作った手続きの案内文、対象年齢が違っていました。どう扱えばいい?") == "2章6-1"


def test_a_resident_who_lost_by_what_the_ai_said_is_a_risk_case(guide):
    # 6-6 「…利用者がその情報を利用したことによって、市民等の第三者に不利益を与えた…を検知した場合、迅速に…報告」.
    question = "AIの答えをもとに窓口で案内したら内容が古くて、その方が給付を受けられなかった。どこまで報告すればいい?"
    assert _first(guide, question) == "2章6-6"


def test_material_checked_by_an_ai_is_entered(intents, guide):
    # 「資料、ChatGPTで誤字チェックしてもいい?」: the material goes into the AI (input), and 議会に報告する前 is 5-1(3)'s 公開前.
    question = "議会に説明する前の補正予算の資料、ChatGPTで誤字チェックしてもいい?"
    assert "input" in asked(intents, normalize(question))
    assert _first(guide, question) == "2章5-1(3)"


def test_a_class_of_data_is_not_held_by_words_every_prohibition_says(guide):
    # 職員情報 is 2章5-1(1)'s; 5's heading 「職員がデータを入力する際」 gives 職員 to 5-1(2) as well.
    assert _first(guide, "職員の出勤簿の実績表、GPTで集計用に整形させたい。入れてOK?") == "2章5-1(1)"
    # 「発表まで出せない」: not yet published, 5-1(3).
    assert _first(guide, "来週の記者発表まで出せないイベント案、ChatGPTで練ってもいい?") == "2章5-1(3)"


def test_what_is_already_public_is_read_against_the_lead_of_5_1(guide):
    # 5-1「…一般に公開されても問題がないと判断したものだけに留めること」 (in 2章5-1(1), its first leaf).
    assert "2章5-1(1)" in _top3(guide, "HPにもう載ってる文章なら、チャットGPTに入れても大丈夫?")
