"""Ranking of the guideline's leaf sections for a question: BM25 over words and characters.

Each leaf is indexed with its own text, its title and the titles of the sections around it
(a question often names the heading, not the words of the text). Questions are first rewritten
into the guideline's vocabulary (``synonyms.yaml``); a section's score is scaled by the share of
the question's concepts it holds, the share its headings name, the share one of its sentences
holds, and by whether it gives the kind of answer the question asks for (``intents.yaml``:
a rule that permits or prohibits, a procedure, a glossary entry, a form). Exact hits come first:
a phrase of the question found verbatim in a section, or a question that names a section's
title (「パブリシティ権ってなに」).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace

from policy.guide.highlight import split
from policy.guide.intent import Intent, addressed_elsewhere, asked, load_intents, roles
from policy.guide.query import Query, analyse, situation_and_ask, without_introduction
from policy.guide.reading import Readings
from policy.guide.sections import Section, SectionTree, is_within
from policy.guide.synonyms import Synonyms
from policy.guide.terms import bigrams, chunks, normalize, terms

# Field weights: a word in the section's own title counts like this many words of its text.
TITLE_WEIGHT = 3.0
ANCESTOR_TITLE_WEIGHT = 1.0
# Share of the character-bigram score: it catches typos and words the analyser splits oddly.
BIGRAM_WEIGHT = 0.2
# Score times (share of the question's concepts the section holds, by idf) to this power.
COVERAGE_POWER = 1.0
K1 = 1.2
B = 0.75
# The glossary, the forms, the annex and the cover support the rules: they come first when asked
# for (by title, or a question naming 様式/用語/機密性); otherwise the rules' text is the better quote.
SUPPORT_WEIGHT = 0.6
TITLE_SHARE = 0.6
# A section whose headings are about a service other than the one a question names counts this much: the
# twin section on the named one is the answer, even when only the other's lists the task asked about
# (「総合案内チャットボットでExcelの数式を作っていい?」: Excel is in 2章2-1(2)'s uses only, and 2章2-2(2) answers).
# 0.6 left such questions on the other service's list; 0.1-0.25 measured the same on the development sets.
OTHER_SERVICE_WEIGHT = 0.15
# A section about the chatbot, for staff asking about their own use of an AI they do not name, counts this much
# (0.6-0.8 measured the same on the development sets; 0.9 left the chatbot's list of uses first).
GENERIC_AI_WEIGHT = 0.8
CHATGPT = "chatgpt"
# Words that restate another section (_RESTATED) count this much in the section repeating them.
RESTATED_WEIGHT = 0.3
# A section whose text only points elsewhere (「別紙参照のこと。」) counts this much.
POINTER_WEIGHT = 0.3
# Score times (1 + this x share of the question's concepts, by idf, that the section's title and
# the headings above it name): a heading says what a whole section is about, a word of the text
# may be an aside (個人情報 in a list of risks is not the rule on entering 個人情報).
HEADING_BOOST = 0.5
# Score times (1 + this x the largest share of the question's concepts held by one sentence): the
# concepts of a question stated together in one sentence answer it better than scattered ones.
SENTENCE_BOOST = 0.5
# A section of the kind of answer the question asks for (intents.yaml) counts this much more.
INTENT_BOOST = 0.5
# Each further kind of answer the question asks for that a section gives adds this share of INTENT_BOOST
# (flat from 0.25 to 0.5 on the development sets; 0.6 and more put single-kind sections too low).
MORE_INTENTS_BOOST = 0.4
# A section in a part addressed to someone other than the asker (intents.yaml ``elsewhere``: the
# provider's duties of 第3章 for staff asking what they may do) counts this much.
ELSEWHERE_WEIGHT = 0.6
# The kinds of data the city's screening rules file under a section (screening.py) count this much
# as words of its text: they say what the section covers, in the words staff use for their data.
SCREENING_WEIGHT = 0.2
# The name of the service a section's 「本生成AI」 refers back to counts this much as words of its text
# (the middle of 0.3-0.7, which measured the same on the development sets; 1.0 crowds 第3章 into
# every question about the chatbot).
REFERENCE_WEIGHT = 0.5
# The words of the rules an intent's question is about (intents.yaml ``terms``), as one concept of the
# question weighing this much a term.
INTENT_TERMS_WEIGHT = 1.0
# A question asking for the first step of a procedure (「最初に何すればいい?」「何から始めれば」) counts the first
# numbered step under a 利用手順 heading (7-1(1) 説明会の参加, 7-2(1) アクセス方法) this much more.
FIRST_STEP_BOOST = 1.0
# (まずい is bad, not first; どこから is from where, 7-2(1)'s access or who sends an answer.)
_FIRST_STEP = re.compile(r"最初|まず(?!い|かっ|く|け|さ)|何から|なにから|はじめに|初めに|手始め|第一歩|一番初め|一番はじめ")
# The fewest characters of a form's title, less its service, that name it in a question (障害発生報告書).
MIN_OWN_NAME = 5
# Weights fitted on questions.jsonl + questions-extra.jsonl only; questions-holdout-2.jsonl measures.


@dataclass(frozen=True)
class Hit:
    section: Section
    score: float
    terms: tuple[str, ...]  # question terms found in the section, for highlighting
    exact: bool = False  # a phrase of the question is in its text, or the question names its title


class _Bm25:
    """BM25 over weighted term counts, with postings so a question touches only its terms."""

    def __init__(self, docs: list[Counter[str]], lengths: list[float] | None = None):
        self.docs = docs
        lengths = [sum(d.values()) for d in docs] if lengths is None else lengths
        average = sum(lengths) / max(len(docs), 1)
        norms = [K1 * (1 - B + B * length / average) for length in lengths]
        n = len(docs)
        postings: dict[str, list[tuple[int, float]]] = {}
        for i, doc in enumerate(docs):
            for term, tf in doc.items():
                postings.setdefault(term, []).append((i, tf * (K1 + 1) / (tf + norms[i])))
        self.idf = {t: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in postings.items()}
        self._postings = postings

    def scores(self, query: Mapping[str, float]) -> list[float]:
        out = [0.0] * len(self.docs)
        for term, weight in query.items():
            posting = self._postings.get(term)
            if posting is None:
                continue
            factor = weight * self.idf[term]
            for i, saturated in posting:
                out[i] += factor * saturated
        return out


def _context(tree: SectionTree, leaf: Section) -> list[str]:
    """What names a leaf besides its own title: the headings above it, its labels (【様式1】,
    【解説】…) and, outside the chapters, its id (様式4 has no label)."""
    names = [a.title or "" for a in tree.ancestors(leaf.id)]
    titles = {leaf.title, *names}
    names += [p.text for p in leaf.paragraphs if p.kind == "heading" and p.text not in titles]
    if not leaf.id[0].isdigit():
        names.append(leaf.id)
    return names


# 「「3 現状の問題・課題」に記載のとおり、<restated> ため、…」: what another section says, repeated as
# a reason; that section is the answer about it.
_RESTATED = re.compile(r"」[\d\-]*に記載のとおり、(.+?)(?:ため、|。|$)")


# The sentence of the rules that lists the services they cover, each named in 「」.
_SCOPE = re.compile(r"対象とする生成ai")


# A table row's key when it numbers a class (機密性 3/2/1), not a name.
_ROW_KEY = re.compile(r"\d{1,2}")


_POINTER = re.compile(r"[^。]{0,20}を?参照(のこと|してください)?。?")


# Sections outside the chapters, by the word a question uses when it asks for one of them.
_SUPPORT = {"様式": "様式", "用語": "用語", "表紙": "表紙", "別紙機密性": "機密性"}


def _support_word(leaf: Section) -> str | None:
    return _SUPPORT.get(re.sub(r"[\d(（].*", "", leaf.id))


def _weighted(counter: Counter[str], items: Iterable[str], weight: float) -> None:
    for item in items:
        counter[item] += weight


class GuideIndex:
    """Built once from the section tree; ``search`` is read-only and thread-safe."""

    def __init__(
        self,
        tree: SectionTree,
        synonyms: Synonyms,
        intents: tuple[Intent, ...] | None = None,
        screening: Mapping[str, Iterable[str]] | None = None,
    ):
        self.tree = tree
        self.synonyms = synonyms
        self.intents = load_intents() if intents is None else intents
        self._boosts = {i.name: i.boost for i in self.intents if i.boost != 1.0}
        self.leaves = tree.leaves()
        self._texts = [normalize(leaf.plain_text()) for leaf in self.leaves]
        self._titles = [normalize(leaf.title or "") for leaf in self.leaves]
        self._support = [_support_word(leaf) for leaf in self.leaves]
        # A section whose text only sends the reader elsewhere (用語(※11)「別紙参照のこと。」) answers
        # nothing itself: never first for naming its title, and ranked below what it points to.
        self._pointer = [bool(_POINTER.fullmatch(text)) for text in self._texts]
        # Sentences and their terms, split once so that highlighting costs no tokenising.
        self.sentences = {leaf.id: split(leaf, synonyms.stopwords) for leaf in self.leaves}
        # The services the rules cover, as their scope names them in 「」 (ChatGPT, 生成AI総合案内
        # チャットボット), and the ones each section's headings are about (2章2-1 ChatGPTの機能 …).
        self._services = frozenset(n for t in self._texts if _SCOPE.search(t) for n in _QUOTED_NAME.findall(t))
        referred = self._referred_services(tree)
        # What a supporting section's title names less the service it belongs to (様式3 ChatGPT障害発生報告書 ->
        # 障害発生報告書): a question asking for its kind of answer (a form) by that name asks for it.
        self._own_names = [
            self._own_name(title) if support else "" for title, support in zip(self._titles, self._support, strict=True)
        ]
        self._about: list[frozenset[str]] = []
        word_docs: list[Counter[str]] = []
        char_docs: list[Counter[str]] = []
        self._headings: list[frozenset[str]] = []  # terms of its title and the headings above it
        self._roles: list[frozenset[str]] = []  # the kinds of answer it gives (intents.yaml)
        self._elsewhere: list[frozenset[str]] = []  # the intents whose askers it does not address
        self._addressed: list[frozenset[str]] = []  # the intents its headings answer (用語解説, 提供者として)
        # A class a question names (機密性1) -> the key of its table row (1), which marks that row.
        self._row_keys: dict[str, str] = {}
        for leaf, body, service in zip(self.leaves, self._texts, referred, strict=True):
            title = normalize(leaf.title or "")
            around = normalize(" ".join(_context(tree, leaf)))
            words: Counter[str] = Counter()
            _weighted(words, self._terms(body), 1.0)
            _weighted(words, self._terms(service), REFERENCE_WEIGHT)
            _weighted(words, self._terms(title), TITLE_WEIGHT)
            _weighted(words, self._terms(around), ANCESTOR_TITLE_WEIGHT)
            rows = self._row_names(leaf, title)
            _weighted(words, rows, 1.0)
            self._row_keys.update((name, name[len(name.rstrip("0123456789")) :]) for name in rows)
            for restated in _RESTATED.findall(body):
                _weighted(words, self._terms(restated), RESTATED_WEIGHT - 1.0)
            chars: Counter[str] = Counter()
            _weighted(chars, bigrams(body), 1.0)
            _weighted(chars, bigrams(title), TITLE_WEIGHT)
            _weighted(chars, bigrams(around), ANCESTOR_TITLE_WEIGHT)
            self._headings.append(frozenset(self._terms(title + " " + around)))
            self._about.append(frozenset(n for n in self._services if n in title + around))
            self._roles.append(roles(self.intents, body, title + " " + around))
            self._elsewhere.append(addressed_elsewhere(self.intents, title + " " + around))
            self._addressed.append(roles(self.intents, "", title + " " + around))
            word_docs.append(words)
            char_docs.append(chars)
        # The first step of each procedure: the first child of a section whose headings say 利用手順.
        self._first_step = [
            "procedure" in r and leaf.parent is not None and tree[leaf.parent].children[:1] == [leaf.id]
            for leaf, r in zip(self.leaves, self._roles, strict=True)
        ]
        # Lengths stay those of the section's own words: the screening field says what a section
        # covers, it does not make its text any longer.
        lengths = [sum(d.values()) for d in word_docs]
        for words, kinds in zip(word_docs, self._screened_kinds(screening or {}), strict=True):
            _weighted(words, kinds, SCREENING_WEIGHT)
        # A title states its section's concepts together too (a form's title names what the form is).
        # Words a section has only where it restates another section's sentence are that one's.
        self._restated = [self._restated_only(body) for body in self._texts]
        self._sentence_terms = [
            [frozenset(self._terms(title))] + [s.terms - restated for p in self.sentences[leaf.id] for s in p]
            for leaf, title, restated in zip(self.leaves, self._titles, self._restated, strict=True)
        ]
        self._words = _Bm25(word_docs, lengths)
        self._chars = _Bm25(char_docs)
        self._readings = Readings([*self._words.idf, *synonyms.replacements])
        # The words an intent's question is about (intents.yaml ``terms``), as the index reads them.
        self._intent_terms = [
            (i, dict.fromkeys(self._terms(" ".join(i.terms)), INTENT_TERMS_WEIGHT)) for i in self.intents if i.terms
        ]

    def read(self, question: str) -> Query:
        """``question`` (normalised) as the index reads it: kana respelt, in the rules' vocabulary."""
        return analyse(self._readings.respell(question), self.synonyms, self._words.idf.keys())

    def _is_service(self, topic: str) -> bool:
        """Whether ``topic`` names one of the services the rules describe (総合案内のチャットボット, GPT)."""
        if any(s in topic for s in self._services):
            return True
        return bool(self._services & self.read(topic).weights.keys())

    def _own_name(self, title: str) -> str:
        """``title`` less the city's and a service's name before it; empty when that leaves too little to name it."""
        name = title.removeprefix("松戸市")
        for service in sorted(self._services, key=len, reverse=True):
            name = name.removeprefix(service)
        return name if name != title and len(name) >= MIN_OWN_NAME else ""

    def _restated_only(self, body: str) -> frozenset[str]:
        """Terms ``body`` has only in the clauses restating another section (_RESTATED)."""
        restated = _RESTATED.findall(body)
        if not restated:
            return frozenset()
        rest = body
        for clause in restated:
            rest = rest.replace(clause, " ")
        return frozenset(self._terms(" ".join(restated))) - frozenset(self._terms(rest))

    def _referred_services(self, tree: SectionTree) -> list[str]:
        """The service each leaf's 「本生成AI」「当生成AI」 refers to, when its text does not name one:
        the one last named in its chapter before it (3章1-1(1) names 生成AI総合案内チャットボット and
        3章1-3(1) 「本生成AIに入力された内容」 is about it); so does its 「生成AIシステム」 once the chapter has
        said which service it means by that (3章1-1(1)「生成AI総合案内チャットボット等の生成AIシステム」);
        empty when none is."""
        out: list[str] = []
        last: dict[str, str] = {}  # chapter id -> the service its text named last
        system: dict[str, str] = {}  # chapter id -> the service its text called a 生成AIシステム
        for leaf, text in zip(self.leaves, self._texts, strict=True):
            chapter = next(iter(tree.ancestors(leaf.id)), leaf).id
            named = [n for n in self._services if n in text]
            if len(named) == 1:
                last[chapter] = named[0]
                if re.search(re.escape(named[0]) + r"等?の" + _SYSTEM, text):
                    system[chapter] = named[0]
            if named:
                out.append("")
            elif _REFERENCE.search(text):
                out.append(last.get(chapter, ""))
            else:
                out.append(system.get(chapter, "") if _SYSTEM in text else "")
        return out

    def _row_names(self, leaf: Section, title: str) -> list[str]:
        """What the rows of a section's tables are called: the subject of its title with each row's
        key (機密性による情報資産の分類, rows 3/2/1 -> 機密性3, 機密性2, 機密性1), as the text
        names one class (機密性2) where the table gives only the key."""
        first = chunks(title, self.synonyms.stopwords)[:1]
        if not first:
            return []
        subject = max(first[0].terms, key=len)
        keys = [normalize(row[0]) for p in leaf.paragraphs if p.kind == "table" for row in p.rows[1:] if row]
        return [subject + key for key in keys if _ROW_KEY.fullmatch(key)]

    def _screened_kinds(self, screening: Mapping[str, Iterable[str]]) -> list[list[str]]:
        """Terms of the kinds of data the screening rules file under each leaf (or a section above it);
        each kind is read on its own, so that no compound joins the end of one to the next."""
        out: list[list[str]] = [[] for _ in self.leaves]
        for section, kinds in screening.items():
            # An English phrase (what should we do, undisclosed to other) is left out: its words one
            # by one are the to/of/we of any English question. Single words (NDA, DV) stay.
            found = [self._terms(k) for k in map(normalize, kinds) if not (k.isascii() and " " in k)]
            for i, leaf in enumerate(self.leaves):
                if is_within(leaf.id, section):
                    out[i].extend(t for terms in found for t in terms)
        return out

    def idf(self, words: Iterable[str]) -> dict[str, float]:
        """Rarity of each known term, for choosing the sentences to highlight."""
        return {t: self._words.idf[t] for t in words if t in self._words.idf}

    def _class_name(self, concept: dict[str, float]) -> dict[str, float]:
        """``concept`` as a section holds it: a class of data (a word ending in a generic head, 職員情報) by its own
        name, less the head and the words said in most sections (職員 of 職員情報: 5's heading 「職員がデータを入力する際」
        gives it to every prohibition)."""
        named = _without_generic_heads(concept)
        if len(named) == len(concept):
            return concept
        return {t: w for t, w in named.items() if self._words.idf.get(t, 0.0) >= COMMON_IDF}

    def _terms(self, text: str) -> list[str]:
        return terms(text, self.synonyms.stopwords)

    def search(self, question: str, limit: int = 5) -> list[Hit]:
        """The best leaves for ``question``, best first; empty when nothing matches."""
        question = without_introduction(normalize(question))
        query = self.read(question)
        # 「新聞記事を要約させちゃった。入れただけで著作権侵害になる?」: what the last sentence asks (input) is asked, whatever
        # the situation told before it shows (incident, which replaces input when said in the same breath).
        wanted = asked(self.intents, question)
        situation, ask = situation_and_ask(question)
        if situation:
            wanted |= asked(self.intents, ask)
        if "about" in wanted and query.topic and not self._is_service(query.topic):
            # 「クロード ハイクってどんなAI?」「会話型AIってチャットボットと何が違うの」: asking what a thing is, of
            # anything but the services the rules describe under 基本情報, asks for its glossary entry.
            wanted |= {"definition"}
        told = [terms for intent, terms in self._intent_terms if intent.tells(wanted)]
        if told:
            query = replace(query, concepts=(*query.concepts, *told))
        weights = query.weights
        word_scores = self._words.scores(weights)
        char_scores = self._chars.scores(Counter(bigrams(query.text)))
        # Each concept of the question counts by its rarest term: missing 生成AI (in most sections)
        # costs little, missing 問い合わせ (in two) costs much.
        concepts = [(c, max((self._words.idf.get(t, 0.0) for t in c), default=0.0)) for c in query.concepts]
        share = _Shares([(c, idf) for c, idf in concepts if idf > 0])
        total = share.total
        # A section holds a class of data by the class's name, not by the 情報 that ends every one of them:
        # 「症状」 is 医療情報, which 2章6-4 names; 2章5-1's 「職員が入力する情報は」 says 情報 of any kind.
        held_share = _Shares([(self._class_name(c), idf) for c, idf in concepts if idf > 0])
        named = self._services & weights.keys()
        if len(named) > 1 and named - set(query.compared):
            # 「チャットボットでExcel関数作れる?ChatGPTと使い道ちがうの」: the service compared with is not the one asked about.
            named -= set(query.compared)
        marked = {f"用語(※{int(n)})" for n in _NOTE_MARK.findall(question)}
        hits = []
        for i, leaf in enumerate(self.leaves):
            doc = self._words.docs[i]
            score = word_scores[i] + BIGRAM_WEIGHT * char_scores[i]
            if score <= 0:
                continue
            support = self._support[i]
            # A question asking for a definition or a form asks for the glossary or the forms.
            supporting = support is not None and support not in weights and not wanted & self._addressed[i]
            if total:
                # Sections that answer more of the question's concepts beat ones that repeat one.
                held = doc.keys() - self._restated[i] if self._restated[i] else doc.keys()
                score *= (held_share(held) / total) ** COVERAGE_POWER
                if not supporting:
                    # A glossary entry's title is the term it explains, not what a question about
                    # that term (チャットボットの回答が毎回違う) asks.
                    score *= 1 + HEADING_BOOST * share(self._headings[i]) / total
                best = max((share(s) for s in self._sentence_terms[i]), default=0.0)
                score *= 1 + SENTENCE_BOOST * best / total
            given = wanted & self._roles[i]
            if given:
                # 「職員も使えるの？申請いる？」: 7-2(1) 「利用申請等は不要。」 is both the rule and the procedure.
                score *= 1 + INTENT_BOOST * (1 + MORE_INTENTS_BOOST * (len(given) - 1))
                score *= max(self._boosts.get(name, 1.0) for name in given)
            # Once something has gone wrong (incident), what to do first is no step of starting to use a service.
            if self._first_step[i] and "procedure" in wanted and "incident" not in wanted and _FIRST_STEP.search(question):
                score *= 1 + FIRST_STEP_BOOST
            # 「市民が入力した内容は何に使っていいの」 asks as the provider, whatever its ending says.
            if wanted & self._elsewhere[i] and not wanted & self._addressed[i]:
                score *= ELSEWHERE_WEIGHT
            # A question about one service is not answered by the twin section on the other
            # (2章7-1 ChatGPT の利用手順 against 2章7-2 チャットボットの).
            if len(named) == 1 and self._about[i] and not named & self._about[i]:
                score *= OTHER_SERVICE_WEIGHT
            # Staff putting their own work to "AI" (「AIに直させても平気?」) mean the service they apply for to do it
            # (ChatGPT, 2章7-1), before the city's chatbot for residents, which they may also consult (2章2-2(2)).
            elif not named and "user" in wanted and self._about[i] and CHATGPT not in self._about[i]:
                score *= GENERIC_AI_WEIGHT
            if supporting:
                score *= SUPPORT_WEIGHT
            if self._pointer[i]:
                score *= POINTER_WEIGHT
            matched = tuple(t for t in weights if t in doc)
            # The question reads 機密性1 as one class, not the bare 1 of every section numbered (1); its
            # table row is keyed by the digits alone, so they mark that row.
            matched += tuple(self._row_keys[t] for t in matched if t in self._row_keys)
            # A question naming a section by its title (「パブリシティ権ってなに」, 「権利侵害」って、どの
            # 権利の話?) asks for it before any section that merely uses the words.
            # 「生成AIってそもそも何のこと?」: a question of the kind a section's headings address (用語解説
            # for a definition) that puts its title before って/とは asks for it, however it goes on.
            titled = not self._pointer[i] and (
                _names(query.core, self._titles[i])
                or bool(self._own_names[i] and wanted & self._addressed[i] and self._own_names[i] in question)
                or self._titles[i] in query.quoted
                or bool(query.topic and wanted & self._addressed[i] and _names(query.topic, self._titles[i]))
            )
            # 「本文の※11の注記って」: a question quoting a note's marker asks for that note of 用語解説, even one
            # that only sends the reader on (用語(※11)「別紙参照のこと。」).
            titled = titled or leaf.id in marked
            exact = titled or (not self._pointer[i] and any(p in self._texts[i] for p in query.phrases))
            if score <= 0 and not exact:
                continue
            hits.append((titled, Hit(leaf, score, matched, exact)))
        hits.sort(key=lambda t: (t[1].exact, t[0], t[1].score), reverse=True)
        return [h for _, h in hits[:limit]]


