"""Loading the rule data in ``policy/data``: YAML with line numbers, so that a broken file stops
start-up with a message naming the file and the line (architecture: "validated at load")."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(str(resources.files("policy") / "data"))


class RuleDataError(ValueError):
    """A rule file is malformed; the message names the file and line."""


class Node(dict):  # type: ignore[type-arg]
    """A YAML mapping that remembers where it starts."""

    file: str = "?"
    line: int = 0
    key_lines: dict[str, int]

    def where(self, key: str | None = None) -> str:
        """``file:line`` of the mapping, or of one of its keys."""
        line = self.key_lines.get(key, self.line) if key is not None else self.line
        return f"{self.file}:{line}"


class _Loader(yaml.SafeLoader):
    file = "?"


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Node:
    loader.flatten_mapping(node)
    out = Node()
    out.file = loader.file
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise RuleDataError(f"{loader.file}:{key_node.start_mark.line + 1}: キー {key!r} が重複しています")
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[str(key)] = key_node.start_mark.line + 1
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path) -> Any:
    """Parse one data file; syntax errors are reported with file and line."""
    label = str(path.relative_to(DATA_DIR.parent.parent)) if path.is_relative_to(DATA_DIR.parent.parent) else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleDataError(f"{label}: 読み込めません: {exc}") from exc

    class Loader(_Loader):
        file = label

    try:
        return yaml.load(text, Loader=Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else 0
        raise RuleDataError(f"{label}:{line}: YAML の書式が正しくありません: {exc.problem}") from exc


def require(node: Node, key: str, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(node, Node):
        raise RuleDataError(f"{getattr(node, 'where', lambda: '?')()}: 項目がマッピングではありません")
    if key not in node:
        raise RuleDataError(f"{node.where()}: 必須の項目 {key!r} がありません")
    return expect(node, key, node[key], kind)


def optional(node: Node, key: str, kind: type | tuple[type, ...], default: Any) -> Any:
    if key not in node or node[key] is None:
        return default
    return expect(node, key, node[key], kind)


def expect(node: Node, key: str, value: Any, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        raise RuleDataError(f"{node.where(key)}: {key!r} は {names} で書いてください（{type(value).__name__} です）")
    return value


def string_list(node: Node, key: str, *, required: bool = False) -> tuple[str, ...]:
    value = require(node, key, list) if required else optional(node, key, list, [])
    for item in value:
        if not isinstance(item, str) or not item:
            raise RuleDataError(f"{node.where(key)}: {key!r} の要素は空でない文字列にしてください: {item!r}")
    return tuple(value)
