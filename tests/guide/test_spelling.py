"""Questions spelt differently from the rules find the rules' words: kana for kanji, the analyser's
lemmas for other spellings of a word, katakana names however the analyser cuts them."""

from __future__ import annotations

from policy.guide.query import analyse, without_contractions, without_introduction
from policy.guide.synonyms import load_synonyms
from policy.guide.terms import normalize, terms
from policy.japanese import tokenize


def test_a_word_spelt_in_hiragana_is_read_as_the_rules_word(guide):
    readings = guide.index._readings
    assert readings.respell("きみつせい1の情報") == "機密性1の情報"
    assert readings.respell("ちょさくけんのあるぶんしょう") == "著作権のある文章"
    assert readings.respell("ひみつほじけいやくがある") == "秘密保持契約がある"
    # Short readings are left alone: ないよう (内容) is also 「使わないように」.
    assert readings.respell("使わないようにしたい") == "使わないようにしたい"


def test_a_kana_question_finds_the_section_of_the_kanji_word(guide):
    assert guide.search("きみつせい2のじょうほうはだめ?")[0].section.id in {"2章5-1(1)", "別紙機密性"}
    assert guide.search("ぱぶりしてぃけんってなに")[0].section.id == "用語(※14)"


def test_a_katakana_name_is_one_term_wherever_the_analyser_cuts_it():
    # アイ+ネス before が, アイネ+スっ before って: the run as written is a term on both sides.
    assert "アイネス" in terms("アイネスってどんな会社") and "アイネス" in terms("(株)アイネスが提供する")


def test_verbs_written_in_kanji_count_though_they_can_be_auxiliaries():
    assert "間違う" in terms("開始年が間違ってました")
    assert "いる" not in terms("入力している")


def test_staff_words_are_found_by_their_lemmas(guide):
    # 裏どり: the analyser reads 裏+取り; 裏取り is a staff word for 根拠・裏付け (2章6-1).
    concepts = analyse("AIの回答って裏どり必要?", guide.index.synonyms).concepts
    assert any("裏付け" in c for c in concepts)


def test_a_question_asking_what_a_company_is_gets_its_glossary_entry(guide):
    assert guide.search("アイネスってどんな会社?")[0].section.id == "用語(※6)"
    assert guide.search("生成AIの定義は?")[0].section.id == "用語(※4)"


def test_an_opening_that_says_who_is_asking_is_not_the_topic():
    assert without_introduction("子育て支援課です。児童の名簿を入れていい?") == "児童の名簿を入れていい?"
    assert without_introduction("広報課。来月号の原稿") == "来月号の原稿"
    assert without_introduction("マイナンバーは入力していい?") == "マイナンバーは入力していい?"
    # Other openings that only greet or say who is asking, one after another.
    assert without_introduction("福祉課の者ですが、名簿を入れていい?") == "名簿を入れていい?"
    assert without_introduction("お疲れ様です。財政課です。名簿を入れていい?") == "名簿を入れていい?"
    assert without_introduction("総務課からの質問です。名簿を入れていい?") == "名簿を入れていい?"
    assert without_introduction("高齢者支援課で介護保険を担当しています。名簿を入れていい?") == "名簿を入れていい?"
    assert without_introduction("i work in the tax division. can i enter names?") == "can i enter names?"


def test_a_numbered_class_is_found_in_the_table_that_numbers_it(guide):
    # 5-1(1) names 機密性3 and 機密性2; the annex's table is the one with a row for class 1.
    assert guide.search("機密性1の情報ならChatGPTに入力できる?")[0].section.id == "別紙機密性"
    assert guide.search("機密性2の情報は入力していい?")[0].section.id == "2章5-1(1)"


def test_a_section_that_only_points_elsewhere_is_not_the_answer(guide):
    # 用語(※11) 機密性2 says only 「別紙参照のこと。」: the rule and the annex answer.
    hits = guide.search("機密性2ってなに?")
    assert hits[0].section.id in {"2章5-1(1)", "別紙機密性"}
    assert not any(h.exact for h in hits if h.section.id == "用語(※11)")


def test_a_question_on_one_service_is_not_answered_by_the_twin_section_on_the_other(guide):
    # 2章7-1 (ChatGPT) and 2章7-2 (the chatbot) have the same titles: 活用方法の管理と周知.
    assert guide.search("ChatGPTでうまく使えた事例ってどこかに報告するの?")[0].section.id in {"2章7-1(5)", "様式2"}
    assert guide.search("チャットボットでうまく使えた事例の報告は?")[0].section.id in {"2章7-2(2)", "様式4"}
    # Only 2章2-1(2)'s uses of ChatGPT name Excel; asked of the chatbot, its own uses (2章2-2(2)) answer.
    assert guide.search("総合案内チャットボットでエクセルの数式を作ってもいいの?")[0].section.id == "2章2-2(2)"
    assert guide.search("ChatGPTでエクセルの数式を作ってもいいの?")[0].section.id == "2章2-1(2)"


