"""How English questions are read: negations written out, phrasal verbs in any inflection, frames."""

from __future__ import annotations

import pytest

from policy.guide.intent import asked
from policy.guide.query import analyse, without_contractions


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("it hasn't been published yet", "it has not been published yet"),
        ("i can't tell", "i can not tell"),
        ("it won't matter", "it will not matter"),
        ("don't", "do not"),
        ("isn’t it", "is not it"),
        ("i'm asking", "i asking"),
    ],
)
def test_negations_are_written_out(question: str, expected: str) -> None:
    assert without_contractions(question) == expected


def test_a_negated_participle_reads_as_the_vocabulary_writes_it(synonyms) -> None:
    query = analyse("a draft that hasn't been published yet", synonyms)
    assert "公開前情報" in query.weights


@pytest.mark.parametrize(
    "question",
    ["Do these rules apply to teachers?", "Does it apply to part-time staff?", "Which staff do the rules applies to?"],
)
def test_whom_the_rules_apply_to_is_their_scope_of_staff(synonyms, question: str) -> None:
    assert "対象者" in analyse(question.lower(), synonyms).weights


def test_applying_to_start_is_an_application(synonyms) -> None:
    weights = analyse("how does our section apply to start using chatgpt?", synonyms).weights
    assert "申請" in weights and "対象者" not in weights


def test_a_phrasal_verb_matches_with_its_verb_inflected(synonyms) -> None:
    assert "アカウント" in analyse("we signed up for it", synonyms).weights


@pytest.mark.parametrize(
    ("question", "about_the_rules"),
    [
        ("what do the rules say about patching it?", False),
        ("does the guideline say anything about misuse?", False),
        ("who do i contact about these rules?", True),
        ("is the paid version covered by these rules?", True),
    ],
)
def test_the_rules_framing_a_question_are_not_its_topic(synonyms, question: str, about_the_rules: bool) -> None:
    assert ("本ガイドライン" in analyse(question, synonyms).weights) == about_the_rules


@pytest.mark.parametrize("question", ["could it be exploited?", "who patches the chatbot?", "a security patch"])
def test_exploits_and_patches_are_the_rules_vulnerabilities(synonyms, question: str) -> None:
    assert "脆弱性" in analyse(question, synonyms).weights


@pytest.mark.parametrize(
    ("question", "access"),
    [("how do i get to the chatbot?", True), ("how do we reach the chatbot?", True), ("do i get to use it?", False)],
)
def test_getting_to_a_place_is_access(synonyms, question: str, access: bool) -> None:
    assert ("アクセス" in analyse(question, synonyms).weights) == access


@pytest.mark.parametrize(
    ("question", "made"),
    [
        ("can i have ai design a logo for our poster?", True),
        ("is it ok to get chatgpt to write a reply?", True),
        ("can i have ai access to the files?", False),
    ],
)
def test_having_a_service_make_something_is_about_its_output(intents, synonyms, question: str, made: bool) -> None:
    assert ("生成物" in analyse(question, synonyms).weights) == made
    assert ("output" in asked(intents, question)) == made


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("are we permitted to use the paid version?", "permission"),
        ("is it prohibited to enter a name?", "permission"),
        ("could i use it for minutes?", "permission"),
        ("are staff able to use the chatbot?", "permission"),
        ("what must i check before using the answer?", "output"),
        ("can i trust the chatbot's answers?", "output"),
    ],
)
def test_english_question_frames_show_their_intent(intents, question: str, intent: str) -> None:
    assert intent in asked(intents, question)


def test_english_no_is_no_term(synonyms) -> None:
    # The forms' column header 「No.」 is no topic: "No account needed?" does not ask for 様式1.
    assert "no" not in analyse("no account needed for chatgpt?", synonyms).weights


