"""/guide ranking over the question set (issue 6: top-1 >= 85 %, top-3 >= 95 %) and the CLI.

A hit is the expected section or one inside it; the ranking reads only the guideline, the
synonym data and the question, never this file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from policy.guide import is_within
from policy.guide.cli import answer_line
from policy.guide.index import GuideIndex
from policy.guide.synonyms import load_synonyms
from tests.guide.conftest import QUESTIONS, REPO

EXTRA = QUESTIONS.with_name("questions-extra.jsonl")
HOLDOUT_2 = QUESTIONS.with_name("questions-holdout-2.jsonl")
HOLDOUT_3 = QUESTIONS.with_name("questions-holdout-3.jsonl")
PROBE_4 = QUESTIONS.with_name("questions-probe-4.jsonl")
PROBE_7 = QUESTIONS.with_name("questions-probe-7.jsonl")
PROBE_8 = QUESTIONS.with_name("questions-probe-8.jsonl")
HOLDOUT_4 = QUESTIONS.with_name("questions-holdout-4.jsonl")
PROBE_9 = QUESTIONS.with_name("questions-probe-9.jsonl")
PROBE_10 = QUESTIONS.with_name("questions-probe-10.jsonl")
HOLDOUT_7 = QUESTIONS.with_name("questions-holdout-7.jsonl")
PROBE_11 = QUESTIONS.with_name("questions-probe-11.jsonl")
HOLDOUT_8 = QUESTIONS.with_name("questions-holdout-8.jsonl")
HOLDOUT_9 = QUESTIONS.with_name("questions-holdout-9.jsonl")
HOLDOUT_10 = QUESTIONS.with_name("questions-holdout-10.jsonl")
HOLDOUT_11 = QUESTIONS.with_name("questions-holdout-11.jsonl")
HOLDOUT_12 = QUESTIONS.with_name("questions-holdout-12.jsonl")
HOLDOUT_13 = QUESTIONS.with_name("questions-holdout-13.jsonl")
HOLDOUT_14 = QUESTIONS.with_name("questions-holdout-14.jsonl")
HOLDOUT_15 = QUESTIONS.with_name("questions-holdout-15.jsonl")
HOLDOUT_16 = QUESTIONS.with_name("questions-holdout-16.jsonl")
HOLDOUT_17 = QUESTIONS.with_name("questions-holdout-17.jsonl")
HOLDOUT_18 = QUESTIONS.with_name("questions-holdout-18.jsonl")
HOLDOUT_19 = QUESTIONS.with_name("questions-holdout-19.jsonl")
HOLDOUT_5 = QUESTIONS.with_name("questions-holdout-5.jsonl")
HOLDOUT_6 = QUESTIONS.with_name("questions-holdout-6.jsonl")


def _questions(path: Path = QUESTIONS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _hit(answer: str, expected: list[str]) -> bool:
    return any(is_within(answer, e) for e in expected)


def test_question_set_is_realistic_and_valid(tree):
    questions = _questions()
    assert len(questions) >= 60
    assert len({q["id"] for q in questions}) == len(questions)
    leaves = {s.id for s in tree.leaves()}
    for q in questions:
        assert set(q) == {"id", "question", "sections"}
        assert q["sections"] and set(q["sections"]) <= leaves, q["id"]
    english = [q for q in questions if q["question"].isascii()]
    assert len(english) >= 5
    # Every register: casual endings, katakana spellings and typos of ChatGPT, 課長, マイナ.
    text = " ".join(q["question"] for q in questions)
    for word in ("チャットGPT", "チャットGTP", "課長", "マイナ", "まいなんばー", "の?", "ですか"):
        assert word in text


def _score(guide, questions: list[dict]) -> tuple[float, float, list[str]]:
    top1 = top3 = 0
    misses = []
    for q in questions:
        ids = [h.section.id for h in guide.search(q["question"], limit=5)]
        first = bool(ids) and _hit(ids[0], q["sections"])
        top1 += first
        top3 += any(_hit(i, q["sections"]) for i in ids[:3])
        if not first:
            misses.append(f"{q['id']} {q['question']} -> {ids[:3]} (expected {q['sections']})")
    return top1 / len(questions), top3 / len(questions), misses


def test_top1_and_top3(guide):
    top1, top3, misses = _score(guide, _questions())
    print(f"questions.jsonl: top-1 {top1:.3f}, top-3 {top3:.3f}")
    assert top1 >= 0.85, "\n".join(misses)
    assert top3 >= 0.95, "\n".join(misses)


def test_extra_questions_do_not_regress(guide):
    """100 questions written in four batches after the ranking was built. First-pass top-1 per batch
    (before the vocabulary gaps each showed were filled) was 0.72, 0.60, 0.52 and 0.45: the fair
    estimate for unseen questions. Tuned on since; 0.960 / 1.000 measured (fourth round). Kept as a
    floor against regressions."""
    top1, top3, misses = _score(guide, _questions(EXTRA))
    print(f"questions-extra.jsonl: top-1 {top1:.3f}, top-3 {top3:.3f}")
    assert top1 >= 0.93, "\n".join(misses)
    assert top3 >= 0.97, "\n".join(misses)


@pytest.mark.parametrize(
    ("path", "least", "floors"),
    [
        # 104 questions on every part of the rules, written and committed before the ranking was
        # tuned again. Untuned it measured 0.740 / 0.875, then 0.750 / 0.923; since then its misses
        # were read and it measures 0.913 / 0.990; 0.942 / 0.990 after the fourth round (screening
        # rule data, 'about' intent, 本生成AI resolved, quoted titles); 0.962 / 1.000 after the fifth.
        (HOLDOUT_2, 80, (0.94, 0.97)),
        # 100 questions written by another engineer during the second round of ranking work and
        # scored once, unseen, at its end: 0.750 / 0.880 before it (e269068), 0.800 / 0.890 after.
        # A development set since the third round: 0.910 / 0.980; 0.940 / 0.990 after the fourth and
        # the fifth, 0.960 / 0.990 after the sixth.
        (HOLDOUT_3, 80, (0.96, 0.97)),
        # 80 questions written from the guideline alone by another engineer (the same draw as
        # holdout-4), a development set of the third round: 0.588 / 0.750 before it (9be9b2a),
        # 0.613 / 0.775 after its first, general changes (before its misses were read), 0.825 /
        # 0.950 at its end; 0.887 / 0.950 after the fourth, 0.938 / 0.988 after the fifth.
        (PROBE_4, 60, (0.92, 0.97)),
        # 100 questions written blind by another engineer after the fourth round; its first, blind
        # scoring (HEAD 697371d): 0.840 / 0.950. A development set of the fifth round: 0.910 / 0.990;
        # 0.930 / 0.990 after the sixth.
        (PROBE_7, 100, (0.93, 0.97)),
        # 100 questions written blind by another engineer after the fifth round; its first, blind
        # scoring (HEAD 30aabcc): 0.770 / 0.950. A development set of the sixth round: 0.890 / 0.960.
        (PROBE_8, 100, (0.93, 0.97)),
        # Drawn with probe-4 from one pool of 180 and held out for three rounds, scored as aggregates only:
        # 0.690 / 0.830 before the third round (9be9b2a), 0.760 / 0.860 at the sixth's end (877e9dc).
        # A development set of the seventh round: 0.860 / 0.970; 0.880 / 0.980 with the eighth merged.
        (HOLDOUT_4, 100, (0.90, 0.97)),
        # Written blind after the sixth round; scored blind at 6dea490: 0.900 / 1.000. A development set
        # of the eighth round (0.920 / 0.990 -> 0.950 / 0.990); 0.970 / 0.990 with the seventh merged.
        (PROBE_9, 100, (0.93, 0.97)),
        # Written blind after the sixth round; scored blind at 6dea490: 0.790 / 0.910. A development set
        # of the eighth round: 0.870 / 0.960; 0.870 / 0.950 with the seventh merged.
        (PROBE_10, 100, (0.87, 0.95)),
        # Written blind after the sixth round; scored blind: 0.760 / 0.910 at 6dea490, 0.790 / 0.930 after
        # the seventh and eighth rounds (ecef527), which nobody had read. A development set of the ninth:
        # 0.930 / 0.990; 0.950 / 1.000 with the ports and merges of rounds 9-11.
        (HOLDOUT_7, 100, (0.92, 0.97)),
        # Written blind (every leaf but one); scored blind: 0.820 / 0.930 at 6dea490, 0.860 / 0.960 at 0205212,
        # 0.870 / 0.950 after round 9 on main, which never read it. A development set of round 9's branch:
        # 0.940 / 0.980 there; 0.950 / 0.990 on main after round 11.
        (PROBE_11, 100, (0.92, 0.97)),
        # Written blind (a help desk's year of chats); scored blind: 0.750 / 0.890 at 6dea490, 0.790 / 0.910
        # at 923d359. A development set of round 10 (English reading): 0.870 / 0.990.
        (HOLDOUT_8, 100, (0.84, 0.97)),
        # Written blind (every leaf, all glossary entries); scored blind: 0.730 / 0.860 at 6dea490, 0.790 /
        # 0.890 at a38c4bb. A development set of round 11: 0.850 / 0.990; 0.900 / 0.990 after round 12.
        (HOLDOUT_9, 100, (0.87, 0.97)),
        # Written blind (the bot's first month in production), unseen for rounds 7-12: 0.760 / 0.900 at 6dea490,
        # 0.810 / 0.950 at 7155392. A development set of round 13: 0.960 / 1.000.
        (HOLDOUT_10, 100, (0.93, 0.97)),
        # Written blind (staff who never read the rules, describing their task), unseen for round 12: 0.680 / 0.840
        # at 6dea490, 0.760 / 0.880 at 7155392. A development set of round 13: 0.960 / 0.980.
        (HOLDOUT_11, 100, (0.93, 0.95)),
        # Written blind after round 12 with holdout-15/-16 (see below), unseen for round 13: at 7155392 / after round 13
        # (e71e786), then development sets of round 14. Staff describing a work situation: 0.770 / 0.910, 0.800 / 0.930;
        # 0.930 / 1.000 after round 14.
        (HOLDOUT_12, 100, (0.90, 0.97)),
        # Short questions, 所属長, the chatbot's operators: 0.910 / 0.970, 0.910 / 0.970; 0.970 / 1.000 after round 14.
        (HOLDOUT_13, 100, (0.94, 0.97)),
        # Worries, comparisons, forms, the rules' history: 0.860 / 0.960, 0.880 / 0.960; 0.980 / 1.000 after round 14.
        (HOLDOUT_14, 100, (0.95, 0.97)),
    ],
    ids=[
        "holdout-2", "holdout-3", "probe-4", "probe-7", "probe-8", "holdout-4", "probe-9", "probe-10", "holdout-7",
        "probe-11", "holdout-8", "holdout-9", "holdout-10", "holdout-11", "holdout-12", "holdout-13", "holdout-14",
    ],
)
def test_development_questions(guide, tree, path, least, floors):
    """Question sets whose misses have been read: no longer estimates for unseen questions (the
    held-out sets below are), kept as floors a little under what they measure, misses shown."""
    questions = _questions(path)
    leaves = {s.id for s in tree.leaves()}
    assert len(questions) >= least and all(set(q["sections"]) <= leaves for q in questions)
    top1, top3, misses = _score(guide, questions)
    print(f"{path.name}: top-1 {top1:.3f}, top-3 {top3:.3f}")
    assert top1 >= floors[0], "\n".join(misses)
    assert top3 >= floors[1], "\n".join(misses)


@pytest.mark.parametrize(
    ("path", "floors", "measured"),
    [
        # Written after the third round; scored as aggregates: 0.850 / 0.930 with the ranking of
        # 1a07a29, 0.860 / 0.930 at the fifth round's end (35ffa4b), 0.870 / 0.930 at the sixth's (877e9dc).
        # Rounds 7-11 (this afternoon's): 0.930 / 0.980 at ecef527, 0.950 / 0.990 at 6a4ed8f; developers saw
        # these aggregates (pytest prints them) and, once, a line by accident: an upper estimate now.
        # 0.960 / 1.000 after rounds 13 and 14 (e71e786, 99aa99d).
        (HOLDOUT_5, (0.93, 0.97), (0.960, 1.000)),
        # Written from the guideline and sections.md alone, after the fourth round had started;
        # scored as aggregates: 0.780 / 0.910 with the ranking of ea7837b, 0.800 / 0.900 at the
        # fourth round's end (4ec6590), 0.820 / 0.920 at the fifth's (35ffa4b), 0.800 / 0.930 at
        # the sixth's (877e9dc): that round's gains on its development sets did not carry over.
        # Rounds 7-11: 0.850 / 0.950 at ecef527, 0.860 / 0.970 at a38c4bb, 0.860 / 0.960 at 6a4ed8f (the same
        # caveat as holdout-5). 0.890 / 0.980 after round 13 (e71e786), whose developers each saw one of its
        # lines in a grep's output (h6-004, h6-088); 0.920 / 0.990 after round 14 (99aa99d).
        (HOLDOUT_6, (0.89, 0.96), (0.920, 0.990)),
        # Sets of 100 written blind after rounds 12 and 13, each by an engineer reading only the guideline and
        # sections.md, with a different cast of askers (about 12 % in English); scored as aggregates only, never read by
        # anyone changing the ranking. holdout-15 and -16 at 7155392 (start of the session) / after round 13 (e71e786) /
        # after round 14 (99aa99d); holdout-17 to -19, written after round 13, at 7155392 / e71e786 / 99aa99d.
        # The five together (500 questions): 0.820 / 0.948, 0.832 / 0.948, 0.856 / 0.962.
        # Typed in a hurry: half a task and its data (may it go in?), half procedure, forms, words, the provider.
        (HOLDOUT_15, (0.78, 0.90), (0.810, 0.930)),
        # A help desk's month: context in several sentences, two questions at once, half-remembered phrases.
        (HOLDOUT_16, (0.88, 0.96), (0.910, 0.990)),
        # Everyday questions like the issue's own (マイナンバーは入力していい?), a third with a task and its data:
        # 0.690 / 0.940, 0.730 / 0.930, 0.790 / 0.960.
        (HOLDOUT_17, (0.76, 0.93), (0.790, 0.960)),
        # Staff of eleven departments, the material at hand (whose, public yet, who wrote it, under what terms):
        # 0.810 / 0.930, 0.830 / 0.940, 0.840 / 0.950.
        (HOLDOUT_18, (0.81, 0.92), (0.840, 0.950)),
        # Readers of long ago half-quoting the rules' terms; the operator's duties, forms, the rules themselves:
        # 0.930 / 0.970, 0.920 / 0.970, 0.930 / 0.980.
        (HOLDOUT_19, (0.90, 0.95), (0.930, 0.980)),
    ],
    ids=["holdout-5", "holdout-6", "holdout-15", "holdout-16", "holdout-17", "holdout-18", "holdout-19"],
)
def test_unseen_questions(guide, tree, path, floors, measured):
    """Questions written from the guideline alone by other engineers, which nobody working on the
    ranking has read: this test prints the two aggregate figures only (no question, no miss), so
    that they stay unseen. They are the honest estimate of the ranking on new questions. Floors a
    little under what was measured."""
    questions = _questions(path)
    leaves = {s.id for s in tree.leaves()}
    # Counts only in the assertions: pytest would print a list it compares.
    count = len(questions)
    unknown = sum(not set(q["sections"]) <= leaves for q in questions)
    assert count >= 80, f"{path.name}: fewer than 80 questions"
    assert unknown == 0, f"{path.name}: unknown section ids"
    top1, top3, _ = _score(guide, questions)
    print(f"{path.name}: top-1 {top1:.3f}, top-3 {top3:.3f}")
    assert top1 >= floors[0], f"{path.name}: top-1 {top1:.3f} (measured {measured[0]:.3f})"
    assert top3 >= floors[1], f"{path.name}: top-3 {top3:.3f} (measured {measured[1]:.3f})"


def test_answers_are_leaves_best_first(guide):
    hits = guide.search("ChatGPTのアカウントはどう申請する?")
    assert 1 <= len(hits) <= 5
    assert all(h.section.is_leaf for h in hits)
    assert [h.score for h in hits if not h.exact] == sorted((h.score for h in hits if not h.exact), reverse=True)
    assert hits[0].section.id == "2章7-1(2)"


def test_exact_phrases_come_first(guide):
    # The words of 2章6-3, in a question that would otherwise rank 著作権 sections first.
    hits = guide.search("「権利保護を必要とする」と書いてある箇所の著作権の話")
    assert hits[0].section.id == "2章6-3" and hits[0].exact


def test_a_question_naming_a_term_gets_its_glossary_entry(guide):
    assert guide.search("パブリシティ権ってなに")[0].section.id == "用語(※14)"
    assert guide.search("ブレインストーミングとは")[0].section.id == "用語(※10)"


def test_a_definition_question_names_its_term_before_tte(guide):
    # Whatever follows って (そもそも, 結局), the term before it is what the question asks about.
    assert guide.search("ChatGPTってそもそも何のこと?")[0].section.id == "用語(※5)"
    assert guide.search("生成AIって結局なんのことですか？")[0].section.id == "用語(※4)"
    # Not a definition question: the glossary entry on the chatbot is not its answer.
    assert guide.search("チャットボットって何を元に答えてるの？")[0].section.id != "用語(※6)"


def test_a_term_quoted_as_a_glossary_title_gets_its_entry(guide):
    # The sections using the words verbatim are exact hits too; the entry the quote names comes first.
    assert guide.search("ルールにある「権利侵害」はどういう範囲?")[0].section.id == "用語(※13)"
    assert guide.search("「会話型AI」はどの範囲のこと?")[0].section.id == "用語(※9)"


def test_a_question_naming_a_form_gets_the_form(guide):
    # A title states its section like a sentence: the form's title, not the procedure naming it.
    assert guide.search("ChatGPT利用申請書の様式はどこ")[0].section.id == "様式1"
    assert guide.search("障害発生報告書の書き方")[0].section.id == "様式3"


def test_a_term_inside_a_longer_title_only_qualifies_it(guide):
    # 様式4's title 「松戸市生成AI総合案内チャットボット活用事例報告書」 is a report, not the chatbot;
    # 用語(※6) names the chatbot in 「」.
    hits = guide.search("生成AI総合案内チャットボットってなに")
    assert hits[0].section.id == "用語(※6)" and hits[0].exact
    assert not any(h.exact for h in hits if h.section.id == "様式4")


def test_the_screening_rules_say_what_data_a_prohibition_covers(guide, tree):
    # ケース記録 and 生活保護 are not words of 2章5-1(1); the city's screening rule for welfare data
    # files them under it. Without the rule data the question goes to the provider's log checks.
    question = "生活保護のケース記録をAIで要約していい?"
    assert guide.search(question)[0].section.id == "2章5-1(1)"
    assert GuideIndex(tree, load_synonyms()).search(question)[0].section.id != "2章5-1(1)"
    # An English phrase of a rule (undisclosed to other → 2章5-1(2)) names nothing by its "to".
    assert guide.search("Can I paste a resident's personal details into ChatGPT to write to them?")[0].section.id == "2章5-1(1)"


def test_a_staff_word_qualified_by_a_noun_of_another_setting_keeps_its_own_sense(guide):
    # 入園申込 is a resident's application to a nursery, not the 申請 of a ChatGPT account (2章7-1);
    # 利用申込 is, as the rules use 利用.
    assert guide.search("入園申込の名簿をAIで並べ替えていい?")[0].section.id == "2章5-1(1)"
    assert guide.search("ChatGPTの利用申込はどうする?")[0].section.id == "2章7-1(2)"


def test_nothing_found_is_an_empty_answer(guide):
    assert guide.search("今日の天気") == []
    assert guide.search("") == []
    assert guide.search("？？？") == []
    # Sections matching only some characters of a word (議事 in 議事録) hold none of the question's
    # concepts: not listed as answers.
    assert all(h.score > 0 for h in guide.search("議事録を要約していい?"))


def test_cli_answers_each_line_in_order():
    lines = [
        {"id": "a", "question": "マイナンバーは入力していい?"},
        {"id": 2, "question": "Who do I contact about these rules?"},
        {"id": "c", "question": "今日の天気"},
    ]
    source = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n"
    done = subprocess.run(
        [sys.executable, "-m", "policy", "guide", "--jsonl"],
        input=source, capture_output=True, text=True, cwd=REPO, check=False, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    answers = [json.loads(x) for x in done.stdout.splitlines()]
    assert [a["id"] for a in answers] == ["a", 2, "c"]
    assert answers[0]["sections"][0] == "2章5-1(1)"
    assert answers[1]["sections"][0] == "4章"
    assert answers[2]["sections"] == []
    assert all(len(a["sections"]) <= 5 for a in answers)


@pytest.mark.parametrize(
    ("line", "error"),
    [("not json", "JSON として読めません"), ("[1, 2]", "JSON オブジェクト"), ('{"id": "x"}', "question")],
)
def test_cli_keeps_bad_lines_in_place(guide, line, error):
    answer = answer_line(guide, line)
    assert answer["sections"] == [] and error in answer["error"]


def test_cli_reads_a_bom_and_crlf(guide):
    answer = answer_line(guide, '\ufeff{"id": "a", "question": "問い合わせ先は?"}\r\n')
    assert answer == {"id": "a", "sections": answer["sections"]} and answer["sections"][0] == "4章"
