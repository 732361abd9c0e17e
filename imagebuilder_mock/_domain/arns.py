"""Image Builder ARNs: building them from names, and reading them back."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["PUBLISHERS", "Arn", "build_arn", "parse_arn", "partition_for", "slug"]

# ARN owners that are publishers, not accounts: AWS-managed, third-party and
# AWS Marketplace resources, readable by every account of their region.
PUBLISHERS = frozenset({"aws", "third-party", "aws-marketplace"})

# A version node is at most 2^30 - 1 (10 digits) and a build number counts
# builds; a number with more significant digits than this names nothing, and
# reading it as an int could exceed Python's conversion limit.
_MAX_DIGITS = 10

_ARN = re.compile(
    r"^arn:(?P<partition>aws[^:]*):imagebuilder:(?P<region>[^:]+):(?P<account>[^:]+):"
    r"(?P<type>workflow/(?:build|test|distribution)|[a-z-]+)/(?P<name>[a-z0-9-_]+)"
    r"(?:/(?P<version>(?:x|[0-9]+)\.(?:x|[0-9]+)\.(?:x|[0-9]+))(?:/(?P<build>[0-9]+))?)?$"
)


def slug(name: str) -> str:
    """The ARN form of a resource name: lower case, spaces and underscores as hyphens.

    The name itself is kept as given; only ARNs are normalised, so names that
    differ only in case or separators share one ARN.
    """
    return name.lower().replace(" ", "-").replace("_", "-")


def partition_for(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("us-iso-"):
        return "aws-iso"
    if region.startswith("us-isob-"):
        return "aws-iso-b"
    return "aws"


@dataclass(frozen=True)
class Arn:
    partition: str
    region: str
    account: str
    resource_type: str
    name: str
    version: str | None = None
    build: int | None = None

    def __str__(self) -> str:
        return build_arn(
            self.region,
            self.account,
            self.resource_type,
            self.name,
            self.version,
            self.build,
            partition=self.partition,
        )

    @property
    def is_wildcard(self) -> bool:
        return self.version is None or "x" in self.version

    def with_version(self, version: str | None, build: int | None = None) -> Arn:
        return Arn(
            self.partition, self.region, self.account, self.resource_type, self.name, version, build
        )


def build_arn(
    region: str,
    account: str,
    resource_type: str,
    name_slug: str,
    version: str | None = None,
    build: int | None = None,
    *,
    partition: str | None = None,
) -> str:
    arn = (
        f"arn:{partition or partition_for(region)}:imagebuilder:{region}:{account}:"
        f"{resource_type}/{name_slug}"
    )
    if version is not None:
        arn = f"{arn}/{version}"
        if build is not None:
            arn = f"{arn}/{build}"
    return arn


def _too_long(number: str) -> bool:
    return len(number.lstrip("0")) > _MAX_DIGITS


def parse_arn(arn: str) -> Arn | None:
    """The parts of an Image Builder ARN; None for anything else.

    An ARN whose version node or build number is longer than any can be is
    not one: it could name no resource.
    """
    match = _ARN.match(arn)
    if match is None:
        return None
    build = match["build"]
    numbers = [*(match["version"] or "").split("."), build or ""]
    if any(_too_long(n) for n in numbers):
        return None
    return Arn(
        match["partition"],
        match["region"],
        match["account"],
        match["type"],
        match["name"],
        match["version"],
        int(build) if build is not None else None,
    )