@pytest.mark.parametrize(
    ("question", "wishes"),
    [
        ("chatgpt使いたいんだけど何から始めればいい?", True),
        ("we want to use chatgpt in our section. how do we start?", True),
        ("chatgpt使いたいんだけど個人情報入れていい?", False),
    ],
)
def test_wanting_to_use_it_and_asking_how_is_the_rules_wish_to_use(intents, question: str, wishes: bool) -> None:
    wanted = asked(intents, question)
    assert any(i.tells(wanted) and "希望" in i.terms for i in intents) == wishes


@pytest.mark.parametrize(
    ("question", "expected"),
    [("ちゃっぴーに要約させたい", "chatgpt"), ("めーるあどれすで登録", "メールアドレス"), ("でーたを入れたい", "データ")],
)
def test_a_katakana_word_typed_in_hiragana_is_read_as_it(synonyms, question: str, expected: str) -> None:
    assert expected in analyse(question, synonyms).weights


def test_plain_hiragana_is_not_read_as_a_katakana_word(synonyms) -> None:
    # ぱーと is パート only with its long-vowel mark; 「いれる」「ろご」 have none and stay what they are.
    assert "ロゴ" not in analyse("ろごを作りたい", synonyms).weights


@pytest.mark.parametrize("question", ["議事録を要約させるのはあり?", "chatgptで作ってもあり?", "これってなし?"])
def test_aris_and_nashis_verdict_asks_for_permission_and_is_no_word(intents, synonyms, question: str) -> None:
    assert "permission" in asked(intents, question)
    assert "有り" not in analyse(question, synonyms).weights and "無し" not in analyse(question, synonyms).weights


@pytest.mark.parametrize("question", ["個人情報に当たるか微妙なデータ", "機密に該当するかわからない資料"])
def test_unsure_whether_it_falls_under_is_the_rules_conflict(synonyms, question: str) -> None:
    assert "抵触" in analyse(question, synonyms).weights


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("なんでチャットボットにhaikuが選ばれてるの?", True),
        ("why did the city choose claude haiku for the chatbot?", True),
        ("なんで入力しちゃだめなの?", False),
    ],
)
def test_why_a_thing_was_chosen_asks_what_it_is(intents, question: str, asks: bool) -> None:
    assert ("definition" in asked(intents, question)) == asks


@pytest.mark.parametrize(
    ("question", "permission"),
    [
        ("can i use chatgpt without asking my manager?", True),
        ("do i need to tell my boss before using chatgpt?", True),
        ("should i check with my supervisor first?", True),
        ("the chatbot gave a resident wrong info. do i need to inform my boss?", False),
    ],
)
def test_asking_ones_superior_before_the_use_is_the_permission(synonyms, question: str, permission: bool) -> None:
    assert ("許可" in analyse(question, synonyms).weights) == permission


@pytest.mark.parametrize("question", ["am i authorized to use it?", "do we need authorisation?", "who gives the green light?"])
def test_authorizing_is_the_rules_permission(synonyms, question: str) -> None:
    assert "許可" in analyse(question, synonyms).weights


@pytest.mark.parametrize(
    ("question", "undisclosed"),
    [
        ("can i paste internal documents into chatgpt?", True),
        ("is this memo for internal use only?", True),
        ("is chatgpt one of our internal networks?", False),
        ("is there internal training on it?", False),
    ],
)
def test_internal_is_undisclosed_only_of_information(synonyms, question: str, undisclosed: bool) -> None:
    assert ("非公開情報" in analyse(question, synonyms).weights) == undisclosed


def test_british_and_american_spellings_are_one_word() -> None:
    from policy.guide.synonyms import _latin_forms

    assert {"authorise", "authorized", "authorisation"} <= _latin_forms("authorize") | _latin_forms("authorization")
    assert {"summarize", "summarizing"} <= _latin_forms("summarise")
    assert _latin_forms("size") == {"size", "sizes", "sized", "sizing"}


