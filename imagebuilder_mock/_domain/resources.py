"""What every Image Builder resource has: an ARN, a name, an owner, dates and tags."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from .._model import shape_members

__all__ = ["Resource", "iso_time", "shaped"]


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

    def fields(self) -> dict[str, Any]:
        """Every member this resource can show, named as in the output shapes."""
        return {
            "arn": self.arn,
            "name": self.name,
            "owner": self.owner,
            "dateCreated": iso_time(self.date_created),
            "tags": dict(self.tags),
        }

    def view(self, shape_name: str) -> dict[str, Any]:
        return shaped(shape_name, self.fields())
