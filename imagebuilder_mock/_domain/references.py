"""The references to other services that Image Builder checks when a resource is made.

Under an active ``moto.mock_aws`` an instance profile, an execution role, a
subnet, security groups, a key pair, an SNS topic, a KMS key, an ECR repository
or a parent AMI that moto does not hold is refused, as AWS refuses one its
account lacks. Without moto, or with ``BackendRegistry.check_references`` off,
every reference is taken as given. The handlers call these after their own
rules and before anything is stored, so a refused call changes nothing.
"""

from __future__ import annotations

from typing import Any

from .. import _integrations
from .._errors import InvalidParameterValue, invalid_value
from .backend import Backend

__all__ = [
    "check_execution_role",
    "check_infrastructure",
    "check_kms_key",
    "check_parent_ami",
    "check_repository",
]


def _checking(backend: Backend) -> bool:
    return backend.registry.check_references


def _refuse(
    parameter: str, what: str, value: str, region: str | None = None
) -> InvalidParameterValue:
    # AWS's wording for a missing instance profile, naming the missing resource too.
    where = f" in Region '{region}'" if region else ""
    return invalid_value(
        parameter,
        f"The provided {what} '{value}' does not exist{where}. "
        f"Please specify a different {what} and try again.",
    )


def check_infrastructure(backend: Backend, params: dict[str, Any]) -> None:
    """What an infrastructure configuration launches its instances with, in the order of
    the request's members."""
    if not _checking(backend):
        return
    account, region = backend.account_id, backend.region
    profile = params["instanceProfileName"]
    if _integrations.missing_instance_profile(account, region, profile):
        # AWS's message, as its users report it, does not name the profile.
        raise invalid_value(
            "instanceProfileName",
            "The provided instance profile does not exist. Please specify a different "
            "instance profile and try again.",
        )
    for i, group in enumerate(params.get("securityGroupIds") or []):
        if _integrations.missing_security_group(account, region, group):
            raise _refuse(f"securityGroupIds[{i}]", "security group", group)
    subnet = params.get("subnetId")
    if subnet is not None and _integrations.missing_subnet(account, region, subnet):
        raise _refuse("subnetId", "subnet", subnet)
    key_pair = params.get("keyPair")
    if key_pair is not None and _integrations.missing_key_pair(account, region, key_pair):
        raise _refuse("keyPair", "key pair", key_pair)
    topic = params.get("snsTopicArn")
    if topic is not None and _integrations.missing_sns_topic(topic):
        raise _refuse("snsTopicArn", "SNS topic", topic)


def check_execution_role(backend: Backend, params: dict[str, Any]) -> None:
    """The ``executionRole`` Image Builder assumes, when the request names one."""
    role = params.get("executionRole")
    if role is None or not _checking(backend):
        return
    if _integrations.missing_role(backend.account_id, backend.region, role):
        raise _refuse("executionRole", "role", role)


def check_parent_ami(backend: Backend, ami_id: str, parameter: str) -> None:
    """An AMI id an image recipe builds from: it must exist in the caller's Region."""
    if _checking(backend) and _integrations.missing_ami(backend.account_id, backend.region, ami_id):
        raise _refuse(parameter, "image", ami_id)


def check_kms_key(
    backend: Backend, key: str | None, parameter: str, region: str | None = None
) -> None:
    """A KMS key (id, ARN or alias) in ``region`` (the caller's by default); a key ARN
    names its own Region and account."""
    if key is None or not _checking(backend):
        return
    if _integrations.missing_kms_key(backend.account_id, region or backend.region, key):
        raise _refuse(parameter, "KMS key", key)


def check_repository(
    backend: Backend, repository: dict[str, Any], parameter: str, region: str | None = None
) -> None:
    """A target repository (``{"service": "ECR", "repositoryName": ...}``) of the caller's
    account, in ``region`` (the caller's by default)."""
    if not _checking(backend) or repository.get("service", "ECR") != "ECR":
        return
    name = repository["repositoryName"]
    where = region or backend.region
    if _integrations.missing_ecr_repository(backend.account_id, where, name):
        raise _refuse(f"{parameter}.repositoryName", "ECR repository", name, where)
