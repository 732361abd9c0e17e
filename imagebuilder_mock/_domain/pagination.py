"""Pages of list results behind opaque ``nextToken`` values.

A token names the sort key of the last item served, not an offset, so a
clean-up job that deletes what it has just listed neither skips nor repeats
items on the next page. Tokens are signed: one that was altered, or that was
issued by another operation, is rejected as AWS rejects it.
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import hmac
import json
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from .._errors import InvalidPaginationToken

__all__ = ["DEFAULT_PAGE_SIZE", "paginate"]

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 25
_SECRET = os.urandom(16)


def _sign(payload: bytes) -> str:
    return hmac.new(_SECRET, payload, hashlib.sha256).hexdigest()[:16]


def _encode(operation: str, key: Sequence[Any]) -> str:
    payload = json.dumps([operation, list(key)], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(payload).decode() + "." + _sign(payload)


def _decode(operation: str, token: str) -> tuple[Any, ...]:
    try:
        body, signature = token.rsplit(".", 1)
        payload = base64.urlsafe_b64decode(body.encode())
        if not hmac.compare_digest(signature, _sign(payload)):
            raise ValueError("bad signature")
        issued_by, key = json.loads(payload)
        if issued_by != operation:
            raise ValueError("other operation")
        return tuple(key)
    except (ValueError, TypeError):
        raise InvalidPaginationToken(
            f"The pagination token '{token}' is not valid for {operation}."
        ) from None


def paginate(
    operation: str,
    items: Sequence[T],
    sort_key: Callable[[T], tuple[Any, ...]],
    params: dict[str, Any],
) -> tuple[list[T], str | None]:
    """One page of ``items`` (already in ascending ``sort_key`` order) and the next token.

    ``sort_key`` must be unique per item and hold only strings and integers.
    """
    size = params.get("maxResults") or DEFAULT_PAGE_SIZE
    keys = [sort_key(item) for item in items]
    start = 0
    token = params.get("nextToken")
    if token is not None:
        start = bisect.bisect_right(keys, _decode(operation, token))
    page = list(items[start : start + size])
    more = start + size < len(items)
    return page, _encode(operation, keys[start + size - 1]) if more else None
