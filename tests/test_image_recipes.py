"""Image recipes: create (incl. wildcard versions), get, list, delete, and their checks."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from errors import error_of
from model import known_members, requires_member

ACCOUNT = "123456789012"
OTHER_ACCOUNT = "111122223333"
PREFIX = f"arn:aws:imagebuilder:us-east-1:{ACCOUNT}"
AL2 = "arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2-x86/x.x.x"
AMI = "ami-0123456789abcdef0"


def document(*, parameters: str = "", platform: str = "Linux") -> str:
    """A minimal AWSTOE document; ``parameters`` is the YAML list body, if any."""
    declared = f"parameters:\n{parameters}" if parameters else ""
    action = "ExecutePowerShell" if platform == "Windows" else "ExecuteBash"
    return (
        "name: doc\nschemaVersion: 1.0\n"
        f"{declared}"
        "phases:\n  - name: build\n    steps:\n      - name: Say\n"
        f"        action: {action}\n        inputs:\n          commands:\n            - echo hi\n"
    )


def make_component(
    client: Any,
    name: str = "hello",
    version: str = "1.0.0",
    platform: str = "Linux",
    parameters: str = "",
) -> str:
    return str(
        client.create_component(
            name=name,
            semanticVersion=version,
            platform=platform,
            data=document(parameters=parameters, platform=platform),
        )["componentBuildVersionArn"]
    )


def make_recipe(client: Any, name: str = "recipe", version: str = "1.0.0", **extra: Any) -> str:
    extra.setdefault("parentImage", AMI)
    return str(
        client.create_image_recipe(name=name, semanticVersion=version, **extra)["imageRecipeArn"]
    )


def other_client() -> Any:
    return boto3.client(
        "imagebuilder",
        region_name="us-east-1",
        aws_access_key_id=OTHER_ACCOUNT,
        aws_secret_access_key="secret",
    )


# -- create / get round trip ---------------------------------------------------------


def test_create_returns_version_arn_and_latest_version_references(
    imagebuilder_client: Any,
) -> None:
    out = imagebuilder_client.create_image_recipe(
        name="My_Basic Recipe", semanticVersion="2019.12.30", parentImage=AL2
    )
    assert out["imageRecipeArn"] == f"{PREFIX}:image-recipe/my-basic-recipe/2019.12.30"
    base = f"{PREFIX}:image-recipe/my-basic-recipe"
    assert out["latestVersionReferences"] == {
        "latestVersionArn": f"{base}/x.x.x",
        "latestMajorVersionArn": f"{base}/2019.x.x",
        "latestMinorVersionArn": f"{base}/2019.12.x",
        "latestPatchVersionArn": f"{base}/2019.12.30",
    }
    assert out["clientToken"]


def test_every_optional_member_round_trips(imagebuilder_client: Any) -> None:
    component = make_component(imagebuilder_client)
    block_devices = [
        {
            "deviceName": "/dev/xvda",
            "ebs": {
                "encrypted": True,
                "deleteOnTermination": True,
                "iops": 3000,
                "kmsKeyId": "alias/ebs",
                "volumeSize": 30,
                "volumeType": "gp3",
                "throughput": 250,
            },
        },
        {"deviceName": "/dev/xvdb", "noDevice": ""},
        {"deviceName": "/dev/xvdc", "virtualName": "ephemeral0"},
    ]
    additional = {
        "systemsManagerAgent": {"uninstallAfterBuild": True},
        "userDataOverride": "ZWNobyBoZWxsbw==",
    }
    # Members only newer models have (botocore would refuse them on older ones).
    newer = known_members("CreateImageRecipe", {"amiWatermarks": ["lineage-marker"]})
    arn = make_recipe(
        imagebuilder_client,
        description="Base image",
        components=[{"componentArn": component}],
        parentImage=AL2,
        blockDeviceMappings=block_devices,
        tags={"team": "platform"},
        workingDirectory="/opt/build",
        additionalInstanceConfiguration=additional,
        amiTags={"os": "al2"},
        **newer,
    )
    got = imagebuilder_client.get_image_recipe(imageRecipeArn=arn)
    recipe = got["imageRecipe"]
    assert recipe == {
        "arn": arn,
        "type": "AMI",
        "name": "recipe",
        "description": "Base image",
        "platform": "Linux",
        "owner": ACCOUNT,
        "version": "1.0.0",
        "components": [{"componentArn": component}],
        "parentImage": AL2,
        "blockDeviceMappings": block_devices,
        "dateCreated": recipe["dateCreated"],
        "tags": {"team": "platform"},
        "workingDirectory": "/opt/build",
        "additionalInstanceConfiguration": additional,
        "amiTags": {"os": "al2"},
        **newer,
    }
    assert recipe["dateCreated"].endswith("Z")
    assert got["latestVersionReferences"]["latestPatchVersionArn"] == arn
    tags = imagebuilder_client.list_tags_for_resource(resourceArn=arn)["tags"]
    assert tags == {"team": "platform"}


def test_minimal_recipe_gets_defaults_and_no_block_devices(imagebuilder_client: Any) -> None:
    arn = make_recipe(imagebuilder_client)
    recipe = imagebuilder_client.get_image_recipe(imageRecipeArn=arn)["imageRecipe"]
    assert recipe["workingDirectory"] == "/tmp"
    assert recipe["platform"] == "Linux"
    assert recipe["tags"] == {}
    assert "blockDeviceMappings" not in recipe
    assert "components" not in recipe


@pytest.mark.parametrize(
    ("parent", "platform", "working_directory"),
    [
        (AMI, "Linux", "/tmp"),
        (AL2, "Linux", "/tmp"),
        (
            "arn:aws:imagebuilder:us-east-1:aws:image/windows-server-2022-english-full-base-x86/"
            "x.x.x",
            "Windows",
            "C:/",
        ),
        ("arn:aws:imagebuilder:us-east-1:aws:image/macos-sonoma-arm64/1.x.x", "macOS", "/tmp"),
        (
            "ssm:/aws/service/ami-windows-latest/Windows_Server-2019-English-Full-Base",
            "Windows",
            "C:/",
        ),
        ("ssm:/my/golden/ami", "Linux", "/tmp"),
        ("prod-4gs4o6r5ku7g2", "Linux", "/tmp"),
    ],
)
def test_platform_and_working_directory_follow_the_parent_image(
    imagebuilder_client: Any, parent: str, platform: str, working_directory: str
) -> None:
    arn = make_recipe(imagebuilder_client, parentImage=parent)
    recipe = imagebuilder_client.get_image_recipe(imageRecipeArn=arn)["imageRecipe"]
    assert (recipe["parentImage"], recipe["platform"], recipe["workingDirectory"]) == (
        parent,
        platform,
        working_directory,
    )


def test_own_image_as_parent_gives_its_platform(imagebuilder_client: Any) -> None:
    image = imagebuilder_client.import_vm_image(
        name="golden", semanticVersion="1.0.0", platform="Windows", vmImportTaskId="import-ami-1"
    )["imageArn"]
    wildcard = f"{PREFIX}:image/golden/x.x.x"
    for parent in (image, wildcard):
        arn = make_recipe(imagebuilder_client, version="1.0.x", parentImage=parent)
        recipe = imagebuilder_client.get_image_recipe(imageRecipeArn=arn)["imageRecipe"]
        assert (recipe["parentImage"], recipe["platform"]) == (parent, "Windows")


@pytest.mark.parametrize(
    "parent",
    [f"{PREFIX}:image/missing/1.0.0/1", f"{PREFIX}:image/missing/x.x.x"],
)
def test_own_image_parent_must_exist(imagebuilder_client: Any, parent: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        make_recipe(imagebuilder_client, parentImage=parent)
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        f"The value supplied for parameter 'parentImage' is not valid. "
        f"The image '{parent}' does not exist.",
    )


def test_another_accounts_image_is_a_parent_only_when_shared(imagebuilder_client: Any) -> None:
    other = other_client()
    image = other.import_vm_image(
        name="shared", semanticVersion="1.0.0", platform="Linux", vmImportTaskId="import-ami-2"
    )["imageArn"]
    with pytest.raises(ClientError) as excinfo:
        make_recipe(imagebuilder_client, parentImage=image)
    assert error_of(excinfo)[1].endswith(f"The image '{image}' does not exist.")
    other.put_image_policy(
        imageArn=image,
        policy='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
        f'"Principal": {{"AWS": "arn:aws:iam::{ACCOUNT}:root"}}, '
        '"Action": ["imagebuilder:GetImage"]}]}',
    )
    arn = make_recipe(imagebuilder_client, parentImage=image)
    assert imagebuilder_client.get_image_recipe(imageRecipeArn=arn)["imageRecipe"]["parentImage"]


@pytest.mark.parametrize(
    "parent",
    ["ubuntu", "ami-xyz", "ssm:", f"{PREFIX}:component/hello/1.0.0/1", "arn:aws:ssm:::parameter/x"],
)
def test_parent_image_must_be_a_known_form(imagebuilder_client: Any, parent: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        make_recipe(imagebuilder_client, parentImage=parent)
    code, message = error_of(excinfo)
    assert code == "InvalidParameterValueException"
    assert message.startswith("The value supplied for parameter 'parentImage' is not valid. ")
    assert parent in message


@pytest.mark.parametrize("parent", ["ami-01234567", "ami-0123456789abcdef0"])
def test_parent_ami_id_has_8_or_17_hex_digits(imagebuilder_client: Any, parent: str) -> None:
    arn = make_recipe(imagebuilder_client, parentImage=parent)
    recipe = imagebuilder_client.get_image_recipe(imageRecipeArn=arn)["imageRecipe"]
    assert (recipe["parentImage"], recipe["platform"]) == (parent, "Linux")


# EC2 ids have 8 or 17 hex digits, nothing in between, and nothing after them.
@pytest.mark.parametrize(
    "parent", ["ami-0123456789", "ami-0123456789abcdef", "ami-0123456789abcdef0\n"]
)
def test_parent_ami_id_of_another_length_is_refused(imagebuilder_client: Any, parent: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        make_recipe(imagebuilder_client, parentImage=parent)
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'parentImage' is not valid. "
        f"'{parent}' is not a valid parent image. Specify an AMI ID, an Image Builder image "
        "ARN, an SSM parameter (ssm:<name>) or an AWS Marketplace product ID.",
    )
    assert imagebuilder_client.list_image_recipes()["imageRecipeSummaryList"] == []


def test_throughput_is_refused_for_volume_types_other_than_gp3(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        make_recipe(
            imagebuilder_client,
            blockDeviceMappings=[
                {"deviceName": "/dev/sda1", "ebs": {"volumeType": "gp3", "throughput": 125}},
                {"deviceName": "/dev/sdb", "ebs": {"volumeType": "gp2", "throughput": 125}},
            ],
        )
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'blockDeviceMappings[1].ebs.throughput' is not "
        "valid. throughput is supported only for gp3 volumes, not gp2.",
    )


def test_throughput_outside_the_model_range_is_refused(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        make_recipe(
            imagebuilder_client,
            blockDeviceMappings=[{"deviceName": "/dev/sda1", "ebs": {"throughput": 2000}}],
        )
    code, message = error_of(excinfo)
    assert code == "InvalidParameterValueException"
    assert "blockDeviceMappings[0].ebs.throughput" in message


# -- versions ----------------------------------------------------------------------------


def test_same_name_and_version_already_exists(imagebuilder_client: Any) -> None:
    arn = make_recipe(imagebuilder_client, name="Base Recipe")
    with pytest.raises(ClientError) as excinfo:
        # Differs only in case and separator: same ARN.
        make_recipe(imagebuilder_client, name="base-recipe", parentImage=AL2)
    assert error_of(excinfo) == (
        "ResourceAlreadyExistsException",
        f"The following resource 'ImageRecipe' already exists: '{arn}'.",
    )


@pytest.mark.parametrize(
    ("existing", "requested", "created"),
    [
        ([], "1.0.x", "1.0.0"),
        ([], "2.x.x", "2.0.0"),
        ([], "x.x.x", "1.0.0"),
        (["1.0.0", "1.0.3", "1.1.0"], "1.0.x", "1.0.4"),
        (["1.0.0", "1.2.3", "2.0.0"], "1.x.x", "1.3.0"),
        (["1.0.0", "2.2.4", "1.7.8"], "x.x.x", "3.0.0"),
        (["1.0.9"], "1.1.x", "1.1.0"),
        (["2019.12.9", "2019.12.10"], "2019.12.x", "2019.12.11"),
    ],
)
def test_wildcard_version_picks_the_next_free_version(
    imagebuilder_client: Any, existing: list[str], requested: str, created: str
) -> None:
    for version in existing:
        make_recipe(imagebuilder_client, version=version)
    arn = make_recipe(imagebuilder_client, version=requested)
    assert arn == f"{PREFIX}:image-recipe/recipe/{created}"
    recipe = imagebuilder_client.get_image_recipe(imageRecipeArn=arn)["imageRecipe"]
    assert recipe["version"] == created


def test_version_keeps_the_form_it_was_written_in(imagebuilder_client: Any) -> None:
    arn = make_recipe(imagebuilder_client, version="2019.12.03")
    base = f"{PREFIX}:image-recipe/recipe"
    assert arn == f"{base}/2019.12.03"
    got = imagebuilder_client.get_image_recipe(imageRecipeArn=arn)
    assert (got["imageRecipe"]["arn"], got["imageRecipe"]["version"]) == (arn, "2019.12.03")
    assert got["latestVersionReferences"]["latestPatchVersionArn"] == arn
    assert got["latestVersionReferences"]["latestMinorVersionArn"] == f"{base}/2019.12.x"
    assert _listed(imagebuilder_client) == [arn]
    # Ordering and wildcards stay numeric: 2019.12.10 is newer than 2019.12.03.
    newer = make_recipe(imagebuilder_client, version="2019.12.10")
    assert _listed(imagebuilder_client) == [newer, arn]
    wildcard = f"{base}/2019.12.x"
    picked = imagebuilder_client.get_image_recipe(imageRecipeArn=wildcard)["imageRecipe"]
    assert picked["arn"] == newer
    assert make_recipe(imagebuilder_client, version="2019.12.x") == f"{base}/2019.12.11"
    # The other spelling of the same number names the same recipe.
    same = imagebuilder_client.get_image_recipe(imageRecipeArn=f"{base}/2019.12.3")
    assert same["imageRecipe"]["arn"] == arn


def test_same_version_written_another_way_already_exists(imagebuilder_client: Any) -> None:
    arn = make_recipe(imagebuilder_client, version="1.0.03")
    with pytest.raises(ClientError) as excinfo:
        make_recipe(imagebuilder_client, version="1.0.3")
    assert error_of(excinfo) == (
        "ResourceAlreadyExistsException",
        f"The following resource 'ImageRecipe' already exists: '{arn}'.",
    )
    assert _listed(imagebuilder_client) == [arn]


def test_wildcard_versions_count_per_recipe_name(imagebuilder_client: Any) -> None:
    make_recipe(imagebuilder_client, name="one", version="1.0.5")
    assert make_recipe(imagebuilder_client, name="two", version="1.0.x").endswith("/two/1.0.0")


def test_repeated_client_token_creates_one_version(imagebuilder_client: Any) -> None:
    first = make_recipe(imagebuilder_client, version="1.0.x", clientToken="token-1")
    again = make_recipe(imagebuilder_client, version="1.0.x", clientToken="token-1")
    assert first == again
    listed = imagebuilder_client.list_image_recipes()["imageRecipeSummaryList"]
    assert [r["arn"] for r in listed] == [first]


@pytest.mark.parametrize("version", ["1.x.0", "x.0.x", "x.1.1"])
def test_wildcard_version_must_be_right_aligned(imagebuilder_client: Any, version: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        make_recipe(imagebuilder_client, version=version)
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        f"The value supplied for parameter 'semanticVersion' is not valid. The version "
        f"'{version}' is not valid: a wildcard (x) may only be followed by other wildcards.",
    )


@pytest.mark.parametrize("version", ["1.0.1073741824", "1073741824.x.x"])
def test_version_nodes_are_bounded(imagebuilder_client: Any, version: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        make_recipe(imagebuilder_client, version=version)
    assert error_of(excinfo) == (
        "InvalidVersionNumberException",
        f"The semantic version '{version}' is not valid. "
        "Each node must be between 0 and 1073741823.",
    )


def test_wildcard_version_with_no_free_version_left(imagebuilder_client: Any) -> None:
    make_recipe(imagebuilder_client, version="1.0.1073741823")
    with pytest.raises(ClientError) as excinfo:
        make_recipe(imagebuilder_client, version="1.0.x")
    assert error_of(excinfo) == (
        "InvalidVersionNumberException",
        "The semantic version '1.0.x' is not valid. No free version is left: "
        "each node must be between 0 and 1073741823.",
    )


def test_semantic_version_pattern_is_enforced(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        make_recipe(imagebuilder_client, version="1.0")
    code, message = error_of(excinfo)
    assert code == "InvalidParameterValueException"
    assert message.startswith("The value supplied for parameter 'semanticVersion' is not valid.")


@requires_member("CreateImageRecipe", "dryRun")
def test_dry_run_checks_everything_and_creates_nothing(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        make_recipe(imagebuilder_client, dryRun=True)
    assert error_of(excinfo) == (
        "DryRunOperationException",
        "Request would have succeeded, but the DryRun flag is set.",
    )
    assert imagebuilder_client.list_image_recipes()["imageRecipeSummaryList"] == []
    make_recipe(imagebuilder_client)
    with pytest.raises(ClientError) as excinfo:
        make_recipe(imagebuilder_client, dryRun=True)
    assert error_of(excinfo)[0] == "ResourceAlreadyExistsException"


# -- components --------------------------------------------------------------------------


def test_component_arns_are_stored_verbatim(imagebuilder_client: Any) -> None:
    build = make_component(imagebuilder_client, name="one")
    make_component(imagebuilder_client, name="two", version="1.2.0")
    make_component(imagebuilder_client, name="three")
    refs = [
        {"componentArn": build},
        {"componentArn": f"{PREFIX}:component/two/1.x.x"},
        {"componentArn": f"{PREFIX}:component/three/1.0.0"},
    ]
    arn = make_recipe(imagebuilder_client, components=refs)
    assert (
        imagebuilder_client.get_image_recipe(imageRecipeArn=arn)["imageRecipe"]["components"]
        == refs
    )


@pytest.mark.parametrize(
    "missing",
    [
        f"{PREFIX}:component/nothing/1.0.0/1",
        f"{PREFIX}:component/hello/2.x.x",
        f"{PREFIX}:component/hello/1.0.0/2",
        "arn:aws:imagebuilder:us-east-1:111122223333:component/hello/1.0.0/1",
    ],
)
def test_components_must_exist(imagebuilder_client: Any, missing: str) -> None:
    make_component(imagebuilder_client)
    with pytest.raises(ClientError) as excinfo:
        make_recipe(
            imagebuilder_client,
            components=[
                {"componentArn": f"{PREFIX}:component/hello/x.x.x"},
                {"componentArn": missing},
            ],
        )
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'components[1].componentArn' is not valid. "
        f"The component '{missing}' does not exist.",
    )


def test_component_wildcard_must_be_right_aligned(imagebuilder_client: Any) -> None:
    make_component(imagebuilder_client)
    with pytest.raises(ClientError) as excinfo:
        make_recipe(
            imagebuilder_client, components=[{"componentArn": f"{PREFIX}:component/hello/1.x.0"}]
        )
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'components[0].componentArn' is not valid. The "
        "version '1.x.0' is not valid: a wildcard (x) may only be followed by other wildcards.",
    )


def test_shared_component_can_be_used(imagebuilder_client: Any) -> None:
    other = other_client()
    shared = make_component(other, name="shared")
    with pytest.raises(ClientError) as excinfo:
        make_recipe(imagebuilder_client, components=[{"componentArn": shared}])
    assert error_of(excinfo)[1].endswith(f"The component '{shared}' does not exist.")
    other.put_component_policy(
        componentArn=shared,
        policy='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
        f'"Principal": {{"AWS": ["{ACCOUNT}"]}}, "Action": "imagebuilder:GetComponent"}}]}}',
    )
    arn = make_recipe(imagebuilder_client, components=[{"componentArn": shared}])
    assert arn.endswith("/recipe/1.0.0")


def test_component_can_be_included_only_once(imagebuilder_client: Any) -> None:
    first = make_component(imagebuilder_client)
    make_component(imagebuilder_client, version="1.1.0")
    with pytest.raises(ClientError) as excinfo:
        make_recipe(
            imagebuilder_client,
            components=[
                {"componentArn": first},
                {"componentArn": f"{PREFIX}:component/hello/1.x.x"},
            ],
        )
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'components[1].componentArn' is not valid. The "
        f"component '{PREFIX}:component/hello/1.x.x' is already included as components[0]. "
        "Each component can be specified only one time in a recipe.",
    )


def test_component_platform_must_match_the_parent_image(imagebuilder_client: Any) -> None:
    windows = make_component(imagebuilder_client, platform="Windows")
    with pytest.raises(ClientError) as excinfo:
        make_recipe(imagebuilder_client, components=[{"componentArn": windows}])
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'components[0].componentArn' is not valid. The "
        f"component '{windows}' is for the Windows platform, but the parent image is Linux.",
    )


def test_recipe_with_more_components_than_the_quota(imagebuilder_client: Any) -> None:
    refs = [
        {"componentArn": make_component(imagebuilder_client, name=f"c{i:02d}")} for i in range(21)
    ]
    with pytest.raises(ClientError) as excinfo:
        make_recipe(imagebuilder_client, components=refs)
    assert error_of(excinfo) == (
        "ServiceQuotaExceededException",
        "The value supplied for parameter 'components' is not valid. A recipe can contain at "
        "most 20 components; 21 were specified.",
    )
    assert make_recipe(imagebuilder_client, components=refs[:20]).endswith("/1.0.0")


PARAMETERS = (
    "  - Bucket:\n      type: string\n  - Prefix:\n      type: string\n      default: logs\n"
)


def test_component_parameters_round_trip(imagebuilder_client: Any) -> None:
    component = make_component(imagebuilder_client, parameters=PARAMETERS)
    refs = [
        {
            "componentArn": component,
            "parameters": [
                {"name": "Bucket", "value": ["my-bucket"]},
                {"name": "Prefix", "value": ["build/"]},
            ],
        }
    ]
    arn = make_recipe(imagebuilder_client, components=refs)
    assert (
        imagebuilder_client.get_image_recipe(imageRecipeArn=arn)["imageRecipe"]["components"]
        == refs
    )


def test_component_parameters_must_be_declared(imagebuilder_client: Any) -> None:
    component = make_component(imagebuilder_client, parameters=PARAMETERS)
    with pytest.raises(ClientError) as excinfo:
        make_recipe(
            imagebuilder_client,
            components=[
                {
                    "componentArn": component,
                    "parameters": [
                        {"name": "Bucket", "value": ["b"]},
                        {"name": "S3BucketName", "value": ["b"]},
                    ],
                }
            ],
        )
    assert error_of(excinfo) == (
        "InvalidParameterCombinationException",
        "The value supplied for parameter 'components[0].parameters' is not valid. The following "
        "parameters are not defined in the provided component: S3BucketName",
    )


def test_component_parameters_without_default_must_be_set(imagebuilder_client: Any) -> None:
    component = make_component(imagebuilder_client, parameters=PARAMETERS)
    with pytest.raises(ClientError) as excinfo:
        make_recipe(
            imagebuilder_client,
            components=[
                {"componentArn": component, "parameters": [{"name": "Prefix", "value": ["p"]}]}
            ],
        )
    assert error_of(excinfo) == (
        "InvalidParameterCombinationException",
        "The value supplied for parameter 'components[0].parameters' is not valid. The following "
        "parameters of the provided component have no default value and must be set: Bucket",
    )
    with pytest.raises(ClientError) as excinfo:
        make_recipe(imagebuilder_client, components=[{"componentArn": component}])
    assert error_of(excinfo)[1].endswith("must be set: Bucket")


def test_component_parameter_set_twice(imagebuilder_client: Any) -> None:
    component = make_component(imagebuilder_client, parameters=PARAMETERS)
    with pytest.raises(ClientError) as excinfo:
        make_recipe(
            imagebuilder_client,
            components=[
                {
                    "componentArn": component,
                    "parameters": [
                        {"name": "Bucket", "value": ["a"]},
                        {"name": "Bucket", "value": ["b"]},
                    ],
                }
            ],
        )
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'components[0].parameters' is not valid. The "
        "following parameters are set more than once: Bucket",
    )


# -- get -----------------------------------------------------------------------------------


def test_get_by_wildcard_picks_the_highest_matching_version(imagebuilder_client: Any) -> None:
    for version in ("1.6.8", "1.7.8", "2.2.4", "2019.12.9", "2019.12.10"):
        make_recipe(imagebuilder_client, version=version)
    expected = {
        "x.x.x": "2019.12.10",
        "1.x.x": "1.7.8",
        "1.6.x": "1.6.8",
        "2019.12.x": "2019.12.10",
        "2.2.4": "2.2.4",
    }
    for selector, version in expected.items():
        got = imagebuilder_client.get_image_recipe(
            imageRecipeArn=f"{PREFIX}:image-recipe/recipe/{selector}"
        )
        assert got["imageRecipe"]["arn"] == f"{PREFIX}:image-recipe/recipe/{version}"
        assert got["latestVersionReferences"]["latestPatchVersionArn"].endswith(version)


@pytest.mark.parametrize("selector", ["3.x.x", "1.0.0", "x.x.x"])
def test_get_unknown_recipe(imagebuilder_client: Any, selector: str) -> None:
    make_recipe(imagebuilder_client, name="other", version="1.0.1")
    arn = f"{PREFIX}:image-recipe/recipe/{selector}"
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.get_image_recipe(imageRecipeArn=arn)
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        f"The resource ARN '{arn}' does not exist.",
    )


def test_get_with_misplaced_wildcard(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.get_image_recipe(imageRecipeArn=f"{PREFIX}:image-recipe/recipe/x.2.x")
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'imageRecipeArn' is not valid. The version 'x.2.x' "
        "is not valid: a wildcard (x) may only be followed by other wildcards.",
    )


def test_get_with_a_malformed_arn(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.get_image_recipe(imageRecipeArn=f"{PREFIX}:component/recipe/1.0.0")
    code, message = error_of(excinfo)
    assert code == "InvalidParameterValueException"
    assert message.startswith("The value supplied for parameter 'imageRecipeArn' is not valid.")


def test_another_accounts_recipe_is_hidden_until_shared(imagebuilder_client: Any) -> None:
    other = other_client()
    arn = make_recipe(other, name="theirs")
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.get_image_recipe(imageRecipeArn=arn)
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        f"The resource ARN '{arn}' does not exist.",
    )
    other.put_image_recipe_policy(
        imageRecipeArn=arn,
        policy='{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "imagebuilder:*"}}',
    )
    got = imagebuilder_client.get_image_recipe(imageRecipeArn=arn)["imageRecipe"]
    assert (got["arn"], got["owner"]) == (arn, OTHER_ACCOUNT)


# -- list ------------------------------------------------------------------------------------


def _listed(client: Any, **params: Any) -> list[str]:
    return [r["arn"] for r in client.list_image_recipes(**params)["imageRecipeSummaryList"]]


def test_list_shows_summaries_of_own_recipes(imagebuilder_client: Any) -> None:
    arn = make_recipe(imagebuilder_client, parentImage=AL2, tags={"k": "v"}, description="d")
    make_recipe(other_client(), name="theirs")
    summaries = imagebuilder_client.list_image_recipes()["imageRecipeSummaryList"]
    assert summaries == [
        {
            "arn": arn,
            "name": "recipe",
            "platform": "Linux",
            "owner": ACCOUNT,
            "parentImage": AL2,
            "dateCreated": summaries[0]["dateCreated"],
            "tags": {"k": "v"},
        }
    ]
    assert _listed(imagebuilder_client, owner="Self") == [arn]
    assert _listed(imagebuilder_client, owner="Shared") == []
    assert _listed(imagebuilder_client, owner="ThirdParty") == []


def test_list_orders_by_name_then_newest_version(imagebuilder_client: Any) -> None:
    for name, version in [("b", "1.0.0"), ("a", "1.0.0"), ("a", "1.10.0"), ("a", "1.9.0")]:
        make_recipe(imagebuilder_client, name=f"{name}-recipe", version=version)
    assert [arn.split("image-recipe/")[1] for arn in _listed(imagebuilder_client)] == [
        "a-recipe/1.10.0",
        "a-recipe/1.9.0",
        "a-recipe/1.0.0",
        "b-recipe/1.0.0",
    ]


def test_list_filters(imagebuilder_client: Any) -> None:
    windows = (
        "arn:aws:imagebuilder:us-east-1:aws:image/windows-server-2022-english-full-base-x86/x.x.x"
    )
    linux = make_recipe(imagebuilder_client, name="linux", parentImage=AL2)
    win = make_recipe(imagebuilder_client, name="Windows Base", parentImage=windows)
    ami = make_recipe(imagebuilder_client, name="ami")

    def names(*filters: tuple[str, list[str]]) -> list[str]:
        return _listed(imagebuilder_client, filters=[{"name": n, "values": v} for n, v in filters])

    assert names(("platform", ["Windows"])) == [win]
    assert names(("platform", ["Linux"])) == [ami, linux]
    assert names(("name", ["Windows Base", "linux"])) == [linux, win]
    assert names(("name", ["windows-base"])) == []
    assert names(("parentImage", [AL2])) == [linux]
    assert names(("parentImage", [AL2]), ("platform", ["Windows"])) == []


def test_list_with_unknown_filter(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.list_image_recipes(filters=[{"name": "version", "values": ["1.0.0"]}])
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'filters[0].name' is not valid. Unknown filter name "
        "'version'. Valid filter names: name, parentImage, platform.",
    )


def test_list_pages(imagebuilder_client: Any) -> None:
    created = [make_recipe(imagebuilder_client, version=f"1.0.{i}") for i in range(5)]
    page = imagebuilder_client.list_image_recipes(maxResults=2)
    seen = [r["arn"] for r in page["imageRecipeSummaryList"]]
    # Five recipes two at a time take three pages: more means the tokens loop.
    for _ in range(10):
        if "nextToken" not in page:
            break
        page = imagebuilder_client.list_image_recipes(maxResults=2, nextToken=page["nextToken"])
        seen += [r["arn"] for r in page["imageRecipeSummaryList"]]
    else:
        pytest.fail("list_image_recipes still returns a nextToken after 10 pages")
    assert seen == created[::-1]
    paginator = imagebuilder_client.get_paginator("list_image_recipes")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 3}))
    assert [len(p["imageRecipeSummaryList"]) for p in pages] == [3, 2]


def test_list_with_a_bad_token(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.list_image_recipes(nextToken="not-a-token")
    assert error_of(excinfo) == (
        "InvalidPaginationTokenException",
        "The pagination token 'not-a-token' is not valid for ListImageRecipes.",
    )


# -- delete ----------------------------------------------------------------------------------


def test_delete_removes_one_version(imagebuilder_client: Any) -> None:
    old = make_recipe(imagebuilder_client, version="1.0.0")
    new = make_recipe(imagebuilder_client, version="1.0.1")
    out = imagebuilder_client.delete_image_recipe(imageRecipeArn=old)
    assert out["imageRecipeArn"] == old
    assert _listed(imagebuilder_client) == [new]
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.get_image_recipe(imageRecipeArn=old)
    assert error_of(excinfo)[0] == "ResourceNotFoundException"
    # The version is free again.
    assert make_recipe(imagebuilder_client, version="1.0.0") == old


def test_delete_unknown_recipe(imagebuilder_client: Any) -> None:
    arn = f"{PREFIX}:image-recipe/recipe/1.0.0"
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.delete_image_recipe(imageRecipeArn=arn)
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        f"The resource ARN '{arn}' does not exist.",
    )


def test_delete_refuses_wildcards(imagebuilder_client: Any) -> None:
    make_recipe(imagebuilder_client)
    arn = f"{PREFIX}:image-recipe/recipe/1.0.x"
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.delete_image_recipe(imageRecipeArn=arn)
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        f"The value supplied for parameter 'imageRecipeArn' is not valid. '{arn}' contains a "
        "version wildcard. Delete a recipe by its version ARN (major.minor.patch).",
    )
    assert len(_listed(imagebuilder_client)) == 1


def test_delete_another_accounts_recipe_is_not_found(imagebuilder_client: Any) -> None:
    arn = make_recipe(other_client(), name="theirs")
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.delete_image_recipe(imageRecipeArn=arn)
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


# -- AWS-managed components ------------------------------------------------------------

AWS_COMPONENT = "arn:aws:imagebuilder:us-east-1:aws:component"


def test_aws_managed_components_are_accepted(imagebuilder_client: Any) -> None:
    refs = [
        {"componentArn": f"{AWS_COMPONENT}/update-linux/x.x.x"},
        {"componentArn": f"{AWS_COMPONENT}/aws-cli-version-2-linux/1.0.0/1"},
    ]
    arn = make_recipe(imagebuilder_client, parentImage=AL2, components=refs)
    assert (
        imagebuilder_client.get_image_recipe(imageRecipeArn=arn)["imageRecipe"]["components"]
        == refs
    )


def test_aws_component_outside_the_catalog_is_accepted_with_any_parameters(
    imagebuilder_client: Any,
) -> None:
    ref = {
        "componentArn": f"{AWS_COMPONENT}/install-something-linux/2.x.x",
        "parameters": [{"name": "Version", "value": ["3"]}],
    }
    arn = make_recipe(imagebuilder_client, components=[ref])
    assert imagebuilder_client.get_image_recipe(imageRecipeArn=arn)["imageRecipe"][
        "components"
    ] == [ref]


def test_aws_windows_component_on_a_linux_parent(imagebuilder_client: Any) -> None:
    ref = f"{AWS_COMPONENT}/update-windows/x.x.x"
    with pytest.raises(ClientError) as excinfo:
        make_recipe(imagebuilder_client, parentImage=AL2, components=[{"componentArn": ref}])
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'components[0].componentArn' is not valid. The "
        f"component '{ref}' is for the Windows platform, but the parent image is Linux.",
    )


def test_component_supported_os_versions_must_include_the_parents(
    imagebuilder_client: Any,
) -> None:
    ubuntu = imagebuilder_client.create_component(
        name="ubuntu-only",
        semanticVersion="1.0.0",
        platform="Linux",
        supportedOsVersions=["Ubuntu 22"],
        data=document(),
    )["componentBuildVersionArn"]
    amazon = imagebuilder_client.create_component(
        name="amazon-only",
        semanticVersion="1.0.0",
        platform="Linux",
        supportedOsVersions=["Amazon Linux"],
        data=document(),
    )["componentBuildVersionArn"]
    # "Amazon Linux" is a prefix of the parent's "Amazon Linux 2".
    assert make_recipe(imagebuilder_client, parentImage=AL2, components=[{"componentArn": amazon}])
    with pytest.raises(ClientError) as excinfo:
        make_recipe(
            imagebuilder_client,
            version="2.0.0",
            parentImage=AL2,
            components=[{"componentArn": ubuntu}],
        )
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'components[0].componentArn' is not valid. The "
        f"component '{ubuntu}' supports Ubuntu 22, which does not include the parent image's "
        "OS version 'Amazon Linux 2'.",
    )
    # Without a known OS version (an AMI id) there is nothing to compare.
    assert make_recipe(imagebuilder_client, version="3.0.0", components=[{"componentArn": ubuntu}])


def test_deprecated_components_cannot_be_added(
    imagebuilder_client: Any, imagebuilder_mock: Any
) -> None:
    # AWS deprecates its own components; the catalog hook publishes one as AWS would.
    imagebuilder_mock.add_managed_component("old-agent-linux", "1.0.0", status="DEPRECATED")
    ref = f"{AWS_COMPONENT}/old-agent-linux/1.0.0/1"
    with pytest.raises(ClientError) as excinfo:
        make_recipe(imagebuilder_client, components=[{"componentArn": ref}])
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'components[0].componentArn' is not valid. The "
        f"component '{ref}' is DEPRECATED and can't be added to new recipes.",
    )


# -- pipelines depend on recipes ------------------------------------------------------------


@pytest.mark.parametrize("reference", ["1.0.0", "x.x.x"])
def test_recipe_used_by_a_pipeline_cannot_be_deleted(
    imagebuilder_client: Any, reference: str
) -> None:
    arn = make_recipe(imagebuilder_client)
    infrastructure = imagebuilder_client.create_infrastructure_configuration(
        name="infra", instanceProfileName="profile"
    )["infrastructureConfigurationArn"]
    pipeline = imagebuilder_client.create_image_pipeline(
        name="nightly",
        imageRecipeArn=f"{PREFIX}:image-recipe/recipe/{reference}",
        infrastructureConfigurationArn=infrastructure,
    )["imagePipelineArn"]
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.delete_image_recipe(imageRecipeArn=arn)
    assert error_of(excinfo) == (
        "ResourceDependencyException",
        f"Resource dependency error: The resource ARN '{arn}' has other resources depended on it.",
    )
    imagebuilder_client.delete_image_pipeline(imagePipelineArn=pipeline)
    imagebuilder_client.delete_image_recipe(imageRecipeArn=arn)
    assert _listed(imagebuilder_client) == []
