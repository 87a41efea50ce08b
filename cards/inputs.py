"""Adaptive Card inputs for the form fields of ``workflows.forms.Field``.

Each input carries the same limits the server checks again (``isRequired``, ``maxLength``,
``regex``) so Teams stops most mistakes before sending; errors found on the server are shown
under the input, and the card comes back with what the person typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from cards.common import Element, text
from workflows.forms import JST, Field


def _number(value: str) -> float | int | None:
    """Input.Number takes a number; text that is not one (already reported) is left out."""
    try:
        number = float(value)
    except ValueError:
        return None
    return int(number) if number.is_integer() else number


def field_input(spec: Field, value: str = "", error: str | None = None) -> list[Element]:
    """The input for one field, followed by its server-side error (if any)."""
    element: Element = {"id": spec.id, "label": spec.label, "isRequired": spec.required,
                        "errorMessage": spec.error_message}
    if spec.kind == "choice":
        element.update(type="Input.ChoiceSet", style="compact",
                       choices=[{"title": title, "value": key} for key, title in spec.choices],
                       placeholder=spec.placeholder or "選択してください")
    elif spec.kind == "date":
        element.update(type="Input.Date")
        if spec.not_future:
            element["max"] = datetime.now(JST).date().isoformat()
    elif spec.kind == "time":
        element.update(type="Input.Time")
    elif spec.kind == "number":
        element.update(type="Input.Number")
        element.update({k: v for k, v in (("min", spec.minimum), ("max", spec.maximum)) if v is not None})
        number = _number(value)
        value = "" if number is None else number  # type: ignore[assignment]
    else:
        element.update(type="Input.Text", isMultiline=spec.kind == "multiline")
        if spec.max_length:
            element["maxLength"] = spec.max_length
        if spec.regex:
            element["regex"] = spec.regex
        if spec.placeholder:
            element["placeholder"] = spec.placeholder
    if value != "":
        element["value"] = value
    out: list[Element] = [element]
    if spec.hint:
        out.append(text(spec.hint, isSubtle=True, size="Small", spacing="None"))
    if error:
        out.append(text(error, color="Attention", size="Small", spacing="None"))
    return out


def form_inputs(
    fields: tuple[Field, ...], values: Mapping[str, str] | None = None, errors: Mapping[str, str] | None = None,
) -> list[Element]:
    values, errors = values or {}, errors or {}
    out: list[Element] = []
    for spec in fields:
        out.extend(field_input(spec, values.get(spec.id, ""), errors.get(spec.id)))
    return out


def error_summary(errors: Mapping[str, Any]) -> list[Element]:
    if not errors:
        return []
    return [text(f"入力内容を確認してください（{len(errors)}件）。", color="Attention", weight="Bolder")]