class _Shares:
    """Summed idf of the question's concepts with a term in a set of terms (a section, its headings,
    one sentence): set intersections, as it runs for every sentence of every matching section."""

    def __init__(self, concepts: list[tuple[dict[str, float], float]]):
        self.idf = [idf for _, idf in concepts]
        self.total = sum(self.idf)
        self._concepts: dict[str, list[int]] = {}  # term -> the concepts holding it
        for j, (concept, _) in enumerate(concepts):
            for term in concept:
                self._concepts.setdefault(term, []).append(j)
        self._terms = self._concepts.keys()

    def __call__(self, found: AbstractSet[str]) -> float:
        common = self._terms & found
        if not common:
            return 0.0
        held = {j for term in common for j in self._concepts[term]}
        return sum(self.idf[j] for j in held)


_QUOTED_NAME = re.compile(r"「(.+?)」")
# A note's marker as the rules print it after a term (機密性2(※11)), the label of its 用語解説 entry.
_NOTE_MARK = re.compile(r"※\s*(\d{1,2})(?!\d)")
# How the rules refer back to a service named before: 本生成 AI, 当生成 AI システム.
_REFERENCE = re.compile(r"[本当]生成ai")
# 「生成AIシステム」, once a chapter has said which service it means (3章 lead: 「生成 AI 総合案内チャットボット等の
# 生成 AI システム」); elsewhere (2章6-6 「生成 AI システム特有の…リスクケース」) it names no service.
_SYSTEM = "生成aiシステム"


