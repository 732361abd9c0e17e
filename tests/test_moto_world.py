"""The moto world end to end: under ``mock_aws`` alone (and against moto's server),
a pipeline build leaves in moto's services what AWS leaves, where it leaves it."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from builders import COMPONENT_DOCUMENT
from moto import mock_aws

import imagebuilder_mock  # noqa: F401  (importing it is all mock_aws needs)

HOME = "us-east-1"
OTHER_REGION = "eu-west-1"
OTHER_ACCOUNT = "111122223333"
PARENT = f"arn:aws:imagebuilder:{HOME}:aws:image/amazon-linux-2023-x86/x.x.x"
DOCKERFILE = "FROM {{{ imagebuilder:parentImage }}}\n{{{ imagebuilder:components }}}"

Clients = Callable[..., Any]


def _in_process(service: str, region: str = HOME, **credentials: str) -> Any:
    return boto3.client(service, region_name=region, **credentials)


def _other_account(clients: Clients) -> dict[str, str]:
    """Credentials of a role in the second account, as moto's STS issues them."""
    assumed = clients("sts").assume_role(
        RoleArn=f"arn:aws:iam::{OTHER_ACCOUNT}:role/reader", RoleSessionName="check"
    )["Credentials"]
    return {
        "aws_access_key_id": assumed["AccessKeyId"],
        "aws_secret_access_key": assumed["SecretAccessKey"],
        "aws_session_token": assumed["SessionToken"],
    }


def _wait_available(imagebuilder: Any, arn: str) -> dict[str, Any]:
    for _ in range(50):
        image: dict[str, Any] = imagebuilder.get_image(imageBuildVersionArn=arn)["image"]
        if image["state"]["status"] in ("AVAILABLE", "FAILED", "CANCELLED"):
            return image
    raise AssertionError(f"{arn} did not finish: {image['state']}")


def _build_everything(clients: Clients) -> None:
    """The scenario the issue names, with every check of what lands in moto."""
    iam, ec2, sns, sqs, ssm = (clients(s) for s in ("iam", "ec2", "sns", "sqs", "ssm"))
    imagebuilder = clients("imagebuilder")

    # What the infrastructure configuration references, made in moto first.
    iam.create_role(RoleName="builder", AssumeRolePolicyDocument="{}")
    iam.create_instance_profile(InstanceProfileName="builder")
    iam.add_role_to_instance_profile(InstanceProfileName="builder", RoleName="builder")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="builders", Description="b", VpcId=vpc)["GroupId"]
    topic = sns.create_topic(Name="builds")["TopicArn"]
    queue = sqs.create_queue(QueueName="builds")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    template = ec2.create_launch_template(
        LaunchTemplateName="web", LaunchTemplateData={"InstanceType": "t3.micro"}
    )["LaunchTemplate"]["LaunchTemplateId"]

    component = imagebuilder.create_component(
        name="hello", semanticVersion="1.0.0", platform="Linux", data=COMPONENT_DOCUMENT
    )["componentBuildVersionArn"]
    recipe = imagebuilder.create_image_recipe(
        name="web",
        semanticVersion="1.0.0",
        parentImage=PARENT,
        components=[{"componentArn": component}],
    )["imageRecipeArn"]
    infrastructure = imagebuilder.create_infrastructure_configuration(
        name="builders",
        instanceProfileName="builder",
        subnetId=subnet,
        securityGroupIds=[group],
        snsTopicArn=topic,
    )["infrastructureConfigurationArn"]
    distribution = imagebuilder.create_distribution_configuration(
        name="everywhere",
        distributions=[
            {
                "region": HOME,
                "amiDistributionConfiguration": {
                    "name": "web-{{ imagebuilder:buildDate }}",
                    "amiTags": {"team": "web"},
                    "targetAccountIds": [OTHER_ACCOUNT],
                },
                "launchTemplateConfigurations": [
                    {"launchTemplateId": template, "setDefaultVersion": True}
                ],
                "ssmParameterConfigurations": [
                    {"parameterName": "/images/web/latest", "dataType": "aws:ec2:image"}
                ],
            },
            {
                "region": OTHER_REGION,
                "amiDistributionConfiguration": {"amiTags": {"team": "web"}},
            },
        ],
    )["distributionConfigurationArn"]
    pipeline = imagebuilder.create_image_pipeline(
        name="nightly",
        imageRecipeArn=recipe,
        infrastructureConfigurationArn=infrastructure,
        distributionConfigurationArn=distribution,
    )["imagePipelineArn"]
    arn = imagebuilder.start_image_pipeline_execution(imagePipelineArn=pipeline)[
        "imageBuildVersionArn"
    ]
    image = _wait_available(imagebuilder, arn)
    assert image["state"]["status"] == "AVAILABLE"
    assert sorted(a["region"] for a in image["outputResources"]["amis"]) == [
        OTHER_REGION,
        HOME,
        HOME,
    ]

    # Every AMI, found by its tags with moto's EC2, where it was distributed.
    by_tag = [{"Name": "tag:Ec2ImageBuilderArn", "Values": [arn]}]
    home = ec2.describe_images(Owners=["self"], Filters=by_tag)["Images"]
    other_region = clients("ec2", OTHER_REGION).describe_images(Owners=["self"], Filters=by_tag)[
        "Images"
    ]
    other_account = clients("ec2", HOME, **_other_account(clients)).describe_images(
        Owners=["self"], Filters=by_tag
    )["Images"]
    assert len(home) == len(other_region) == len(other_account) == 1
    for found in (home[0], other_region[0], other_account[0]):
        tags = {t["Key"]: t["Value"] for t in found["Tags"]}
        assert tags["team"] == "web"
        assert tags["CreatedBy"] == "EC2 Image Builder"
    assert home[0]["Name"].startswith("web-")
    assert {a["image"] for a in image["outputResources"]["amis"]} == {
        home[0]["ImageId"],
        other_region[0]["ImageId"],
        other_account[0]["ImageId"],
    }

    # The launch template has a new default version that launches the AMI.
    versions = ec2.describe_launch_template_versions(LaunchTemplateId=template)[
        "LaunchTemplateVersions"
    ]
    newest = max(versions, key=lambda v: v["VersionNumber"])
    assert newest["VersionNumber"] == 2 and newest["DefaultVersion"] is True
    assert newest["LaunchTemplateData"]["ImageId"] == home[0]["ImageId"]

    # The SSM parameter holds the AMI id, as an image parameter.
    parameter = ssm.get_parameter(Name="/images/web/latest")["Parameter"]
    assert parameter["Value"] == home[0]["ImageId"]
    assert parameter["DataType"] == "aws:ec2:image"

    # The topic's subscribers got the message Image Builder publishes at the end.
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    bodies = [json.loads(json.loads(m["Body"])["Message"]) for m in messages]
    assert [b["arn"] for b in bodies] == [arn]
    assert bodies[0]["state"]["status"] == "AVAILABLE"


