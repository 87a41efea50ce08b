"""A question as the index reads it: concepts (each a set of weighted terms), phrases, core."""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from policy.guide.synonyms import Synonyms, joined
from policy.guide.terms import KANJI, Chunk, chunks, normalize
from policy.japanese import tokenize

# A question's words weigh one each, the compounds of a run half; a long run (a service's full
# name) is scaled down to weigh at most this many words, so it cannot drown the rest.
COMPOUND_WEIGHT = 0.5
CHUNK_CAP = 2.0
OWN_WORD_WEIGHT = 0.3
# A word the vocabulary knows names a topic of the rules (住民票 -> 住基情報); the rest of a question
# is often the task (要約して, 表にして), which says less about which rule applies.
KNOWN_WEIGHT = 2.0
MIN_PHRASE = 4
# The digits of a class right after its word: 機密性2, 機密性 2, "confidentiality level 2", "class 2".
_NUMBER = re.compile(r"(?: ?(?:level|class|category) ?| )?(\d{1,2})(?!\d)")
# 「ChatGPTと使い道ちがうの」「ChatGPTとは何が違う」「ChatGPTと比べて」: the word before と is what the question's subject is
# compared with, not what it asks about.
# So is the one a question likens it to or sets it against: 「ChatGPTの時みたいに報告書出すの?」「ChatGPTのように」「ChatGPTと同じく」
# 「ChatGPTだと入ってたと思うけど」 (in a question naming the other service as well: index.search).
_COMPARED = re.compile(
    r"と(?:は|も)?[^、。?？!！]{0,8}?(?:違|ちが|異な|比べ|比較)"
    r"|(?:の(?:時|とき|場合))?(?:みたいに|みたく|のように|と同じ|と同様)|だと[^、。?？!！]{0,12}?(?:けど|けれど|のに|が、)"
)
# Further digits listed after a numbered word: 機密性3と2と1, 機密性2・1, "level 2 or 1".
_MORE_NUMBERS = re.compile(r" ?(?:と|や|か|、|,|・|/|~|〜|or|and) ?(\d{1,2})(?![\d.])")
_QUOTED = re.compile(r"[「『\"“](.+?)[」』\"”]")
_END = "?？。.!！ 、,"
# The subject a question puts before って/とは; what follows may be any wording of the question.
# (っていう/という of a name that follows, 「…っていう団体って」, is no topic marker; 「…っていうのは」 is.)
_TOPIC = re.compile(r"([^、。?？!！]+?)(?:って(?!(?:いう|言う|ゆう)(?!の|もの|こと))|とは|の特徴)")
# What puts a name after it: 「…っていう」「…という」「ルールでいう」 (as it is called) and an opening quote.
_NAMED_AS = re.compile(r"(?:って|と|で)(?:いう|言う|ゆう)|[「『\"“]")
# 「生成系AIの定義って何?」「パブリシティ権の意味とは」: the subject is what comes before の定義/の意味.
# 「用語解説の「機密性2」の説明って」: the glossary named as the place, and の説明, frame the term too.
_TOPIC_FRAME = re.compile(r"(?:の|って)(?:定義|意味|説明)$|^(?:用語解説|用語集)の")


# The rules name themselves 本ガイドライン (1章1-1, 1章3, 5章 …), 本ルール (4章) and, on the cover,
# …利活用ルール. A question naming the guideline or the rules on their own (「このガイドラインって…」,
# 「ルールでわからないことがあったら」, "these rules"), not as a compound naming another (利用ガイドライン) nor
# as 「ルール上」「ルール的に」「ルール違反」 (under the rules, about something else), is about these rules as a whole.
# So is 利活用ルール, the rules' own name (the cover), compound as it is.
SELF_TERMS = ("本ガイドライン", "本ルール", "利活用ルール")
SELF_WEIGHT = 1.0
_SELF = re.compile(
    r"(?:^|(?<=[^一-龥ァ-ヺa-z0-9]))(?:ガイドライン|ルール)(?!上|的|違反)|利活用ルール|\b(?:these|this|the|our|city's) (?:[a-z]+ )?(?:rules|rulebook|guidelines?)\b"
)
# 「総務省の情報セキュリティポリシーのガイドライン」「国の指針」「他の自治体のルール」: guidelines of another body (the
# ones 1章1-1 and 用語(※3) name, or another city's) are not these rules.
_OTHERS_RULES = re.compile(
    r"(?:総務省|政府|省庁|デジタル庁|国|自治体|他市|他県|ポリシー)(?:の|が(?:出し|作っ|定め)た)[^、。?？!！]{0,20}?(?:ガイドライン|ルール|指針)"
)
# "What do the rules say about patching it?", "Does the guideline say anything about misuse?", "Is there
# anything in the rules on…": the rules only frame what is asked about; the question is not about them.
_SAYS_ABOUT = re.compile(
    r"\b(?:what )?(?:do|does|did) (?:the|these|this|our|city's) (?:[a-z]+ )?(?:rules|rulebook|guidelines?) "
    r"(?:say|mention|state|have to say)(?: anything)? (?:about|on|regarding)\b"
    r"|\banything in (?:the|these|this|our|city's) (?:[a-z]+ )?(?:rules|rulebook|guidelines?) (?:about|on|regarding)\b"
    # "the definition of generative AI in the rules", "is it allowed under the guidelines?": where the answer is looked for.
    r"|\b(?:in|under|according to) (?:the|these|this|our|city's) (?:[a-z]+ )?(?:rules|rulebook|guidelines?)(?=[?.!,]|$)"
)

