"""What a build leaves in moto's other services, and what lifecycle actions do there.

Under ``mock_aws`` a build leaves, where its distribution says: AMIs named,
tagged, shared and mapped as AWS makes them; new launch template versions; SSM
parameters holding the AMI id; container images pushed to ECR; and the
notification on the infrastructure's SNS topic. Documents given by ``uri``
are read from moto's S3, and lifecycle actions deprecate, disable, restore
or deregister the AMIs there. Each test checks with moto's own clients.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from builders import COMPONENT_DOCUMENT, INSTANCE_PROFILE, aws_image, moto_instance_profile
from errors import error_of
from moto import mock_aws

from imagebuilder_mock import ImageBuilderMock, mock_imagebuilder

REGION = "us-east-1"
OTHER_REGION = "eu-west-1"
ACCOUNT = "123456789012"
TARGET_ACCOUNT = "111122223333"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/lifecycle"
START = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.timezone.utc)
DOCKERFILE = "FROM {{{ imagebuilder:parentImage }}}\n{{{ imagebuilder:components }}}\n"
WORKFLOW_DOCUMENT = """\
name: build-from-s3
schemaVersion: 1.0
steps:
  - name: LaunchBuildInstance
    action: LaunchInstance
    onFailure: Abort
    inputs:
      waitFor: ssmAgent
"""


@pytest.fixture
def ib(monkeypatch: pytest.MonkeyPatch) -> Iterator[ImageBuilderMock]:
    # Only the AMIs the builds make: moto's catalogue of public AMIs is slow to load.
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    with mock_aws(), mock_imagebuilder(progression="immediate") as controller:
        controller.set_time(START)
        moto_instance_profile()
        yield controller


def _client(service: str, region: str = REGION, **credentials: str) -> Any:
    return boto3.client(service, region_name=region, **credentials)


def _as(account: str) -> dict[str, str]:
    """Credentials of a role in ``account``, as moto's STS issues them."""
    issued = _client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/reader", RoleSessionName="check"
    )["Credentials"]
    return {
        "aws_access_key_id": issued["AccessKeyId"],
        "aws_secret_access_key": issued["SecretAccessKey"],
        "aws_session_token": issued["SessionToken"],
    }


def _component(imagebuilder: Any) -> str:
    arn: str = imagebuilder.create_component(
        name="nginx", semanticVersion="1.0.0", platform="Linux", data=COMPONENT_DOCUMENT
    )["componentBuildVersionArn"]
    return arn


def _recipe(imagebuilder: Any, **extra: Any) -> str:
    arn: str = imagebuilder.create_image_recipe(
        name="web",
        semanticVersion="1.0.0",
        parentImage=aws_image(REGION),
        components=[{"componentArn": _component(imagebuilder)}],
        **extra,
    )["imageRecipeArn"]
    return arn


def _infrastructure(imagebuilder: Any, **extra: Any) -> str:
    arn: str = imagebuilder.create_infrastructure_configuration(
        name="builders", instanceProfileName=INSTANCE_PROFILE, **extra
    )["infrastructureConfigurationArn"]
    return arn


def _distribution(imagebuilder: Any, *distributions: dict[str, Any]) -> str:
    arn: str = imagebuilder.create_distribution_configuration(
        name="everywhere", distributions=list(distributions)
    )["distributionConfigurationArn"]
    return arn


def _build(imagebuilder: Any, recipe: str, **extra: Any) -> dict[str, Any]:
    if "infrastructureConfigurationArn" not in extra:
        extra["infrastructureConfigurationArn"] = _infrastructure(imagebuilder)
    arn = imagebuilder.create_image(imageRecipeArn=recipe, **extra)["imageBuildVersionArn"]
    image: dict[str, Any] = imagebuilder.get_image(imageBuildVersionArn=arn)["image"]
    return image


def _built_by(arn: str) -> list[dict[str, str | list[str]]]:
    return [{"Name": "tag:Ec2ImageBuilderArn", "Values": [arn]}]


def _tags(found: dict[str, Any]) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in found.get("Tags", [])}


def _ami(outputs: dict[str, Any], region: str, account: str = ACCOUNT) -> str:
    (ami,) = [a for a in outputs["amis"] if (a["region"], a["accountId"]) == (region, account)]
    image_id: str = ami["image"]
    return image_id


