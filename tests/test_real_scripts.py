"""What scripts written against the real service rely on.

Public clean-up jobs find the AMIs Image Builder made by the tags it puts on
each of them, judge their age by ``CreationDate`` and delete the build version
named in ``Ec2ImageBuilderArn``; these tests run such a script, unchanged,
with moto's EC2 alongside. Scripts also meet Image Builder's rate limit, and
whether botocore retries it depends on the client's retry mode.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from builders import distribution, image_recipe, infrastructure, moto_instance_profile
from moto import mock_aws

from imagebuilder_mock import ImageBuilderMock, mock_imagebuilder

REGION = "us-east-1"
ACCOUNT = "123456789012"
TARGET_ACCOUNT = "111122223333"
BUILT_BY_IMAGE_BUILDER = [{"Name": "tag:CreatedBy", "Values": ["EC2 Image Builder"]}]


@pytest.fixture
def ib(monkeypatch: pytest.MonkeyPatch) -> Iterator[ImageBuilderMock]:
    # Only the AMIs the builds make: moto's catalogue of public AMIs is slow to load.
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    with mock_aws(), mock_imagebuilder(progression="immediate") as controller:
        moto_instance_profile()
        yield controller


def _tags(ami: dict[str, Any]) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in ami.get("Tags", [])}


def _creation_date(ami: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(ami["CreationDate"].replace("Z", "+00:00"))


def _build(client: Any, recipe: str, infra: str, **extra: Any) -> str:
    arn: str = client.create_image(
        imageRecipeArn=recipe, infrastructureConfigurationArn=infra, **extra
    )["imageBuildVersionArn"]
    assert client.get_image(imageBuildVersionArn=arn)["image"]["state"]["status"] == "AVAILABLE"
    return arn


def _ec2_of(account: str, region: str) -> Any:
    """An EC2 client of another account, the way cross-account scripts get one."""
    credentials = boto3.client("sts", region_name=region).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/cleanup", RoleSessionName="cleanup"
    )["Credentials"]
    return boto3.client(
        "ec2",
        region_name=region,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def test_built_amis_carry_the_image_builder_tags_and_the_mocks_clock(
    ib: ImageBuilderMock,
) -> None:
    built_at = dt.datetime(2026, 2, 3, 4, 5, 6, tzinfo=dt.timezone.utc)
    ib.set_time(built_at)
    client = boto3.client("imagebuilder", region_name=REGION)
    arn = _build(client, image_recipe(client), infrastructure(client))
    ec2 = boto3.client("ec2", region_name=REGION)
    (ami,) = ec2.describe_images(Owners=["self"], Filters=BUILT_BY_IMAGE_BUILDER)["Images"]
    output = client.get_image(imageBuildVersionArn=arn)["image"]["outputResources"]["amis"]
    assert ami["ImageId"] == output[0]["image"]
    assert _tags(ami) == {"CreatedBy": "EC2 Image Builder", "Ec2ImageBuilderArn": arn}
    assert _creation_date(ami) == built_at


def test_every_distributed_ami_is_tagged_in_its_region_and_account(ib: ImageBuilderMock) -> None:
    client = boto3.client("imagebuilder", region_name=REGION)
    dist = distribution(
        client,
        (REGION, "eu-west-1"),
        ami={"targetAccountIds": [TARGET_ACCOUNT], "amiTags": {"team": "web"}},
    )
    arn = _build(
        client, image_recipe(client), infrastructure(client), distributionConfigurationArn=dist
    )
    expected = {"CreatedBy": "EC2 Image Builder", "Ec2ImageBuilderArn": arn, "team": "web"}
    outputs = client.get_image(imageBuildVersionArn=arn)["image"]["outputResources"]["amis"]
    assert len(outputs) == 4
    for output in outputs:
        if output["accountId"] == ACCOUNT:
            ec2 = boto3.client("ec2", region_name=output["region"])
        else:
            ec2 = _ec2_of(output["accountId"], output["region"])
        (ami,) = ec2.describe_images(Owners=["self"], Filters=BUILT_BY_IMAGE_BUILDER)["Images"]
        assert (ami["ImageId"], _tags(ami)) == (output["image"], expected)


def test_the_service_tags_win_over_distribution_ami_tags(ib: ImageBuilderMock) -> None:
    client = boto3.client("imagebuilder", region_name=REGION)
    dist = distribution(client, (REGION,), ami={"amiTags": {"CreatedBy": "someone else"}})
    arn = _build(
        client, image_recipe(client), infrastructure(client), distributionConfigurationArn=dist
    )
    (ami,) = boto3.client("ec2", region_name=REGION).describe_images(
        Owners=["self"], Filters=BUILT_BY_IMAGE_BUILDER
    )["Images"]
    assert _tags(ami) == {"CreatedBy": "EC2 Image Builder", "Ec2ImageBuilderArn": arn}


# -- an age-based clean-up job, as public scripts write it -----------------------------------


def delete_old_images(retention_days: int, region: str = REGION) -> list[str]:
    """Deregister Image Builder AMIs older than the retention and delete their build versions.

    Returns the image build version ARNs deleted.
    """
    ec2 = boto3.client("ec2", region_name=region)
    imagebuilder = boto3.client("imagebuilder", region_name=region)
    cutoff = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=retention_days)
    deleted = []
    paginator = ec2.get_paginator("describe_images")
    for page in paginator.paginate(Owners=["self"], Filters=BUILT_BY_IMAGE_BUILDER):
        for image in page["Images"]:
            created = dt.datetime.fromisoformat(image["CreationDate"].replace("Z", "+00:00"))
            if created >= cutoff:
                continue
            tags = {tag["Key"]: tag["Value"] for tag in image.get("Tags", [])}
            ec2.deregister_image(ImageId=image["ImageId"])
            for mapping in image.get("BlockDeviceMappings", []):
                snapshot = mapping.get("Ebs", {}).get("SnapshotId")
                if snapshot:
                    ec2.delete_snapshot(SnapshotId=snapshot)
            imagebuilder.delete_image(imageBuildVersionArn=tags["Ec2ImageBuilderArn"])
            deleted.append(tags["Ec2ImageBuilderArn"])
    return deleted


def test_age_based_clean_up_removes_only_old_images(ib: ImageBuilderMock) -> None:
    client = boto3.client("imagebuilder", region_name=REGION)
    recipe, infra = image_recipe(client), infrastructure(client)
    today = dt.datetime.now(dt.timezone.utc)
    ib.set_time(today - dt.timedelta(days=45))
    old = _build(client, recipe, infra)
    ib.set_time(today - dt.timedelta(days=2))
    recent = _build(client, recipe, infra)
    ib.set_time(None)

    assert delete_old_images(retention_days=30) == [old]

    ec2 = boto3.client("ec2", region_name=REGION)
    remaining = ec2.describe_images(Owners=["self"], Filters=BUILT_BY_IMAGE_BUILDER)["Images"]
    assert [_tags(ami)["Ec2ImageBuilderArn"] for ami in remaining] == [recent]
    builds = client.list_image_build_versions(
        imageVersionArn=recipe.replace("image-recipe", "image")
    )
    assert [summary["arn"] for summary in builds["imageSummaryList"]] == [recent]
    # A second run finds nothing more to delete.
    assert delete_old_images(retention_days=30) == []


# -- the rate limit and botocore's retry modes ---------------------------------------------


def _client_retrying(mode: str) -> Any:
    """A client with up to five attempts in a retry mode (the tests' environment allows one)."""
    retries: Any = {"mode": mode, "max_attempts": 5}
    return boto3.client("imagebuilder", region_name=REGION, config=Config(retries=retries))


@pytest.mark.parametrize("mode", ["standard", "adaptive"])
def test_rate_limit_is_not_retried_in_standard_and_adaptive_mode(
    imagebuilder_mock: ImageBuilderMock, mode: str
) -> None:
    # A modeled 429 without a retryable trait: neither mode counts it as throttling.
    client = _client_retrying(mode)
    imagebuilder_mock.fail_next("ListImages", "CallRateLimitExceededException", count=3)
    with pytest.raises(ClientError) as caught:
        client.list_images()
    error = caught.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "CallRateLimitExceededException",
        "Injected CallRateLimitExceededException for ListImages.",
    )
    assert caught.value.response["ResponseMetadata"]["RetryAttempts"] == 0
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429


@pytest.mark.parametrize(
    ("mode", "error"),
    [
        ("legacy", "CallRateLimitExceededException"),
        ("standard", "ServiceUnavailableException"),
    ],
)
def test_retried_errors_are_ridden_out(
    imagebuilder_mock: ImageBuilderMock, monkeypatch: pytest.MonkeyPatch, mode: str, error: str
) -> None:
    monkeypatch.setattr("time.sleep", lambda seconds: None)  # botocore's back-off
    client = _client_retrying(mode)
    imagebuilder_mock.fail_next("ListImages", error, count=3)
    answer = client.list_images()
    assert answer["imageVersionList"] == []
    assert answer["ResponseMetadata"]["RetryAttempts"] == 3