# "without asking my manager", "do I need to tell my boss", "check with our section chief first": asking
# one's superior is the rules' 所属長の許可 (2章4 「原則として所属長の許可を得た上で」), as 「上司に言わないで」 is.
# Only before the use ("without …", "… before using", "… first"): telling one's manager after something went
# wrong is a report (2章7-1(6)), not the permission.
_SUPERIOR = (
    r"(?:ask(?:ing)?|tell(?:ing)?|inform(?:ing)?|consult(?:ing)?|check(?:ing)? with|clear(?:ing)? it with|"
    r"get(?:ting)? (?:approval|permission|the ok|an ok|sign-off) from) (?:my|our|the) "
    r"(?:boss|manager|supervisor|superior|section chief|section head|division head|department head)\b"
)
_BOSS = r"(?:boss|manager|supervisor|superior|section chief|section head|division head|department head)"
# "my section chief's OK", "our manager's approval": the superior's consent itself is the 許可 of 2章4.
_ASK_SUPERIOR = re.compile(
    rf"\bwithout {_SUPERIOR}|\b{_SUPERIOR}[^.?!]{{0,40}}?\b(?:before|first)\b"
    rf"|\b(?:my|our|the) {_BOSS}(?:['’]s|s['’]) (?:ok|okay|go-ahead|consent|blessing|sign-off|approval|permission)\b"
)
PERMISSION_TERMS = ("許可", "承認")

# What a service made is a 生成物 (the heading of 6: 職員が生成物を利用する際の注意事項), whichever spelling
# of the service names it: 「GPTが出した数字」「チャットGPTで作った文」「Claudeに書かせた」. The services are
# the guideline words the vocabulary maps AI, GPT, chatbot to; the verbs make something, in the past.
OUTPUT_WORD = "生成物"
_SERVICES = ("chatgpt", "生成ai", "生成ai総合案内チャットボット")
_MADE = (
    r"(?:が|で|の|から)(?:作っ(?:た|てくれた|てきた)|作成し(?:た|てくれた)|書い(?:た|てくれた|てきた)|描い(?:た|てくれた|てきた)|出し(?:た|てきた)|"
    r"生成し(?:た|てきた)|考え(?:た|てくれた)|返し(?:た|てきた)|まとめた)"
    r"|に(?:作ら|書か|描か|考えさ|出さ|生成さ|作成さ)せた|の(?:回答|出力|答え)|(?:作成|生成|製)(?:の|した|された)"
    r"| (?:came up with|wrote|made|created|generated|produced|gave|suggested|drafted|returned)\b"
)
# "created with AI", "written by ChatGPT", "made using generative AI": the English participle before the service.
_MADE_WITH = (
    r"\b(?:created|made|written|generated|produced|drafted|composed|designed) (?:by|with|using|in) (?:an? |the )?"
)
# "have AI design a logo", "get ChatGPT to write", "let the AI draft": the service is made to make something.
_HAVE = r"\b(?:have|has|had|having|let|lets|get|gets|getting|ask|asks|asking|use|using) (?:an? |the )?"
_MAKE = r" (?:to )?(?:make|write|create|design|draft|generate|produce|compose|come up with|draw)\b"
_made_patterns: WeakKeyDictionary[Synonyms, re.Pattern[str] | None] = WeakKeyDictionary()


