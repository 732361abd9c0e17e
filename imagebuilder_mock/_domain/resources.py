"""What every Image Builder resource has: an ARN, a name, an owner, dates and tags."""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from .._model import service_model, shape_members

__all__ = ["Bag", "Getter", "Layer", "Resource", "iso_time", "shaped", "updated_time"]

# Reads one member of a view from a record.
Getter = Callable[[Any], Any]


@functools.lru_cache(maxsize=8192)
def iso_time(moment: dt.datetime) -> str:
    """The service's ``DateTime`` string: ISO-8601 UTC with milliseconds and ``Z``."""
    utc = moment.astimezone(dt.timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def shaped(shape_name: str, values: dict[str, Any]) -> dict[str, Any]:
    """The values the output shape has a member for, without the unset ones.

    Views are cut from the model rather than listed by hand, so a member the
    model adds later flows from create to get with no code change.
    """
    members = shape_members(shape_name)
    return {k: v for k, v in values.items() if v is not None and k in members}


@dataclass(frozen=True)
class Bag:
    """A dict attribute of a record (``details``, ``settings``) whose entries are
    members, shown as they are."""

    attribute: str


# One layer of what a record shows: members each read by a getter, or a Bag.
Layer = Mapping[str, Getter] | Bag

# What every resource shows. ``tags`` is a copy: a view may be kept (an image
# keeps the views of its recipe and configurations), the record's tags move on.
_BASE: Mapping[str, Getter] = {
    "arn": operator.attrgetter("arn"),
    "name": operator.attrgetter("name"),
    "owner": operator.attrgetter("owner"),
    "dateCreated": lambda r: iso_time(r.date_created),
    "tags": lambda r: dict(r.tags),
}
_BASE_LAYERS: tuple[Layer, ...] = (_BASE,)


def updated_time(record: Any) -> str | None:
    """``dateUpdated`` of a record that has one only once an Update has run."""
    moment: dt.datetime | None = record.date_updated
    return None if moment is None else iso_time(moment)


@dataclass(eq=False)
class Resource:
    """A stored resource; ``kind`` is the type word AWS uses in its messages."""

    kind: ClassVar[str] = "Resource"

    arn: str
    name: str
    owner: str
    date_created: dt.datetime
    tags: dict[str, str] = field(default_factory=dict)
    # The JSON resource policy, for the kinds that can be shared.
    policy: str | None = None

    @property
    def store_key(self) -> tuple[Any, ...]:
        """Where the record sits in its store's list order: by name (unique per record)."""
        return (self.name, self.arn)

    @property
    def series(self) -> tuple[str, ...] | None:
        """The series the record belongs to (versions and builds of one name), if any."""
        return None

    def references(self) -> Iterable[str]:
        """ARNs (build, version or wildcard) this resource depends on."""
        return ()

    # The members a resource shows, lowest layer first: a member a later layer
    # sets (a Bag's entries too, key by key) replaces an earlier one's. A view
    # computes only the members its output shape has, so a List entry costs
    # what it shows, not everything the record could show.
    layers: ClassVar[tuple[Layer, ...]] = _BASE_LAYERS

    @classmethod
    def shape_layer(cls, shape_name: str) -> Mapping[str, Getter]:
        """Members a view of ``shape_name`` shows otherwise than the layers do (the top layer)."""
        return {}

    def view(self, shape_name: str) -> dict[str, Any]:
        """The members of output shape ``shape_name`` this resource has set."""
        try:
            computed, bags = _PLANS[type(self), shape_name]
        except KeyError:
            computed, bags = _plan(type(self), shape_name)
        values = {member: v for member, get in computed if (v := get(self)) is not None}
        for attribute, members in bags:
            entries = getattr(self, attribute)
            # Most often the bag holds none of them (a List entry's few members).
            if members.isdisjoint(entries):
                continue
            for member, value in entries.items():
                if member in members:
                    if value is None:
                        values.pop(member, None)
                    else:
                        values[member] = value
        return values


# How a view of one class reads one shape: the members computed by getters, then
# the bags (lowest first) with the members each may still set.
_Plan = tuple[tuple[tuple[str, Getter], ...], tuple[tuple[str, frozenset[str]], ...]]


@functools.cache
def _member_order(shape_name: str) -> tuple[str, ...]:
    """The members of a structure shape in model order (none if the model lacks it)."""
    model = service_model()
    if shape_name not in model.shape_names:
        return ()
    return tuple(getattr(model.shape_for(shape_name), "members", {}))


# Every class and shape viewed so far: a few dozen plans at most.
_PLANS: dict[tuple[type[Resource], str], _Plan] = {}


def _plan(kind: type[Resource], shape_name: str) -> _Plan:
    """How views of ``kind`` read the members ``shape_name`` has. Made once per
    class and shape.

    Each member is computed by the highest layer with a getter for it; a bag
    above that layer replaces it when the record's bag holds the member.
    """
    layers = (*kind.layers, kind.shape_layer(shape_name))
    wanted = _member_order(shape_name)
    computed: dict[str, Getter] = {}
    bags: list[tuple[str, frozenset[str]]] = []
    for layer in reversed(layers):
        if isinstance(layer, Bag):
            # What no layer above already sets for sure.
            members = frozenset(m for m in wanted if m not in computed)
            if members:
                bags.append((layer.attribute, members))
        else:
            for member in wanted:
                if member in layer and member not in computed:
                    computed[member] = layer[member]
    plan = (tuple((m, computed[m]) for m in wanted if m in computed), tuple(reversed(bags)))
    _PLANS[kind, shape_name] = plan
    return plan