def test_a_mapped_word_keeps_its_compound_with_an_affix(guide):
    # 利用 is mapped by its lemma (利用, 活用); 利用者 (利用 + 者) is the rules' own word in 2章7-1(2).
    concepts = guide.index.read("利用者に追加したい").concepts
    assert any("利用者" in c and "活用" in c for c in concepts)


def test_naming_the_rules_is_a_concept_though_their_name_is_a_stop_word(guide):
    def named(question: str) -> bool:
        concepts = guide.index.read(question).concepts
        return any("本ガイドライン" in c for c in concepts)

    assert named("このガイドラインって国のなにかを元にしてるの?")
    assert named("ルールでわからないことがあったら")
    assert named("Who wrote these rules?")
    # ルール上 (under the rules) asks about something else; a compound names another guideline.
    assert not named("aiに判断させるのってルール上どう?")
    assert not named("生成aiの利用ガイドラインって")


def test_what_a_service_made_is_its_output_whatever_its_spelling(guide):
    def output(question: str) -> bool:
        concepts = guide.index.read(question).concepts
        return any("生成物" in c for c in concepts)

    # GPT, チャットGPT: staff spellings the vocabulary's list of 「AIが作った」 forms does not name.
    assert output("gptが出した数字とか法律の条文")
    assert output("チャットgptで作ったら条件が違っていた")
    assert output("is it ok to use a slogan chatgpt came up with?")
    # Asking a service to make something is input until it has made it.
    assert not output("gptで議事録を作りたい")


def test_english_questions_reach_the_rules_words_for_slogans_and_advertising(guide):
    # 6-2(2)「キャッチコピーやロゴ、広告宣伝などに使う行為」.
    assert guide.search("Can we use an AI-generated slogan in our tourism ad campaign?")[0].section.id == "2章6-2(2)"


def test_the_names_the_rules_write_in_latin_letters_are_found_in_katakana(guide):
    # 用語(※7) Anthropic 社; a company the rules name is described only in the glossary.
    assert guide.search("アンソロピックってどういう会社?")[0].section.id == "用語(※7)"
    ids = [h.section.id for h in guide.search("クロード ハイクってどんなAI?", 3)]
    assert "用語(※8)" in ids


def test_english_reads_a_numbered_class_and_what_was_made_with_ai(guide):
    def concepts(question: str) -> list[dict[str, float]]:
        return list(guide.index.read(question).concepts)

    # "confidentiality level 2" is 機密性2, as 「機密性 2」 is.
    assert any("機密性2" in c for c in concepts("what does confidentiality level 2 mean?"))
    assert any("機密性2" in c for c in concepts("機密性 2の情報"))
    # The participle before the service: created with AI, written by ChatGPT.
    assert any("生成物" in c for c in concepts("should we add a note saying the content was created with ai?"))
    assert guide.search("Should we add a note saying the content was created with AI?")[0].section.id == "2章6-5"


def test_a_named_service_stays_a_concept_when_it_made_something(guide):
    # 「チャットボットの回答の質」: チャットボットの回答 was a staff word for 生成物, which swallowed the chatbot
    # and left 回答の質 (品質, 3章1-1(1)) unread.
    concepts = guide.index.read("チャットボットの回答の質は誰がチェックしてるの？").concepts
    assert any("生成ai総合案内チャットボット" in c for c in concepts) and any("品質" in c for c in concepts)
    assert guide.search("チャットボットの回答の質は誰がチェックしてるの？")[0].section.id == "3章1-1(1)"
    concepts = guide.index.read("chatgptで作ったロゴ").concepts
    assert any("chatgpt" in c for c in concepts) and any("生成物" in c for c in concepts)


def test_an_ending_asking_for_permission_is_no_word_of_the_question(guide):
    # 「…しても問題ないでしょうか」 asks whether one may; its 問題 is not the 障害・問題 of 7-1(6).
    def words(question: str) -> set[str]:
        concepts = guide.index.read(question).concepts
        return {t for c in concepts for t in c}

    assert not {"障害", "問題"} & words("申請書の内容をChatGPTに貼っても問題ないでしょうか。")
    assert "問題" in words("ChatGPTで問題が起きたら")
    # What a named service answered is its output, as 「AIの回答」 is.
    assert "生成物" in words("ちゃっとgptの回答をそのまま資料に使っていい?")


def test_a_compound_of_a_service_and_making_is_its_output(guide):
    concepts = guide.index.read("ai作成の文章をhpに載せるとき").concepts
    assert any("生成物" in c for c in concepts)


def test_english_contractions_leave_no_stray_letters(guide):
    # m of I'm is a term of 様式1 (mアカウント); 's stays for phrases such as "someone else's text".
    assert without_contractions("i'm an alt and i’d like to know") == "i an alt and i like to know"
    assert without_contractions("someone else's text") == "someone else's text"
    weights = analyse("i'm an alt", guide.index.synonyms).weights
    assert "m" not in weights