def _made_by_a_service(question: str, synonyms: Synonyms) -> bool:
    """``question`` (normalised) names something a service made: a word for a service, then _MADE."""
    key = synonyms
    if key not in _made_patterns:  # built once per vocabulary (the index keeps one)
        names = sorted((w for w, t in synonyms.replacements.items() if set(t.split()) & set(_SERVICES)), key=len)
        alternatives = "|".join(map(re.escape, reversed(names)))
        _made_patterns[key] = (
            re.compile(f"(?:{alternatives})(?:{_MADE})|{_MADE_WITH}(?:{alternatives})|{_HAVE}(?:{alternatives}){_MAKE}") if names else None
        )
    pattern = _made_patterns[key]
    return pattern is not None and bool(pattern.search(question))


# "drop a spreadsheet of names into ChatGPT", "copy the minutes into the AI": whatever the verb, what goes into a
# service is entered (入力, 2章5 「職員がデータを入力する際の注意事項」).
INPUT_WORD = "入力"
# Logging into a service, getting or looking into it, puts nothing into it.
_NOT_PUT = "".join(f"(?<!{verb} )" for verb in ("log", "logs", "logged", "logging", "sign", "signs", "signed", "signing", "get", "got", "look", "go"))
_into_patterns: WeakKeyDictionary[Synonyms, re.Pattern[str] | None] = WeakKeyDictionary()


def _put_into_a_service(question: str, synonyms: Synonyms) -> bool:
    """``question`` (normalised) puts something into a service: into, then a word for a service."""
    if synonyms not in _into_patterns:
        names = sorted((w for w, t in synonyms.replacements.items() if w.isascii() and set(t.split()) & set(_SERVICES)), key=len)
        alternatives = "|".join(map(re.escape, reversed(names)))
        _into_patterns[synonyms] = re.compile(rf"{_NOT_PUT}\binto (?:an? |the |our )?(?:{alternatives})\b") if names else None
    pattern = _into_patterns[synonyms]
    return pattern is not None and bool(pattern.search(question))


# 「入れても問題ない?」「貼っても問題ないでしょうか」: the ending asks for permission (intents.yaml); its 問題 is
# no trouble (障害・問題 of 7-1(6)), so it is not read as a word of the question.
_VERDICT = re.compile(r"(?:は|も|って)?問題(?:ない|なし|ありません|ある|あります)(?=です|でしょう|か|の|よね|\?|？|。|$)")
# 「要約させるのはあり?」「これってナシ?」: あり/なし as a verdict asks whether it is allowed (intents.yaml); its
# 有り is no word of the question (2章1-1(2) 「…されており」 is not about it).
_YES_OR_NO = re.compile(r"(?:(?<=の|て|で)(?:は|も)|って)(?:あり|なし|アリ|ナシ)(?=です|でしょう|ですか|なの|な|か|\?|？|。|$)")

# The contracted てしまう/でしまう (広まっちゃう, 読んじゃった) left at the start of a piece after a matched verb.
_CUT_ENDING = re.compile(r"^(?:ちゃ|じゃ)(?:う|っ|い)")

# The endings of English contractions I'm and we'd/I'd are read as words of their own by the analyser, and
# the letters m and d are terms of the rules (様式1's mアカウント): they say nothing of a question's topic.
# ('s stays: the vocabulary has phrases such as "someone else's text", and s is no term of the rules.)
_CONTRACTION = re.compile(r"(?<=[a-z])['’][md]\b")
# The negations hasn't, isn't, don't, can't, won't: read as has not, is not, do not, can not, will not, so
# the vocabulary's "not been published", "not required" match whichever way a question writes them.
_NEGATION = re.compile(r"\b(?:(wo)|(ca)|([a-z]+?))n['’]t\b")


# 「どこの部署なんですか」「どうなんでしょう」: the なんで of なんです/なんでしょう is no なんで (why), so it is no
# word of the vocabulary (目的); read as なのです.
_NANDESU = re.compile(r"(?<=な)んで(?=す|しょ)")

# 「どういうことができるツールなの?」「何が得意なツール?」「どんなサービス?」: the kind of thing a question asking what
# a service is puts after its question word is no topic of its own (ツール is 2章3-1(6)'s and 2章4's word for
# the service; that a question calls ChatGPT a tool says nothing of which rule it asks for). サービス stays:
# it is 基本情報's own word (会話型AIサービス).
_KIND_OF_THING = re.compile(
    r"(?:(?<=どういう)|(?<=どのような)|(?<=どんな)|(?<=得意な)|(?<=苦手な)|(?<=できる))(?:ツール|システム|アプリ)(?=なの|なん|です|って|か|\?|？|$)"
)


