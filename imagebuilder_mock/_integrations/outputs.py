"""What a build leaves in moto's other services, and what lifecycle actions do to it.

A build leaves AMIs in EC2 (named, tagged, shared and mapped as its
distribution and recipe say), new launch template versions, SSM parameters,
container images in ECR and a notification on the infrastructure's SNS topic;
component and workflow documents and Dockerfiles given by ``uri`` are read
from S3. Every function here does nothing (or answers None) while moto is
inactive, and imports moto inside itself only, so importing the package
never imports moto.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .activity import moto_active

__all__ = [
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
]

# The tags Image Builder puts on every AMI it creates; clean-up scripts find
# their AMIs by them.
CREATED_BY = "EC2 Image Builder"


def _backend(backends: Any, account_id: str, region: str) -> Any:
    """moto's backend of one service for an account and Region; None for a Region it lacks."""
    try:
        return backends[account_id][region]
    except KeyError:
        # A Region newer than moto's list: what lands there exists only in the mock.
        return None


def _error(error: Exception) -> tuple[str, str]:
    """The code and message of an error moto raised, as its service would answer."""
    code = getattr(error, "code", None)
    message = getattr(error, "message", None)
    return (
        code if isinstance(code, str) else type(error).__name__,
        message if isinstance(message, str) else str(error),
    )


@dataclass(frozen=True)
class DistributionProblem:
    """Why one distribution step cannot be done: the service's error, where it struck."""

    service: str
    code: str
    message: str
    account_id: str
    region: str

    def reason(self) -> str:
        return (
            f"{self.service} Client Error: '{self.message}' ({self.code}) when distributing "
            f"to the account (ID: {self.account_id}) in Region {self.region}."
        )


class S3ReadError(Exception):
    """An S3 object that cannot be read, with S3's error code and message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


# -- AMIs -------------------------------------------------------------------------------


@functools.cache
def _built_ami_class() -> type[Any]:
    """moto's AMI, with the block device mappings the recipe gave it.

    moto's ``Ami`` shows one fixed root mapping; a built AMI shows its recipe's.
    Made on first use, so that defining it does not import moto.
    """
    from moto.ec2.models.amis import Ami

    class BuiltAmi(Ami):
        mappings: list[dict[str, Any]] | None = None

        @property
        def block_device_mappings(self) -> list[dict[str, Any]]:
            if self.mappings is None:
                return list(super().block_device_mappings)
            return self.mappings

    return BuiltAmi


def _ec2_mappings(ami: Any, recipe_mappings: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The recipe's ``blockDeviceMappings`` as EC2 shows them on the AMI.

    The first EBS volume without a snapshot is the root volume: it gets the
    snapshot the AMI was registered with. A ``noDevice`` entry suppresses a
    device, so the AMI does not list it.
    """
    mappings: list[dict[str, Any]] = []
    root_taken = False
    for entry in recipe_mappings:
        if entry.get("noDevice") is not None:
            continue
        mapping: dict[str, Any] = {"DeviceName": entry.get("deviceName")}
        if entry.get("virtualName"):
            mapping["VirtualName"] = entry["virtualName"]
        ebs = entry.get("ebs")
        if ebs is not None:
            shown: dict[str, Any] = {
                "DeleteOnTermination": ebs.get("deleteOnTermination", True),
                "VolumeType": ebs.get("volumeType", "gp3"),
                "Encrypted": ebs.get("encrypted", False),
            }
            for member, key in (
                ("volumeSize", "VolumeSize"),
                ("iops", "Iops"),
                ("throughput", "Throughput"),
                ("kmsKeyId", "KmsKeyId"),
            ):
                if ebs.get(member) is not None:
                    shown[key] = ebs[member]
            snapshot = ebs.get("snapshotId")
            if snapshot is None and not root_taken:
                root_taken = True
                snapshot = ami.ebs_snapshot.id
                ami.root_device_name = entry.get("deviceName")
                ami.root_device_type = "ebs"
            if snapshot is not None:
                shown["SnapshotId"] = snapshot
            mapping["Ebs"] = shown
        mappings.append(mapping)
    return mappings


_PERMISSION_KEYS = (
    ("userIds", "UserId"),
    ("userGroups", "Group"),
    ("organizationArns", "OrganizationArn"),
    ("organizationalUnitArns", "OrganizationalUnitArn"),
)