# -- AMIs -------------------------------------------------------------------------------


def test_amis_carry_the_distributions_name_tags_and_launch_permissions(
    ib: ImageBuilderMock,
) -> None:
    imagebuilder = _client("imagebuilder")
    organization = f"arn:aws:organizations::{ACCOUNT}:organization/o-abcdefghij"
    unit = f"arn:aws:organizations::{ACCOUNT}:ou/o-abcdefghij/ou-ab12-cdefghij"
    distribution = _distribution(
        imagebuilder,
        {
            "region": REGION,
            "amiDistributionConfiguration": {
                "name": "web-{{ imagebuilder:buildDate }}-{{imagebuilder:buildVersion}}",
                "description": "The web tier",
                "amiTags": {"team": "web", "CreatedBy": "someone else"},
                "targetAccountIds": [TARGET_ACCOUNT],
                "launchPermission": {
                    "userIds": ["444455556666"],
                    "organizationArns": [organization],
                    "organizationalUnitArns": [unit],
                },
            },
        },
        {"region": OTHER_REGION, "amiDistributionConfiguration": {"amiTags": {"team": "eu"}}},
    )
    image = _build(imagebuilder, _recipe(imagebuilder), distributionConfigurationArn=distribution)
    assert image["state"]["status"] == "AVAILABLE"
    outputs = image["outputResources"]

    (home,) = _client("ec2").describe_images(Owners=["self"], Filters=_built_by(image["arn"]))[
        "Images"
    ]
    assert home["ImageId"] == _ami(outputs, REGION)
    assert home["Name"] == "web-2026-03-04T05-06-07.000Z-1"
    assert home["Description"] == "The web tier"
    assert _tags(home) == {
        "team": "web",
        "CreatedBy": "EC2 Image Builder",
        "Ec2ImageBuilderArn": image["arn"],
    }
    shared = _client("ec2").describe_image_attribute(
        ImageId=home["ImageId"], Attribute="launchPermission"
    )["LaunchPermissions"]
    assert shared == [
        {"UserId": "444455556666"},
        {"OrganizationArn": organization},
        {"OrganizationalUnitArn": unit},
    ]

    # The target account's copy is its own: named alike, tagged alike, not shared on.
    target_ec2 = _client("ec2", **_as(TARGET_ACCOUNT))
    (copy,) = target_ec2.describe_images(Owners=["self"], Filters=_built_by(image["arn"]))["Images"]
    assert copy["ImageId"] == _ami(outputs, REGION, TARGET_ACCOUNT)
    assert copy["Name"] == home["Name"]
    assert _tags(copy)["team"] == "web"
    assert (
        target_ec2.describe_image_attribute(ImageId=copy["ImageId"], Attribute="launchPermission")[
            "LaunchPermissions"
        ]
        == []
    )

    (eu,) = _client("ec2", OTHER_REGION).describe_images(
        Owners=["self"], Filters=_built_by(image["arn"])
    )["Images"]
    assert eu["ImageId"] == _ami(outputs, OTHER_REGION)
    assert eu["Name"] == "web 2026-03-04T05-06-07.000Z"
    assert _tags(eu)["team"] == "eu"


def test_a_public_launch_permission_makes_the_ami_public(ib: ImageBuilderMock) -> None:
    imagebuilder = _client("imagebuilder")
    distribution = _distribution(
        imagebuilder,
        {
            "region": REGION,
            "amiDistributionConfiguration": {"launchPermission": {"userGroups": ["all"]}},
        },
    )
    image = _build(imagebuilder, _recipe(imagebuilder), distributionConfigurationArn=distribution)
    (ami,) = _client("ec2").describe_images(ImageIds=[_ami(image["outputResources"], REGION)])[
        "Images"
    ]
    assert ami["Public"] is True