# 「係長から…要約しといてって言われた」「課長に頼まれて」: who gave the task says where it came from, not what the
# question asks (所属長 is the word of 2章4's permission and 2章7-1(6)'s report); 「係長に言わないで」 stays.
_TASKED_BY = re.compile(
    r"(?:係長|課長|部長|室長|所長|上司|所属長|先輩|同僚)(?:から|に)(?=[^。?？]{0,40}?(?:言われ|頼まれ|指示され|依頼され|任され))"
)


# 「市HPのチャットボット」「HPの案内チャットボット」: where the chatbot is put names the service, as its name does; it
# asks nothing about the homepage (2章2-2(1) 学習する「公式ホームページの情報」, 2章7-2(1) its place on the page).
_SERVICE_PLACE = re.compile(
    r"(?:(?:松戸)?市の?)?(?:hp|ホームページ|公式サイト|webサイト)の(?=(?:ai|案内|総合案内)?(?:チャットボット|ボット))"
    # "the HP chatbot", "the city website's AI chatbot", "the homepage bot".
    r"|\b(?:hp|homepage|home page|website|web site|web)(?:['’]s)? (?=(?:ai )?(?:guide )?(?:chat ?bot|bot)\b)"
)


# 「…って聞くけど本当?」「…と聞いたんですが、本当ですか」: whether what one heard is so frames the question; its 本当 is no
# 正確 of an answer the AI gave (6-1 「正確で信頼できる情報源」).
_HEARSAY_TRUE = re.compile(r"(?:(?<=けど)|(?<=けれど)|(?<=が)|(?<=、))、?本当(?:に|のところ)?(?:です|なの|なん|でしょう|か|ですか|\?|？|。|!|！)*$")


# 「どうしろって書いてある?」「…についてはなんて書いてあったっけ」: what the rules say frames the question; its 書いて is no
# 明記 of a text (2章6-5 「生成AIを利用した旨を明記」), which 「AIで作ったって書いておく」 is.
_SAYS_WHAT = re.compile(r"(?:(?<=なん)|(?<=何)|(?<=どう)|(?<=しろ)|(?<=せよ)|(?<=すれば)|(?<=したら))っ?て(?:書いて|かいて|書かれて)(?:あ|い)[ぁ-ゖ]*")

# 「チャットGPTで手直ししていい?」「AIに書き直させたい」: an AI doing the fix proofreads the staff's text, 2章2-1(2) ④
# 「文章の校正」; the fix the rules ask of the staff (6-1 「修正の上」, 6-3 「加筆・修正すること」) is of what the AI made.
_FIXED_BY_AI = re.compile(r"(?<![a-z])((?:ai|gpt|chatgpt|ボット)(?:で|に))(?:手直し|書き直|直し|直さ|修正|リライト)")


# "a resident's application form", "the applicant's tax return", "a citizen's case notes": a document of a
# person is information about that person, 5-1(1)'s 個人に関する情報 (「特定の個人を識別することが出来る情報」), and
# the procedural word in it (application, form, request) is the resident's, not the 申請/様式 of 2章7 (as
# 入園申込 is a resident's application, not the rules' 利用申請; a case history is no ログ). Read as "…'s personal details <document>".
_PERSON = r"(?:resident|citizen|applicant|customer|patient|client|taxpayer|person|individual|child|parent|family|household)"
_PERSONS_DOCUMENT = re.compile(
    rf"\b({_PERSON}(?:['’]s|s['’]) )((?:[a-z-]+ ){{0,2}}?)"
    r"(application forms?|applications?|forms?|requests?|files?|records?|notes?|documents?|papers?|paperwork|certificates?|returns?|details|data|info|information|history|histories)\b"
)
_PROCEDURAL = re.compile(r"application forms?|applications?|forms?|requests?|history|histories")


def _persons_document(match: re.Match[str]) -> str:
    document = "paperwork" if _PROCEDURAL.fullmatch(match.group(3)) else match.group(3)
    return f"{match.group(1)}personal details {match.group(2)}{document}"


def persons_documents(question: str) -> str:
    """``question`` (normalised) with a person's document read as that person's details:
    a resident's application form -> a resident's personal details paperwork."""
    return _PERSONS_DOCUMENT.sub(_persons_document, question)


