"""YAML (and JSON) loading that remembers the line of every mapping, key and list item."""

from __future__ import annotations

import json
from typing import Any

import yaml

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LMap(dict):  # type: ignore[type-arg]
    """A mapping that knows its line and the line of each of its keys (1-based)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line = 1
        self.key_lines: dict[Any, int] = {}

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class LSeq(list):  # type: ignore[type-arg]
    """A list that knows its line and the line of each item (1-based)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.line = 1
        self.item_lines: list[int] = []

    def line_at(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    pass


def _construct_map(loader: Any, node: yaml.MappingNode) -> Any:
    mapping = LMap()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    yield mapping
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, bool) and isinstance(key_node, yaml.ScalarNode):
            key = key_node.value  # GitHub's `on:` must stay "on", not YAML 1.1's True
        try:
            hash(key)
        except TypeError:
            continue
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1


def _construct_seq(loader: Any, node: yaml.SequenceNode) -> Any:
    seq = LSeq()
    seq.line = node.start_mark.line + 1
    seq.item_lines = [child.start_mark.line + 1 for child in node.value]
    yield seq
    seq.extend(loader.construct_object(child, deep=True) for child in node.value)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


class ParseError(ValueError):
    """The file is not valid YAML/JSON; the message says where."""


def load_yaml_documents(text: str) -> list[Any]:
    """Every document of a YAML stream, with line information."""
    try:
        return [doc for doc in yaml.load_all(text, Loader=_Loader) if doc is not None]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ParseError(f"invalid YAML{where}: {problem}") from None
    except (RecursionError, ValueError, TypeError) as exc:
        raise ParseError(f"invalid YAML: {exc}") from None


def load_json(text: str) -> Any:
    """Parse JSON strictly, then take line numbers from YAML's composer when it can read it."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        line = getattr(exc, "lineno", None)
        raise ParseError(f"invalid JSON{f' at line {line}' if line else ''}") from None
    try:
        located = yaml.load(text, Loader=_Loader)
    except (yaml.YAMLError, RecursionError, ValueError, TypeError):
        return data
    return located if located == data else data