def test_amis_have_the_recipes_block_device_mappings(ib: ImageBuilderMock) -> None:
    imagebuilder = _client("imagebuilder")
    recipe = _recipe(
        imagebuilder,
        blockDeviceMappings=[
            {
                "deviceName": "/dev/xvda",
                "ebs": {"volumeSize": 30, "volumeType": "gp3", "deleteOnTermination": True},
            },
            {"deviceName": "/dev/sdb", "virtualName": "ephemeral0"},
            {"deviceName": "/dev/sdc", "noDevice": ""},
        ],
    )
    image = _build(imagebuilder, recipe)
    (ami,) = _client("ec2").describe_images(ImageIds=[_ami(image["outputResources"], REGION)])[
        "Images"
    ]
    root, ephemeral = ami["BlockDeviceMappings"]
    assert ami["RootDeviceName"] == "/dev/xvda"
    assert root["DeviceName"] == "/dev/xvda"
    assert root["Ebs"]["VolumeSize"] == 30
    assert root["Ebs"]["VolumeType"] == "gp3"
    assert root["Ebs"]["DeleteOnTermination"] is True
    assert root["Ebs"]["SnapshotId"].startswith("snap-")
    assert ephemeral == {"DeviceName": "/dev/sdb", "VirtualName": "ephemeral0"}
    # The root volume's snapshot is a real one in moto's EC2.
    snapshots = _client("ec2").describe_snapshots(SnapshotIds=[root["Ebs"]["SnapshotId"]])
    assert len(snapshots["Snapshots"]) == 1


# -- launch templates -------------------------------------------------------------------


def test_launch_templates_get_a_version_that_launches_the_ami(ib: ImageBuilderMock) -> None:
    imagebuilder, ec2 = _client("imagebuilder"), _client("ec2")
    target_ec2 = _client("ec2", **_as(TARGET_ACCOUNT))
    ours = ec2.create_launch_template(
        LaunchTemplateName="web", LaunchTemplateData={"InstanceType": "t3.micro"}
    )["LaunchTemplate"]["LaunchTemplateId"]
    theirs = target_ec2.create_launch_template(
        LaunchTemplateName="theirs", LaunchTemplateData={"InstanceType": "t3.small"}
    )["LaunchTemplate"]["LaunchTemplateId"]
    distribution = _distribution(
        imagebuilder,
        {
            "region": REGION,
            "amiDistributionConfiguration": {"targetAccountIds": [TARGET_ACCOUNT]},
            "launchTemplateConfigurations": [
                {"launchTemplateId": ours},
                {
                    "launchTemplateId": theirs,
                    "accountId": TARGET_ACCOUNT,
                    "setDefaultVersion": False,
                },
            ],
        },
    )
    image = _build(imagebuilder, _recipe(imagebuilder), distributionConfigurationArn=distribution)
    assert image["state"]["status"] == "AVAILABLE"

    def versions(template: str, client: Any) -> dict[int, dict[str, Any]]:
        listed = client.describe_launch_template_versions(LaunchTemplateId=template)
        return {v["VersionNumber"]: v for v in listed["LaunchTemplateVersions"]}

    # setDefaultVersion left out: the new version becomes the default.
    web = versions(ours, ec2)
    assert web[2]["LaunchTemplateData"] == {
        "ImageId": _ami(image["outputResources"], REGION),
        "InstanceType": "t3.micro",
    }
    assert (web[1]["DefaultVersion"], web[2]["DefaultVersion"]) == (False, True)
    # Another account's template points at that account's copy, and keeps its default.
    other = versions(theirs, target_ec2)
    assert other[2]["LaunchTemplateData"] == {
        "ImageId": _ami(image["outputResources"], REGION, TARGET_ACCOUNT),
        "InstanceType": "t3.small",
    }
    assert (other[1]["DefaultVersion"], other[2]["DefaultVersion"]) == (True, False)


def test_a_missing_launch_template_fails_the_build_at_distribution(
    ib: ImageBuilderMock,
) -> None:
    imagebuilder = _client("imagebuilder")
    distribution = _distribution(
        imagebuilder,
        {
            "region": REGION,
            "amiDistributionConfiguration": {},
            "launchTemplateConfigurations": [{"launchTemplateId": "lt-0123456789abcdef0"}],
        },
    )
    image = _build(imagebuilder, _recipe(imagebuilder), distributionConfigurationArn=distribution)
    assert image["state"] == {
        "status": "FAILED",
        "reason": (
            "Not all distribution jobs are completed. 1) EC2 Client Error: 'The specified "
            "launch template, with template ID lt-0123456789abcdef0, does not exist.' "
            f"(InvalidLaunchTemplateId.NotFound) when distributing to the account (ID: {ACCOUNT})"
            f" in Region {REGION}."
        ),
    }
    # Nothing was left behind: no AMI in the mock or in moto.
    assert image["outputResources"] == {"amis": []}
    assert (
        _client("ec2").describe_images(Owners=["self"], Filters=_built_by(image["arn"]))["Images"]
        == []
    )
    # RetryImage resumes at DISTRIBUTING, where the template is still missing.
    imagebuilder.retry_image(imageBuildVersionArn=image["arn"])
    retried = imagebuilder.get_image(imageBuildVersionArn=image["arn"])["image"]
    assert retried["state"] == image["state"]


