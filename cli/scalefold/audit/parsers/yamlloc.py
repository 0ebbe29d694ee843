"""YAML (and JSON) loading that remembers the line of every mapping, key and list item.

Aliases are checked before anything is built: a document whose aliases expand to far more nodes
than it holds (the "billion laughs" bomb: a few hundred bytes that expand to 10⁹ nodes) is refused
with a ``ParseError`` instead of being built, walked or printed.
"""

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
    """The file is not valid YAML/JSON, or is an alias bomb; the message says why (and ``line`` where)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


# A document may expand through its aliases to this many nodes, plus ten per node it really holds.
MAX_EXPANDED_NODES = 100_000
_EXPANSION_PER_NODE = 10


def expanded_size(root: yaml.Node, limit: int) -> tuple[int, int]:
    """(nodes written, nodes after expanding every alias) of a composed document.

    Aliases make the composed graph share nodes, so the expanded size of each distinct
    collection is computed once (memoised), in linear time, and stops growing past ``limit``.
    """
    written = 1
    done: dict[int, int] = {}
    active: set[int] = set()
    frames: list[list[Any]] = []  # [node, children, next index, running total]

    def enter(node: yaml.Node) -> None:
        active.add(id(node))
        frames.append([node, _children(node), 0, 1])

    if not isinstance(root, yaml.CollectionNode):
        return 1, 1
    enter(root)
    while True:
        frame = frames[-1]
        node, children, index = frame[0], frame[1], frame[2]
        if index < len(children):
            frame[2] = index + 1
            child = children[index]
            written += 1
            if not isinstance(child, yaml.CollectionNode):
                frame[3] += 1
            elif id(child) in done:
                frame[3] += done[id(child)]
            elif id(child) in active:
                raise ParseError("invalid YAML: a recursive alias")
            else:
                enter(child)
            continue
        total = min(limit + 1, frame[3])
        done[id(node)] = total
        active.discard(id(node))
        frames.pop()
        if not frames:
            return written, total
        frames[-1][3] += total


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return node.value  # type: ignore[no-any-return]
    return [part for pair in node.value for part in pair]


def _guard(node: yaml.Node) -> None:
    written, expanded = expanded_size(node, MAX_EXPANDED_NODES * 100)
    allowed = MAX_EXPANDED_NODES + _EXPANSION_PER_NODE * written
    if expanded > allowed:
        raise ParseError(f"YAML aliases expand {written} nodes to more than {allowed:,} (an alias bomb?)")


def _load_all(text: str) -> list[Any]:
    loader = _Loader(text)
    try:
        documents = []
        while loader.check_node():
            node = loader.get_node()
            _guard(node)
            documents.append(loader.construct_document(node))
        return documents
    finally:
        loader.dispose()


def load_yaml_documents(text: str) -> list[Any]:
    """Every document of a YAML stream, with line information."""
    try:
        return [doc for doc in _load_all(text) if doc is not None]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        where = f" at line {line}" if line is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ParseError(f"invalid YAML{where}: {problem}", line) from None
    except ParseError:
        raise
    except (RecursionError, ValueError, TypeError) as exc:
        raise ParseError(f"invalid YAML: {exc}") from None


def load_json(text: str) -> Any:
    """Parse JSON strictly, then take line numbers from YAML's composer when it can read it."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        line = getattr(exc, "lineno", None)
        raise ParseError(f"invalid JSON{f' at line {line}' if line else ''}", line) from None
    try:
        documents = _load_all(text)
    except (yaml.YAMLError, RecursionError, ValueError, TypeError):
        return data
    located = documents[0] if len(documents) == 1 else None
    return located if located == data else data
