"""YAML loading with bounds on nesting and alias expansion.

A 16,000-character document can still make a naive loader do unbounded work:
nesting a few thousand levels deep exhausts the recursion of PyYAML's composer
and constructor, and a "billion laughs" (anchors whose aliases repeat each
other) expands into gigabytes once something walks the loaded data, as step
executions do when they show a step's inputs as JSON.

:func:`load` therefore composes the node graph itself, from the parser's event
stream and without recursion, and refuses a document before anything is
constructed when

* its mappings and sequences nest deeper than :data:`MAX_DEPTH` levels, or
* written out with every alias replaced by what it names, it would be larger
  than :data:`MAX_EXPANDED_SIZE` (scalar characters plus one per node), or
* an alias names a node that contains it (a cycle no JSON can show).

Ordinary anchors, reused a few times, stay well inside these bounds. The
loaded values are plain JSON data: timestamps, binary and other scalars that
JSON cannot carry stay the text they were written as, and a set becomes a
mapping to nulls.

Both PyYAML parsers are supported (the pure-Python one and, where libyaml is
built in, the C one); the bounds and their messages are the same for both,
because both feed the same composer here. With the C parser, a text that
cannot hold an anchor or alias is composed by libyaml itself and only its
nesting is checked afterwards (much faster); a text the C parser refuses is
read again by the pure-Python parser, so that every refusal is worded alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, cast

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = [
    "LOADERS",
    "MAX_DEPTH",
    "MAX_EXPANDED_SIZE",
    "DocumentLimitError",
    "composes_in_c",
    "load",
]

# Real component and workflow documents nest fewer than 15 levels (document,
# phases, phase, steps, step, inputs, a loop or a condition, a list of
# commands). 64 leaves room for any of them while keeping what walks the loaded
# data recursively (JSON encoding of step inputs, evaluating a step's ``if``)
# far from Python's recursion limit.
MAX_DEPTH = 64
# A document is at most 16,000 characters, so without aliases its size is
# below this; reusing anchors may multiply it about sixteenfold, no more.
MAX_EXPANDED_SIZE = 262_144


_DEPTH_RULE = f"The document nests mappings and sequences more than {MAX_DEPTH} levels deep."
_LIBYAML_DEPTH_PROBLEM = "exceeded maximum nesting depth"


class DocumentLimitError(ValueError):
    """The document breaks one of the bounds; the message states the rule."""


def _as_text(loader: yaml.constructor.SafeConstructor, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


def _int_or_text(loader: yaml.constructor.SafeConstructor, node: yaml.ScalarNode) -> int | str:
    # Python refuses to convert integers of more than 4300 digits; such a
    # value stays the text it was written as.
    try:
        return int(loader.construct_yaml_int(node))
    except ValueError:
        return _as_text(loader, node)


def _set_as_mapping(
    loader: yaml.constructor.SafeConstructor, node: yaml.MappingNode
) -> dict[Any, None]:
    # YAML writes a set as a mapping whose values are null: keep it that way.
    return dict.fromkeys(loader.construct_mapping(node))


_TAG = "tag:yaml.org,2002:"


class PythonDocumentLoader(yaml.SafeLoader):
    """The pure-Python parser with JSON-friendly scalars."""


LOADERS: dict[str, type[Any]] = {"python": PythonDocumentLoader}
_COMPOSED_IN_C: set[type[Any]] = set()

if hasattr(yaml, "CSafeLoader"):  # PyYAML built with libyaml

    class CDocumentLoader(yaml.CSafeLoader):
        """The libyaml parser with JSON-friendly scalars."""

    LOADERS["c"] = CDocumentLoader
    # libyaml composes in C, much faster than the event loop below; a text that
    # cannot hold aliases only needs its nesting checked (see load).
    _COMPOSED_IN_C.add(CDocumentLoader)

_Resolvers = tuple[tuple[str, "re.Pattern[str]"], ...]


def _resolve(self: Any, kind: type[Node], value: Any, implicit: Any) -> Any:
    """PyYAML's ``BaseResolver.resolve`` for a loader without path resolvers, with
    the implicit resolvers of each first character joined once (see below)
    rather than on every scalar: libyaml calls it for each node it composes."""
    if kind is ScalarNode:
        if implicit[0]:
            for tag, regexp in self._implicit_by_first.get(value[:1], self._implicit_anywhere):
                if regexp.match(value):
                    return tag
        return self.DEFAULT_SCALAR_TAG
    if kind is SequenceNode:
        return self.DEFAULT_SEQUENCE_TAG
    return self.DEFAULT_MAPPING_TAG


def _no_path(self: Any, *node_and_index: Any) -> None:
    """``descend_resolver`` and ``ascend_resolver``: they track the path for path
    resolvers only, and libyaml calls both for every node."""


def _join_implicit_resolvers(loader: type[Any]) -> None:
    """Give ``loader`` the fast ``resolve``: the resolvers a scalar's first
    character selects followed by those for any character, as PyYAML tries them."""
    # The shortcuts leave out path resolvers: none of these loaders has one.
    assert not loader.yaml_path_resolvers
    resolvers: dict[Any, list[tuple[str, re.Pattern[str]]]] = loader.yaml_implicit_resolvers
    anywhere: _Resolvers = tuple(resolvers.get(None, ()))
    loader._implicit_anywhere = anywhere
    loader._implicit_by_first = {
        first: (*chain, *anywhere) for first, chain in resolvers.items() if first is not None
    }
    loader.resolve = _resolve
    loader.descend_resolver = loader.ascend_resolver = _no_path


for _loader in LOADERS.values():
    _loader.add_constructor(_TAG + "timestamp", _as_text)
    _loader.add_constructor(_TAG + "binary", _as_text)
    _loader.add_constructor(_TAG + "int", _int_or_text)
    _loader.add_constructor(_TAG + "set", _set_as_mapping)
    _join_implicit_resolvers(_loader)


def _composer_error(problem: str, event: Any) -> yaml.composer.ComposerError:
    return yaml.composer.ComposerError(None, None, problem, event.start_mark)


@dataclass
class _Open:
    """A mapping or sequence whose end event has not come yet."""

    node: SequenceNode | MappingNode
    anchor: str | None
    size: int = 1
    height: int = 1
    key: Node | None = None


@dataclass
class _Composer:
    loader: Any
    anchors: dict[str, tuple[Node, int, int]] = field(default_factory=dict)
    open_anchors: set[str] = field(default_factory=set)
    stack: list[_Open] = field(default_factory=list)
    root: Node | None = None

    def add(self, node: Node, size: int, height: int) -> None:
        """Attach a finished node (of this expanded size and height) to its parent."""
        if len(self.stack) + height > MAX_DEPTH:
            raise DocumentLimitError(_DEPTH_RULE)
        if not self.stack:
            self.root = node
            return
        parent = self.stack[-1]
        parent.size += size
        parent.height = max(parent.height, height + 1)
        if parent.size > MAX_EXPANDED_SIZE:
            raise DocumentLimitError(
                "With its aliases expanded, the document is larger than "
                f"{MAX_EXPANDED_SIZE} characters."
            )
        if isinstance(parent.node, SequenceNode):
            parent.node.value.append(node)
        elif parent.key is None:
            parent.key = node
        else:
            parent.node.value.append((parent.key, node))
            parent.key = None

    def open(self, node: SequenceNode | MappingNode, anchor: str | None) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise DocumentLimitError(_DEPTH_RULE)
        if anchor is not None:
            self.open_anchors.add(anchor)
        self.stack.append(_Open(node, anchor))

    def close(self, end_mark: Any) -> None:
        done = self.stack.pop()
        done.node.end_mark = end_mark
        if done.anchor is not None:
            self.open_anchors.discard(done.anchor)
            self.anchors[done.anchor] = (done.node, done.size, done.height)
        self.add(done.node, done.size, done.height)

    def alias(self, event: AliasEvent) -> None:
        name = event.anchor
        if name in self.open_anchors:
            raise _composer_error(f"alias '{name}' refers to a node that contains it", event)
        if name is None or name not in self.anchors:
            raise _composer_error(f"found undefined alias '{name}'", event)
        self.add(*self.anchors[name])

    def scalar(self, event: ScalarEvent) -> None:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(ScalarNode, event.value, event.implicit)
        # Marks are the C parser's own type with libyaml, PyYAML's otherwise.
        start: Any = event.start_mark
        end: Any = event.end_mark
        node = ScalarNode(tag, event.value, start, end, style=event.style)
        if event.anchor is not None:
            self.anchors[event.anchor] = (node, 1 + len(event.value), 0)
        self.add(node, 1 + len(event.value), 0)

    def collection(self, event: SequenceStartEvent | MappingStartEvent) -> None:
        kind = SequenceNode if isinstance(event, SequenceStartEvent) else MappingNode
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(kind, None, event.implicit)
        start: Any = event.start_mark
        node = kind(tag, [], start, None, flow_style=event.flow_style)
        self.open(node, event.anchor)

    def document(self) -> Node | None:
        """The single document of the stream as a node graph (None for an empty stream)."""
        loader = self.loader
        loader.get_event()  # stream start
        if loader.check_event(StreamEndEvent):
            return None
        loader.get_event()  # document start
        while not loader.check_event(DocumentEndEvent):
            event = loader.get_event()
            if isinstance(event, ScalarEvent):
                self.scalar(event)
            elif isinstance(event, (SequenceStartEvent, MappingStartEvent)):
                self.collection(event)
            elif isinstance(event, (SequenceEndEvent, MappingEndEvent)):
                self.close(event.end_mark)
            elif isinstance(event, AliasEvent):
                self.alias(event)
        loader.get_event()  # document end
        if not loader.check_event(StreamEndEvent):
            raise _composer_error("expected a single document in the stream", loader.get_event())
        return self.root


def _nesting_beyond_bound(root: Node) -> bool:
    """Whether a composed tree (no aliases) nests deeper than :data:`MAX_DEPTH`."""
    stack: list[tuple[Node, int]] = [(root, 1)]
    while stack:
        node, level = stack.pop()
        if level > MAX_DEPTH:
            return True
        if isinstance(node, SequenceNode):
            children: list[Node] = node.value
        elif isinstance(node, MappingNode):
            children = [item for pair in node.value for item in pair]
        else:
            continue
        stack.extend((child, level + 1) for child in children if not isinstance(child, ScalarNode))
    return False


class _Unusual(Exception):
    """A node :func:`_plain_data` leaves to the loader's own constructors."""


