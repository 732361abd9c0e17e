"""The AWS Regions botocore knows, partition by partition.

A request may name other Regions (a distribution target); the installed
botocore is the mock's list of the Regions that exist, so a Region AWS opens
later is known as soon as botocore is upgraded.
"""

from __future__ import annotations

import functools
import re

import botocore.loaders
from botocore.exceptions import DataNotFoundError

__all__ = ["partition_of", "partition_regions"]


@functools.cache
def _partitions() -> dict[str, tuple[re.Pattern[str], frozenset[str]]]:
    """Each partition's Region-name pattern and listed Regions.

    ``endpoints.json`` is the long-standing list; ``partitions.json`` (newer
    botocore) lists Regions before any endpoint data names them. Both also list
    pseudo-regions such as ``aws-global``, which the partition's own
    ``regionRegex`` leaves out.
    """
    loader = botocore.loaders.create_loader()
    listed: dict[str, set[str]] = {}
    patterns: dict[str, re.Pattern[str]] = {}
    try:
        newer = loader.load_data("partitions")["partitions"]
    except DataNotFoundError:
        newer = []
    entries = [(p["partition"], p) for p in loader.load_data("endpoints")["partitions"]]
    entries += [(p["id"], p) for p in newer]
    for name, partition in entries:
        patterns.setdefault(name, re.compile(partition["regionRegex"]))
        listed.setdefault(name, set()).update(partition.get("regions", {}))
    return {
        name: (patterns[name], frozenset(r for r in regions if patterns[name].match(r)))
        for name, regions in listed.items()
    }


def partition_of(region: str) -> str:
    """The partition a Region belongs to: the one listing it, else the one whose
    name pattern it matches, else ``aws``."""
    partitions = _partitions()
    for name, (_, regions) in partitions.items():
        if region in regions:
            return name
    for name, (pattern, _) in partitions.items():
        if pattern.match(region):
            return name
    return "aws"


def partition_regions(region: str) -> frozenset[str]:
    """Every Region botocore lists in the partition of ``region``."""
    return _partitions()[partition_of(region)][1]
