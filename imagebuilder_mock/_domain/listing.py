"""The shared path of every List operation: filter, order, page, shape."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from .filters import Matcher, apply_filters
from .pagination import paginate
from .resources import Resource

if TYPE_CHECKING:
    from .backend import Backend

__all__ = ["list_page"]

R = TypeVar("R", bound=Resource)


def list_page(
    backend: Backend,
    operation: str,
    items: Iterable[R],
    params: dict[str, Any],
    *,
    matchers: Mapping[str, Matcher[R]],
    sort_key: Callable[[R], tuple[Any, ...]],
    view: str | Callable[[R], Any],
    result_key: str,
) -> dict[str, Any]:
    chosen = apply_filters(items, params.get("filters"), matchers)
    chosen.sort(key=sort_key)
    page, token = paginate(backend, operation, chosen, sort_key, params)
    render = (lambda r: r.view(view)) if isinstance(view, str) else view
    result: dict[str, Any] = {result_key: [render(r) for r in page]}
    if token is not None:
        result["nextToken"] = token
    return result