# -- SSM parameters ---------------------------------------------------------------------


def test_ssm_parameters_hold_the_ami_id_where_the_distribution_says(
    ib: ImageBuilderMock,
) -> None:
    imagebuilder = _client("imagebuilder")
    distribution = _distribution(
        imagebuilder,
        {
            "region": REGION,
            "amiDistributionConfiguration": {"targetAccountIds": [TARGET_ACCOUNT]},
            "ssmParameterConfigurations": [
                {"parameterName": "/images/web/latest", "dataType": "aws:ec2:image"},
                {"parameterName": "/images/web/plain"},
                {"parameterName": "/shared/web", "amiAccountId": TARGET_ACCOUNT},
            ],
        },
        {
            "region": OTHER_REGION,
            "amiDistributionConfiguration": {},
            "ssmParameterConfigurations": [
                {"parameterName": "/images/web/latest", "dataType": "text"}
            ],
        },
    )
    image = _build(imagebuilder, _recipe(imagebuilder), distributionConfigurationArn=distribution)
    outputs = image["outputResources"]
    ssm = _client("ssm")
    latest = ssm.get_parameter(Name="/images/web/latest")["Parameter"]
    assert (latest["Value"], latest["DataType"], latest["Type"]) == (
        _ami(outputs, REGION),
        "aws:ec2:image",
        "String",
    )
    plain = ssm.get_parameter(Name="/images/web/plain")["Parameter"]
    assert (plain["Value"], plain["DataType"]) == (_ami(outputs, REGION), "text")
    theirs = _client("ssm", **_as(TARGET_ACCOUNT)).get_parameter(Name="/shared/web")["Parameter"]
    assert theirs["Value"] == _ami(outputs, REGION, TARGET_ACCOUNT)
    eu = _client("ssm", OTHER_REGION).get_parameter(Name="/images/web/latest")["Parameter"]
    assert (eu["Value"], eu["DataType"]) == (_ami(outputs, OTHER_REGION), "text")


def test_a_second_build_overwrites_the_parameter(ib: ImageBuilderMock) -> None:
    imagebuilder = _client("imagebuilder")
    distribution = _distribution(
        imagebuilder,
        {
            "region": REGION,
            "amiDistributionConfiguration": {},
            "ssmParameterConfigurations": [{"parameterName": "/images/web/latest"}],
        },
    )
    recipe = _recipe(imagebuilder)
    infrastructure = _infrastructure(imagebuilder)
    for _ in range(2):
        image = _build(
            imagebuilder,
            recipe,
            infrastructureConfigurationArn=infrastructure,
            distributionConfigurationArn=distribution,
        )
    parameter = _client("ssm").get_parameter(Name="/images/web/latest")["Parameter"]
    assert parameter["Value"] == _ami(image["outputResources"], REGION)
    assert parameter["Version"] == 2


# -- container images -------------------------------------------------------------------


def _container_recipe(imagebuilder: Any, repository: str = "web", **extra: Any) -> str:
    if "dockerfileTemplateUri" not in extra:
        extra["dockerfileTemplateData"] = DOCKERFILE
    arn: str = imagebuilder.create_container_recipe(
        containerType="DOCKER",
        name="web",
        semanticVersion="1.0.0",
        parentImage="amazonlinux:latest",
        components=[{"componentArn": _component(imagebuilder)}],
        targetRepository={"service": "ECR", "repositoryName": repository},
        **extra,
    )["containerRecipeArn"]
    return arn


