"""List filters: ``[{name, values}]``, values OR-ed, filters AND-ed."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from .._errors import invalid_value

__all__ = ["Matcher", "apply_filters", "field_equals"]

T = TypeVar("T")

# A matcher answers whether an item matches any of a filter's values.
Matcher = Callable[[T, list[str]], bool]


def field_equals(getter: Callable[[T], Any]) -> Matcher[T]:
    """Exact, case-sensitive match of a field (or of any element of a list field)."""

    def match(item: T, values: list[str]) -> bool:
        value = getter(item)
        if value is None:
            return False
        if isinstance(value, (list, tuple, set, frozenset)):
            return any(v in values for v in value)
        return str(value) in values

    return match


def apply_filters(
    items: Iterable[T],
    filters: list[dict[str, Any]] | None,
    matchers: Mapping[str, Matcher[T]],
) -> list[T]:
    if not filters:
        return list(items)
    chosen: list[tuple[Matcher[T], list[str]]] = []
    for i, entry in enumerate(filters):
        name = entry.get("name")
        if not isinstance(name, str) or name not in matchers:
            raise invalid_value(
                f"filters[{i}].name",
                f"Unknown filter name '{name}'. Valid filter names: {', '.join(sorted(matchers))}.",
            )
        chosen.append((matchers[name], list(entry.get("values") or [])))
    return [item for item in items if all(match(item, values) for match, values in chosen)]
