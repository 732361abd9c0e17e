"""What the mock shows of its work in moto's other services, when moto is active.

The domain and the front doors call these few functions and nothing else of
moto: this is the one module that imports it, and only inside a function, so
importing the package never imports moto. Without an active ``moto.mock_aws``
they do nothing, so the mock needs moto only to share state with it, never to run.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .activity import moto_active, serving_moto
from .link import join_moto, moto_caller_account, moto_loaded, offer_to_moto, run_moto_server

if TYPE_CHECKING:
    from .outputs import (
        CREATED_BY,
        DistributionProblem,
        S3ReadError,
        ami_action,
        container_problem,
        launch_template_problem,
        notify_topic,
        publish_ami,
        push_container_image,
        put_ssm_parameter,
        read_s3_text,
        update_launch_template,
    )
    from .references import (
        missing_ami,
        missing_ecr_repository,
        missing_instance_profile,
        missing_key_pair,
        missing_kms_key,
        missing_role,
        missing_security_group,
        missing_sns_topic,
        missing_subnet,
    )

__all__ = [
    "CREATED_BY",
    "DistributionProblem",
    "S3ReadError",
    "ami_action",
    "container_problem",
    "join_moto",
    "launch_template_problem",
    "missing_ami",
    "missing_ecr_repository",
    "missing_instance_profile",
    "missing_key_pair",
    "missing_kms_key",
    "missing_role",
    "missing_security_group",
    "missing_sns_topic",
    "missing_subnet",
    "moto_account_for",
    "moto_active",
    "moto_caller_account",
    "moto_loaded",
    "notify_topic",
    "offer_to_moto",
    "publish_ami",
    "push_container_image",
    "put_ssm_parameter",
    "read_s3_text",
    "run_moto_server",
    "serving_moto",
    "update_launch_template",
]


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


# What only the domain asks for, once it runs: loaded on first use (PEP 562), so
# that the front doors' import (moto's activity and the link) stays small.
_LATER = {
    "outputs": (
        "CREATED_BY",
        "DistributionProblem",
        "S3ReadError",
        "ami_action",
        "container_problem",
        "launch_template_problem",
        "notify_topic",
        "publish_ami",
        "push_container_image",
        "put_ssm_parameter",
        "read_s3_text",
        "update_launch_template",
    ),
    "references": (
        "missing_ami",
        "missing_ecr_repository",
        "missing_instance_profile",
        "missing_key_pair",
        "missing_kms_key",
        "missing_role",
        "missing_security_group",
        "missing_sns_topic",
        "missing_subnet",
    ),
}
_HOMES = {name: module for module, names in _LATER.items() for name in names}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value  # later uses find it directly
    return value