def _as_none(loader: Any, node: ScalarNode) -> None:
    return None


def _as_bool(loader: Any, node: ScalarNode) -> bool:
    return bool(loader.bool_values[node.value.lower()])


def _as_float(loader: Any, node: ScalarNode) -> float:
    return float(loader.construct_yaml_float(node))


_STR, _SEQ, _MAP = _TAG + "str", _TAG + "seq", _TAG + "map"
# The other scalars real documents hold, built as the loaders' constructors build them.
_PLAIN_SCALARS: dict[str, Any] = {
    _TAG + "null": _as_none,
    _TAG + "bool": _as_bool,
    _TAG + "int": _int_or_text,
    _TAG + "float": _as_float,
    _TAG + "timestamp": _as_text,
    _TAG + "binary": _as_text,
}


def _plain_scalar(loader: Any, node: ScalarNode) -> Any:
    build = _PLAIN_SCALARS.get(node.tag)
    if build is None:
        raise _Unusual
    try:
        return build(loader, node)
    except Exception:
        # ``!!bool maybe``, ``!!float x``: whatever the constructor makes of it.
        raise _Unusual from None


def _plain_data(loader: Any, node: Node, level: int) -> Any:
    """The data of a composed tree without aliases, for the tags documents use:
    what ``construct_document`` returns for it, built in one walk that also
    bounds the nesting (a collection ``level`` levels deep). Raises
    :class:`_Unusual` for anything else (merge keys, ``=`` keys, collections as
    keys, sets, ordered maps, other tags), which the constructors then build.

    It recurses, at most :data:`MAX_DEPTH` collections deep.
    """
    kind = type(node)
    if kind is ScalarNode:
        return node.value if node.tag == _STR else _plain_scalar(loader, cast(ScalarNode, node))
    if level > MAX_DEPTH:
        raise DocumentLimitError(_DEPTH_RULE)
    if kind is MappingNode and node.tag == _MAP:
        data: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if type(key_node) is not ScalarNode:
                raise _Unusual
            key = key_node.value if key_node.tag == _STR else _plain_scalar(loader, key_node)
            # A repeated key keeps its last value, as the constructor's mapping does.
            data[key] = _plain_data(loader, value_node, level + 1)
        return data
    if kind is SequenceNode and node.tag == _SEQ:
        return [_plain_data(loader, child, level + 1) for child in node.value]
    raise _Unusual


