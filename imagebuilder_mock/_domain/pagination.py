"""Pages of list results behind opaque ``nextToken`` values.

A token names the sort key of the last item served, not an offset, so a
clean-up job that deletes what it has just listed neither skips nor repeats
items on the next page. Tokens are signed and bound to what issued them: the
operation, the caller's account and region, and every request parameter but
``maxResults`` and ``nextToken`` (filters, owner, the ARN listed, ...). A
token that was altered, or is presented anywhere else, is rejected as AWS
rejects it.
"""

from __future__ import annotations

import base64
import bisect
import functools
import hashlib
import hmac
import itertools
import json
import os
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from .._errors import InvalidPaginationToken

if TYPE_CHECKING:
    from .backend import Backend

__all__ = ["DEFAULT_PAGE_SIZE", "Ordered", "paginate", "paginate_ordered"]

T = TypeVar("T")

# Items already in list order, read on from just after a page key (``None``:
# from the start). Indexed stores give these, so a page never sorts.
Ordered = Callable[[tuple[Any, ...] | None], Iterator[T]]

DEFAULT_PAGE_SIZE = 25
_SECRET = os.urandom(16)


def _sign(payload: bytes) -> str:
    # BLAKE2's keyed mode is a MAC, and costs a third of an HMAC's setup per token.
    return hashlib.blake2b(payload, key=_SECRET, digest_size=8).hexdigest()


# Members that page through one listing rather than choose it.
_PAGING = frozenset({"maxResults", "nextToken"})


def _scope(backend: Backend, operation: str, params: dict[str, Any]) -> str:
    """What a token is valid for: operation, caller and the listing's parameters."""
    listing = {k: v for k, v in params.items() if k not in _PAGING}
    if not listing:
        return _plain_scope(operation, backend.account_id, backend.region)
    return _digest(operation, backend.account_id, backend.region, listing)


@functools.lru_cache(maxsize=1024)
def _plain_scope(operation: str, account: str, region: str) -> str:
    # A listing with no parameters of its own (the most common List call) has
    # one scope per caller: worked out once.
    return _digest(operation, account, region, {})


def _digest(operation: str, account: str, region: str, listing: dict[str, Any]) -> str:
    text = json.dumps(
        [operation, account, region, listing],
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _encode(scope: str, key: Sequence[Any]) -> str:
    payload = json.dumps([scope, list(key)], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(payload).decode() + "." + _sign(payload)


def _decode(operation: str, scope: str, token: str) -> tuple[Any, ...]:
    try:
        body, signature = token.rsplit(".", 1)
        payload = base64.urlsafe_b64decode(body.encode())
        if not hmac.compare_digest(signature, _sign(payload)):
            raise ValueError("bad signature")
        issued_for, key = json.loads(payload)
        if issued_for != scope:
            raise ValueError("issued for another listing")
        return tuple(key)
    except (ValueError, TypeError):
        raise InvalidPaginationToken(
            f"The pagination token '{token}' is not valid for {operation}."
        ) from None


def paginate(
    backend: Backend,
    operation: str,
    items: Sequence[T],
    sort_key: Callable[[T], tuple[Any, ...]],
    params: dict[str, Any],
) -> tuple[list[T], str | None]:
    """One page of ``items`` (already in ascending ``sort_key`` order) and the next token.

    ``backend`` is the caller's: the token is bound to its account and region.

    ``sort_key`` must be unique per item and hold only strings and integers.
    """

    def read(after: tuple[Any, ...] | None) -> Iterator[T]:
        # O(log n) keys for the start, none for the items the page does not reach.
        start = 0 if after is None else bisect.bisect_right(items, after, key=sort_key)
        return map(items.__getitem__, range(start, len(items)))

    return paginate_ordered(backend, operation, read, sort_key, params)


def paginate_ordered(
    backend: Backend,
    operation: str,
    ordered: Ordered[T],
    sort_key: Callable[[T], tuple[Any, ...]],
    params: dict[str, Any],
    keep: Callable[[T], bool] | None = None,
) -> tuple[list[T], str | None]:
    """One page read from an ordered source: O(page + log n), however long the list.

    ``sort_key`` gives each item's page key (unique per item, strings and
    integers); the source resumes after the key a token carries. Only items
    ``keep`` accepts are served, and a token is issued only when one more follows.
    """
    size = params.get("maxResults") or DEFAULT_PAGE_SIZE
    scope = _scope(backend, operation, params)
    token = params.get("nextToken")
    after = _decode(operation, scope, token) if token is not None else None
    source = ordered(after) if keep is None else filter(keep, ordered(after))
    # One item more than the page shows tells whether another page follows.
    page = list(itertools.islice(source, size + 1))
    if len(page) > size:
        del page[size:]
        return page, _encode(scope, sort_key(page[-1]))
    return page, None
