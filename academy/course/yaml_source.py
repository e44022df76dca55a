"""Safe YAML reading that remembers where every value came from.

PyYAML's own loaders keep the last of duplicate keys, expand aliases without limit and
forget line numbers once a document is built. Course files are written by people, so
this reader composes the node tree itself and refuses what a trainer never needs:
duplicate keys, anchors and aliases (the "billion laughs" bomb), custom tags such as
``!!python/object``, deep nesting, huge files and bytes that are not UTF-8.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 48

Loc = tuple[str | int, ...]

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"


@dataclass(frozen=True)
class Position:
    line: int
    column: int


class YamlSourceError(Exception):
    """A file that cannot be read as course YAML at all; carries the place it broke."""

    def __init__(self, message: str, position: Position = Position(1, 1), field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        self.field = field


@dataclass
class SourceMap:
    """Positions of values and of mapping keys, by their path in the document."""

    values: dict[Loc, Position] = field(default_factory=dict)
    keys: dict[Loc, Position] = field(default_factory=dict)

    def value_position(self, loc: Loc) -> Position:
        """Where the value at ``loc`` starts, or its nearest ancestor that exists."""
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.values:
                return self.values[loc[:end]]
        return Position(1, 1)

    def key_position(self, loc: Loc) -> Position:
        return self.keys.get(loc) or self.value_position(loc)


def _position(node: Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


class _GuardedLoader(yaml.SafeLoader):
    """Composes nodes while refusing aliases and nesting deeper than MAX_DEPTH."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):
            event = self.peek_event()
            mark = event.start_mark
            raise YamlSourceError(
                f"anchors and aliases (*{event.anchor}) are not allowed in course files; write the text out",
                Position(mark.line + 1, mark.column + 1),
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise YamlSourceError(
                    f"nesting is deeper than {MAX_DEPTH} levels", Position(mark.line + 1, mark.column + 1)
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        raise YamlSourceError(
            f"byte 0x{raw[error.start]:02x} is not valid UTF-8; save the file as UTF-8",
            Position(line, column),
        ) from None


def _format_loc(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class _Builder:
    """Turns a composed node tree into plain Python values and records positions."""

    def __init__(self, loader: yaml.SafeLoader) -> None:
        self._loader = loader
        self.source_map = SourceMap()

    def build(self, node: Node, loc: Loc) -> Any:
        self.source_map.values[loc] = _position(node)
        if isinstance(node, MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ_TAG:
                raise self._tag_error(node, loc)
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        if isinstance(node, ScalarNode):
            return self._scalar(node, loc)
        raise self._tag_error(node, loc)  # no other kind of node is composed from text

    def _mapping(self, node: MappingNode, loc: Loc) -> dict[str, Any]:
        if node.tag != _MAP_TAG:
            raise self._tag_error(node, loc)
        result: dict[str, Any] = {}
        first_seen: dict[str, Position] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlSourceError("merge keys (<<) are not allowed", _position(key_node), _format_loc(loc))
            if not isinstance(key_node, ScalarNode):
                raise YamlSourceError("keys must be plain words", _position(key_node), _format_loc(loc))
            key = str(key_node.value)
            if key in first_seen:
                raise YamlSourceError(
                    f"duplicate key '{key}' (first given at line {first_seen[key].line})",
                    _position(key_node),
                    _format_loc((*loc, key)),
                )
            first_seen[key] = _position(key_node)
            self.source_map.keys[(*loc, key)] = _position(key_node)
            result[key] = self.build(value_node, (*loc, key))
        return result

    def _scalar(self, node: ScalarNode, loc: Loc) -> Any:
        if node.tag == _TIMESTAMP_TAG:
            return node.value  # dates stay text: the schema never asks for a timestamp
        if node.tag not in _SCALAR_TAGS:
            raise self._tag_error(node, loc)
        return self._loader.construct_object(node, deep=True)

    @staticmethod
    def _tag_error(node: Node, loc: Loc) -> YamlSourceError:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        return YamlSourceError(f"the tag '{tag}' is not allowed in course files", _position(node), _format_loc(loc))


def read_yaml(path: Path, max_bytes: int = MAX_FILE_BYTES) -> tuple[dict[str, Any], SourceMap]:
    """Read one course file into a mapping plus the positions of everything in it."""
    size = path.stat().st_size
    if size > max_bytes:
        raise YamlSourceError(
            f"file is {size / 1_000_000:.1f} MB; course files are limited to {max_bytes / 1_000_000:.1f} MB"
        )
    with path.open("rb") as handle:
        text = _decode(handle.read(max_bytes + 1))
    loader = _GuardedLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise YamlSourceError("file is empty; a course file is a mapping that starts with schema_version")
        builder = _Builder(loader)
        data = builder.build(root, ())
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        position = Position(mark.line + 1, mark.column + 1) if mark else Position(1, 1)
        raise YamlSourceError(f"YAML syntax: {error.problem or error.context}", position) from None
    except yaml.YAMLError as error:
        raise YamlSourceError(f"YAML: {error}") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single value ({data!r:.40})"
        raise YamlSourceError(f"a course file must be a mapping of fields, not {kind}", _position(root))
    return data, builder.source_map


format_loc = _format_loc
