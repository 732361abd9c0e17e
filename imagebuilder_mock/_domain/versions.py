"""Semantic versions, wildcard selectors and their resolution.

Image Builder versions are ``major.minor.patch``; the service adds a build
number. Selectors put ``x`` in place of nodes, right-aligned only: ``1.x.x``
is valid, ``1.x.2`` is not. A selector picks the highest matching version,
compared node by node as numbers (``2019.12.10`` is newer than ``2019.12.9``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from .._errors import InvalidVersionNumber, invalid_value

__all__ = [
    "MAX_NODE",
    "SemanticVersion",
    "VersionSelector",
    "highest",
    "parse_selector",
    "parse_version",
]

# Each node of a semantic version is at most 2^30 - 1.
MAX_NODE = 1073741823

T = TypeVar("T")


@dataclass(frozen=True, order=True)
class SemanticVersion:
    major: int
    minor: int
    patch: int
    # The version as the caller wrote it: AWS keeps ``2019.12.03`` in ARNs as
    # given, while comparing node by node as numbers.
    text: str | None = field(default=None, compare=False, kw_only=True)

    def __str__(self) -> str:
        return self.text or f"{self.major}.{self.minor}.{self.patch}"


def parse_version(text: str, parameter: str = "semanticVersion") -> SemanticVersion:
    """A concrete ``X.Y.Z`` (the caller has checked the model's pattern)."""
    parts = text.split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise invalid_value(parameter, f"{parameter} must match pattern ^[0-9]+\\.[0-9]+\\.[0-9]+$")
    nodes = [int(p) for p in parts]
    if any(n > MAX_NODE for n in nodes):
        raise InvalidVersionNumber(
            f"The semantic version '{text}' is not valid. "
            f"Each node must be between 0 and {MAX_NODE}."
        )
    return SemanticVersion(*nodes, text=text)


@dataclass(frozen=True)
class VersionSelector:
    """``X.Y.Z`` with ``x`` for the nodes that are free (``None`` here)."""

    nodes: tuple[int | None, int | None, int | None]

    def matches(self, version: SemanticVersion) -> bool:
        major, minor, patch = self.nodes
        return (
            (major is None or major == version.major)
            and (minor is None or minor == version.minor)
            and (patch is None or patch == version.patch)
        )

    @property
    def is_wildcard(self) -> bool:
        return None in self.nodes

    def __str__(self) -> str:
        return ".".join("x" if n is None else str(n) for n in self.nodes)


def parse_selector(text: str, parameter: str) -> VersionSelector:
    """A version or wildcard; wildcards must be right-aligned (``1.x.x``, not ``x.2.x``)."""
    parts = text.split(".")
    if len(parts) != 3 or not all(p == "x" or p.isdigit() for p in parts):
        raise invalid_value(
            parameter, f"'{text}' is not a valid version; use major.minor.patch, x for any node."
        )
    nodes = tuple(None if p == "x" else int(p) for p in parts)
    seen_wildcard = False
    for node in nodes:
        if node is None:
            seen_wildcard = True
        elif seen_wildcard:
            raise invalid_value(
                parameter,
                f"The version '{text}' is not valid: a wildcard (x) may only be followed "
                "by other wildcards.",
            )
        elif node > MAX_NODE:
            raise InvalidVersionNumber(
                f"The semantic version '{text}' is not valid. "
                f"Each node must be between 0 and {MAX_NODE}."
            )
    return VersionSelector(nodes)  # type: ignore[arg-type]


def highest(items: Iterable[tuple[SemanticVersion, T]], selector: VersionSelector) -> T | None:
    """The item whose version is the highest one the selector matches."""
    best: tuple[SemanticVersion, T] | None = None
    for version, item in items:
        if selector.matches(version) and (best is None or version > best[0]):
            best = (version, item)
    return best[1] if best else None