# The word that ends each class of data the rules name (2章5-1(1) 解説: 職員情報, 執行情報, 契約情報, 住基情報, 税情報,
# 個人に関する情報; 5-1(2) 秘密情報; 5-1(3) 非公開情報; 6-4 医療情報): said alone, it names no class.
GENERIC_HEADS = ("情報",)
# A word of lower idf than this is said in most sections (職員, 生成, ai, 利用).
COMMON_IDF = 1.0


def _without_generic_heads(concept: dict[str, float]) -> dict[str, float]:
    """``concept`` less a generic head (GENERIC_HEADS) when it names a class by a longer word ending in it."""
    return {
        t: w for t, w in concept.items() if not (t in GENERIC_HEADS and any(o != t and o.endswith(t) for o in concept))
    }


def _names(core: str, title: str) -> bool:
    """The question asks for a section by (most of) its title, e.g. a term of 用語解説: the core
    starts or ends the title, or what the title names in 「」 (OpenAI 社が提供する「ChatGPT」).
    A core inside a longer name only qualifies it (松戸市生成AI総合案内チャットボット活用事例報告書)."""
    names = [title, *_QUOTED_NAME.findall(title)] if title else []
    return any(
        (name.startswith(core) or name.endswith(core)) and len(core) >= TITLE_SHARE * len(name) for name in names
    )