# "how does the chatbot work?", "does it still work?": work as a verb of a service (or it) is how it runs, not the
# 業務 (work, job) the vocabulary reads the noun as; read as "function", a word of no section.
_WORKS = re.compile(r"\b(it|they|this|that|chatgpt|gpt|chat ?bot|bot|ai|model|service|system|tool) ((?:actually |really |still )?)work(s|ed|ing)?\b")


def verbs_of_a_service(question: str) -> str:
    """``question`` (normalised) with a service's verb work read as function: how does it work -> how does it function."""
    return _WORKS.sub(lambda m: f"{m.group(1)} {m.group(2)}function", question)


# "how do I get a ChatGPT account?", "we need accounts": an account is had by applying for it (2章7-1(2)
# アカウント及び利用者の申請, 様式1 ChatGPT アカウント及び利用申請書), whatever the verb.
APPLICATION_WORD = "申請"
_GET_ACCOUNT = re.compile(
    r"\b(?:get|gets|getting|got|obtain|obtaining|receive|request|requesting|need|needs|set up|open) (?:an? |our |my |the |new )?(?:[a-z]+ )?accounts?\b"
)


# 「庁内報の記事を書いています」「広報誌の原稿をAIに書かせたら」: an article the staff write, or have the AI write, is their own
# document (2章3-1(7) 「業務上の資料等」), not someone else's 著作物 as the 記事 of a newspaper is.
OWN_DOCUMENT = "資料"
_WRITTEN_ARTICLE = re.compile(r"(?:記事|原稿)(?=を(?:(?:ai|gpt|chatgpt|ボット)(?:に|で))?(?:書|作|執筆))")


# "Why can't staff sign up on their own?", "is it allowed? why or why not?": a why of a rule's no asks the reason the
# rule gives where it is stated (2章4's 解説 for asking one's 所属長), not 1章3's 目的 of the rules as a whole (the
# vocabulary's why); the risk intent reads the why from the question itself.
_WHY_NOT = re.compile(r"\bwhy(?: or why)?(?= not\b| (?:[a-z]+ ){1,2}not\b)")


# "What restrictions apply to level 2 data?", "which limits applied to it": a restriction applies (holds); only a
# person applies for something (申請, 2章7-1(2)). (Scope, "do the rules apply to teachers", is the vocabulary's 対象.)
_HOLDS = re.compile(r"\b((?:restriction|limit|limitation|condition|requirement|prohibition|precaution|control)s?) appl(?:y|ies|ied) to\b")


# "an event name", "the file name", "project names": the name of a thing is no person's name (氏名, 個人情報); read as a
# word of no section (moniker: "naming" would inflect back to name).
_THING_NAME = re.compile(r"\b(event|project|product|file|folder|program|programme|campaign|service|team|document|course|booth|festival|mascot) names?\b")


def without_contractions(question: str) -> str:
    """``question`` (normalised) without the endings of the contractions I'm, I'd: i'm an alt -> i an alt;
    a negation written out: hasn't -> has not, won't -> will not, can't -> can not."""
    question = _NEGATION.sub(lambda m: ("will" if m.group(1) else "can" if m.group(2) else m.group(3)) + " not", question)
    question = _THING_NAME.sub(r"\1 moniker", question)
    return _HOLDS.sub(r"\1 for", _WHY_NOT.sub("", _CONTRACTION.sub("", question)))


# 「子育て支援課です。」「広報課。」: who is asking, not what about (課 would match every procedure).
_OFFICE = r"[^。、?？!！\s]{1,20}?(?:課|係|室|部|局|センター|担当|所|館)"
_INTRODUCTION = re.compile(
    # 「福祉課です。」「福祉課の者ですが、」「総務課からの質問です。」「広報課で広報紙を担当しています。」
    rf"^(?:{_OFFICE}(?:の者)?(?:です|でございます)?(?:が|けど|けれど)?[。、.,!！]"
    rf"|{_OFFICE}(?:から)?の(?:質問|相談|問い合わせ)(?:です)?[。、.,!！]"
    rf"|{_OFFICE}で[^。?？!！]{{0,20}}?(?:担当して|勤務して|働いて)(?:い|お)(?:ます|る)[。、.,!！]"
    # "I work in the tax division." "I'm from the welfare section,"
    r"|(?:i work (?:in|at|for)|i'm (?:from|in|with)|i am (?:from|in|with)) (?:the |our )?[a-z ]{1,40}?"
    r"(?:division|department|section|office|team)[.,!] ?"
    # 「お疲れ様です。」「すみません、」: a greeting.
    r"|(?:お疲れ様です|お疲れさまです|おつかれさまです|お世話になっております|すみません|失礼します|こんにちは)[。、.,!！]?)"
)


