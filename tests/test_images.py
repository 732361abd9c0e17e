"""Images: builds, embedded copies, outputs, lists, imports and distribution."""

from __future__ import annotations

import re
from typing import Any

import pytest
from builders import aws_image, build, distribution, image_recipe, infrastructure
from errors import raised_error
from model import image_version

from imagebuilder_mock import ImageBuilderMock

pytestmark = pytest.mark.imagebuilder(progression="immediate")

REGION = "us-east-1"


def test_build_is_named_after_its_recipe(imagebuilder_client: Any) -> None:
    recipe = image_recipe(imagebuilder_client, name="Web_Server", version="2.1.0")
    infra = infrastructure(imagebuilder_client)
    first = imagebuilder_client.create_image(
        imageRecipeArn=recipe, infrastructureConfigurationArn=infra
    )
    second = build(imagebuilder_client, recipe, infra)
    assert first["imageBuildVersionArn"] == (
        f"arn:aws:imagebuilder:{REGION}:123456789012:image/web-server/2.1.0/1"
    )
    assert second.endswith("/2.1.0/2")
    assert first["latestVersionReferences"]["latestMinorVersionArn"].endswith(
        "image/web-server/2.1.x"
    )
    image = imagebuilder_client.get_image(imageBuildVersionArn=second)["image"]
    assert image["name"] == "Web_Server"
    assert image["version"] == image_version("2.1.0", 2)
    assert image["type"] == "AMI"
    assert image["platform"] == "Linux"
    assert image["osVersion"] == "Amazon Linux 2023"
    assert image["buildType"] == "USER_INITIATED"
    assert image["imageSource"] == "CUSTOM"
    assert image["enhancedImageMetadataEnabled"] is True
    assert image["imageTestsConfiguration"] == {"imageTestsEnabled": True, "timeoutMinutes": 720}
    assert image["imageRecipe"]["arn"] == recipe


def test_image_keeps_the_configuration_it_was_built_with(imagebuilder_client: Any) -> None:
    recipe = image_recipe(imagebuilder_client)
    infra = infrastructure(imagebuilder_client)
    arn = build(imagebuilder_client, recipe, infra)
    imagebuilder_client.update_infrastructure_configuration(
        infrastructureConfigurationArn=infra, instanceProfileName="changed-profile"
    )
    image = imagebuilder_client.get_image(imageBuildVersionArn=arn)["image"]
    assert image["infrastructureConfiguration"]["instanceProfileName"] == (
        "EC2InstanceProfileForImageBuilder"
    )


def test_amis_per_region_and_target_account_with_expanded_names(imagebuilder_client: Any) -> None:
    recipe = image_recipe(imagebuilder_client)
    infra = infrastructure(imagebuilder_client)
    dist = distribution(
        imagebuilder_client,
        (REGION, "eu-west-1"),
        ami={
            "name": "Web {{imagebuilder:buildDate}} v{{imagebuilder:buildVersion}}",
            "targetAccountIds": ["111122223333"],
        },
    )
    arn = build(imagebuilder_client, recipe, infra, distributionConfigurationArn=dist)
    image = imagebuilder_client.get_image(imageBuildVersionArn=arn)["image"]
    amis = image["outputResources"]["amis"]
    assert [(a["region"], a["accountId"]) for a in amis] == [
        (REGION, "123456789012"),
        (REGION, "111122223333"),
        ("eu-west-1", "123456789012"),
        ("eu-west-1", "111122223333"),
    ]
    assert len({a["image"] for a in amis}) == 4
    for ami in amis:
        assert re.fullmatch(r"ami-[0-9a-f]{17}", ami["image"])
        assert re.fullmatch(r"Web \d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z v1", ami["name"])
        assert ami["state"] == {"status": "AVAILABLE"}
    assert image["distributionConfiguration"]["arn"] == dist


def test_default_ami_name_without_distribution(imagebuilder_client: Any) -> None:
    arn = build(
        imagebuilder_client,
        image_recipe(imagebuilder_client, name="MyBasicRecipe"),
        infrastructure(imagebuilder_client),
    )
    (ami,) = imagebuilder_client.get_image(imageBuildVersionArn=arn)["image"]["outputResources"][
        "amis"
    ]
    assert ami["region"] == REGION
    assert re.fullmatch(r"MyBasicRecipe \d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z", ami["name"])


