"""Outgoing activities as the JSON msrest's ``Model.serialize`` makes of them, at a fraction of its cost.

``Model.serialize`` builds a new ``Serializer`` for every call (collecting every class of
``botbuilder.schema`` first), runs each attribute through its key transformer and type dispatch,
and walks a card's content value by value with several ``type`` and ``isinstance`` tests. Under
load that was 8–10 % of the bot's CPU (bench/README.md, "Load"). Here each model class's attribute
map is read once into a plan (attribute, JSON key, type), and the values that make up almost all
of an activity — plain ``str``/``int``/``bool``/``float``, ``None``, ``dict``, ``list`` and nested
models — are converted directly, by msrest's rules. Everything else (datetimes, enums, flattened
or XML attributes, additional properties, unexpected types) goes to msrest's own ``Serializer``
with the same dependencies ``Model.serialize`` would use, so the result is the same dict, in the
same key order. tests/bot/test_wire.py compares the two on every shape of activity the bot sends.

``deserialize`` is the same for what comes in (each POSTed activity, the connector's answers):
msrest's ``Deserializer`` per attribute and value, ~155 µs a Teams message, is read by plan too
(~40 µs), with the same models, additional properties and copies; anything else, and any error,
is msrest's.
"""

from __future__ import annotations

import contextlib
import re
from datetime import datetime
from enum import Enum
from functools import cache
from typing import Any, TypeVar

from isodate.isotzinfo import build_tzinfo
from msrest.serialization import Deserializer, Model, SerializationError, Serializer, full_restapi_key_transformer

M = TypeVar("M", bound=Model)

_BASIC: dict[str, type] = {"str": str, "bool": bool, "int": int, "float": float}
_PLAIN = (str, int, bool, float)
# How serialize_data treats a type name: basic, one of its own serialisers, a list, or a model name.
_OBJECT, _LIST, _MODEL, _OTHER = "object", "list", "model", "other"

Field = tuple[str, str, str, str, Any]  # attribute, JSON key, type name, kind, attribute description


_SERIALIZE_TYPES = frozenset(Serializer().serialize_type)


@cache
def _kind(type_name: str) -> str:
    if type_name in _BASIC:
        return type_name
    if type_name == "object":
        return _OBJECT
    if type_name in _SERIALIZE_TYPES:
        return _OTHER
    if type_name[:1] == "[" and type_name[-1:] == "]":
        return _LIST
    if type_name[:1] == "{" and type_name[-1:] == "}":
        return _OTHER
    return _MODEL


_plans: dict[type, list[Field] | None] = {}
_serializers: dict[type, Serializer] = {}


def _plan(cls: type) -> list[Field] | None:
    """The attributes msrest writes for ``cls`` in JSON, or None when msrest must do it itself."""
    try:
        return _plans[cls]
    except KeyError:
        pass
    plan: list[Field] | None = []
    attribute_map = getattr(cls, "_attribute_map", None)
    if not isinstance(attribute_map, dict) or not issubclass(cls, Model) or cls.is_xml_model():
        plan = None
    else:
        validation = getattr(cls, "_validation", {})
        for attr, desc in attribute_map.items():
            if validation.get(attr, {}).get("readonly", False):
                continue  # msrest leaves read-only attributes out (keep_readonly=False)
            keys, _ = full_restapi_key_transformer(attr, desc.copy(), None)
            if (attr == "additional_properties" and desc["key"] == "") or len(keys) != 1 or "xml" in desc:
                plan = None
                break
            plan.append((attr, keys[0], desc["type"], _kind(desc["type"]), desc))
    _plans[cls] = plan
    return plan


