"""Bounded JSON parsing for text that comes from a caller.

Request bodies and the JSON documents carried in string members (resource
policies) are parsed with ``json.loads``, which recurses once per nesting
level: a few thousand ``[`` end in a ``RecursionError`` that depends on how
deep the caller's stack already is. Python also accepts ``NaN`` and
``Infinity``, which are not JSON and would later break date and number
handling. ``load_json`` makes both a plain ``ValueError`` with a reason, and
bounds the nesting at a fixed depth so the answer does not depend on the stack.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

__all__ = ["MAX_JSON_DEPTH", "JsonTextError", "load_json"]

# Far more than any input shape of the model needs (the deepest request nests
# six levels) and than any IAM policy needs, and far less than Python's
# recursion limit, so the bound is reached before the interpreter's is.
MAX_JSON_DEPTH = 100


class JsonTextError(ValueError):
    """Text that is not JSON, or JSON that this mock will not read."""


def _no_constant(name: str) -> NoReturn:
    raise JsonTextError(f"{name} is not a JSON value.")


# Longer than any number a wire type holds by far; what Python itself refuses to
# convert (4,300 digits, since 3.10.7) is refused on every version alike.
_MAX_DIGITS = 1000


def _integer(text: str) -> int:
    if len(text) > _MAX_DIGITS:
        raise JsonTextError("The text holds a number with too many digits.")
    return int(text)


_decode = json.JSONDecoder(parse_constant=_no_constant, parse_int=_integer).decode


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether arrays and objects nest more than ``limit`` levels (iteratively,
    so measuring cannot itself run out of stack)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        for child in node.values() if isinstance(node, dict) else node:
            if isinstance(child, (dict, list)):
                stack.append((child, depth + 1))
    return False


def _openers(text: str | bytes) -> int:
    if isinstance(text, bytes):
        return text.count(b"[") + text.count(b"{")
    return text.count("[") + text.count("{")


def load_json(text: str | bytes, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """The JSON value of ``text``; ``JsonTextError`` when it is not JSON (including
    ``NaN``/``Infinity`` and invalid UTF-8), holds an integer of more than 1,000
    digits, or nests arrays and objects more than ``max_depth`` levels."""
    too_deep = JsonTextError(f"The JSON text nests more than {max_depth} levels deep.")
    try:
        value = _decode(text.decode("utf-8") if isinstance(text, bytes) else text)
    except RecursionError:
        raise too_deep from None
    except JsonTextError:
        raise
    except json.JSONDecodeError as error:
        raise JsonTextError(f"The text is not valid JSON: {error}") from None
    except UnicodeDecodeError:
        raise JsonTextError("The text is not valid UTF-8.") from None
    # Counting brackets is cheap and bounds the depth from above, so the walk
    # runs only for texts that could be too deep.
    if (
        _openers(text) > max_depth
        and isinstance(value, (dict, list))
        and _deeper_than(value, max_depth)
    ):
        raise too_deep
    return value