def _terms_of(guide, question: str) -> set[str]:
    concepts = guide.index.read(normalize(question)).concepts
    return {t for c in concepts for t in c}


def test_nande_of_nandesu_is_no_word_for_a_purpose(guide):
    # The なんで of 「…部署なんですか」 is no なんで (why -> 目的), so 1章3 目的 does not answer who made the rules.
    assert "目的" not in _terms_of(guide, "作ってるのはどこの部署なんですか")
    assert "目的" in _terms_of(guide, "なんで禁止なの?")


def test_the_kind_of_thing_a_what_is_question_names_is_no_topic(guide):
    # 「どういうことができるツール?」 asks what ChatGPT is; ツール is 2章3-1(6)'s word (自動応答のためのツール).
    assert "ツール" not in _terms_of(guide, "ChatGPTってどういうことができるツールなの?")
    assert "ツール" in _terms_of(guide, "ChatGPTは補助的なツールとして使うの?")
    # サービス is 基本情報's own word (会話型AIサービス) and stays.
    assert "サービス" in _terms_of(guide, "ChatGPTってどういうサービス?")
    for question in ("そもそもChatGPTってどういうことができるツールなの?", "ChatGPTってそもそも何が得意なツール?"):
        assert guide.search(question)[0].section.id == "2章2-1(1)"


def test_a_definition_asked_as_the_definition_of_a_word_gets_its_glossary_entry(guide):
    # 「Xの定義って何?」: the topic is X, in the rules' word (生成系AI -> 生成AI, the title of 用語(※4)).
    assert analyse(normalize("生成系AIの定義って何?"), guide.index.synonyms).topic == "生成ai"
    assert guide.search("生成系AIの定義って何?ふつうのAIと何がちがうの")[0].section.id == "用語(※4)"


def test_who_gave_the_task_is_not_the_topic(guide):
    # 「係長から…って言われた」 says where the task came from; 所属長 (係長) would pull 2章4 and 2章7-1(6).
    tasked = _terms_of(guide, "係長から議事録を要約しといてって言われた")
    assert "所属長" not in tasked and "要約" in tasked
    assert "所属長" in _terms_of(guide, "係長に確認してからチャットGPTを使えばいい?")
    question = "係長から職員の人事評価コメントを要約しといてって言われたんだけど、GPTでやって問題ない?"
    assert guide.search(question)[0].section.id == "2章5-1(1)"


def test_the_ending_of_a_matched_verb_is_not_read_as_a_word(guide):
    # 「外に広まっちゃう」: 広まっ is matched by the vocabulary (拡散), and ちゃう cut off from it read as 違う (異なる).
    index = guide.index
    weights = index.read("入力した内容が外に広まっちゃう危険は?").weights
    assert "拡散" in weights and "異なる" not in weights


def test_kanji_inflections_of_a_mapped_verb_are_mapped_by_their_lemma(guide):
    # UniDic gives 載せて/載せた/載せれば the lemma 乗せる: each is 載せる, the rules' 提供 (and 明記, 6-5).
    index = guide.index
    for question in ("市報に載せて平気?", "ホームページに載せた", "載せれば問題ない?"):
        assert "提供" in index.read(question).weights


def test_every_staff_verb_is_reached_through_its_lemma():
    # _by_lemmas maps an inflected verb (言い換えて) by its UniDic lemma; a staff verb whose lemma is spelt otherwise
    # (言い換える -> 言い替える, 載せる -> 乗せる) needs that lemma listed too, or only its dictionary form matches.
    # 信じる -> 信ずる is left out on purpose: 「…を信じた市民が」 tells what happened.
    synonyms = load_synonyms()
    missing = []
    for word in synonyms.replacements:
        tokens = tokenize(word)
        if len(tokens) == 1 and tokens[0].pos[0] in ("動詞", "形容詞"):
            lemma = normalize(tokens[0].lemma.split("-")[0])
            if lemma != word and lemma not in synonyms.replacements:
                missing.append((word, lemma))
    assert missing == [("信じる", "信ずる")]


def test_a_term_then_oshiete_in_kana_or_without_wo_asks_for_it(guide):
    # 「パブリシティ権おしえて」「会話型AI教えて」: the term plus 教えて (in kana, or without を) asks for its entry.
    for question, section in (("パブリシティ権おしえて", "用語(※14)"), ("会話型AIおしえて", "用語(※9)"), ("ブレインストーミング教えて", "用語(※10)")):
        assert guide.search(question, 1)[0].section.id == section


def test_a_notes_marker_names_its_glossary_entry(guide):
    # 機密性2(※11): the marker the rules print after a term is the label of its entry in 用語解説,
    # even of one that only sends the reader on to the annex.
    assert guide.search("本文の※11の注記ってどこ見ればいい")[0].section.id == "用語(※11)"
    assert guide.search("※ 14って何の注?")[0].section.id == "用語(※14)"
    # No marker, no note: the number alone is 機密性 or a form.
    assert guide.search("機密性2の情報は入れていい?")[0].section.id != "用語(※11)"