def test_a_container_build_pushes_its_image_with_every_tag(ib: ImageBuilderMock) -> None:
    imagebuilder = _client("imagebuilder")
    _client("ecr").create_repository(repositoryName="web")
    _client("ecr", OTHER_REGION).create_repository(repositoryName="web-eu")
    distribution = _distribution(
        imagebuilder,
        {
            "region": REGION,
            "containerDistributionConfiguration": {
                "targetRepository": {"service": "ECR", "repositoryName": "web"},
                "containerTags": ["stable", "latest"],
            },
        },
        {
            "region": OTHER_REGION,
            "containerDistributionConfiguration": {
                "targetRepository": {"service": "ECR", "repositoryName": "web-eu"}
            },
        },
    )
    arn = imagebuilder.create_image(
        containerRecipeArn=_container_recipe(imagebuilder),
        infrastructureConfigurationArn=_infrastructure(imagebuilder),
        distributionConfigurationArn=distribution,
    )["imageBuildVersionArn"]
    image = imagebuilder.get_image(imageBuildVersionArn=arn)["image"]
    assert image["state"]["status"] == "AVAILABLE"
    host = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/web"
    assert image["outputResources"]["containers"][0] == {
        "region": REGION,
        "imageUris": [f"{host}:1.0.0-1", f"{host}:latest", f"{host}:stable"],
    }
    (pushed,) = _client("ecr").describe_images(repositoryName="web")["imageDetails"]
    assert sorted(pushed["imageTags"]) == ["1.0.0-1", "latest", "stable"]
    (eu,) = _client("ecr", OTHER_REGION).describe_images(repositoryName="web-eu")["imageDetails"]
    assert sorted(eu["imageTags"]) == ["1.0.0-1", "latest"]


def test_a_missing_repository_fails_the_container_build(ib: ImageBuilderMock) -> None:
    imagebuilder, ecr = _client("imagebuilder"), _client("ecr")
    ecr.create_repository(repositoryName="web")
    recipe = _container_recipe(imagebuilder)
    # The repository goes away between the recipe and the build.
    ecr.delete_repository(repositoryName="web")
    arn = imagebuilder.create_image(
        containerRecipeArn=recipe, infrastructureConfigurationArn=_infrastructure(imagebuilder)
    )["imageBuildVersionArn"]
    image = imagebuilder.get_image(imageBuildVersionArn=arn)["image"]
    assert image["state"] == {
        "status": "FAILED",
        "reason": (
            "Not all distribution jobs are completed. 1) ECR Client Error: 'The repository "
            f"with name 'web' does not exist in the registry with id '{ACCOUNT}'' "
            f"(RepositoryNotFoundException) when distributing to the account (ID: {ACCOUNT}) "
            f"in Region {REGION}."
        ),
    }
    assert image["outputResources"] == {"containers": []}


# -- SNS notifications ------------------------------------------------------------------


def _subscribed_queue() -> tuple[str, str]:
    """A topic and the URL of a queue subscribed to it."""
    sns, sqs = _client("sns"), _client("sqs")
    topic: str = sns.create_topic(Name="builds")["TopicArn"]
    queue: str = sqs.create_queue(QueueName="builds")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    return topic, queue


def _messages(queue: str) -> list[dict[str, Any]]:
    received = _client("sqs").receive_message(QueueUrl=queue, MaxNumberOfMessages=10)
    return [json.loads(json.loads(m["Body"])["Message"]) for m in received.get("Messages", [])]


def test_the_topic_gets_the_image_when_a_build_is_available(ib: ImageBuilderMock) -> None:
    topic, queue = _subscribed_queue()
    imagebuilder = _client("imagebuilder")
    infrastructure = _infrastructure(imagebuilder, snsTopicArn=topic)
    image = _build(
        imagebuilder, _recipe(imagebuilder), infrastructureConfigurationArn=infrastructure
    )
    (message,) = _messages(queue)
    assert message["arn"] == image["arn"]
    assert message["versionlessArn"] == f"arn:aws:imagebuilder:{REGION}:{ACCOUNT}:image/web"
    assert message["semver"] == (1 << 90) | 1
    assert (message["version"], message["buildVersion"]) == ("1.0.0", 1)
    assert message["state"] == {"status": "AVAILABLE"}
    assert message["accountId"] == ACCOUNT
    assert message["outputResources"] == image["outputResources"]
    assert message["infrastructureConfiguration"]["snsTopicArn"] == topic
    assert message["imageTestsConfigurationDocument"] == {
        "imageTestsEnabled": True,
        "timeoutMinutes": 720,
    }
    assert "imageTestsConfiguration" not in message