def publish_ami(
    account_id: str,
    region: str,
    name: str,
    description: str | None,
    tags: dict[str, str] | None = None,
    *,
    image_arn: str,
    created: dt.datetime,
    launch_permission: dict[str, Any] | None = None,
    block_device_mappings: list[dict[str, Any]] | None = None,
) -> str | None:
    """Register a built AMI in moto's EC2 and return its id (None when moto is off).

    Code under test then finds the AMI with ``ec2.describe_images`` as it would
    after a real build: named and described as the distribution says, tagged
    with its ``amiTags`` and Image Builder's ``CreatedBy`` and
    ``Ec2ImageBuilderArn`` (the image build version ARN), launchable by whom
    ``launchPermission`` names, with the recipe's block device mappings, created
    at ``created`` by the mock's clock.
    """
    if not moto_active():
        return None
    from moto.ec2.models import ec2_backends
    from moto.ec2.utils import random_ami_id

    ec2 = _backend(ec2_backends, account_id, region)
    if ec2 is None:
        return None
    ami = _built_ami_class()(ec2, random_ami_id(), name=name, description=description)
    ec2.amis[ami.id] = ami
    # moto keeps creation dates as naive UTC datetimes (its own ``utcnow()``).
    ami.creation_date = created.astimezone(dt.timezone.utc).replace(tzinfo=None)
    if block_device_mappings:
        ami.mappings = _ec2_mappings(ami, block_device_mappings)
    # The service's tags are set last: a distribution's amiTags cannot hide them.
    all_tags = {**(tags or {}), "CreatedBy": CREATED_BY, "Ec2ImageBuilderArn": image_arn}
    ec2.create_tags([ami.id], all_tags)
    for member, key in _PERMISSION_KEYS:
        for value in (launch_permission or {}).get(member) or []:
            permission = {key: value}
            if permission not in ami.launch_permissions:
                ami.launch_permissions.append(permission)
    return str(ami.id)


def _ami_snapshots(ami: Any) -> list[str]:
    snapshots = [
        m["Ebs"]["SnapshotId"]
        for m in ami.block_device_mappings
        if (m.get("Ebs") or {}).get("SnapshotId")
    ]
    own = ami.ebs_snapshot.id
    return list(dict.fromkeys([own, *snapshots]))


def ami_action(
    account_id: str,
    region: str,
    ami_id: str,
    action: str,
    *,
    moment: dt.datetime,
    delete_snapshots: bool = False,
) -> list[str] | None:
    """Apply a lifecycle action to an AMI in moto's EC2.

    ``action`` is DEPRECATE (the AMI's deprecation time becomes ``moment``),
    DISABLE, AVAILABLE (restore: enabled again, no deprecation time) or DELETE
    (deregistered, and with ``delete_snapshots`` its snapshots deleted too).
    Returns the ids of the AMI's snapshots, or None when moto is off or no
    longer holds the AMI (someone deregistered it first: nothing is left to act on).
    """
    if not moto_active():
        return None
    from moto.ec2.models import ec2_backends

    ec2 = _backend(ec2_backends, account_id, region)
    ami = None if ec2 is None else ec2.amis.get(ami_id)
    if ami is None:
        return None
    snapshots = _ami_snapshots(ami)
    if action == "DEPRECATE":
        utc = moment.astimezone(dt.timezone.utc)
        # EC2 keeps deprecation times to the minute and shows them ISO-8601 in UTC.
        ami.deprecation_time = utc.strftime("%Y-%m-%dT%H:%M:00.000Z")
    elif action == "DISABLE":
        ec2.disable_image(ami_id)
    elif action == "AVAILABLE":
        ec2.enable_image(ami_id)
        ami.deprecation_time = None
    elif action == "DELETE":
        ec2.deregister_image(ami_id)
        if delete_snapshots:
            for snapshot in snapshots:
                if snapshot in ec2.snapshots:
                    ec2.delete_snapshot(snapshot)
    return snapshots


# -- launch templates -------------------------------------------------------------------


def launch_template_problem(
    account_id: str, region: str, template_id: str
) -> DistributionProblem | None:
    """Why a launch template cannot get a new version there (None: it can, or moto is off)."""
    if not moto_active():
        return None
    from moto.core.exceptions import ServiceException
    from moto.ec2.models import ec2_backends

    ec2 = _backend(ec2_backends, account_id, region)
    if ec2 is None:
        return None
    try:
        ec2.get_launch_template(template_id)
    except ServiceException as error:
        return DistributionProblem("EC2", *_error(error), account_id, region)
    return None