class _Writer:
    def __init__(self, serializer: Serializer):
        self._msrest = serializer
        self._dependencies = serializer.dependencies

    def model(self, obj: Any) -> Any:
        plan = _plan(type(obj))
        if plan is None:
            return self._msrest._serialize(obj, keep_readonly=False, is_xml=False)
        out: dict[str, Any] = {}
        for attr, key, type_name, kind, desc in plan:
            value = getattr(obj, attr)
            if value is None:
                continue  # msrest: "No value for given attribute", the key is left out
            try:
                new = self.data(value, type_name, kind, desc)
            except ValueError as error:
                if isinstance(error, SerializationError):
                    raise
                continue
            if key not in out:
                out[key] = new
        return out

    def data(self, value: Any, type_name: str, kind: str, desc: Any) -> Any:
        cls = type(value)
        if kind == _OBJECT:
            return self.object(value)
        if kind in _BASIC:
            if cls is _BASIC[kind]:
                return value
            if kind == "str" and isinstance(value, Enum):
                return value.value  # msrest's serialize_unicode: an enum (ActivityTypes.message) as its value
        elif kind == _LIST:
            if cls is list:
                inner = type_name[1:-1]
                inner_kind = _kind(inner)
                items: list[Any] = []
                for item in value:
                    if item is None:
                        items.append(None)
                        continue
                    try:
                        items.append(self.data(item, inner, inner_kind, desc))
                    except ValueError as error:
                        if isinstance(error, SerializationError):
                            raise
                        items.append(None)
                return items
        elif kind == _MODEL and isinstance(value, Model) \
                and not issubclass(self._dependencies.get(type_name, cls), Enum):
            return self.model(value)
        return self._msrest.serialize_data(value, type_name, keep_readonly=False, is_xml=False, serialization_ctxt=desc)

    def object(self, value: Any) -> Any:
        """msrest's ``serialize_object``: an untyped value (a card, channel data)."""
        cls = type(value)
        if value is None or cls in _PLAIN:
            return value
        if cls is dict:
            out: dict[str, Any] = {}
            for key, item in value.items():
                name = key if type(key) is str else self._msrest.serialize_unicode(key)
                try:
                    out[name] = self.object(item)
                except ValueError:
                    out[name] = None
            return out
        if cls is list:
            items: list[Any] = []
            for item in value:
                with contextlib.suppress(ValueError):  # msrest drops such an item
                    items.append(self.object(item))
            return items
        if isinstance(value, Model) and _plan(cls) is not None:
            return self.model(value)
        return self._msrest.serialize_object(value)


def serialize(model: Model) -> Any:
    """``model.serialize()``: the same JSON-ready dict."""
    cls = type(model)
    if _plan(cls) is None:
        return model.serialize()
    serializer = _serializers.get(cls)
    if serializer is None:
        # The dependencies Model.serialize gives its Serializer (the model's own package).
        serializer = _serializers[cls] = Serializer(cls._infer_class_models())
    return _Writer(serializer).model(model)


# --- incoming: Model.deserialize -------------------------------------------------------------------
ReadField = tuple[str, str, str, str]  # attribute, JSON key, type name, kind
ReadPlan = tuple[list[ReadField], frozenset[str], frozenset[str], frozenset[str]]  # + readonly, constant, known keys

_read_plans: dict[type, ReadPlan | None] = {}
_readers: dict[type, _Reader] = {}


def _read_plan(cls: type) -> ReadPlan | None:
    """The attributes msrest's ``Deserializer`` reads for ``cls``, or None when it must do it itself
    (polymorphic, flattened, XML or declared additional properties)."""
    try:
        return _read_plans[cls]
    except KeyError:
        pass
    plan: ReadPlan | None = None
    attribute_map = getattr(cls, "_attribute_map", None)
    if isinstance(attribute_map, dict) and issubclass(cls, Model) and not cls.is_xml_model() \
            and not cls.__dict__.get("_subtype_map") and "additional_properties" not in attribute_map:
        fields: list[ReadField] | None = []
        for attr, desc in attribute_map.items():
            key = desc["key"]
            if not key or "." in key or "\\" in key or "xml" in desc:
                fields = None
                break
            fields.append((attr, key, desc["type"], _kind(desc["type"])))
        if fields is not None:
            validation = getattr(cls, "_validation", {})
            plan = (fields, frozenset(k for k, v in validation.items() if v.get("readonly")),
                    frozenset(k for k, v in validation.items() if v.get("constant")),
                    frozenset(key for _, key, _, _ in fields))
    _read_plans[cls] = plan
    return plan


