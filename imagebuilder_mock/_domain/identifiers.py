"""What an AMI id, an S3 URI and a platform-bearing name look like: one rule each.

Pure functions on strings, shared by every family that reads these forms, so
that a value is never accepted by one operation and refused by another. The
patterns are matched whole (``fullmatch``): ``$`` would also let a trailing
newline through.
"""

from __future__ import annotations

import re

__all__ = ["is_ami_id", "is_s3_uri", "platform_from_name"]

# EC2 resource ids are the prefix and 8 hex digits (ids created before 2016) or
# 17 (the longer ids EC2 has issued since), lower case (EC2 documentation,
# "Resource IDs"). The Image Builder model gives AMI ids no pattern of its own.
_AMI_ID = re.compile(r"ami-(?:[0-9a-f]{8}|[0-9a-f]{17})")

# ``s3://bucket/key``, the form the model documents for its S3 members
# (CreateComponent and CreateWorkflow ``uri``: "s3://bucket/key"; its one S3
# pattern, MarketplaceResourceLocation, is ``s3://<bucket>/<key>`` too), with
# the bucket following S3's naming rules: 3 to 63 lower-case letters, digits,
# dots and hyphens, starting and ending with a letter or digit (S3
# documentation, "General purpose bucket naming rules").
_S3_URI = re.compile(r"s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+")


def is_ami_id(text: str) -> bool:
    """Whether ``text`` is an EC2 AMI id (``ami-`` and 8 or 17 lower-case hex digits)."""
    return _AMI_ID.fullmatch(text) is not None


def is_s3_uri(text: str) -> bool:
    """Whether ``text`` is an S3 object URI, ``s3://bucket/key``."""
    return _S3_URI.fullmatch(text) is not None


def platform_from_name(name: str) -> str:
    """The platform a name implies: ``windows`` → Windows, ``macos`` → macOS, else Linux.

    Image Builder's AWS-published images and components, and the public SSM AMI
    parameters (``…/ami-windows-latest/…``), name their operating system, and
    nothing else in such a reference tells the platform. Case does not matter.
    """
    lowered = name.lower()
    if "windows" in lowered:
        return "Windows"
    if "macos" in lowered:
        return "macOS"
    return "Linux"