def test_container_build_outputs_two_uris(imagebuilder_client: Any) -> None:
    component = imagebuilder_client.create_component(
        name="tools",
        semanticVersion="1.0.0",
        platform="Linux",
        data="schemaVersion: 1.0\nphases:\n  - name: build\n    steps:\n      - name: Tools\n"
        "        action: ExecuteBash\n        inputs:\n          commands: [yum install -y jq]\n",
    )["componentBuildVersionArn"]
    recipe = imagebuilder_client.create_container_recipe(
        containerType="DOCKER",
        name="api",
        semanticVersion="1.2.0",
        components=[{"componentArn": component}],
        parentImage="amazonlinux:latest",
        targetRepository={"service": "ECR", "repositoryName": "api"},
        dockerfileTemplateData=(
            "FROM {{{ imagebuilder:parentImage }}}\n{{{ imagebuilder:components }}}\n"
        ),
    )["containerRecipeArn"]
    arn = imagebuilder_client.create_image(
        containerRecipeArn=recipe,
        infrastructureConfigurationArn=infrastructure(imagebuilder_client),
    )["imageBuildVersionArn"]
    image = imagebuilder_client.get_image(imageBuildVersionArn=arn)["image"]
    assert image["type"] == "DOCKER"
    assert "imageRecipe" not in image
    assert image["containerRecipe"]["arn"] == recipe
    assert image["outputResources"] == {
        "containers": [
            {
                "region": REGION,
                "imageUris": [
                    f"123456789012.dkr.ecr.{REGION}.amazonaws.com/api:1.2.0-1",
                    f"123456789012.dkr.ecr.{REGION}.amazonaws.com/api:latest",
                ],
            }
        ]
    }


def test_create_image_errors(imagebuilder_client: Any) -> None:
    recipe = image_recipe(imagebuilder_client)
    infra = infrastructure(imagebuilder_client)
    error = raised_error(
        imagebuilder_client.create_image,
        imageRecipeArn=recipe,
        containerRecipeArn=recipe.replace("image-recipe", "container-recipe"),
        infrastructureConfigurationArn=infra,
    )
    assert error == {
        "Code": "InvalidRequestException",
        "Message": "You must specify exactly one of imageRecipeArn or containerRecipeArn.",
    }
    error = raised_error(imagebuilder_client.create_image, infrastructureConfigurationArn=infra)
    assert error["Code"] == "InvalidRequestException"
    missing_recipe = recipe.replace("/web/", "/nothing/")
    error = raised_error(
        imagebuilder_client.create_image,
        imageRecipeArn=missing_recipe,
        infrastructureConfigurationArn=infra,
    )
    assert error["Code"] == "InvalidParameterValueException"
    assert f"The recipe '{missing_recipe}' does not exist." in error["Message"]
    missing_infra = infra + "-gone"
    error = raised_error(
        imagebuilder_client.create_image,
        imageRecipeArn=recipe,
        infrastructureConfigurationArn=missing_infra,
    )
    assert error["Code"] == "InvalidParameterValueException"
    assert error["Message"] == (
        "The value supplied for parameter 'infrastructureConfigurationArn' is not valid. "
        f"The InfrastructureConfiguration '{missing_infra}' does not exist."
    )


def test_get_image_by_version_and_wildcard(imagebuilder_client: Any) -> None:
    infra = infrastructure(imagebuilder_client)
    old = image_recipe(imagebuilder_client, version="1.0.0")
    new = imagebuilder_client.create_image_recipe(
        name="web",
        semanticVersion="1.1.0",
        components=[
            {"componentArn": f"arn:aws:imagebuilder:{REGION}:aws:component/update-linux/x.x.x"}
        ],
        parentImage=aws_image(REGION),
    )["imageRecipeArn"]
    build(imagebuilder_client, old, infra)
    latest = build(imagebuilder_client, new, infra)
    base = latest.split("/1.1.0/")[0]
    for selector in ("x.x.x", "1.x.x", "1.1.x", "1.1.0"):
        got = imagebuilder_client.get_image(imageBuildVersionArn=f"{base}/{selector}")["image"]
        assert got["arn"] == latest
    older = imagebuilder_client.get_image(imageBuildVersionArn=f"{base}/1.0.x")["image"]
    assert older["version"] == image_version("1.0.0", 1)
    error = raised_error(imagebuilder_client.get_image, imageBuildVersionArn=f"{base}/2.x.x")
    assert error == {
        "Code": "ResourceNotFoundException",
        "Message": f"The resource ARN '{base}/2.x.x' does not exist.",
    }


