"""List filters: ``[{name, values}]``, values OR-ed, filters AND-ed."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from .._errors import invalid_value

__all__ = ["Matcher", "apply_filters", "field_equals", "selection"]

T = TypeVar("T")

# A matcher answers whether an item matches any of a filter's values.
Matcher = Callable[[T, list[str]], bool]


@functools.lru_cache(maxsize=256)
def _wildcard(value: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in value.split("*")), re.DOTALL)


def _matches(text: str, value: str) -> bool:
    # The model allows ``*`` in filter values: ``web*`` and ``*web*`` select by
    # prefix and by part, as the console's search does.
    if "*" in value:
        return _wildcard(value).fullmatch(text) is not None
    return text == value


def field_equals(getter: Callable[[T], Any]) -> Matcher[T]:
    """Case-sensitive match of a field (or of any element of a list field), exact
    unless the value holds ``*`` wildcards."""

    def match(item: T, values: list[str]) -> bool:
        value = getter(item)
        if value is None:
            return False
        if isinstance(value, (list, tuple, set)):
            return any(_matches(str(v), wanted) for v in value for wanted in values)
        # One text against the values: a filtered List asks this of every candidate.
        text = str(value)
        return any(_matches(text, wanted) for wanted in values)

    return match


def apply_filters(
    items: Iterable[T],
    filters: list[dict[str, Any]] | None,
    matchers: Mapping[str, Matcher[T]],
) -> list[T]:
    if not filters:
        return list(items)
    keep = selection(filters, matchers)
    return [item for item in items if keep(item)]


def selection(
    filters: list[dict[str, Any]] | None, matchers: Mapping[str, Matcher[T]]
) -> Callable[[T], bool]:
    """Whether an item passes ``filters``; every filter name is checked first."""
    chosen: list[tuple[Matcher[T], list[str]]] = []
    for i, entry in enumerate(filters or ()):
        name = entry.get("name")
        if not isinstance(name, str) or name not in matchers:
            raise invalid_value(
                f"filters[{i}].name",
                f"Unknown filter name '{name}'. Valid filter names: {', '.join(sorted(matchers))}.",
            )
        chosen.append((matchers[name], list(entry.get("values") or [])))

    def keep(item: T) -> bool:
        return all(match(item, values) for match, values in chosen)

    return keep