@pytest.mark.parametrize(
    ("question", "intent", "shown"),
    [
        ("where can i find the table of confidentiality classes?", "permission", False),
        ("how can i apply for an account?", "permission", False),
        ("can i paste this into chatgpt?", "permission", True),
        ("our team wants to start using chatgpt. how?", "wish", True),
        ("what should we do first?", "procedure", True),
        ("what do i do now?", "procedure", True),
        ("what is the first step?", "procedure", True),
        ("what is the first step?", "definition", False),
        ("what kind of company is openai?", "definition", True),
        ("i entered a colleague's salary into the ai. who do i tell?", "incident", True),
        ("i pasted the minutes into chatgpt, what should i do now?", "incident", True),
        ("if i paste the minutes into chatgpt, what should i do?", "incident", False),
    ],
)
def test_english_intents_are_read_from_the_whole_frame(intents, question: str, intent: str, shown: bool) -> None:
    assert (intent in asked(intents, question)) == shown


@pytest.mark.parametrize(
    ("question", "section"),
    [
        # a person's document is information about that person (5-1(1)), not the rules' application form
        ("Is it OK to upload a citizen's application form into ChatGPT to fix the wording?", "2章5-1(1)"),
        ("Oops, I put a colleague's salary figures into the AI. Who should I tell?", "2章7-1(6)"),
        ("Who do I call if I have a question about using ChatGPT?", "4章"),
        ("What kind of organization is Anthropic?", "用語(※7)"),
        ("Which AI tools do the guidelines cover?", "2章1-1(1)"),
        ("Why does the guide chatbot take forever to respond?", "2章3-2(2)"),
        ("Is ChatGPT able to think like a human and make judgements?", "2章3-1(6)"),
        ("Does a picture made by AI get copyright protection?", "2章6-3"),
        ("We noticed that the chatbot told a resident something false. What now?", "2章6-6"),
        ("Could ChatGPT help me draft a reply to an inquiry from a resident?", "2章2-1(2)"),
    ],
)
def test_english_questions_read_the_new_way_rank_their_section_first(guide, question: str, section: str) -> None:
    assert guide.search(question, 3)[0].section.id == section


def test_a_persons_document_is_that_persons_details() -> None:
    from policy.guide.query import persons_documents

    assert persons_documents("a resident's application form") == "a resident's personal details paperwork"
    assert persons_documents("the applicants' tax returns") == "the applicants' personal details tax returns"
    assert persons_documents("our section's application form") == "our section's application form"


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("We hired someone new. How do we add them as a user of ChatGPT?", "2章7-1(2)"),
        ("How does the chatbot work, and who makes it?", "2章2-2(1)"),
        ("Will people lose their skills if AI does everything?", "2章3-1(7)"),
        ("What are the ground rules for generative AI at work?", "2章4"),
        ("Why is AI so popular in society these days?", "1章2"),
        ("Other cities copied our AI-made poster. Can we stop them?", "2章6-3"),
        ("The AI wrote a bio of a council member that is not true. Can I publish it?", "2章6-2(3)"),
        ("The AI gave me figures for my report. Can I use them?", "2章6-1"),
        ("Which items go on the incident report form?", "様式3"),
    ],
)
def test_english_staff_words_reach_the_rules_words(guide, question: str, section: str) -> None:
    assert guide.search(question, 3)[0].section.id == section


@pytest.mark.parametrize(
    ("question", "intent", "shown"),
    [
        ("what is the resident chatbot good at?", "definition", False),
        ("what is the resident chatbot?", "definition", True),
        ("chatgpt gave me a list of dates", "output", True),
    ],
)
def test_english_frames_of_what_a_thing_does_and_what_it_gave(intents, question: str, intent: str, shown: bool) -> None:
    assert (intent in asked(intents, question)) == shown


def test_a_service_that_works_is_no_work(synonyms) -> None:
    from policy.guide.query import verbs_of_a_service

    assert verbs_of_a_service("how does the chatbot work?") == "how does the chatbot function?"
    assert verbs_of_a_service("can i use it for work?") == "can i use it for work?"
    assert "業務" not in analyse("how does the chatbot work?", synonyms).weights
    assert "障害" in analyse("the chatbot is not working", synonyms).weights