def test_aws_managed_images(imagebuilder_client: Any) -> None:
    image = imagebuilder_client.get_image(imageBuildVersionArn=aws_image(REGION))["image"]
    assert re.fullmatch(
        rf"arn:aws:imagebuilder:{REGION}:aws:image/amazon-linux-2023-x86/\d+\.\d+\.\d+/\d+",
        image["arn"],
    )
    assert image["imageSource"] == "AMAZON_MANAGED"
    assert "imageTestsConfiguration" not in image
    listed = imagebuilder_client.list_images(owner="Amazon", byName=True)["imageVersionList"]
    names = {entry["name"] for entry in listed}
    assert {"Amazon Linux 2023 x86", "Windows Server 2022 English Full Base x86"} <= names
    assert all(entry["owner"] == "Amazon" for entry in listed)
    windows = imagebuilder_client.list_images(
        owner="Amazon", filters=[{"name": "platform", "values": ["Windows"]}]
    )["imageVersionList"]
    assert windows and all(entry["platform"] == "Windows" for entry in windows)


def test_list_images_and_build_versions(imagebuilder_client: Any) -> None:
    infra = infrastructure(imagebuilder_client)
    recipe = image_recipe(imagebuilder_client)
    arns = [build(imagebuilder_client, recipe, infra) for _ in range(3)]
    versions = imagebuilder_client.list_images()["imageVersionList"]
    assert [(v["arn"], v["version"]) for v in versions] == [(arns[0].rsplit("/", 1)[0], "1.0.0")]
    summaries = imagebuilder_client.list_image_build_versions(imageVersionArn=versions[0]["arn"])
    assert [s["arn"] for s in summaries["imageSummaryList"]] == arns[::-1]
    assert summaries["imageSummaryList"][0]["version"] == image_version("1.0.0", 3)
    page = imagebuilder_client.list_image_build_versions(
        imageVersionArn=versions[0]["arn"], maxResults=2
    )
    assert len(page["imageSummaryList"]) == 2 and "nextToken" in page
    rest = imagebuilder_client.list_image_build_versions(
        imageVersionArn=versions[0]["arn"], maxResults=2, nextToken=page["nextToken"]
    )
    assert [s["arn"] for s in rest["imageSummaryList"]] == [arns[0]] and "nextToken" not in rest
    filtered = imagebuilder_client.list_images(filters=[{"name": "version", "values": ["1.x.x"]}])
    assert len(filtered["imageVersionList"]) == 1
    none = imagebuilder_client.list_images(filters=[{"name": "version", "values": ["1.0.0/3"]}])
    assert none["imageVersionList"] == []


def test_list_images_by_name_with_version_filter_is_rejected(imagebuilder_client: Any) -> None:
    error = raised_error(
        imagebuilder_client.list_images,
        byName=True,
        filters=[{"name": "version", "values": ["1.0.0"]}],
    )
    assert error == {
        "Code": "InvalidParameterCombinationException",
        "Message": "The value supplied for parameter 'filters' is not valid. "
        "You cannot list Images by name and filter by version in the same request.",
    }


@pytest.mark.imagebuilder(progression="manual")
def test_image_packages(imagebuilder_mock: ImageBuilderMock, imagebuilder_client: Any) -> None:
    arn = build(
        imagebuilder_client, image_recipe(imagebuilder_client), infrastructure(imagebuilder_client)
    )
    assert (
        imagebuilder_client.list_image_packages(imageBuildVersionArn=arn)["imagePackageList"] == []
    )
    imagebuilder_mock.advance(arn, to="AVAILABLE")
    packages = imagebuilder_client.list_image_packages(imageBuildVersionArn=arn)["imagePackageList"]
    assert {"packageName", "packageVersion"} <= set(packages[0])
    error = raised_error(
        imagebuilder_client.list_image_packages, imageBuildVersionArn=arn[:-1] + "7"
    )
    assert error["Code"] == "ResourceNotFoundException"