def test_the_topic_gets_a_failed_build_but_not_a_cancelled_one(ib: ImageBuilderMock) -> None:
    topic, queue = _subscribed_queue()
    ib.set_progression("manual")
    imagebuilder = _client("imagebuilder")
    infrastructure = _infrastructure(imagebuilder, snsTopicArn=topic)
    recipe = _recipe(imagebuilder)
    failed, cancelled = (
        imagebuilder.create_image(
            imageRecipeArn=recipe, infrastructureConfigurationArn=infrastructure
        )["imageBuildVersionArn"]
        for _ in range(2)
    )
    assert _messages(queue) == []
    ib.advance(failed, "FAILED", reason="The build step failed.")
    imagebuilder.cancel_image_creation(imageBuildVersionArn=cancelled)
    (message,) = _messages(queue)
    assert message["arn"] == failed
    assert message["state"] == {"status": "FAILED", "reason": "The build step failed."}
    assert message["outputResources"] == {"amis": []}


def test_lifecycle_changes_publish_nothing(ib: ImageBuilderMock) -> None:
    topic, queue = _subscribed_queue()
    imagebuilder = _client("imagebuilder")
    infrastructure = _infrastructure(imagebuilder, snsTopicArn=topic)
    image = _build(
        imagebuilder, _recipe(imagebuilder), infrastructureConfigurationArn=infrastructure
    )
    assert len(_messages(queue)) == 1
    for status in ("DEPRECATED", "AVAILABLE"):
        imagebuilder.start_resource_state_update(resourceArn=image["arn"], state={"status": status})
    assert _messages(queue) == []


# -- documents from S3 ------------------------------------------------------------------


def _s3_object(key: str, body: str, bucket: str = "documents") -> str:
    s3 = _client("s3")
    if bucket not in {b["Name"] for b in s3.list_buckets()["Buckets"]}:
        s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key=key, Body=body.encode())
    return f"s3://{bucket}/{key}"


def test_a_component_from_s3_holds_the_document_there(ib: ImageBuilderMock) -> None:
    imagebuilder = _client("imagebuilder")
    uri = _s3_object("nginx.yaml", COMPONENT_DOCUMENT)
    arn = imagebuilder.create_component(
        name="from-s3", semanticVersion="1.0.0", platform="Linux", uri=uri
    )["componentBuildVersionArn"]
    component = imagebuilder.get_component(componentBuildVersionArn=arn)["component"]
    assert component["data"] == COMPONENT_DOCUMENT
    assert component["type"] == "BUILD"


def test_an_imported_component_from_s3_runs_the_script_there(ib: ImageBuilderMock) -> None:
    imagebuilder = _client("imagebuilder")
    uri = _s3_object("install.sh", "dnf install -y nginx\n")
    arn = imagebuilder.import_component(
        name="script",
        semanticVersion="1.0.0",
        type="BUILD",
        format="SHELL",
        platform="Linux",
        uri=uri,
    )["componentBuildVersionArn"]
    data = imagebuilder.get_component(componentBuildVersionArn=arn)["component"]["data"]
    assert "dnf install -y nginx" in data


@pytest.mark.parametrize(
    ("uri", "code", "message"),
    [
        ("s3://documents/missing.yaml", "NoSuchKey", "The specified key does not exist."),
        ("s3://no-such-bucket/nginx.yaml", "NoSuchBucket", "The specified bucket does not exist"),
    ],
)
def test_a_component_from_a_missing_s3_object_is_refused(
    ib: ImageBuilderMock, uri: str, code: str, message: str
) -> None:
    imagebuilder = _client("imagebuilder")
    _s3_object("other.yaml", COMPONENT_DOCUMENT)
    with pytest.raises(ClientError) as excinfo:
        imagebuilder.create_component(
            name="from-s3", semanticVersion="1.0.0", platform="Linux", uri=uri
        )
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        f"The value supplied for parameter 'uri' is not valid. Could not read the S3 object "
        f"'{uri}'. {code}: {message}",
    )
    assert imagebuilder.list_components()["componentVersionList"] == []