@pytest.mark.parametrize(
    ("question", "section"),
    [
        # (A patient's medical history is 医療情報 too, which 2章6-4's 解説 names with 個人情報の入力: either answers it.)
        ("Can I give the AI a client's case history to get a summary?", "2章5-1(1)"),
        ("A supplier shared their cost breakdown with us and asked us to keep it secret. OK to paste into ChatGPT?", "2章5-1(2)"),
        ("ChatGPT made a mascot that looks like a famous brand's character. Can we use it?", "2章6-2(2)"),
        ("I'm not sure this file is OK to upload. Who should I check with first?", "2章4"),
        ("Can the chatbot answer residents in Korean?", "2章2-2(1)"),
        ("Do we have to let residents know that a text was written by AI?", "2章6-5"),
        ("Does the city watch for people asking the chatbot unrelated questions for fun?", "3章1-1(2)"),
        ("Which section is in charge of these rules?", "4章"),
    ],
)
def test_english_questions_of_round_three_rank_their_section_first(guide, question: str, section: str) -> None:
    assert guide.search(question, 3)[0].section.id == section


@pytest.mark.parametrize(
    ("question", "intent", "shown"),
    [
        ("can i give chatgpt the minutes?", "input", True),
        ("can i run it through chatgpt?", "input", True),
        ("i think i leaked a list of names. what should i do?", "incident", True),
        ("the ai made a poster for us", "output", True),
    ],
)
def test_english_frames_of_giving_leaking_and_making(intents, question: str, intent: str, shown: bool) -> None:
    assert (intent in asked(intents, question)) == shown


def test_staff_alone_is_the_rules_staff_not_their_scope(synonyms) -> None:
    # 2章1-2's 全職員/対象者 is whom the rules cover; staff on their own are the 職員 every section speaks to.
    assert "対象者" not in analyse("what can the chatbot help staff with?", synonyms).weights
    assert "対象者" in analyse("do part-time staff have to follow the rules?", synonyms).weights


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("Our plan will be announced next month. Can I have ChatGPT proofread it now?", "2章5-1(3)"),
        ("Could what I enter into the AI spread to other people?", "2章3-1(3)"),
        ("Can I paste the class list of children into ChatGPT?", "2章5-1(1)"),
        ("Which kinds of tasks can the AI guide chatbot help us with?", "2章2-2(2)"),
    ],
)
def test_english_questions_of_round_four_rank_their_section_first(guide, question: str, section: str) -> None:
    assert guide.search(question, 3)[0].section.id == section


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("what is generative ai", "生成ai"),
        ("what does 'conversational ai' mean", "会話型ai"),
        ("what is the definition of generative ai in the rules", "生成ai"),
        ("what's the meaning of license violation", "ライセンス違反"),
        ("can i paste names into chatgpt", ""),
    ],
)
def test_an_english_definition_frame_names_its_term(synonyms, question: str, topic: str) -> None:
    assert analyse(question, synonyms).topic == topic


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("What does generative AI mean in the guidelines?", "用語(※4)"),
        ("Define brainstorming.", "用語(※10)"),
        ("What is the aim of these rules?", "1章3"),
        ("Will this guideline be reviewed at some point?", "5章"),
        ("What is the Japan Deep Learning Association?", "用語(※1)"),
    ],
)
def test_english_definitions_and_the_rules_themselves(guide, question: str, section: str) -> None:
    assert guide.search(question, 3)[0].section.id == section