def test_import_vm_and_disk_images(imagebuilder_client: Any) -> None:
    vm = imagebuilder_client.import_vm_image(
        name="legacy-app",
        semanticVersion="3.0.0",
        platform="Linux",
        vmImportTaskId="import-ami-0123456789abcdef0",
    )["imageArn"]
    assert vm.endswith(":image/legacy-app/3.0.0/1")
    image = imagebuilder_client.get_image(imageBuildVersionArn=vm)["image"]
    assert (image["buildType"], image["imageSource"], image["state"]["status"]) == (
        "IMPORT",
        "IMPORTED",
        "AVAILABLE",
    )
    disk = imagebuilder_client.import_disk_image(
        name="windows-iso",
        semanticVersion="1.0.0",
        platform="Windows",
        osVersion="Microsoft Windows Server 2022",
        infrastructureConfigurationArn=infrastructure(imagebuilder_client),
        uri="s3://isos/windows.iso",
    )["imageBuildVersionArn"]
    image = imagebuilder_client.get_image(imageBuildVersionArn=disk)["image"]
    assert image["buildType"] == "IMPORT_ISO"
    assert image["osVersion"] == "Microsoft Windows Server 2022"


def test_distribute_image(imagebuilder_client: Any) -> None:
    dist = distribution(imagebuilder_client, ("eu-central-1",))
    arn = imagebuilder_client.distribute_image(
        sourceImage="ami-0123456789abcdef0",
        distributionConfigurationArn=dist,
        executionRole="ImageBuilderRole",
    )["imageBuildVersionArn"]
    image = imagebuilder_client.get_image(imageBuildVersionArn=arn)["image"]
    assert image["state"]["status"] == "AVAILABLE"
    assert [a["region"] for a in image["outputResources"]["amis"]] == ["eu-central-1"]
    error = raised_error(
        imagebuilder_client.distribute_image,
        sourceImage="ami-0123456789abcdef0",
        distributionConfigurationArn=dist + "-gone",
        executionRole="ImageBuilderRole",
    )
    assert error["Code"] == "InvalidParameterValueException"


@pytest.mark.parametrize("source", ["ami-0123456789", "ami-0123456789abcdef0\n"])
def test_distribute_image_source_must_be_an_ami_id(imagebuilder_client: Any, source: str) -> None:
    error = raised_error(
        imagebuilder_client.distribute_image,
        sourceImage=source,
        distributionConfigurationArn=distribution(imagebuilder_client, ("eu-central-1",)),
        executionRole="ImageBuilderRole",
    )
    assert (error["Code"], error["Message"]) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'sourceImage' is not valid. "
        "'sourceImage' must be an image ARN or an AMI id (ami-<hex>).",
    )
    assert imagebuilder_client.list_images()["imageVersionList"] == []


# -- cancel and retry ---------------------------------------------------------------------


def _container_build(client: Any) -> str:
    recipe = client.create_container_recipe(
        containerType="DOCKER",
        name="api",
        semanticVersion="1.0.0",
        parentImage="amazonlinux:latest",
        targetRepository={"service": "ECR", "repositoryName": "api"},
        dockerfileTemplateData="FROM {{{ imagebuilder:parentImage }}}\n",
    )["containerRecipeArn"]
    arn: str = client.create_image(
        containerRecipeArn=recipe, infrastructureConfigurationArn=infrastructure(client)
    )["imageBuildVersionArn"]
    return arn


def test_cancel_of_a_finished_image_is_an_invalid_request(imagebuilder_client: Any) -> None:
    # CancelImageCreation declares InvalidRequestException, not InvalidParameterValueException.
    arn = build(
        imagebuilder_client, image_recipe(imagebuilder_client), infrastructure(imagebuilder_client)
    )
    error = raised_error(imagebuilder_client.cancel_image_creation, imageBuildVersionArn=arn)
    assert error["Code"] == "InvalidRequestException"
    assert error["Message"] == (
        f"The image '{arn}' is in a terminal state (AVAILABLE) and cannot be cancelled."
    )
    assert imagebuilder_client.get_image(imageBuildVersionArn=arn)["image"]["state"] == {
        "status": "AVAILABLE"
    }


def test_retry_is_for_ami_images_only(
    imagebuilder_mock: ImageBuilderMock, imagebuilder_client: Any
) -> None:
    imagebuilder_mock.fail_build(at="BUILDING")
    arn = _container_build(imagebuilder_client)
    assert imagebuilder_client.get_image(imageBuildVersionArn=arn)["image"]["state"]["status"] == (
        "FAILED"
    )
    error = raised_error(imagebuilder_client.retry_image, imageBuildVersionArn=arn)
    assert error["Code"] == "InvalidRequestException"
    assert error["Message"] == (
        f"The image '{arn}' is a DOCKER container image; only AMI images can be retried."
    )
    assert imagebuilder_client.get_image(imageBuildVersionArn=arn)["image"]["state"]["status"] == (
        "FAILED"
    )