def test_a_document_from_s3_is_validated_as_inline_data_is(ib: ImageBuilderMock) -> None:
    imagebuilder = _client("imagebuilder")
    broken = "schemaVersion: 1.0\nphases: []\n"
    uri = _s3_object("broken.yaml", broken)
    errors = []
    for source in ({"data": broken}, {"uri": uri}):
        with pytest.raises(ClientError) as excinfo:
            imagebuilder.create_component(
                name="broken", semanticVersion="1.0.0", platform="Linux", **source
            )
        errors.append(error_of(excinfo))
    assert errors[0] == errors[1]
    assert errors[0][0] == "InvalidParameterValueException"


def test_a_workflow_from_s3_holds_the_document_there(ib: ImageBuilderMock) -> None:
    imagebuilder = _client("imagebuilder")
    uri = _s3_object("build.yaml", WORKFLOW_DOCUMENT)
    arn = imagebuilder.create_workflow(
        name="from-s3", semanticVersion="1.0.0", type="BUILD", uri=uri
    )["workflowBuildVersionArn"]
    workflow = imagebuilder.get_workflow(workflowBuildVersionArn=arn)["workflow"]
    assert workflow["data"] == WORKFLOW_DOCUMENT
    with pytest.raises(ClientError) as excinfo:
        imagebuilder.create_workflow(
            name="missing", semanticVersion="1.0.0", type="BUILD", uri="s3://documents/gone.yaml"
        )
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'uri' is not valid. Could not read the S3 object "
        "'s3://documents/gone.yaml'. NoSuchKey: The specified key does not exist.",
    )


def test_a_container_recipe_reads_its_dockerfile_from_s3(ib: ImageBuilderMock) -> None:
    imagebuilder = _client("imagebuilder")
    _client("ecr").create_repository(repositoryName="web")
    uri = _s3_object("Dockerfile", DOCKERFILE)
    arn = _container_recipe(imagebuilder, dockerfileTemplateUri=uri)
    recipe = imagebuilder.get_container_recipe(containerRecipeArn=arn)["containerRecipe"]
    assert recipe["dockerfileTemplateData"] == DOCKERFILE
    with pytest.raises(ClientError) as excinfo:
        imagebuilder.create_container_recipe(
            containerType="DOCKER",
            name="other",
            semanticVersion="1.0.0",
            parentImage="amazonlinux:latest",
            components=[{"componentArn": recipe["components"][0]["componentArn"]}],
            targetRepository={"service": "ECR", "repositoryName": "web"},
            dockerfileTemplateUri="s3://documents/Gone",
        )
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'dockerfileTemplateUri' is not valid. Could not "
        "read the S3 object 's3://documents/Gone'. NoSuchKey: The specified key does not exist.",
    )


# -- lifecycle actions ------------------------------------------------------------------


def _role() -> str:
    arn: str = _client("iam").create_role(RoleName="lifecycle", AssumeRolePolicyDocument="{}")[
        "Role"
    ]["Arn"]
    return arn


def _moto_ami(image_id: str) -> dict[str, Any] | None:
    found = _client("ec2").describe_images(ImageIds=[image_id], IncludeDisabled=True)["Images"]
    return found[0] if found else None


def test_state_updates_deprecate_disable_and_restore_the_amis(ib: ImageBuilderMock) -> None:
    imagebuilder = _client("imagebuilder")
    role = _role()
    distribution = _distribution(
        imagebuilder,
        {"region": REGION, "amiDistributionConfiguration": {"targetAccountIds": [TARGET_ACCOUNT]}},
    )
    image = _build(imagebuilder, _recipe(imagebuilder), distributionConfigurationArn=distribution)
    home = _ami(image["outputResources"], REGION)
    theirs = _ami(image["outputResources"], REGION, TARGET_ACCOUNT)
    target_ec2 = _client("ec2", **_as(TARGET_ACCOUNT))

    def update(status: str) -> None:
        imagebuilder.start_resource_state_update(
            resourceArn=image["arn"],
            state={"status": status},
            executionRole=role,
            includeResources={"amis": True},
        )

    ib.set_time(START + dt.timedelta(hours=1, seconds=30))
    update("DEPRECATED")
    deprecated = _moto_ami(home)
    assert deprecated is not None
    assert deprecated["DeprecationTime"] == "2026-03-04T06:06:00.000Z"
    (copy,) = target_ec2.describe_images(ImageIds=[theirs])["Images"]
    assert copy["DeprecationTime"] == "2026-03-04T06:06:00.000Z"

    update("DISABLED")
    disabled = _moto_ami(home)
    assert disabled is not None and disabled["State"] == "disabled"

    update("AVAILABLE")
    restored = _moto_ami(home)
    assert restored is not None
    assert restored["State"] == "available"
    assert "DeprecationTime" not in restored