def without_introduction(question: str) -> str:
    """``question`` (normalised) without an opening that only greets or says who is asking."""
    rest = question
    for _ in range(3):  # 「お疲れ様です。財政課です。…」
        shorter = _INTRODUCTION.sub("", rest, count=1)
        if shorter == rest or not shorter.strip():
            break
        rest = shorter
    return rest


# 「議事録の下書き時間が半分になった。こういう成功例ってどこかに報告するの?」: a Japanese question of several sentences
# tells its situation first and asks in its last sentence; the words of the sentences before it weigh this much (0.65-0.8
# measured the same on the development sets; 0.6 and less let the situation's topic drop below the ask's).
SITUATION_WEIGHT = 0.7
_SENTENCE_END = "。?!"


def situation_and_ask(plain: str) -> tuple[str, str]:
    """``plain`` (normalised) cut after its last sentence end but the final one: (situation, ask); ("", plain)
    for a question of one sentence, or in English (its sentences are not read this way)."""
    if plain.isascii():
        return "", plain
    body = plain.rstrip(_END)
    cut = max(body.rfind(c) for c in _SENTENCE_END)
    return (plain[: cut + 1], plain[cut + 1 :]) if cut > 0 else ("", plain)


@dataclass(frozen=True)
class Query:
    text: str  # normalised, in the guideline's vocabulary
    concepts: tuple[dict[str, float], ...]  # one per word or synonym of the question
    phrases: tuple[str, ...]  # quoted parts and the whole question, to find verbatim
    core: str  # the question without 「とは」「って何」…
    quoted: tuple[str, ...] = ()  # the parts in 「」 or quotes, normalised
    topic: str = ""  # what comes before the first って/とは/の特徴: 「生成AIってそもそも何のこと?」 -> 生成ai
    compared: tuple[str, ...] = ()  # guideline words a question compares its subject with: 「ChatGPTと使い道ちがうの」

    @property
    def weights(self) -> dict[str, float]:
        return _merge(list(self.concepts))


