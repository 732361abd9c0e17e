"""The records of one kind in one backend, indexed by what lookups use.

Each store holds one exact record class and keeps three views of it:

* by ARN, in the order the records were added (``of_kind`` walks this);
* by series: the builds and versions of one name (``resolve`` and new builds
  look only there, so a wildcard lookup costs the builds of that name, not
  the whole store);
* in list order, the record's ``store_key`` (name first, then newest version
  and build first), so a List page starts with a binary search and costs
  O(page + log n) however many records there are.
"""

from __future__ import annotations

import bisect
import operator
from collections.abc import Iterator, Sequence
from typing import Any, Generic, TypeVar

from .resources import Resource

__all__ = ["Store", "store_order"]

R = TypeVar("R", bound=Resource)

# The page key of a List that shows a store in its own order.
store_order = operator.attrgetter("store_key")


class Store(Generic[R]):
    """One record class's records in one backend."""

    __slots__ = ("_by_arn", "_keys", "_ordered", "_series")

    def __init__(self) -> None:
        self._by_arn: dict[str, R] = {}
        self._keys: list[tuple[Any, ...]] = []
        self._ordered: list[R] = []
        self._series: dict[tuple[str, ...], list[R]] = {}

    def add(self, record: R) -> None:
        key = record.store_key
        keys = self._keys
        if not keys or key > keys[-1]:
            # Names made in sequence (``web-001``, ``web-002``) come last: no search.
            keys.append(key)
            self._ordered.append(record)
        else:
            position = bisect.bisect_left(keys, key)
            keys.insert(position, key)
            self._ordered.insert(position, record)
        self._by_arn[record.arn] = record
        series = record.series
        if series is not None:
            self._series.setdefault(series, []).append(record)

    def remove(self, record: R) -> None:
        key = record.store_key
        position = bisect.bisect_left(self._keys, key)
        while self._ordered[position] is not record:
            position += 1
        del self._keys[position]
        del self._ordered[position]
        del self._by_arn[record.arn]
        series = record.series
        if series is not None:
            members = self._series[series]
            members.remove(record)
            if not members:
                del self._series[series]

    def get(self, arn: str) -> R | None:
        return self._by_arn.get(arn)

    def __len__(self) -> int:
        return len(self._by_arn)

    def __iter__(self) -> Iterator[R]:
        """Oldest first: the order records were added in."""
        return iter(list(self._by_arn.values()))

    def series(self, key: tuple[str, ...]) -> Sequence[R]:
        """The records of one series (every version and build of one name)."""
        return tuple(self._series.get(key, ()))

    def ordered(
        self, after: tuple[Any, ...] | None = None, within: tuple[Any, ...] = ()
    ) -> Iterator[R]:
        """Records in list order whose key begins with ``within`` (all by default),
        from the first or after every record whose key begins with (or sorts
        before) ``after``: a page token's key is the key of the last entry
        served, which may be a prefix (a version, a name) of the keys of the
        records it stood for."""
        keys, ordered = self._keys, self._ordered
        # A prefix sorts just before the keys it begins.
        position = bisect.bisect_left(keys, within) if within else 0
        end = len(keys)
        if within:
            span = len(within)
            end = bisect.bisect_right(keys, within, lo=position, key=lambda k: k[:span])
        if after is not None:
            width = len(after)
            position = max(position, bisect.bisect_left(keys, after))
            while position < end and keys[position][:width] <= after:
                position += 1
        # Lazily: a page reads as many records as it shows (and its filters skip).
        return map(ordered.__getitem__, range(position, end))