class _Reader:
    def __init__(self, deserializer: Deserializer):
        self._msrest = deserializer
        self._dependencies = deserializer.dependencies

    def model(self, cls: type, data: Any) -> Any:
        plan = _read_plan(cls)
        if plan is None or type(data) is not dict:
            return self._msrest._deserialize(cls, data)
        fields, readonly, constant, known = plan
        attrs = {attr: None if (raw := data.get(key)) is None else self.data(raw, type_name, kind)
                 for attr, key, type_name, kind in fields}
        obj = cls(**{k: v for k, v in attrs.items() if k not in readonly and k not in constant})
        for attr in readonly:
            setattr(obj, attr, attrs.get(attr))
        extra = {k: v for k, v in data.items() if k not in known}
        if extra:  # msrest: the keys the model does not declare, as they came
            obj.additional_properties = extra
        return obj

    def data(self, raw: Any, type_name: str, kind: str) -> Any:
        cls = type(raw)
        if kind == _OBJECT:
            return self.object(raw)
        if type_name == "iso-8601" and cls is str and (moment := _iso_8601(raw)) is not None:
            return moment
        if kind in _BASIC:
            if cls is _BASIC[kind]:
                return raw
        elif kind == _LIST:
            if cls is list:
                inner = type_name[1:-1]
                inner_kind = _kind(inner)
                return [None if item is None else self.data(item, inner, inner_kind) for item in raw]
        elif kind == _MODEL:
            target = self._dependencies.get(type_name)
            if isinstance(target, type) and issubclass(target, Model):
                return self.model(target, raw)
        return self._msrest.deserialize_data(raw, type_name)

    def object(self, raw: Any) -> Any:
        """msrest's ``deserialize_object``: an untyped value, copied."""
        cls = type(raw)
        if raw is None or cls in _PLAIN:
            return raw
        if cls is dict:
            out: dict[str, Any] = {}
            for key, item in raw.items():
                try:
                    out[key] = self.object(item)
                except ValueError:
                    out[key] = None
            return out
        if cls is list:
            items: list[Any] = []
            for item in raw:
                with contextlib.suppress(ValueError):  # msrest drops such an item
                    items.append(self.object(item))
            return items
        return self._msrest.deserialize_object(raw)


_ISO_8601 = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|([+-])(\d\d):(\d\d))", re.ASCII)


def _iso_8601(text: str) -> datetime | None:
    """msrest's ``deserialize_iso`` (isodate's parser, ~25 us) for the forms Teams sends
    (``2026-11-26T05:00:00.1234567Z``, ``…+09:00``): the same datetime, with isodate's own tzinfo,
    fractions past microseconds cut off and the same range check. None for anything else, which
    msrest then reads (or refuses) itself."""
    match = _ISO_8601.fullmatch(text.upper())
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone, sign, zone_hour, zone_minute = match.groups()
    try:
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second),
                          int((fraction or "")[:6].ljust(6, "0")),
                          build_tzinfo(zone, sign or "+", int(zone_hour or 0), int(zone_minute or 0)))
        if not 1 <= moment.utctimetuple().tm_year <= 9999:
            return None
    except (ValueError, OverflowError):
        return None
    return moment


def deserialize(cls: type[M], data: Any) -> M:
    """``cls.deserialize(data)``: the same model. Any error is left to msrest to raise (it reads the
    data again), so a malformed activity fails as it did."""
    reader = _readers.get(cls)
    if reader is None:
        reader = _readers[cls] = _Reader(Deserializer(cls._infer_class_models()))
    if reader._dependencies.get(cls.__name__) is cls:
        try:
            return reader.model(cls, data)
        except Exception:  # msrest raises its own error for this input just below
            pass
    return cls.deserialize(data)