def analyse(question: str, synonyms: Synonyms, known: AbstractSet[str] | None = None) -> Query:
    """``known``: the guideline's terms; a staff word qualified by a noun outside them keeps its own
    sense (_qualified_elsewhere)."""
    concepts: list[dict[str, float]] = []
    plain = _YES_OR_NO.sub("、", _VERDICT.sub("、", verbs_of_a_service(without_contractions(persons_documents(question)))))
    plain = _TASKED_BY.sub("", _KIND_OF_THING.sub("", _NANDESU.sub("の", plain)))
    plain = _SAYS_WHAT.sub("", _HEARSAY_TRUE.sub("", _SERVICE_PLACE.sub("", plain)))
    plain = _WRITTEN_ARTICLE.sub(OWN_DOCUMENT, _FIXED_BY_AI.sub(r"\1校正", plain))
    situation, ask = situation_and_ask(plain)
    segments = synonyms.segments(situation, known or frozenset()) if situation else []
    told = len(segments)  # the segments of the situation come first
    segments += synonyms.segments(ask, known or frozenset())
    own_sense = _qualified_elsewhere(segments, known) if known is not None else set()
    segments = [(words, "" if k in own_sense else target) for k, (words, target) in enumerate(segments)]
    for k, (words, target) in enumerate(segments):
        if k == told and told:
            concepts = [{t: w * SITUATION_WEIGHT for t, w in c.items()} for c in concepts]
        if k in own_sense:
            concepts.extend(_weights(c) for c in chunks(words, synonyms.stopwords))
            continue
        if not target:
            if k and segments[k - 1][1]:
                # 「外に広まっ|ちゃう」: the ending of a verb the vocabulary matched, cut off from it, would be read
                # on its own as another word (ちゃう as 違う -> 異なる).
                words = _CUT_ENDING.sub("", words)
            concepts.extend(_weights(c) for c in _chunks(words, synonyms))
            continue
        # One concept: the guideline's words, and the question's own word at a discount (a new
        # edition may use it, but it must not outweigh the words the rules use today).
        own = [{t: w * OWN_WORD_WEIGHT for t, w in _weights(c).items()} for c in chunks(words, synonyms.stopwords)]
        # The guideline's word itself (生成物, 秘密保持契約) weighs as much as its parts.
        whole = [dict.fromkeys(target.split(), 1.0)]
        known = _merge(own + [_weights(c) for c in chunks(target, synonyms.stopwords)] + whole)
        concepts.append({t: w * KNOWN_WEIGHT for t, w in known.items()})
        # 機密性1: a guideline word numbered by the digits right after it names one class, a
        # concept of its own that the sections on the other classes do not hold.
        number = _NUMBER.match(segments[k + 1][0]) if k + 1 < len(segments) else None
        if number:
            # 「機密性3と2と1の違い」「機密性2や1」: the digits listed after it number the same word.
            rest, numbers = segments[k + 1][0][number.end() :], [number.group(1)]
            while more := _MORE_NUMBERS.match(rest):
                rest, numbers = rest[more.end() :], [*numbers, more.group(1)]
            concepts.extend({w + n: KNOWN_WEIGHT for w in target.split()} for n in numbers)
            # Its digits are read once: as the bare word 1 they would match every section numbered (1).
            segments[k + 1] = (rest, segments[k + 1][1])
    if OUTPUT_WORD not in _merge(concepts) and _made_by_a_service(normalize(question), synonyms):
        made = [_weights(c) for c in chunks(OUTPUT_WORD, synonyms.stopwords)] + [{OUTPUT_WORD: 1.0}]
        concepts.append({t: w * KNOWN_WEIGHT for t, w in _merge(made).items()})
    if INPUT_WORD not in _merge(concepts) and _put_into_a_service(normalize(question), synonyms):
        concepts.append({INPUT_WORD: KNOWN_WEIGHT})
    if _GET_ACCOUNT.search(question) and APPLICATION_WORD not in _merge(concepts):
        concepts.append({APPLICATION_WORD: KNOWN_WEIGHT})
    if _ASK_SUPERIOR.search(question) and not set(PERMISSION_TERMS) & _merge(concepts).keys():
        concepts.append(dict.fromkeys(PERMISSION_TERMS, KNOWN_WEIGHT))
    if _SELF.search(_OTHERS_RULES.sub(" ", _SAYS_ABOUT.sub(" ", question))):
        concepts.append(dict.fromkeys(SELF_TERMS, SELF_WEIGHT))
    concepts = [c for c in concepts if c]
    raw = [words or target for words, target in segments]  # the question's own text, piece by piece
    compared = tuple(
        w for k, (_, target) in enumerate(segments) if target and _COMPARED.match("".join(raw[k + 1 :]))
        for w in target.split()
    )
    text = joined(segments)
    quoted = [normalize(q) for q in _QUOTED.findall(question)]
    whole = normalize(question).rstrip(_END)
    phrases = tuple(p for p in [*quoted, whole] if len(p) >= MIN_PHRASE)
    topic = _topic(whole, synonyms)
    core = _core(whole, synonyms.frames)
    return Query(text, tuple(concepts), phrases, core, tuple(quoted), topic, compared)


# "What is generative AI?", "What does 'conversational AI' mean?", "the definition of X in the rules", "define X": the
# English frames that put the term asked about where Japanese puts it before って/とは.
_EN_TERM = r"(?:an? |the )?['\"‘“]?([a-z0-9][a-z0-9 '’\-]*?)['\"’”]?"
_EN_TOPIC = re.compile(
    rf"^(?:(?:what(?:'s| is) )?the (?:definition|meaning) of {_EN_TERM}|what does {_EN_TERM} (?:mean|stand for)"
    rf"|what(?:'s| is| are) {_EN_TERM}(?: exactly| really| actually)?|define {_EN_TERM})"
    r"(?: in (?:the|these|this|our) (?:[a-z]+ )?(?:rules|rulebook|guidelines?))?(?:[?.!]|$)"
)


def _in_rules_words(topic: str, synonyms: Synonyms) -> str:
    """``topic`` in the rules' words when the vocabulary knows it as one word (generative ai, せいせいai -> 生成ai)."""
    known = [(w, t) for w, t in synonyms.segments(topic) if t]
    rest = "".join(w for w, t in synonyms.segments(topic) if not t).strip()
    if len(known) == 1 and not rest:
        return known[0][1]
    return topic


def _english_topic(whole: str, synonyms: Synonyms) -> str:
    """The term an English question asks the meaning of, in the rules' words when the vocabulary knows it as one word
    (generative ai -> 生成ai); empty when the question is not so framed."""
    match = _EN_TOPIC.match(whole)
    if match is None:
        return ""
    return _in_rules_words(next(g for g in match.groups() if g is not None).strip(), synonyms)


