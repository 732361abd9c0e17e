"""Model constraints, compiled once per shape.

botocore checks only required members, types and minimums on the client, so a
mock that trusted the client would accept what AWS rejects (a name with a dot,
``maxResults`` 500, an unknown enum value). Every input shape is compiled here
into a small tree of closures that checks all constraints of the model and
converts wire values (epoch timestamps) to Python ones. Output shapes get a
stricter check, used to prove responses match the model.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Callable
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from .._errors import invalid_value

__all__ = ["compile_input", "output_problems"]

Check = Callable[[Any, str], Any]


def _fail(path: str, rule: str) -> Exception:
    return invalid_value(path, f"'{path}' {rule}")


class _Invalid(Exception):
    """A value breaks ``rule``; the checks it passes through on its way out add
    where it sits, so that no path is written for the values that pass (all
    but one, at most, of a request's).

    ``where`` holds the steps from the value up: ``[2]`` (a list item), `` key``
    (a map key), ``.name`` (a map value) as text, and a structure's member as
    the 1-tuple ``(name,)``, which takes a dot only after something.
    """

    def __init__(self, rule: str, *, structure: bool = False) -> None:
        super().__init__(rule)
        self.rule = rule
        # A structure names itself "request" where it has no path (the top).
        self.structure = structure
        self.where: list[str | tuple[str]] = []

    def error(self, path: str) -> Exception:
        for step in reversed(self.where):
            if isinstance(step, tuple):
                path = f"{path}.{step[0]}" if path else step[0]
            else:
                path += step
        return _fail(path or "request" if self.structure else path, self.rule)


# A check as compiled: the value, or _Invalid.
Inner = Callable[[Any], Any]


def _type_name(value: Any) -> str:
    return type(value).__name__


_RULES = {
    "length": (
        "must have length greater than or equal to {}.",
        "must have length less than or equal to {}.",
    ),
    "items": ("must contain at least {} items.", "must contain at most {} items."),
    "value": ("must be greater than or equal to {}.", "must be less than or equal to {}."),
}


def _bounds(shape: Shape, what: str) -> tuple[Any, str, Any, str]:
    """The model's ``min`` and ``max`` on a length, a size or a number, each with
    the rule a caller reads when it is broken (None: no bound that side)."""
    lo = shape.metadata.get("min")
    hi = shape.metadata.get("max")
    lo_rule, hi_rule = _RULES[what]
    return lo, lo_rule.format(lo), hi, hi_rule.format(hi)


# A JSON escape such as ``\udcff`` decodes to a lone UTF-16 surrogate: a Python
# string that no UTF-8 encoder accepts. Stored, it would break every response
# that later shows it, so it is refused where it arrives, with its path.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_unicode(value: str) -> None:
    found = _SURROGATE.search(value)
    if found is not None:
        code_point = f"U+{ord(found.group()):04X}"
        raise _Invalid(
            f"must be valid Unicode text; it contains the unpaired surrogate {code_point}."
        )


def _compile_string(shape: Shape) -> Inner:
    lo, lo_rule, hi, hi_rule = _bounds(shape, "length")
    enum = shape.metadata.get("enum")
    pattern = shape.metadata.get("pattern")
    # The model's patterns are Java regexes; all of Image Builder's compile as
    # Python ones. ``search`` mirrors Java's ``find`` for the few unanchored ones.
    matcher = re.compile(pattern).search if pattern else None
    enum_set = frozenset(enum) if enum else None
    enum_rule = f"must be one of: {', '.join(enum)}." if enum else ""
    pattern_rule = f"must match pattern {pattern}" if pattern else ""

    def check(value: Any) -> Any:
        if not isinstance(value, str):
            raise _Invalid(f"must be a string, not {_type_name(value)}.")
        if not value.isascii():
            _check_unicode(value)
        if lo is not None and len(value) < lo:
            raise _Invalid(lo_rule)
        if hi is not None and len(value) > hi:
            raise _Invalid(hi_rule)
        if enum_set is not None and value not in enum_set:
            raise _Invalid(enum_rule)
        if matcher is not None and matcher(value) is None:
            raise _Invalid(pattern_rule)
        return value

    return check


# The wire types behind the model's number shapes: a Java ``int`` and ``long``.
# A value outside them cannot reach the service, whatever the model's own range.
_INTEGER_BOUNDS = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}


def _compile_integer(shape: Shape) -> Inner:
    lo, lo_rule, hi, hi_rule = _bounds(shape, "value")
    lowest, highest = _INTEGER_BOUNDS[shape.type_name]

    def check(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Invalid(f"must be an integer, not {_type_name(value)}.")
        # The model's own range, when it has one, is the rule a caller should read.
        if lo is not None and value < lo:
            raise _Invalid(lo_rule)
        if hi is not None and value > hi:
            raise _Invalid(hi_rule)
        if value < lowest:
            raise _Invalid(f"must be greater than or equal to {lowest}.")
        if value > highest:
            raise _Invalid(f"must be less than or equal to {highest}.")
        return value

    return check


def _compile_float(shape: Shape) -> Inner:
    lo, lo_rule, hi, hi_rule = _bounds(shape, "value")

    def check(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _Invalid(f"must be a number, not {_type_name(value)}.")
        # A JSON number such as 1e400 parses as infinity.
        if not math.isfinite(value):
            raise _Invalid("must be a finite number.")
        if lo is not None and value < lo:
            raise _Invalid(lo_rule)
        if hi is not None and value > hi:
            raise _Invalid(hi_rule)
        return value

    return check


def _check_boolean(value: Any) -> Any:
    if not isinstance(value, bool):
        raise _Invalid(f"must be a boolean, not {_type_name(value)}.")
    return value


# The instants a timestamp may name: what a Python datetime can hold, in UTC.
# AWS reads epoch seconds into a wider type; a date beyond year 9999 is a
# deliberate difference (docs/semantics.md).
_TIMESTAMP_RANGE = (
    f"must be a timestamp from {dt.datetime.min.isoformat()}Z "
    f"to {dt.datetime.max.replace(microsecond=0).isoformat()}Z."
)


def _check_timestamp(value: Any) -> Any:
    # rest-json sends timestamps in the body as epoch seconds.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return dt.datetime.fromtimestamp(value, dt.timezone.utc)
        except (OverflowError, ValueError, OSError):
            # Out of range (1e20, year 10000), infinite or NaN.
            raise _Invalid(_TIMESTAMP_RANGE) from None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise _Invalid("must be a timestamp.") from None
    else:
        raise _Invalid(f"must be a timestamp, not {_type_name(value)}.")
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.timezone.utc)
    try:
        # An offset can carry a moment past either end once it is read in UTC.
        return moment.astimezone(dt.timezone.utc)
    except OverflowError:
        raise _Invalid(_TIMESTAMP_RANGE) from None


def _compile_list(shape: ListShape) -> Inner:
    lo, lo_rule, hi, hi_rule = _bounds(shape, "items")
    member = _inner(shape.member)

    def check(value: Any) -> Any:
        if not isinstance(value, list):
            raise _Invalid(f"must be a list, not {_type_name(value)}.")
        if lo is not None and len(value) < lo:
            raise _Invalid(lo_rule)
        if hi is not None and len(value) > hi:
            raise _Invalid(hi_rule)
        checked = []
        for item in value:
            try:
                checked.append(member(item))
            except _Invalid as invalid:
                invalid.where.append(f"[{len(checked)}]")
                raise
        return checked

    return check


def _compile_map(shape: MapShape) -> Inner:
    lo, lo_rule, hi, hi_rule = _bounds(shape, "items")
    key_check = _inner(shape.key)
    value_check = _inner(shape.value)

    def check(value: Any) -> Any:
        if not isinstance(value, dict):
            raise _Invalid(f"must be a map, not {_type_name(value)}.")
        if lo is not None and len(value) < lo:
            raise _Invalid(lo_rule)
        if hi is not None and len(value) > hi:
            raise _Invalid(hi_rule)
        checked = {}
        for k, v in value.items():
            try:
                key = key_check(k)
            except _Invalid as invalid:
                invalid.where.append(" key")
                raise
            try:
                checked[key] = value_check(v)
            except _Invalid as invalid:
                invalid.where.append(f".{k}")
                raise
        return checked

    return check


def _compile_structure(shape: StructureShape) -> Inner:
    # Each member's checker, with the model's own spelling of its name: the
    # checked value is keyed by that string rather than by the request's copy,
    # which is then freed (the call log and the records keep what a request
    # sent, so its member names would otherwise be held once per request).
    members: dict[str, tuple[str, Inner]] = {}
    required = tuple(shape.required_members)

    def check(value: Any) -> Any:
        if not isinstance(value, dict):
            raise _Invalid(f"must be a structure, not {_type_name(value)}.", structure=True)
        for name in required:
            if value.get(name) is None:
                missing = _Invalid("is required.")
                missing.where.append((name,))
                raise missing
        out: dict[str, Any] = {}
        for name, item in value.items():
            member = members.get(name)
            # Unknown members are ignored, as the service ignores unknown JSON fields.
            if member is not None and item is not None:
                key, member_check = member
                try:
                    out[key] = member_check(item)
                except _Invalid as invalid:
                    invalid.where.append((key,))
                    raise
        return out

    # Members are compiled after the closure exists so recursive shapes terminate.
    _STRUCTURES[shape.name] = check
    for name, member_shape in shape.members.items():
        members[name] = (name, _inner(member_shape))
    return check


_STRUCTURES: dict[str, Inner] = {}


def _as_is(value: Any) -> Any:
    return value


@functools.cache
def _compile_inner(shape: Shape) -> Inner:
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        return _compile_structure(shape)
    if kind == "list":
        assert isinstance(shape, ListShape)
        return _compile_list(shape)
    if kind == "map":
        assert isinstance(shape, MapShape)
        return _compile_map(shape)
    if kind == "string":
        return _compile_string(shape)
    if kind in ("integer", "long"):
        return _compile_integer(shape)
    if kind in ("double", "float"):
        return _compile_float(shape)
    if kind == "boolean":
        return _check_boolean
    if kind == "timestamp":
        return _check_timestamp
    return _as_is


def _inner(shape: Shape) -> Inner:
    """The compiled check of a shape; structures are memoised by name, so
    recursive shapes terminate."""
    if shape.type_name == "structure" and shape.name in _STRUCTURES:
        return _STRUCTURES[shape.name]
    return _compile_inner(shape)


@functools.cache
def _compile(shape: Shape) -> Check:
    inner = _inner(shape)

    def check(value: Any, path: str) -> Any:
        try:
            return inner(value)
        except _Invalid as invalid:
            raise invalid.error(path) from None

    return check


def compile_input(shape: Shape) -> Check:
    """The checker of a shape: ``check(value, path)`` returns the value or raises.

    Shapes are compiled once; botocore hands out one object per shape name
    through its cache, and structures are memoised by name for recursion.
    """
    return _compile(shape)


# -- output checking -------------------------------------------------------------------


# Members whose pattern in some botocore releases contradicts what the service
# answers, and that the mock answers as the service does. botocore before 1.44
# declares WorkflowSummary.arn as a versionless ``…/x.x.x`` ARN, although
# ListWorkflowBuildVersions lists one entry per build, each with its build ARN.
_MODEL_ERRATA = frozenset({("WorkflowSummary", "arn")})


def output_problems(shape: Shape, value: Any, path: str = "") -> list[str]:
    """Every way ``value`` departs from an output shape: unknown keys, wrong types,
    missing required members, broken constraints. Empty when it conforms."""
    problems: list[str] = []
    _walk_output(shape, value, path or shape.name, problems)
    return problems


def _walk_output(shape: Shape, value: Any, path: str, problems: list[str]) -> None:
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        if not isinstance(value, dict):
            problems.append(f"{path}: expected a structure, got {_type_name(value)}")
            return
        for name in shape.required_members:
            if name not in value:
                problems.append(f"{path}.{name}: required member missing")
        for name, item in value.items():
            member = shape.members.get(name)
            if member is None:
                problems.append(f"{path}.{name}: not a member of {shape.name}")
            elif item is None:
                problems.append(f"{path}.{name}: null value")
            elif (shape.name, name) in _MODEL_ERRATA:
                if not isinstance(item, str):
                    problems.append(f"{path}.{name}: expected a string")
            else:
                _walk_output(member, item, f"{path}.{name}", problems)
        return
    if kind == "list":
        assert isinstance(shape, ListShape)
        if not isinstance(value, list):
            problems.append(f"{path}: expected a list, got {_type_name(value)}")
            return
        for i, item in enumerate(value):
            _walk_output(shape.member, item, f"{path}[{i}]", problems)
        return
    if kind == "map":
        assert isinstance(shape, MapShape)
        if not isinstance(value, dict):
            problems.append(f"{path}: expected a map, got {_type_name(value)}")
            return
        for k, item in value.items():
            _walk_output(shape.key, k, f"{path} key", problems)
            _walk_output(shape.value, item, f"{path}.{k}", problems)
        return
    if kind == "timestamp":
        if not isinstance(value, (dt.datetime, int, float)) or isinstance(value, bool):
            problems.append(f"{path}: expected a timestamp, got {_type_name(value)}")
        return
    try:
        _compile(shape)(value, path)
    except Exception as error:
        problems.append(f"{path}: {getattr(error, 'message', error)}")
