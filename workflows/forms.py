"""The questions of the report forms (様式2, 様式3, 様式4) and their validation.

One definition serves both sides: the card builders turn a ``Field`` into an Adaptive Card input
with the same limits (``isRequired``, ``maxLength``, ``regex``, ``min``/``max``) so that Teams
checks them before sending, and :func:`validate` checks them again on the server, because any
client (or a hand-made request) can send anything. What the person typed is always kept as
typed, so a form sent back with errors loses nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from org import Person

Kind = Literal["text", "multiline", "date", "time", "number", "choice"]

# The two services of the guideline (2章1-1(1)), as users name them.
SERVICE_NAMES = {"chatgpt": "ChatGPT", "chatbot": "生成AI総合案内チャットボット"}
SERVICE_CHOICES = tuple(SERVICE_NAMES.items())

JST = ZoneInfo("Asia/Tokyo")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Field:
    id: str
    label: str
    kind: Kind = "text"
    required: bool = False
    max_length: int | None = None
    placeholder: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    # Anchored pattern valid in both Python and JavaScript (Adaptive Cards test it with RegExp).
    regex: str | None = None
    regex_error: str = ""
    minimum: float | None = None
    maximum: float | None = None
    not_future: bool = False  # dates: the day cannot be after today (JST)
    hint: str = ""

    def __post_init__(self) -> None:
        if self.kind == "choice" and not self.choices:
            raise ValueError(f"{self.id}: a choice field needs choices")
        if self.regex is not None:
            re.compile(self.regex)

    @property
    def error_message(self) -> str:
        """What Teams shows under the input when its own check fails."""
        if self.regex_error:
            return self.regex_error
        if self.kind == "choice":
            return f"{self.label}を選択してください。"
        if self.kind == "number" and (self.minimum is not None or self.maximum is not None):
            return f"{self.label}は{_number(self.minimum)}から{_number(self.maximum)}の数値で入力してください。"
        if self.max_length:
            return f"{self.label}を入力してください（{self.max_length}文字以内）。"
        return f"{self.label}を入力してください。"


@dataclass
class FormResult:
    """``typed``: strings as sent (to refill the card); ``values``: parsed values; ``errors``: by field id."""

    typed: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _as_text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    text = raw if isinstance(raw, str) else str(raw)
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _check(spec: Field, text: str, today: date) -> tuple[Any, str | None]:
    """The parsed value of a non-empty answer, or an error message."""
    if spec.max_length is not None and len(text) > spec.max_length:
        return None, f"{spec.label}は{spec.max_length}文字以内で入力してください（現在{len(text)}文字）。"
    if spec.kind == "choice":
        if text not in dict(spec.choices):
            return None, f"{spec.label}は選択肢から選んでください。"
        return text, None
    if spec.kind == "date":
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return None, f"{spec.label}は「2026-11-26」の形で入力してください。"
        if spec.not_future and day > today:
            return None, f"{spec.label}に未来の日付は入力できません。"
        return day, None
    if spec.kind == "time":
        try:
            moment = time.fromisoformat(text)
        except ValueError:
            return None, f"{spec.label}は「14:05」の形で入力してください。"
        return moment.replace(second=0, microsecond=0), None
    if spec.kind == "number":
        try:
            number = float(text)
        except ValueError:
            return None, f"{spec.label}は数値で入力してください。"
        if number != number or (spec.minimum is not None and number < spec.minimum) or (
            spec.maximum is not None and number > spec.maximum
        ):
            return None, f"{spec.label}は{_number(spec.minimum)}から{_number(spec.maximum)}の範囲で入力してください。"
        return number, None
    if spec.regex is not None and not re.fullmatch(spec.regex, text):
        return None, spec.regex_error or f"{spec.label}の形式が正しくありません。"
    return text, None


def validate(fields: tuple[Field, ...], raw: Mapping[str, Any], today: date) -> FormResult:
    """Check every field; unknown keys in ``raw`` (action data such as ids) are ignored."""
    result = FormResult()
    for spec in fields:
        typed = _as_text(raw.get(spec.id))
        result.typed[spec.id] = typed
        text = typed.strip()
        if not text:
            if spec.required:
                verb = "選択" if spec.kind in ("choice", "date", "time") else "入力"
                result.errors[spec.id] = f"{spec.label}を{verb}してください。"
            else:
                result.values[spec.id] = None
            continue
        value, error = _check(spec, text, today)
        if error:
            result.errors[spec.id] = error
        else:
            result.values[spec.id] = value
    return result


# --- the forms ------------------------------------------------------------------------------

LONG = 2000  # a 様式 cell holds a few paragraphs; longer text belongs in an attached document
CONTACT_REGEX = r"^[^\n]{1,100}$"

# The header every 様式 (2, 3) carries, addressed to the DX推進課長.
HEADER_FIELDS: tuple[Field, ...] = (
    Field("department", "所属", required=True, max_length=50),
    Field("manager", "所属長", required=True, max_length=50),
    Field("reporter", "担当者", required=True, max_length=50),
    Field("contact", "連絡先", required=True, max_length=100, placeholder="内線番号またはメールアドレス",
          regex=CONTACT_REGEX, regex_error="連絡先は1行（100文字以内）で入力してください。"),
)

REPORT_CATEGORIES = (
    ("incident", "障害・問題の発生（おそれを含む）"),
    ("risk", "リスクケース（誤情報などで市民等に不利益）"),
)

# 様式3 ChatGPT 障害発生報告書 (7-1(6)), also used for the チャットボット (7-2(3)) and 6-6.
REPORT_DETAIL_FIELDS: tuple[Field, ...] = (
    Field("cause", "原因", kind="multiline", max_length=LONG, placeholder="分かっている範囲で（調査中でも可）"),
    Field("outlook", "今後の対応と見通し", kind="multiline", max_length=LONG),
    Field("remarks", "備考", kind="multiline", max_length=LONG),
)
REPORT_FIELDS: tuple[Field, ...] = (
    *HEADER_FIELDS,
    Field("category", "種別", kind="choice", required=True, choices=REPORT_CATEGORIES),
    Field("service", "サービス", kind="choice", required=True, choices=SERVICE_CHOICES),
    Field("occurred_date", "発生日", kind="date", required=True, not_future=True),
    Field("occurred_time", "発生時刻", kind="time", required=True),
    Field("background", "経緯", kind="multiline", required=True, max_length=LONG,
          placeholder="いつ、誰が、何をして、何が起きたか"),
    *REPORT_DETAIL_FIELDS,
)

REPORT_STATUSES = ("受付", "対応中", "完了")
STATUS_FIELDS: tuple[Field, ...] = (
    Field("status", "状態", kind="choice", required=True, choices=tuple((s, s) for s in REPORT_STATUSES)),
    Field("status_note", "連絡事項", kind="multiline", max_length=500),
)

# 様式2 ChatGPT 活用方法報告書 (7-1(5)).
FORM2_FIELDS: tuple[Field, ...] = (
    *HEADER_FIELDS,
    Field("task", "業務名", required=True, max_length=100),
    Field("before", "ChatGPT利用前の運用方法", kind="multiline", required=True, max_length=LONG),
    Field("after", "ChatGPT利用時の運用方法", kind="multiline", required=True, max_length=LONG),
    Field("effect", "効果", kind="multiline", required=True, max_length=LONG,
          placeholder="定量的な要素も含めてご記入ください"),
    Field("hours_saved", "時間削減（時間／月）", kind="number", required=True, minimum=0, maximum=744,
          hint="1か月あたりに削減できた作業時間（見込み）"),
)

FREQUENCIES = ("毎日", "週に数回", "月に数回", "年に数回", "不定期")
# 様式4 生成AI総合案内チャットボット 活用事例報告書 (7-2(2)): one row of its table.
FORM4_FIELDS: tuple[Field, ...] = (
    Field("department", "所属名", required=True, max_length=50),
    Field("team", "班・係名", max_length=50),
    Field("task", "関連事業・業務名", required=True, max_length=100),
    Field("usage", "活用方法（どのような場面で、誰が、どのように）", kind="multiline", required=True, max_length=1000),
    Field("frequency", "想定活用頻度", kind="choice", required=True, choices=tuple((f, f) for f in FREQUENCIES)),
    Field("person", "担当者氏名", required=True, max_length=50),
    Field("phone", "外線・内線", required=True, max_length=30, regex=r"^[0-9０-９()（）\-－ー内線外 ]{2,30}$",
          regex_error="外線・内線は番号で入力してください（例: 047-366-7399、内線1234）。"),
)

USECASE_FIELDS = {"chatgpt": FORM2_FIELDS, "chatbot": FORM4_FIELDS}
USECASE_FORMS = {"chatgpt": "様式2", "chatbot": "様式4"}

REVIEW_FIELDS: tuple[Field, ...] = (
    Field("review_note", "差し戻しの理由・連絡事項", kind="multiline", max_length=500),
)

CASES_SEARCH_FIELDS: tuple[Field, ...] = (
    Field("keyword", "キーワード", max_length=50),
    Field("department", "所属", max_length=50),
)

EXPORT_KINDS = (
    ("reports", "障害・リスク報告（様式3）"),
    ("usecases-chatgpt", "ChatGPT 活用方法報告（様式2）"),
    ("usecases-chatbot", "チャットボット 活用事例報告（様式4）"),
)
EXPORT_FORMATS = (("xlsx", "様式（Excel）"), ("csv", "CSV（Excel で開けます）"))
EXPORT_FIELDS: tuple[Field, ...] = (
    Field("kind", "種類", kind="choice", required=True, choices=EXPORT_KINDS),
    Field("format", "形式", kind="choice", required=True, choices=EXPORT_FORMATS),
    Field("since", "開始日", kind="date", required=True),
    Field("until", "終了日", kind="date", required=True),
)


class Refused(Exception):
    """A form action that may not happen (wrong person, unknown record); the message is Japanese."""


def header_from(person: Person | None, manager: Person | None) -> dict[str, str]:
    """The 様式 header pre-filled from the org table; 連絡先 defaults to the mail address."""
    if person is None:
        return {}
    return {
        "department": person.department,
        "manager": manager.name if manager else "",
        "reporter": person.name,
        "contact": person.email,
    }


def as_typed(fields: tuple[Field, ...], values: Mapping[str, Any]) -> dict[str, str]:
    """Stored values as a form shows them again (12.0 hours as ``12``)."""
    typed: dict[str, str] = {}
    for spec in fields:
        value = values.get(spec.id)
        if value is None:
            continue
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        typed[spec.id] = str(value)
    return typed