def update_launch_template(
    account_id: str, region: str, template_id: str, ami_id: str, *, set_default: bool
) -> int | None:
    """A new version of the launch template that launches ``ami_id``; its number.

    The new version copies the latest one with only the image changed, and
    becomes the default when ``set_default``.
    """
    if not moto_active():
        return None
    from moto.ec2.models import ec2_backends

    ec2 = _backend(ec2_backends, account_id, region)
    if ec2 is None:
        return None
    template = ec2.get_launch_template(template_id)
    data = {**template.latest_version().data, "ImageId": ami_id}
    version = template.create_version(data, "Created by EC2 Image Builder")
    if set_default:
        template.default_version_number = version.number
    return int(version.number)


# -- SSM parameters ---------------------------------------------------------------------


def put_ssm_parameter(
    account_id: str, region: str, name: str, value: str, data_type: str | None
) -> None:
    """Create or overwrite the String parameter ``name`` with ``value`` (an AMI id)."""
    if not moto_active():
        return
    from moto.ssm.models import ssm_backends

    ssm = _backend(ssm_backends, account_id, region)
    if ssm is None:
        return
    ssm.put_parameter(
        name=name,
        description=None,
        value=value,
        parameter_type="String",
        allowed_pattern=None,
        keyid=None,
        overwrite=True,
        tags=[],
        # SSM's own default when the distribution names no data type.
        data_type=data_type or "text",
        tier=None,
        policies=None,
    )


# -- container images -------------------------------------------------------------------


def container_problem(account_id: str, region: str, repository: str) -> DistributionProblem | None:
    """Why a container image cannot be pushed to ``repository`` (None: it can, or moto is off)."""
    if not moto_active():
        return None
    from moto.core.exceptions import ServiceException
    from moto.ecr.models import ecr_backends

    ecr = _backend(ecr_backends, account_id, region)
    if ecr is None:
        return None
    try:
        ecr._get_repository(repository)
    except ServiceException as error:
        return DistributionProblem("ECR", *_error(error), account_id, region)
    return None


def push_container_image(
    account_id: str, region: str, repository: str, tags: Iterable[str], *, image_arn: str
) -> str | None:
    """Push one image (a manifest unique to the build) with every tag; its digest."""
    if not moto_active():
        return None
    from moto.ecr.models import ecr_backends

    ecr = _backend(ecr_backends, account_id, region)
    if ecr is None:
        return None
    config = "sha256:" + hashlib.sha256(image_arn.encode()).hexdigest()
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": 0,
                "digest": config,
            },
            "layers": [],
        },
        sort_keys=True,
    )
    digest = None
    for tag in dict.fromkeys(tags):
        pushed = ecr.put_image(repository, manifest, tag)
        digest = pushed.get_image_digest()
    return None if digest is None else str(digest)


# -- SNS --------------------------------------------------------------------------------


def notify_topic(topic_arn: str, message: str) -> bool:
    """Publish ``message`` to the SNS topic; False when moto is off or has no such topic.

    A missing topic loses the notification and nothing else, as a topic the
    service cannot publish to does not fail a build.
    """
    if not moto_active():
        return False
    from moto.core.exceptions import ServiceException
    from moto.sns.models import sns_backends

    parts = topic_arn.split(":")
    if len(parts) < 6:
        return False
    sns = _backend(sns_backends, parts[4], parts[3])
    if sns is None:
        return False
    try:
        sns.get_topic(topic_arn)
    except ServiceException:
        return False
    sns.publish(message, arn=topic_arn)
    return True


# -- S3 documents -----------------------------------------------------------------------


def read_s3_text(account_id: str, uri: str) -> str | None:
    """The text of the S3 object ``s3://bucket/key`` as ``account_id`` reads it.

    None when moto is off (the caller keeps its placeholder); raises
    S3ReadError with S3's code and message for a bucket or key that does not exist.
    """
    if not moto_active():
        return None
    from moto.core.exceptions import ServiceException
    from moto.s3.exceptions import MissingKey
    from moto.s3.models import s3_backends

    bucket, _, key = uri.removeprefix("s3://").partition("/")
    s3 = s3_backends[account_id]["global"]
    try:
        found = s3.get_object(bucket, key)
    except ServiceException as error:
        raise S3ReadError(*_error(error)) from error
    if found is None:
        code, message = _error(MissingKey(key))
        raise S3ReadError(code, message)
    try:
        return str(found.value.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise S3ReadError("InvalidObjectState", "The object is not UTF-8 text.") from error