def test_in_the_rules_only_says_where_to_look(intents) -> None:
    assert "rules" not in asked(intents, "what is the definition of generative ai in the rules?")
    assert "rules" in asked(intents, "who do i contact about these rules?")


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("Can I drop a spreadsheet of benefit recipients' names into ChatGPT?", "2章5-1(1)"),
        ("Can I give the AI our internal procedures manual to simplify it?", "2章5-1(3)"),
        ("Can we claim ownership of an image that the AI drew for us?", "2章6-3"),
        ("Is there a link to the city's AI chatbot somewhere?", "2章7-2(1)"),
        ("Is the guide chatbot good at summarizing long documents?", "2章2-2(1)"),
        ("What was the background to making rules for AI?", "1章2"),
    ],
)
def test_english_questions_of_round_six_rank_their_section_first(guide, question: str, section: str) -> None:
    assert guide.search(question, 3)[0].section.id == section


def test_a_popular_song_is_no_spread_of_ai(synonyms) -> None:
    assert "普及" not in analyse("can i paste lyrics from a popular song?", synonyms).weights


@pytest.mark.parametrize(
    "question",
    ["does the policy forbid it?", "are there things we can't use it for?", "what can i paste into chatgpt?"],
)
def test_what_is_forbidden_or_goes_into_a_service_is_read(intents, synonyms, question: str) -> None:
    wanted = asked(intents, question)
    assert "permission" in wanted or "input" in wanted


def test_what_goes_into_a_service_is_entered(synonyms) -> None:
    assert "入力" in analyse("can i drop the whole attendance sheet into chatgpt?", synonyms).weights
    assert "入力" not in analyse("can i log into chatgpt from home?", synonyms).weights


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("do i need my section chief's ok to use it?", "許可"),
        ("how can our team get chatgpt accounts?", "申請"),
        ("could ai be used for fraud?", "犯罪"),
    ],
)
def test_english_frames_read_as_the_rules_words(synonyms, question: str, term: str) -> None:
    assert term in analyse(question, synonyms).weights


def test_an_article_of_law_the_ai_gave_is_a_fact_to_check(intents) -> None:
    wanted = asked(intents, "chatgpt gave me the article number of the law. can i quote it?")
    assert {"facts", "output"} <= wanted


def test_the_vocabulary_trie_matches_as_the_longest_first_alternation(synonyms) -> None:
    import random
    import re

    katakana = "ァ-ヺー"

    def whole(word: str) -> str:
        # A word of its own: a Latin word not inside Latin letters and digits, katakana not inside katakana.
        if word.isascii():
            return rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])"
        before = rf"(?<![{katakana}])" if re.match(rf"[{katakana}]", word) else ""
        after = rf"(?![{katakana}])" if re.search(rf"[{katakana}]$", word) else ""
        return before + re.escape(word) + after

    words = sorted(synonyms._spellings, key=len, reverse=True)
    alternation = re.compile("|".join(whole(w) for w in words))
    rng = random.Random(6)
    pieces, separators = list(synonyms._spellings), [" ", "", "の", "a", "ア", "1", "、", "ー"]
    for _ in range(2000):
        text = "".join(rng.choice(separators) + rng.choice(pieces) for _ in range(rng.randint(1, 4)))
        expected = [(m.start(), m.group(0)) for m in alternation.finditer(text)]
        assert [(m.start(), m.group(0)) for m in synonyms._pattern.finditer(text)] == expected


@pytest.mark.parametrize(("question", "term"), [("do the laptops and pcs count?", "パソコン"), ("where are the logs kept?", "ログ")])
def test_a_short_nouns_plural_is_the_word(synonyms, question: str, term: str) -> None:
    assert term in analyse(question, synonyms).weights


@pytest.mark.parametrize("question", ["why can't i paste it?", "may i paste it? why or why not?", "why is it not allowed to paste it?"])
def test_why_a_rule_says_no_is_not_the_purpose_of_the_rules(synonyms, question: str) -> None:
    assert "目的" not in analyse(without_contractions(question), synonyms).weights


def test_why_we_have_rules_is_their_purpose(synonyms) -> None:
    assert "目的" in analyse("why do we have these rules?", synonyms).weights


