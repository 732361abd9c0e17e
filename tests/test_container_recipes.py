"""Container recipes: create, get, list, delete, and their checks."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from errors import error_of
from model import requires_member

ACCOUNT = "123456789012"
PREFIX = f"arn:aws:imagebuilder:us-east-1:{ACCOUNT}"
TEMPLATE = (
    "FROM {{{ imagebuilder:parentImage }}}\n"
    "{{{ imagebuilder:environments }}}\n"
    "{{{ imagebuilder:components }}}\n"
)
REPOSITORY = {"service": "ECR", "repositoryName": "my-app"}
AL2 = "arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2-x86/x.x.x"


def make_container_recipe(
    client: Any, name: str = "container", version: str = "1.0.0", **extra: Any
) -> str:
    extra.setdefault("parentImage", "amazonlinux:latest")
    extra.setdefault("targetRepository", REPOSITORY)
    if "dockerfileTemplateUri" not in extra:
        extra.setdefault("dockerfileTemplateData", TEMPLATE)
    return str(
        client.create_container_recipe(
            containerType="DOCKER", name=name, semanticVersion=version, **extra
        )["containerRecipeArn"]
    )


def make_component(client: Any, name: str = "hello", platform: str = "Linux") -> str:
    action = "ExecutePowerShell" if platform == "Windows" else "ExecuteBash"
    data = (
        "name: doc\nschemaVersion: 1.0\nparameters:\n  - Greeting:\n      type: string\n"
        f"phases:\n  - name: build\n    steps:\n      - name: Say\n        action: {action}\n"
        "        inputs:\n          commands:\n            - echo hi\n"
    )
    return str(
        client.create_component(name=name, semanticVersion="1.0.0", platform=platform, data=data)[
            "componentBuildVersionArn"
        ]
    )


def _listed(client: Any, **params: Any) -> list[str]:
    summaries = client.list_container_recipes(**params)["containerRecipeSummaryList"]
    return [r["arn"] for r in summaries]


# -- create / get ------------------------------------------------------------------------


def test_every_member_round_trips(imagebuilder_client: Any) -> None:
    component = make_component(imagebuilder_client)
    components = [
        {"componentArn": component, "parameters": [{"name": "Greeting", "value": ["hi"]}]}
    ]
    instance = {
        "image": "ami-0123456789abcdef0",
        "blockDeviceMappings": [
            {
                "deviceName": "/dev/xvda",
                "ebs": {
                    "encrypted": True,
                    "deleteOnTermination": False,
                    "iops": 4000,
                    "volumeSize": 40,
                    "volumeType": "gp3",
                    "throughput": 500,
                },
            }
        ],
    }
    out = imagebuilder_client.create_container_recipe(
        containerType="DOCKER",
        name="My Container",
        description="Web app",
        semanticVersion="2.1.0",
        components=components,
        instanceConfiguration=instance,
        dockerfileTemplateData=TEMPLATE,
        parentImage="amazonlinux:latest",
        tags={"team": "web"},
        workingDirectory="/build",
        targetRepository=REPOSITORY,
        kmsKeyId="arn:aws:kms:us-east-1:123456789012:key/abc",
    )
    arn = out["containerRecipeArn"]
    base = f"{PREFIX}:container-recipe/my-container"
    assert arn == f"{base}/2.1.0"
    assert out["latestVersionReferences"] == {
        "latestVersionArn": f"{base}/x.x.x",
        "latestMajorVersionArn": f"{base}/2.x.x",
        "latestMinorVersionArn": f"{base}/2.1.x",
        "latestPatchVersionArn": f"{base}/2.1.0",
    }
    got = imagebuilder_client.get_container_recipe(containerRecipeArn=arn)
    recipe = got["containerRecipe"]
    assert recipe == {
        "arn": arn,
        "containerType": "DOCKER",
        "name": "My Container",
        "description": "Web app",
        "platform": "Linux",
        "owner": ACCOUNT,
        "version": "2.1.0",
        "components": components,
        "instanceConfiguration": instance,
        "dockerfileTemplateData": TEMPLATE,
        "kmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/abc",
        "encrypted": True,
        "parentImage": "amazonlinux:latest",
        "dateCreated": recipe["dateCreated"],
        "tags": {"team": "web"},
        "workingDirectory": "/build",
        "targetRepository": REPOSITORY,
    }
    assert got["latestVersionReferences"] == out["latestVersionReferences"]


def test_minimal_recipe_defaults(imagebuilder_client: Any) -> None:
    arn = make_container_recipe(imagebuilder_client)
    recipe = imagebuilder_client.get_container_recipe(containerRecipeArn=arn)["containerRecipe"]
    assert recipe["encrypted"] is True
    assert recipe["workingDirectory"] == "/tmp"
    assert recipe["tags"] == {}
    assert "components" not in recipe
    assert "instanceConfiguration" not in recipe


@pytest.mark.parametrize(
    ("parent", "override", "platform", "working_directory"),
    [
        ("amazonlinux:latest", None, "Linux", "/tmp"),
        ("mcr.microsoft.com/windows/servercore:ltsc2022", None, "Windows", "C:/"),
        ("my-registry.example.com/base:1", "Windows", "Windows", "C:/"),
        ("mcr.microsoft.com/windows/servercore:ltsc2022", "Linux", "Linux", "/tmp"),
        (AL2, None, "Linux", "/tmp"),
    ],
)
def test_platform_follows_parent_or_override(
    imagebuilder_client: Any,
    parent: str,
    override: str | None,
    platform: str,
    working_directory: str,
) -> None:
    extra = (
        {"platformOverride": override, "imageOsVersionOverride": "Custom OS"} if override else {}
    )
    arn = make_container_recipe(imagebuilder_client, parentImage=parent, **extra)
    recipe = imagebuilder_client.get_container_recipe(containerRecipeArn=arn)["containerRecipe"]
    assert (recipe["parentImage"], recipe["platform"], recipe["workingDirectory"]) == (
        parent,
        platform,
        working_directory,
    )
    assert "platformOverride" not in recipe


def test_macos_is_not_a_container_platform(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        make_container_recipe(imagebuilder_client, platformOverride="macOS")
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'platformOverride' is not valid. Container recipes "
        "support only the Linux and Windows platforms.",
    )


def test_image_arn_parent_must_exist(imagebuilder_client: Any) -> None:
    parent = f"{PREFIX}:image/missing/1.x.x"
    with pytest.raises(ClientError) as excinfo:
        make_container_recipe(imagebuilder_client, parentImage=parent)
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'parentImage' is not valid. "
        f"The image '{parent}' does not exist.",
    )


def test_dockerfile_template_from_s3(imagebuilder_client: Any) -> None:
    arn = make_container_recipe(
        imagebuilder_client, dockerfileTemplateUri="s3://templates/app/Dockerfile"
    )
    recipe = imagebuilder_client.get_container_recipe(containerRecipeArn=arn)["containerRecipe"]
    assert recipe["arn"] == arn
    assert "dockerfileTemplateUri" not in recipe


@pytest.mark.parametrize(
    "template",
    [
        {},
        {"dockerfileTemplateData": TEMPLATE, "dockerfileTemplateUri": "s3://templates/Dockerfile"},
    ],
)
def test_exactly_one_dockerfile_template(
    imagebuilder_client: Any, template: dict[str, str]
) -> None:
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.create_container_recipe(
            containerType="DOCKER",
            name="container",
            semanticVersion="1.0.0",
            parentImage="amazonlinux:latest",
            targetRepository=REPOSITORY,
            **template,
        )
    assert error_of(excinfo) == (
        "InvalidRequestException",
        "You must specify exactly one of dockerfileTemplateData or dockerfileTemplateUri.",
    )


def test_dockerfile_template_uri_must_be_s3(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        make_container_recipe(
            imagebuilder_client, dockerfileTemplateUri="https://example.com/Dockerfile"
        )
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'dockerfileTemplateUri' is not valid. "
        "'https://example.com/Dockerfile' is not an Amazon S3 URI (s3://bucket/key).",
    )


# The same rule as a component's ``uri``: the bucket follows S3's naming rules.
@pytest.mark.parametrize(
    "uri", ["s3://My_Bucket/Dockerfile", "s3://ab/Dockerfile", "s3://templates/Dockerfile\n"]
)
def test_dockerfile_template_uri_needs_a_valid_bucket_name(
    imagebuilder_client: Any, uri: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        make_container_recipe(imagebuilder_client, dockerfileTemplateUri=uri)
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'dockerfileTemplateUri' is not valid. "
        f"'{uri}' is not an Amazon S3 URI (s3://bucket/key).",
    )
    assert imagebuilder_client.list_container_recipes()["containerRecipeSummaryList"] == []


def test_throughput_only_for_gp3(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        make_container_recipe(
            imagebuilder_client,
            instanceConfiguration={
                "blockDeviceMappings": [
                    {"deviceName": "/dev/xvda", "ebs": {"volumeType": "io2", "throughput": 300}}
                ]
            },
        )
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "The value supplied for parameter "
        "'instanceConfiguration.blockDeviceMappings[0].ebs.throughput' is not valid. "
        "throughput is supported only for gp3 volumes, not io2.",
    )


def test_target_repository_service_is_an_enum(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        make_container_recipe(
            imagebuilder_client, targetRepository={"service": "DOCKERHUB", "repositoryName": "x"}
        )
    code, message = error_of(excinfo)
    assert code == "InvalidParameterValueException"
    assert "targetRepository.service" in message


def test_components_are_checked(imagebuilder_client: Any) -> None:
    missing = f"{PREFIX}:component/missing/x.x.x"
    with pytest.raises(ClientError) as excinfo:
        make_container_recipe(imagebuilder_client, components=[{"componentArn": missing}])
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'components[0].componentArn' is not valid. "
        f"The component '{missing}' does not exist.",
    )
    component = make_component(imagebuilder_client)
    with pytest.raises(ClientError) as excinfo:
        make_container_recipe(
            imagebuilder_client,
            components=[
                {"componentArn": component, "parameters": [{"name": "Colour", "value": ["x"]}]}
            ],
        )
    assert error_of(excinfo) == (
        "InvalidParameterCombinationException",
        "The value supplied for parameter 'components[0].parameters' is not valid. The following "
        "parameters are not defined in the provided component: Colour",
    )
    windows = make_component(imagebuilder_client, name="win", platform="Windows")
    with pytest.raises(ClientError) as excinfo:
        make_container_recipe(imagebuilder_client, components=[{"componentArn": windows}])
    assert error_of(excinfo)[1].endswith(
        f"The component '{windows}' is for the Windows platform, but the parent image is Linux."
    )


def test_same_name_and_version_already_exists(imagebuilder_client: Any) -> None:
    arn = make_container_recipe(imagebuilder_client)
    with pytest.raises(ClientError) as excinfo:
        make_container_recipe(imagebuilder_client, parentImage="ubuntu:22.04")
    assert error_of(excinfo) == (
        "ResourceAlreadyExistsException",
        f"The following resource 'ContainerRecipe' already exists: '{arn}'.",
    )


def test_image_and_container_recipes_of_one_name_do_not_collide(
    imagebuilder_client: Any,
) -> None:
    container = make_container_recipe(imagebuilder_client, name="app")
    image = imagebuilder_client.create_image_recipe(
        name="app", semanticVersion="1.0.0", parentImage="ami-0123456789abcdef0"
    )["imageRecipeArn"]
    assert (container, image) == (
        f"{PREFIX}:container-recipe/app/1.0.0",
        f"{PREFIX}:image-recipe/app/1.0.0",
    )
    assert make_container_recipe(imagebuilder_client, name="app", version="1.0.x").endswith(
        "/app/1.0.1"
    )


def test_wildcard_versions(imagebuilder_client: Any) -> None:
    assert make_container_recipe(imagebuilder_client, version="x.x.x").endswith("/1.0.0")
    assert make_container_recipe(imagebuilder_client, version="1.0.x").endswith("/1.0.1")
    assert make_container_recipe(imagebuilder_client, version="1.x.x").endswith("/1.1.0")
    assert make_container_recipe(imagebuilder_client, version="x.x.x").endswith("/2.0.0")
    got = imagebuilder_client.get_container_recipe(
        containerRecipeArn=f"{PREFIX}:container-recipe/container/1.x.x"
    )
    assert got["containerRecipe"]["version"] == "1.1.0"


def test_version_keeps_the_form_it_was_written_in(imagebuilder_client: Any) -> None:
    arn = make_container_recipe(imagebuilder_client, version="2019.12.03")
    base = f"{PREFIX}:container-recipe/container"
    assert arn == f"{base}/2019.12.03"
    got = imagebuilder_client.get_container_recipe(containerRecipeArn=arn)
    assert (got["containerRecipe"]["arn"], got["containerRecipe"]["version"]) == (
        arn,
        "2019.12.03",
    )
    assert got["latestVersionReferences"]["latestPatchVersionArn"] == arn
    assert _listed(imagebuilder_client) == [arn]
    newer = make_container_recipe(imagebuilder_client, version="2019.12.10")
    assert _listed(imagebuilder_client) == [newer, arn]
    picked = imagebuilder_client.get_container_recipe(containerRecipeArn=f"{base}/2019.12.x")
    assert picked["containerRecipe"]["arn"] == newer
    with pytest.raises(ClientError) as excinfo:
        make_container_recipe(imagebuilder_client, version="2019.12.3")
    assert error_of(excinfo) == (
        "ResourceAlreadyExistsException",
        f"The following resource 'ContainerRecipe' already exists: '{arn}'.",
    )


def test_version_out_of_bounds(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        make_container_recipe(imagebuilder_client, version="1.1073741824.0")
    assert error_of(excinfo) == (
        "InvalidVersionNumberException",
        "The semantic version '1.1073741824.0' is not valid. "
        "Each node must be between 0 and 1073741823.",
    )


@requires_member("CreateContainerRecipe", "dryRun")
def test_dry_run(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        make_container_recipe(imagebuilder_client, dryRun=True)
    assert error_of(excinfo) == (
        "DryRunOperationException",
        "Request would have succeeded, but the DryRun flag is set.",
    )
    assert _listed(imagebuilder_client) == []


def test_get_unknown(imagebuilder_client: Any) -> None:
    arn = f"{PREFIX}:container-recipe/nothing/x.x.x"
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.get_container_recipe(containerRecipeArn=arn)
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        f"The resource ARN '{arn}' does not exist.",
    )


# -- list --------------------------------------------------------------------------------


def test_list_summaries_and_filters(imagebuilder_client: Any) -> None:
    linux = make_container_recipe(
        imagebuilder_client,
        name="linux",
        instanceConfiguration={
            "image": "ssm:/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id"
        },
    )
    windows = make_container_recipe(
        imagebuilder_client,
        name="windows",
        parentImage="mcr.microsoft.com/windows/servercore:ltsc2022",
    )
    summaries = imagebuilder_client.list_container_recipes()["containerRecipeSummaryList"]
    assert summaries[0] == {
        "arn": linux,
        "containerType": "DOCKER",
        "name": "linux",
        "platform": "Linux",
        "owner": ACCOUNT,
        "parentImage": "amazonlinux:latest",
        "dateCreated": summaries[0]["dateCreated"],
        "instanceImage": "ssm:/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id",
        "tags": {},
    }
    assert [s["arn"] for s in summaries] == [linux, windows]

    def listed(name: str, *values: str) -> list[str]:
        return _listed(imagebuilder_client, filters=[{"name": name, "values": list(values)}])

    assert listed("platform", "Windows") == [windows]
    assert listed("containerType", "DOCKER") == [linux, windows]
    assert listed("name", "linux") == [linux]
    assert listed("parentImage", "amazonlinux:latest") == [linux]
    assert _listed(imagebuilder_client, owner="Shared") == []


def test_list_unknown_filter(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.list_container_recipes(filters=[{"name": "type", "values": ["x"]}])
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'filters[0].name' is not valid. Unknown filter name "
        "'type'. Valid filter names: containerType, name, parentImage, platform.",
    )


def test_list_pages(imagebuilder_client: Any) -> None:
    created = [make_container_recipe(imagebuilder_client, version=f"1.{i}.0") for i in range(3)]
    first = imagebuilder_client.list_container_recipes(maxResults=2)
    second = imagebuilder_client.list_container_recipes(maxResults=2, nextToken=first["nextToken"])
    assert "nextToken" not in second
    arns = [r["arn"] for r in first["containerRecipeSummaryList"]]
    arns += [r["arn"] for r in second["containerRecipeSummaryList"]]
    assert arns == created[::-1]


# -- delete --------------------------------------------------------------------------------


def test_delete(imagebuilder_client: Any) -> None:
    arn = make_container_recipe(imagebuilder_client)
    assert (
        imagebuilder_client.delete_container_recipe(containerRecipeArn=arn)["containerRecipeArn"]
        == arn
    )
    assert _listed(imagebuilder_client) == []
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.delete_container_recipe(containerRecipeArn=arn)
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        f"The resource ARN '{arn}' does not exist.",
    )


def test_delete_refuses_wildcards(imagebuilder_client: Any) -> None:
    make_container_recipe(imagebuilder_client)
    arn = f"{PREFIX}:container-recipe/container/x.x.x"
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.delete_container_recipe(containerRecipeArn=arn)
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        f"The value supplied for parameter 'containerRecipeArn' is not valid. '{arn}' contains "
        "a version wildcard. Delete a recipe by its version ARN (major.minor.patch).",
    )


def test_component_used_by_a_container_recipe_cannot_be_deleted(
    imagebuilder_client: Any,
) -> None:
    component = make_component(imagebuilder_client)
    arn = make_container_recipe(
        imagebuilder_client,
        components=[
            {
                "componentArn": f"{PREFIX}:component/hello/1.x.x",
                "parameters": [{"name": "Greeting", "value": ["hi"]}],
            }
        ],
    )
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.delete_component(componentBuildVersionArn=component)
    assert error_of(excinfo) == (
        "ResourceDependencyException",
        f"Resource dependency error: The resource ARN '{component}' has other resources "
        "depended on it.",
    )
    imagebuilder_client.delete_container_recipe(containerRecipeArn=arn)
    imagebuilder_client.delete_component(componentBuildVersionArn=component)


def test_shared_container_recipe_is_visible_to_the_grantee(imagebuilder_client: Any) -> None:
    arn = make_container_recipe(imagebuilder_client)
    other = boto3.client(
        "imagebuilder",
        region_name="us-east-1",
        aws_access_key_id="111122223333",
        aws_secret_access_key="secret",
    )
    assert _listed(other, owner="Shared") == []
    imagebuilder_client.put_container_recipe_policy(
        containerRecipeArn=arn,
        policy='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
        '"Principal": {"AWS": "111122223333"}, "Action": ["imagebuilder:GetContainerRecipe"]}]}',
    )
    assert _listed(other, owner="Shared") == [arn]
    assert _listed(other) == []
    assert other.get_container_recipe(containerRecipeArn=arn)["containerRecipe"]["owner"] == ACCOUNT


def test_container_recipe_used_by_a_pipeline_cannot_be_deleted(imagebuilder_client: Any) -> None:
    arn = make_container_recipe(imagebuilder_client)
    infrastructure = imagebuilder_client.create_infrastructure_configuration(
        name="infra", instanceProfileName="profile"
    )["infrastructureConfigurationArn"]
    pipeline = imagebuilder_client.create_image_pipeline(
        name="containers",
        containerRecipeArn=f"{PREFIX}:container-recipe/container/1.x.x",
        infrastructureConfigurationArn=infrastructure,
    )["imagePipelineArn"]
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.delete_container_recipe(containerRecipeArn=arn)
    assert error_of(excinfo) == (
        "ResourceDependencyException",
        f"Resource dependency error: The resource ARN '{arn}' has other resources depended on it.",
    )
    imagebuilder_client.delete_image_pipeline(imagePipelineArn=pipeline)
    imagebuilder_client.delete_container_recipe(containerRecipeArn=arn)
