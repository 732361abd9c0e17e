"""Whether the resources a request names exist in moto's other services.

Image Builder checks what an infrastructure configuration, a recipe, a
distribution or an execution role refers to when it is created. Under an
active ``moto.mock_aws`` the mock asks moto's IAM, EC2, SNS, KMS and ECR the
same question. Each function answers "is this reference missing?": always
False while moto is inactive, so without moto every reference is taken as
given. moto is imported inside each function only.

A Region moto does not know yet cannot be asked; its references are taken as
given too, as ``publish_ami`` keeps its AMIs in the mock alone there.
"""

from __future__ import annotations

from typing import Any

from .activity import moto_active

__all__ = [
    "missing_ami",
    "missing_ecr_repository",
    "missing_instance_profile",
    "missing_key_pair",
    "missing_kms_key",
    "missing_role",
    "missing_security_group",
    "missing_sns_topic",
    "missing_subnet",
]

# moto keeps one IAM per account and partition; IAM is global within a partition.
_PARTITION_OF_PREFIX = (("cn-", "aws-cn"), ("us-gov-", "aws-us-gov"))


def _active() -> bool:
    return moto_active()


def _partition(region: str) -> str:
    return next((p for prefix, p in _PARTITION_OF_PREFIX if region.startswith(prefix)), "aws")


def _regional(backends: Any, account: str, region: str) -> Any | None:
    """moto's backend of one service in (account, region); None for a Region moto lacks."""
    try:
        return backends[account][region]
    except KeyError:
        return None


def _iam(account: str, region: str) -> Any | None:
    from moto.iam.models import iam_backends

    try:
        return iam_backends[account][_partition(region)]
    except KeyError:
        return None


def missing_instance_profile(account: str, region: str, name: str) -> bool:
    """No instance profile ``name`` in the account's IAM."""
    if not _active():
        return False
    iam = _iam(account, region)
    return iam is not None and all(p.name != name for p in iam.instance_profiles.values())


def missing_role(account: str, region: str, role: str) -> bool:
    """No IAM role ``role`` (a name, a path and name, or a role ARN naming its account).

    A role is found by its name, the last part of its path: IAM role names are
    unique in an account whatever their path.
    """
    if not _active():
        return False
    if role.startswith("arn:"):
        account = role.split(":")[4]
    name = role.rsplit("/", 1)[-1]
    iam = _iam(account, region)
    return iam is not None and all(r.name != name for r in iam.roles.values())


def _ec2(account: str, region: str) -> Any | None:
    from moto.ec2.models import ec2_backends

    return _regional(ec2_backends, account, region)


def missing_subnet(account: str, region: str, subnet_id: str) -> bool:
    if not _active():
        return False
    ec2 = _ec2(account, region)
    if ec2 is None:
        return False
    return all(subnet_id not in subnets for subnets in ec2.subnets.values())


def missing_security_group(account: str, region: str, group_id: str) -> bool:
    if not _active():
        return False
    ec2 = _ec2(account, region)
    return ec2 is not None and ec2.get_security_group_from_id(group_id) is None


def missing_key_pair(account: str, region: str, name: str) -> bool:
    if not _active():
        return False
    ec2 = _ec2(account, region)
    return ec2 is not None and name not in ec2.key_pairs


def missing_ami(account: str, region: str, ami_id: str) -> bool:
    """No AMI ``ami_id`` in the Region: the caller's own, shared ones and the public
    images moto starts with all count."""
    if not _active():
        return False
    ec2 = _ec2(account, region)
    return ec2 is not None and ami_id not in ec2.amis


def missing_sns_topic(topic_arn: str) -> bool:
    """No SNS topic at ``topic_arn`` (its account and Region are the ARN's)."""
    if not _active():
        return False
    from moto.sns.models import sns_backends

    parts = topic_arn.split(":")
    sns = _regional(sns_backends, parts[4], parts[3])
    return sns is not None and topic_arn not in sns.topics


def missing_kms_key(account: str, region: str, key: str) -> bool:
    """No KMS key for ``key``: a key id, a key ARN, an alias name or an alias ARN.

    An ARN names the account and Region to look in; an id or an alias is the
    caller's, in ``region``.
    """
    if not _active():
        return False
    from moto.kms.models import kms_backends

    if key.startswith("arn:"):
        parts = key.split(":")
        region, account, key = parts[3], parts[4], parts[5]
    kms = _regional(kms_backends, account, region)
    if kms is None:
        return False
    if key.startswith("alias/"):
        target = kms.get_key_id_from_alias(key)
        if target is None:
            return True
        key = kms.get_key_id(target)
    elif key.startswith("key/"):
        key = key[len("key/") :]
    return key not in kms.keys


def missing_ecr_repository(account: str, region: str, name: str) -> bool:
    if not _active():
        return False
    from moto.ecr.models import ecr_backends

    ecr = _regional(ecr_backends, account, region)
    if ecr is None:
        return False
    repository = ecr.repositories.get(name)
    return repository is None or repository.registry_id != account