def test_deleting_an_image_deregisters_its_amis_and_deletes_their_snapshots(
    ib: ImageBuilderMock,
) -> None:
    imagebuilder, ec2 = _client("imagebuilder"), _client("ec2")
    role = _role()
    image = _build(imagebuilder, _recipe(imagebuilder))
    ami = _ami(image["outputResources"], REGION)
    found = _moto_ami(ami)
    assert found is not None
    snapshot = found["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
    execution = imagebuilder.start_resource_state_update(
        resourceArn=image["arn"],
        state={"status": "DELETED"},
        executionRole=role,
        includeResources={"amis": True, "snapshots": True},
    )["lifecycleExecutionId"]
    assert _moto_ami(ami) is None
    with pytest.raises(ClientError) as excinfo:
        ec2.describe_snapshots(SnapshotIds=[snapshot])
    assert error_of(excinfo)[0] == "InvalidSnapshot.NotFound"
    # The execution reports the snapshot moto held, not a made-up one.
    (resource,) = imagebuilder.list_lifecycle_execution_resources(
        lifecycleExecutionId=execution, parentResourceId=image["arn"]
    )["resources"]
    assert resource["resourceId"] == ami
    assert [s["snapshotId"] for s in resource["snapshots"]] == [snapshot]


def test_deleting_only_the_amis_keeps_their_snapshots(ib: ImageBuilderMock) -> None:
    imagebuilder, ec2 = _client("imagebuilder"), _client("ec2")
    image = _build(imagebuilder, _recipe(imagebuilder))
    ami = _ami(image["outputResources"], REGION)
    found = _moto_ami(ami)
    assert found is not None
    snapshot = found["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
    imagebuilder.start_resource_state_update(
        resourceArn=image["arn"],
        state={"status": "DELETED"},
        executionRole=_role(),
        includeResources={"amis": True},
    )
    assert _moto_ami(ami) is None
    assert len(ec2.describe_snapshots(SnapshotIds=[snapshot])["Snapshots"]) == 1


def test_a_lifecycle_policy_deprecates_the_amis_of_old_images(ib: ImageBuilderMock) -> None:
    imagebuilder = _client("imagebuilder")
    image = _build(imagebuilder, _recipe(imagebuilder))
    ami = _ami(image["outputResources"], REGION)
    policy = imagebuilder.create_lifecycle_policy(
        name="cleanup",
        executionRole=_role(),
        resourceType="AMI_IMAGE",
        policyDetails=[
            {
                "action": {"type": "DEPRECATE", "includeResources": {"amis": True}},
                "filter": {"type": "AGE", "value": 1, "unit": "DAYS"},
            }
        ],
        resourceSelection={"recipes": [{"name": "web", "semanticVersion": "1.x.x"}]},
    )["lifecyclePolicyArn"]
    ib.set_time(START + dt.timedelta(days=2))
    ib.run_lifecycle_policies(policy)
    deprecated = _moto_ami(ami)
    assert deprecated is not None
    assert deprecated["DeprecationTime"] == "2026-03-06T05:06:00.000Z"
    assert imagebuilder.get_image(imageBuildVersionArn=image["arn"])["image"]["state"] == {
        "status": "DEPRECATED"
    }


def test_an_ami_deregistered_by_hand_does_not_stop_the_image_update(
    ib: ImageBuilderMock,
) -> None:
    imagebuilder = _client("imagebuilder")
    image = _build(imagebuilder, _recipe(imagebuilder))
    _client("ec2").deregister_image(ImageId=_ami(image["outputResources"], REGION))
    imagebuilder.start_resource_state_update(
        resourceArn=image["arn"],
        state={"status": "DISABLED"},
        executionRole=_role(),
        includeResources={"amis": True},
    )
    shown = imagebuilder.get_image(imageBuildVersionArn=image["arn"])["image"]
    assert shown["state"] == {"status": "DISABLED"}