def _without_aliases(data: str) -> bool:
    """Whether the text can hold no anchor or alias and is small enough that,
    with nothing to expand, it stays within :data:`MAX_EXPANDED_SIZE`.

    A node costs one plus its scalar's characters, and each takes at least a
    character of the text, so four times the text is a safe upper bound.
    """
    return "&" not in data and "*" not in data and 4 * len(data) <= MAX_EXPANDED_SIZE


def _load_composed_in_c(data: str, loader_class: type[Any]) -> tuple[bool, Any]:
    """The fast path for the C parser: libyaml composes the whole tree, and only
    its nesting is checked. ``(False, None)`` when the careful path must decide
    (the text may hold aliases, or it is not valid YAML: that path words the
    problem as the Python parser does)."""
    if not _without_aliases(data):
        return False, None
    loader = loader_class(data)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError:
        return False, None
    try:
        if node is None:
            return True, None
        try:
            return True, _plain_data(loader, node, 1)
        except _Unusual:
            pass
        if _nesting_beyond_bound(node):
            raise DocumentLimitError(_DEPTH_RULE)
        return True, loader.construct_document(node)
    finally:
        loader.dispose()


def composes_in_c(loader_class: type[Any]) -> bool:
    """Whether :func:`load` lets libyaml compose the texts ``loader_class`` reads
    that cannot hold aliases (the C parser), or runs every text through its own
    composer."""
    return loader_class in _COMPOSED_IN_C


def load(data: str, loader_class: type[Any] = PythonDocumentLoader) -> Any:
    """The data of a single-document YAML stream, within the bounds.

    Raises :class:`DocumentLimitError` for a document beyond a bound and
    :class:`yaml.YAMLError` for one that is not valid YAML.
    """
    if loader_class in _COMPOSED_IN_C:
        done, document = _load_composed_in_c(data, loader_class)
        if done:
            return document
    if loader_class is not PythonDocumentLoader:
        try:
            return _load_with_events(data, loader_class)
        except yaml.YAMLError:
            # libyaml words syntax errors its own way: the answer keeps the
            # pure-Python parser's words, whichever parser read the document
            # first (a refused document is rare, and still bounded here).
            pass
    return _load_with_events(data, PythonDocumentLoader)


def _load_with_events(data: str, loader_class: type[Any]) -> Any:
    loader = loader_class(data)
    try:
        node = _Composer(loader).document()
        return None if node is None else loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        # libyaml has a nesting limit of its own, far above ours, which its
        # scanner may reach while looking ahead: that is our rule too.
        if error.problem == _LIBYAML_DEPTH_PROBLEM:
            raise DocumentLimitError(_DEPTH_RULE) from None
        raise
    finally:
        loader.dispose()
