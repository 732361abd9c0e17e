"""What the mock shows of its work in moto's other services, when moto is active.

The domain calls these few functions and nothing else of moto; without an
active ``moto.mock_aws`` they do nothing, so the mock needs moto only to share
state with it, never to run.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["moto_active", "publish_ami"]


def moto_active() -> bool:
    # Only look if moto was imported: the mock must not import it on its own.
    models = sys.modules.get("moto.core.models")
    stubber = getattr(models, "botocore_stubber", None)
    return bool(getattr(stubber, "enabled", False))


def publish_ami(
    account_id: str,
    region: str,
    name: str,
    description: str | None,
    tags: dict[str, str] | None = None,
) -> str | None:
    """Register a built AMI in moto's EC2 and return its id (None when moto is off).

    Code under test then finds the AMI with ``ec2.describe_images`` as it would
    after a real build.
    """
    if not moto_active():
        return None
    from moto.ec2.models import ec2_backends

    ec2: Any = ec2_backends[account_id][region]
    ami = ec2.register_image(name=name, description=description)
    if tags:
        ec2.create_tags([ami.id], tags)
    return str(ami.id)