@pytest.mark.parametrize(
    "question", ["can we open a chatgpt account on our own?", "is it ok to try a new ai tool without asking for permission?"]
)
def test_using_a_service_on_ones_own_is_use_without_approval(synonyms, question: str) -> None:
    assert {"承認", "外部サービス"} <= analyse(question, synonyms).weights.keys()


def test_signing_up_is_creating_an_account(synonyms) -> None:
    weights = analyse("which address do i sign up with?", synonyms).weights
    assert "アカウント" in weights and "申請" not in weights


def test_restrictions_that_apply_are_no_application(intents, synonyms) -> None:
    question = "which restrictions apply to personal data?"
    assert "申請" not in analyse(without_contractions(question), synonyms).weights
    assert "procedure" not in asked(intents, question)


def test_handling_restrictions_are_the_tables_column(intents, synonyms) -> None:
    question = "what are the handling rules for level 3 data?"
    assert "取扱制限" in analyse(question, synonyms).weights
    assert "table" in asked(intents, question)


def test_an_article_of_a_law_is_no_written_work(synonyms) -> None:
    weights = analyse("the ai cited an article of the law", synonyms).weights
    assert "法令" in weights and "著作物" not in weights


@pytest.mark.parametrize(
    "question",
    [
        "residents type questions into the chatbot; for what purposes may the city use them?",
        "will the city use residents' questions to the chatbot?",
    ],
)
def test_what_the_city_may_use_residents_inputs_for_is_their_listed_purposes(guide, intents, question: str) -> None:
    assert {"provider", "purpose"} <= asked(intents, question)
    assert guide.search(question, 1)[0].section.id == "3章1-3(1)"


def test_a_contractors_other_purposes_are_its_contract(intents) -> None:
    assert "purpose" not in asked(intents, "will the vendor use the chatbot logs for other purposes?")


@pytest.mark.parametrize("question", ["does the website chatbot keep logs?", "the homepage's ai chatbot is down"])
def test_where_the_chatbot_is_put_names_the_service_only(synonyms, question: str) -> None:
    weights = analyse(question, synonyms).weights
    assert "生成ai総合案内チャットボット" in weights and "ホームページ" not in weights


@pytest.mark.parametrize(("question", "term"), [("the bot took ages to answer", "回答速度"), ("how long does it take to reply?", "回答速度"), ("it gave an old fee table", "最新")])
def test_slow_and_old_answers_are_the_chatbots_known_issues(synonyms, question: str, term: str) -> None:
    assert term in analyse(question, synonyms).weights


def test_a_phone_of_ones_own_is_a_device(guide, intents, synonyms) -> None:
    question = "may i run chatgpt on my own phone for work?"
    weights = analyse(question, synonyms).weights
    assert "端末" in weights and "連絡先" not in weights
    assert "device" in asked(intents, question)
    assert "連絡先" in analyse("a resident's phone number", synonyms).weights


def test_temporary_workers_are_staff_the_rules_cover(synonyms) -> None:
    assert "対象範囲" in analyse("are temporary workers covered?", synonyms).weights


def test_what_one_cannot_do_asks_what_is_prohibited(intents) -> None:
    assert "permission" in asked(intents, without_contractions("what can't we paste into the ai?"))


def test_the_name_of_a_thing_is_no_persons_name(synonyms) -> None:
    assert "氏名" not in analyse(without_contractions("can ai suggest an event name?"), synonyms).weights
    assert "氏名" in analyse(without_contractions("can i enter a resident's name?"), synonyms).weights


@pytest.mark.parametrize(
    ("question", "term"),
    [("can i feed the ai our budget?", "入力"), ("ask it for ideas", "アイデア出し"), ("a staff evaluation", "職員情報")],
)
def test_everyday_english_words_read_as_the_rules_words(synonyms, question: str, term: str) -> None:
    assert term in analyse(question, synonyms).weights