def _topic(whole: str, synonyms: Synonyms) -> str:
    """What a question puts before って/とは, less の定義/の意味; a staff word is the rules' words for it
    (「生成系AIの定義って何?」 -> 生成ai, the title of 用語(※4); クロード ハイク -> claude haiku)."""
    match = _TOPIC.match(whole)
    if match is None:
        return _english_topic(whole, synonyms) if whole.isascii() else ""
    # 「参考にしたっていう日本ディープラーニング協会って」「ルールでいう権利侵害って」「総務省の『…ガイドライン』って」「講座で「生成AIとは」」:
    # what qualifies or quotes the name before って/とは (as it is called, whose it is) is not the name asked about.
    # 「「…ガイドライン」ってどういうもの?」: a name in quotes is the name.
    topic = _TOPIC_FRAME.sub("", _NAMED_AS.split(match.group(1))[-1]).strip("「」『』\"“”")
    target = synonyms.replacements.get(topic, "")
    return target or _in_rules_words(topic, synonyms)


def _qualified_elsewhere(segments: list[tuple[str, str]], known: AbstractSet[str]) -> set[int]:
    """The segments whose staff word keeps its own sense, as a noun the guideline neither uses nor maps is
    compounded before it: 入園申込 is a resident's application to a nursery, not the 申請 of a
    ChatGPT account the rules describe (利用申込, アカウント申込 are: their first noun is the rules').
    A staff word means the guideline's word only in the guideline's own setting."""
    out: set[int] = set()
    for k in range(1, len(segments)):
        (before, mapped), (word, target) = segments[k - 1], segments[k]
        if not target or not word or mapped or not before:
            continue
        if not (KANJI.match(word) and KANJI.match(before[-1])):
            continue  # a compound of kanji: kana or Latin letters between are other words
        last = tokenize(before)[-1]
        # One kanji (入 of 入出力) is a part of a word rather than a noun qualifying it.
        if (
            len(last.surface) > 1
            and last.pos[:2] == ("名詞", "普通名詞")
            and last.pos[2] != "副詞可能"
            and normalize(last.surface) not in known
        ):
            out.add(k)
    return out


def _chunks(text: str, synonyms: Synonyms) -> list[Chunk]:
    """Chunks, with words the text matching missed mapped by their lemmas: an inflected word
    (使っ→使う) or words of a compound in another spelling (裏どり必要→裏+取り→裏取り)."""
    out: list[Chunk] = []
    for chunk in chunks(text, synonyms.stopwords):
        found = _by_lemmas(chunk.words, synonyms.replacements)
        if found is None:
            out.append(chunk)
            continue
        mapped, whole = found
        if not whole:
            out.append(chunk)  # the other words of the compound still count
        # A compound of the mapped word with an affix (利用者: 利用 + 者) is a term of its own: the
        # word's lemma is mapped, the compound stays (「利用者に追加したい」 is 7-1(2)'s 利用者).
        kept = chunk.compounds if whole else ()
        out.append(Chunk(tuple(t for c in chunks(mapped, synonyms.stopwords) for t in c.terms), kept))
    return out


def _by_lemmas(words: tuple[str, ...], replacements: dict[str, str]) -> tuple[str, bool] | None:
    """The guideline words for the longest run of ``words`` whose lemmas joined are a known word,
    and whether that run is all of them."""
    for size in range(len(words), 0, -1):
        for start in range(len(words) - size + 1):
            key = "".join(words[start : start + size])
            mapped = replacements.get(key)
            if mapped is not None and mapped != key:
                return mapped, size == len(words)
    return None


def _weights(chunk: Chunk) -> dict[str, float]:
    total = len(chunk.words) + COMPOUND_WEIGHT * len(chunk.compounds)
    scale = min(1.0, CHUNK_CAP / total) if total else 0.0
    out = dict.fromkeys(chunk.words, scale)
    for term in chunk.compounds:
        out.setdefault(term, scale * COMPOUND_WEIGHT)
    return out


def _merge(parts: list[dict[str, float]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for part in parts:
        for term, weight in part.items():
            out[term] = max(out.get(term, 0.0), weight)
    return out


def _core(whole: str, frames: tuple[str, ...]) -> str:
    """「パブリシティ権ってなに」 -> パブリシティ権."""
    core = whole
    changed = True
    while changed:
        changed = False
        for frame in frames:
            if core.endswith(frame) and len(core) > len(frame):
                core, changed = core[: -len(frame)].rstrip(_END), True
    return core
