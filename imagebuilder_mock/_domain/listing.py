"""The shared path of every List operation: filter, order, page, shape."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from .filters import Matcher, selection
from .pagination import Ordered, paginate, paginate_ordered
from .resources import Resource

if TYPE_CHECKING:
    from .backend import Backend

__all__ = ["list_page"]

R = TypeVar("R", bound=Resource)


def list_page(
    backend: Backend,
    operation: str,
    items: Iterable[R] | Ordered[R],
    params: dict[str, Any],
    *,
    matchers: Mapping[str, Matcher[R]],
    sort_key: Callable[[R], tuple[Any, ...]],
    view: str | Callable[[R], Any],
    result_key: str,
) -> dict[str, Any]:
    """A List's answer: the items that pass the filters, in ``sort_key`` order, one page.

    ``items`` is either every candidate (filtered and sorted here) or an
    ordered source from an indexed store, read only as far as the page goes.
    """
    filters = params.get("filters")
    # Without filters every item is kept: no call per item to say so.
    keep = selection(filters, matchers) if filters else None
    if callable(items):
        page, token = paginate_ordered(backend, operation, items, sort_key, params, keep)
    else:
        chosen = sorted(items if keep is None else filter(keep, items), key=sort_key)
        page, token = paginate(backend, operation, chosen, sort_key, params)
    render = view if callable(view) else operator.methodcaller("view", view)
    result: dict[str, Any] = {result_key: [render(r) for r in page]}
    if token is not None:
        result["nextToken"] = token
    return result