def _container_and_s3(clients: Clients) -> None:
    """A container build pushes to ECR; a component from S3 builds."""
    s3, ecr, iam = clients("s3"), clients("ecr"), clients("iam")
    imagebuilder = clients("imagebuilder")
    iam.create_instance_profile(InstanceProfileName="container-builder")
    s3.create_bucket(Bucket="documents")
    s3.put_object(Bucket="documents", Key="hello.yaml", Body=COMPONENT_DOCUMENT.encode())
    ecr.create_repository(repositoryName="web")

    component = imagebuilder.create_component(
        name="from-s3", semanticVersion="1.0.0", platform="Linux", uri="s3://documents/hello.yaml"
    )["componentBuildVersionArn"]
    shown = imagebuilder.get_component(componentBuildVersionArn=component)["component"]
    assert shown["data"] == COMPONENT_DOCUMENT

    recipe = imagebuilder.create_container_recipe(
        containerType="DOCKER",
        name="web",
        semanticVersion="1.0.0",
        parentImage="amazonlinux:latest",
        components=[{"componentArn": component}],
        dockerfileTemplateData=DOCKERFILE,
        targetRepository={"service": "ECR", "repositoryName": "web"},
    )["containerRecipeArn"]
    infrastructure = imagebuilder.create_infrastructure_configuration(
        name="container-builders", instanceProfileName="container-builder"
    )["infrastructureConfigurationArn"]
    pipeline = imagebuilder.create_image_pipeline(
        name="containers", containerRecipeArn=recipe, infrastructureConfigurationArn=infrastructure
    )["imagePipelineArn"]
    arn = imagebuilder.start_image_pipeline_execution(imagePipelineArn=pipeline)[
        "imageBuildVersionArn"
    ]
    image = _wait_available(imagebuilder, arn)
    assert image["state"]["status"] == "AVAILABLE"
    pushed = ecr.describe_images(repositoryName="web")["imageDetails"]
    assert len(pushed) == 1
    uris = [u for c in image["outputResources"]["containers"] for u in c["imageUris"]]
    assert {uri.rpartition(":")[2] for uri in uris} == set(pushed[0]["imageTags"])


def test_a_pipeline_under_mock_aws_alone_lands_in_moto() -> None:
    with mock_aws():
        _build_everything(_in_process)


def test_a_container_pipeline_and_an_s3_component_under_mock_aws_alone() -> None:
    with mock_aws():
        _container_and_s3(_in_process)


@pytest.fixture(scope="module")
def moto_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def test_the_same_scenario_against_motos_server(moto_server: str) -> None:
    def clients(service: str, region: str = HOME, **credentials: str) -> Any:
        # moto's server reads the account from the key; this one is the default account.
        credentials = credentials or {
            "aws_access_key_id": "AKIAIOSFODNN7EXAMPLE",
            "aws_secret_access_key": "secret",
        }
        return boto3.client(service, region_name=region, endpoint_url=moto_server, **credentials)

    started = time.perf_counter()
    _build_everything(clients)
    _container_and_s3(clients)
    assert time.perf_counter() - started < 60
