"""What the mock shows of its work in moto's other services, when moto is active.

The domain and the front doors call these few functions and nothing else of
moto: this is the one module that imports it, and only inside a function, so
importing the package never imports moto. Without an active ``moto.mock_aws``
they do nothing, so the mock needs moto only to share state with it, never to run.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

__all__ = ["CREATED_BY", "moto_account_for", "moto_active", "publish_ami"]


def moto_active() -> bool:
    # Only look if moto was imported: the mock must not import it on its own.
    models = sys.modules.get("moto.core.models")
    stubber = getattr(models, "botocore_stubber", None)
    return bool(getattr(stubber, "enabled", False))


def moto_account_for(access_key: str) -> str | None:
    """The account moto's IAM gives ``access_key``; None when moto is off or knows no other.

    A key made with moto's ``iam.create_access_key`` belongs to the account that
    made it; any key moto does not know maps to moto's default account, which
    tells nothing the mock's own default does not.
    """
    if not moto_active():
        return None
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.iam.models import get_account_id_from

    account = get_account_id_from(access_key)
    return account if account != DEFAULT_ACCOUNT_ID else None


# The tags Image Builder puts on every AMI it creates; clean-up scripts find
# their AMIs by them.
CREATED_BY = "EC2 Image Builder"


def publish_ami(
    account_id: str,
    region: str,
    name: str,
    description: str | None,
    tags: dict[str, str] | None = None,
    *,
    image_arn: str,
    created: dt.datetime,
) -> str | None:
    """Register a built AMI in moto's EC2 and return its id (None when moto is off).

    Code under test then finds the AMI with ``ec2.describe_images`` as it would
    after a real build: tagged ``CreatedBy`` and ``Ec2ImageBuilderArn`` (the
    image build version ARN), created at ``created`` by the mock's clock.
    """
    if not moto_active():
        return None
    from moto.ec2.models import ec2_backends

    try:
        ec2: Any = ec2_backends[account_id][region]
    except KeyError:
        # A Region newer than moto's list: the AMI exists only in the mock.
        return None
    ami = ec2.register_image(name=name, description=description)
    # moto keeps creation dates as naive UTC datetimes (its own ``utcnow()``).
    ami.creation_date = created.astimezone(dt.timezone.utc).replace(tzinfo=None)
    # The service's tags are set last: a distribution's amiTags cannot hide them.
    all_tags = {**(tags or {}), "CreatedBy": CREATED_BY, "Ec2ImageBuilderArn": image_arn}
    ec2.create_tags([ami.id], all_tags)
    return str(ami.id)
