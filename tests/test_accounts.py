"""Accounts, regions and partitions: what one caller may read of another's resources.

Account A is the mock's default account; B and C are clients whose 12-digit
access key ids make them act as those accounts.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from builders import build, component, image_recipe, infrastructure, status
from errors import error_of

A = "123456789012"
B = "222222222222"
C = "333333333333"
REGION = "us-east-1"


def client(account: str | None = None, region: str = REGION) -> Any:
    if account is None:
        return boto3.client("imagebuilder", region_name=region)
    return boto3.client(
        "imagebuilder", region_name=region, aws_access_key_id=account, aws_secret_access_key="x"
    )


def not_found(arn: str) -> tuple[str, str]:
    return ("ResourceNotFoundException", f"The resource ARN '{arn}' does not exist.")


def invalid(parameter: str, rule: str) -> tuple[str, str]:
    return (
        "InvalidParameterValueException",
        f"The value supplied for parameter '{parameter}' is not valid. {rule}",
    )


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(principal: Any, action: Any = "imagebuilder:Get*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": principal, "Action": action, **extra}


def deny(principal: Any, action: Any = "imagebuilder:*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Principal": principal, "Action": action, **extra}


def root(account: str) -> str:
    return f"arn:aws:iam::{account}:root"


def get_component(caller: Any, arn: str) -> dict[str, Any]:
    result: dict[str, Any] = caller.get_component(componentBuildVersionArn=arn)["component"]
    return result


def shared_components(caller: Any) -> list[str]:
    listed = caller.list_components(owner="Shared")["componentVersionList"]
    return [c["arn"] for c in listed]


def version_of(build_arn: str) -> str:
    return build_arn.rsplit("/", 1)[0]


# -- 1. another account's resources, unshared and shared -------------------------------


def test_unshared_image_is_not_found_by_another_account(imagebuilder_mock: Any) -> None:
    owner = client()
    image = build(owner, image_recipe(owner), infrastructure(owner))
    with pytest.raises(ClientError) as excinfo:
        client(B).get_image(imageBuildVersionArn=image)
    assert error_of(excinfo) == not_found(image)
    # Its version and wildcard ARNs find nothing for B either.
    with pytest.raises(ClientError) as excinfo:
        client(B).get_image(imageBuildVersionArn=version_of(image))
    assert error_of(excinfo) == not_found(version_of(image))


def test_polling_a_shared_image_does_not_advance_it(imagebuilder_mock: Any) -> None:
    owner, reader = client(), client(B)
    image = build(owner, image_recipe(owner), infrastructure(owner))
    owner.put_image_policy(imageArn=image, policy=policy(allow({"AWS": B})))
    # Each of the owner's reads moves the build one status (observe mode) ...
    first = status(owner, image)
    # ... the reader sees the build as it is, and its reads move nothing.
    seen = [status(reader, image) for _ in range(3)]
    for _ in range(3):
        page = reader.list_image_build_versions(imageVersionArn=version_of(image))
        seen.extend(i["state"]["status"] for i in page["imageSummaryList"])
    assert seen == [seen[0]] * 6
    assert seen[0] != first
    assert status(owner, image) == seen[0]
    assert status(reader, image) != seen[0]


@pytest.mark.imagebuilder(progression="wall-clock")
def test_a_shared_image_read_in_wall_clock_mode_shows_the_owners_time(
    imagebuilder_mock: Any,
) -> None:
    owner, reader = client(), client(B)
    image = build(owner, image_recipe(owner), infrastructure(owner))
    owner.put_image_policy(imageArn=image, policy=policy(allow({"AWS": B})))
    imagebuilder_mock.tick(24 * 3600)
    # The reader sees where time has taken the build; the outputs are the owner's.
    shown = reader.get_image(imageBuildVersionArn=image)["image"]
    assert shown["state"]["status"] == "AVAILABLE"
    assert {ami["accountId"] for ami in shown["outputResources"]["amis"]} == {A}
    assert owner.get_image(imageBuildVersionArn=image)["image"] == shown


@pytest.mark.imagebuilder(progression="immediate")
def test_packages_of_a_shared_image(imagebuilder_mock: Any) -> None:
    owner, reader = client(), client(B)
    image = owner.import_vm_image(
        name="golden", semanticVersion="1.0.0", platform="Linux", vmImportTaskId="import-ami-1"
    )["imageArn"]
    with pytest.raises(ClientError) as excinfo:
        reader.list_image_packages(imageBuildVersionArn=image)
    assert error_of(excinfo) == not_found(image)
    owner.put_image_policy(imageArn=image, policy=policy(allow({"AWS": B})))
    packages = reader.list_image_packages(imageBuildVersionArn=image)["imagePackageList"]
    assert packages
    assert packages == owner.list_image_packages(imageBuildVersionArn=image)["imagePackageList"]


def test_list_image_build_versions_shows_only_what_is_shared(imagebuilder_mock: Any) -> None:
    owner, reader = client(), client(B)
    recipe, infra = image_recipe(owner), infrastructure(owner)
    first = build(owner, recipe, infra)
    second = build(owner, recipe, infra)

    def listed() -> list[str]:
        page = reader.list_image_build_versions(imageVersionArn=version_of(first))
        return [i["arn"] for i in page["imageSummaryList"]]

    assert listed() == []
    owner.put_image_policy(imageArn=second, policy=policy(allow({"AWS": B})))
    assert listed() == [second]


def test_a_shared_image_cannot_be_distributed_by_the_reader(imagebuilder_mock: Any) -> None:
    owner, reader = client(), client(B)
    image = owner.import_vm_image(
        name="golden", semanticVersion="1.0.0", platform="Linux", vmImportTaskId="import-ami-1"
    )["imageArn"]
    owner.put_image_policy(imageArn=image, policy=policy(allow("*", "imagebuilder:*")))
    assert reader.get_image(imageBuildVersionArn=image)["image"]["arn"] == image
    distribution = reader.create_distribution_configuration(
        name="dist", distributions=[{"region": REGION}]
    )["distributionConfigurationArn"]
    with pytest.raises(ClientError) as excinfo:
        reader.distribute_image(
            sourceImage=image,
            distributionConfigurationArn=distribution,
            executionRole="arn:aws:iam::222222222222:role/distribute",
        )
    assert error_of(excinfo) == not_found(image)
    assert reader.list_images()["imageVersionList"] == []


def test_create_image_refuses_another_accounts_workflow(imagebuilder_mock: Any) -> None:
    owner, caller = client(), client(B)
    workflow = owner.create_workflow(
        name="theirs",
        semanticVersion="1.0.0",
        type="BUILD",
        uri="s3://bucket/workflow.yaml",
    )["workflowBuildVersionArn"]
    recipe, infra = image_recipe(caller), infrastructure(caller)
    rule = f"The workflow '{workflow}' does not exist."
    with pytest.raises(ClientError) as excinfo:
        build(caller, recipe, infra, workflows=[{"workflowArn": workflow}])
    assert error_of(excinfo) == invalid("workflows[0].workflowArn", rule)
    # CreateImagePipeline gives the same answer for the same workflow.
    with pytest.raises(ClientError) as excinfo:
        caller.create_image_pipeline(
            name="pipe",
            imageRecipeArn=recipe,
            infrastructureConfigurationArn=infra,
            workflows=[{"workflowArn": workflow}],
        )
    assert error_of(excinfo) == invalid("workflows[0].workflowArn", rule)
    assert caller.list_images()["imageVersionList"] == []


def test_create_image_refuses_another_accounts_unshared_recipe(imagebuilder_mock: Any) -> None:
    owner, caller = client(), client(B)
    recipe = image_recipe(owner)
    with pytest.raises(ClientError) as excinfo:
        build(caller, recipe, infrastructure(caller))
    assert error_of(excinfo) == invalid("imageRecipeArn", f"The recipe '{recipe}' does not exist.")
    owner.put_image_recipe_policy(
        imageRecipeArn=recipe, policy=policy(allow({"AWS": root(B)}, "imagebuilder:GetImageRecipe"))
    )
    image = build(caller, recipe, infrastructure(caller, name="second"))
    assert image.startswith(f"arn:aws:imagebuilder:{REGION}:{B}:image/web/1.0.0/")


def test_the_reader_cannot_change_a_shared_resource(imagebuilder_mock: Any) -> None:
    owner, reader = client(), client(B)
    arn = component(owner)
    owner.put_component_policy(componentArn=arn, policy=policy(allow("*", "imagebuilder:*")))
    with pytest.raises(ClientError) as excinfo:
        reader.delete_component(componentBuildVersionArn=arn)
    assert error_of(excinfo) == not_found(arn)
    with pytest.raises(ClientError) as excinfo:
        reader.put_component_policy(componentArn=arn, policy=policy(allow("*")))
    assert error_of(excinfo) == not_found(arn)
    with pytest.raises(ClientError) as excinfo:
        reader.get_component_policy(componentArn=arn)
    assert error_of(excinfo) == not_found(arn)


# -- 2. policies are evaluated as IAM evaluates them -----------------------------------


def _shared_component(statements: list[dict[str, Any]]) -> str:
    owner = client()
    arn = component(owner)
    owner.put_component_policy(componentArn=arn, policy=policy(*statements))
    return arn


def _readers(arn: str) -> dict[str, bool]:
    """Which of B and C can read the component, by Get and in their Shared lists."""
    seen = {}
    for account in (B, C):
        caller = client(account)
        try:
            get_component(caller, arn)
            readable = True
        except ClientError as error:
            err = error.response["Error"]
            assert (err["Code"], err["Message"]) == not_found(arn)
            readable = False
        assert (version_of(arn) in shared_components(caller)) == readable
        seen[account] = readable
    return seen


@pytest.mark.parametrize(
    ("statements", "readers"),
    [
        # An explicit Deny wins over an Allow for everyone.
        ([allow("*", "imagebuilder:*"), deny({"AWS": B})], {B: False, C: True}),
        (
            [allow({"AWS": "*"}), deny({"AWS": root(B)}, "imagebuilder:GetComponent")],
            {B: False, C: True},
        ),
        # The action must be one that reads the component.
        ([allow({"AWS": B}, "s3:GetObject")], {B: False, C: False}),
        ([allow({"AWS": B}, "imagebuilder:ListComponents")], {B: False, C: False}),
        ([allow({"AWS": B}, ["imagebuilder:GetComponent"])], {B: True, C: False}),
        ([allow({"AWS": B}, "imagebuilder:get?omponent")], {B: True, C: False}),
        ([allow({"AWS": [B, C]}, "*")], {B: True, C: True}),
        # NotAction: every action but those named.
        (
            [{"Effect": "Allow", "Principal": "*", "NotAction": "imagebuilder:Get*"}],
            {B: False, C: False},
        ),
        ([{"Effect": "Allow", "Principal": "*", "NotAction": "s3:*"}], {B: True, C: True}),
        # Resource and NotResource are matched against the component's build ARN.
        (
            [allow("*", Resource="arn:aws:imagebuilder:us-east-1:123456789012:component/other/*")],
            {B: False, C: False},
        ),
        (
            [
                allow(
                    "*", Resource=["arn:aws:imagebuilder:us-east-1:123456789012:component/nginx/*"]
                )
            ],
            {B: True, C: True},
        ),
        (
            [allow("*", Resource="arn:aws:imagebuilder:*:*:component/nginx/1.0.?/1")],
            {B: True, C: True},
        ),
        (
            [allow("*", NotResource="arn:aws:imagebuilder:*:*:component/nginx/*")],
            {B: False, C: False},
        ),
        # A Deny of another action, or for another account, takes nothing away.
        (
            [allow({"AWS": B}), deny({"AWS": B}, "imagebuilder:DeleteComponent")],
            {B: True, C: False},
        ),
        ([allow({"AWS": [B, C]}), deny({"AWS": C})], {B: True, C: False}),
        # A root ARN names its account in the caller's partition only.
        ([allow({"AWS": "arn:aws-cn:iam::222222222222:root"})], {B: False, C: False}),
    ],
)
def test_policy_evaluation(
    imagebuilder_mock: Any, statements: list[dict[str, Any]], readers: dict[str, bool]
) -> None:
    assert _readers(_shared_component(statements)) == readers


_ACCOUNTS_RULE = (
    'an account id, an account root ARN (arn:aws:iam::<account>:root) or "*", '
    "or a non-empty list of them"
)


@pytest.mark.parametrize(
    ("statement", "rule"),
    [
        # Principals the mock cannot tell apart from an account are refused, not matched loosely.
        (
            allow({"AWS": "x:222222222222:y"}),
            f"Statement[0].Principal.AWS must be {_ACCOUNTS_RULE}; got 'x:222222222222:y'.",
        ),
        (
            allow({"AWS": "arn:aws:iam::222222222222:role/r"}),
            f"Statement[0].Principal.AWS must be {_ACCOUNTS_RULE}; "
            "got 'arn:aws:iam::222222222222:role/r'.",
        ),
        (
            allow({"AWS": 222222222222}),
            f"Statement[0].Principal.AWS must be {_ACCOUNTS_RULE}; got 222222222222.",
        ),
        (
            allow({"AWS": [222222222222]}),
            f"Statement[0].Principal.AWS must be {_ACCOUNTS_RULE}; got [222222222222].",
        ),
        (allow({"AWS": None}), f"Statement[0].Principal.AWS must be {_ACCOUNTS_RULE}; got null."),
        (allow({"AWS": True}), f"Statement[0].Principal.AWS must be {_ACCOUNTS_RULE}; got true."),
        (allow({"AWS": []}), f"Statement[0].Principal.AWS must be {_ACCOUNTS_RULE}; got []."),
        (allow(None), 'Statement[0].Principal must be "*" or an object such as {"AWS": ...}.'),
        (allow(True), 'Statement[0].Principal must be "*" or an object such as {"AWS": ...}.'),
        (
            allow([222222222222]),
            'Statement[0].Principal must be "*" or an object such as {"AWS": ...}.',
        ),
        (
            allow({"Service": "imagebuilder.amazonaws.com"}),
            "Statement[0].Principal names Service; imagebuilder-mock evaluates only AWS "
            "account principals.",
        ),
        # Elements the mock does not evaluate are refused, never ignored.
        (
            allow("*", Condition={"StringEquals": {"aws:PrincipalOrgID": "o-1"}}),
            "Statement[0] has a Condition element, which imagebuilder-mock does not "
            "evaluate; remove it.",
        ),
        (
            {"Effect": "Deny", "NotPrincipal": {"AWS": B}, "Action": "*"},
            "Statement[0] has a NotPrincipal element, which imagebuilder-mock does not "
            "evaluate; remove it.",
        ),
        (
            {**allow("*"), "NotAction": "s3:*"},
            "Statement[0] must not have both Action and NotAction.",
        ),
        (
            allow("*", Resource="*", NotResource="*"),
            "Statement[0] must not have both Resource and NotResource.",
        ),
        (
            allow("*", Resource=[]),
            "Statement[0].Resource must be a string or a non-empty list of strings.",
        ),
        (
            allow("*", Resource="component/nginx"),
            "Statement[0] has an invalid resource 'component/nginx'; use \"*\" or an ARN.",
        ),
        ({**allow("*"), "Sid": 1}, "Statement[0].Sid must be a string."),
    ],
)
def test_policies_the_mock_cannot_evaluate_are_refused(
    imagebuilder_mock: Any, statement: dict[str, Any], rule: str
) -> None:
    owner = client()
    arn = component(owner)
    with pytest.raises(ClientError) as excinfo:
        owner.put_component_policy(componentArn=arn, policy=policy(statement))
    assert error_of(excinfo) == invalid("policy", rule)
    # Nothing was stored, and the other account's reads still answer.
    with pytest.raises(ClientError) as excinfo:
        owner.get_component_policy(componentArn=arn)
    assert error_of(excinfo)[0] == "ResourceNotFoundException"
    assert shared_components(client(B)) == []
    with pytest.raises(ClientError) as excinfo:
        get_component(client(B), arn)
    assert error_of(excinfo) == not_found(arn)


def test_a_policy_nested_too_deep_is_refused(imagebuilder_mock: Any) -> None:
    owner = client()
    arn = component(owner)
    with pytest.raises(ClientError) as excinfo:
        owner.put_component_policy(componentArn=arn, policy="[" * 5000 + "]" * 5000)
    assert error_of(excinfo) == invalid("policy", "The policy is not valid JSON.")


# -- 4. partitions and regions ----------------------------------------------------------


@pytest.mark.parametrize("partition", ["aws-cn", "aws-us-gov", "awsmadeup"])
def test_an_arn_of_another_partition_names_nothing(imagebuilder_mock: Any, partition: str) -> None:
    owner = client()
    arn = component(owner)
    elsewhere = arn.replace("arn:aws:", f"arn:{partition}:", 1)
    with pytest.raises(ClientError) as excinfo:
        get_component(owner, elsewhere)
    assert error_of(excinfo) == not_found(elsewhere)
    with pytest.raises(ClientError) as excinfo:
        get_component(owner, version_of(elsewhere))
    assert error_of(excinfo) == not_found(version_of(elsewhere))
    with pytest.raises(ClientError) as excinfo:
        owner.put_component_policy(componentArn=elsewhere, policy=policy(allow("*")))
    assert error_of(excinfo) == not_found(elsewhere)


def test_a_china_region_speaks_its_own_partition(imagebuilder_mock: Any) -> None:
    china = client(region="cn-north-1")
    arn = component(china)
    assert arn.startswith("arn:aws-cn:imagebuilder:cn-north-1:123456789012:component/")
    assert get_component(china, arn)["arn"] == arn
    as_aws = arn.replace("arn:aws-cn:", "arn:aws:", 1)
    with pytest.raises(ClientError) as excinfo:
        get_component(china, as_aws)
    assert error_of(excinfo) == not_found(as_aws)


def test_resources_are_regional(imagebuilder_mock: Any) -> None:
    europe, america = client(region="eu-west-1"), client()
    arn = component(europe)
    for named in (arn, version_of(arn), version_of(version_of(arn)) + "/x.x.x"):
        with pytest.raises(ClientError) as excinfo:
            get_component(america, named)
        assert error_of(excinfo) == not_found(named)
    assert (
        america.list_component_build_versions(componentVersionArn=version_of(arn))[
            "componentSummaryList"
        ]
        == []
    )
    with pytest.raises(ClientError) as excinfo:
        america.create_image_recipe(
            name="web",
            semanticVersion="1.0.0",
            components=[{"componentArn": arn}],
            parentImage="ami-0123456789abcdef0",
        )
    assert error_of(excinfo) == invalid(
        "components[0].componentArn", f"The component '{arn}' does not exist."
    )
    # Sharing does not cross regions either.
    europe.put_component_policy(componentArn=arn, policy=policy(allow("*")))
    with pytest.raises(ClientError) as excinfo:
        get_component(client(B), arn)
    assert error_of(excinfo) == not_found(arn)
    assert get_component(client(B, region="eu-west-1"), arn)["arn"] == arn


def test_aws_managed_resources_of_another_region_are_not_read(imagebuilder_mock: Any) -> None:
    here = client()
    elsewhere = "arn:aws:imagebuilder:eu-west-1:aws:component/update-linux/x.x.x"
    with pytest.raises(ClientError) as excinfo:
        get_component(here, elsewhere)
    assert error_of(excinfo) == not_found(elsewhere)
    local = elsewhere.replace("eu-west-1", REGION)
    assert get_component(here, local)["owner"] == "Amazon"
    # An AWS image of another region or partition is no parent image here.
    for parent in (
        "arn:aws:imagebuilder:eu-west-1:aws:image/amazon-linux-2023-x86/x.x.x",
        f"arn:aws-cn:imagebuilder:{REGION}:aws:image/amazon-linux-2023-x86/x.x.x",
    ):
        with pytest.raises(ClientError) as excinfo:
            here.create_image_recipe(
                name="web",
                semanticVersion="1.0.0",
                components=[{"componentArn": local}],
                parentImage=parent,
            )
        assert error_of(excinfo) == invalid("parentImage", f"The image '{parent}' does not exist.")


# -- 5. page tokens belong to the listing that issued them ------------------------------


@pytest.fixture
def many(imagebuilder_mock: Any) -> None:
    """Three components, in us-east-1 and eu-west-1 for A, and in us-east-1 for B."""
    for caller in (client(), client(region="eu-west-1"), client(B)):
        for name in ("alpha", "bravo", "charlie"):
            component(caller, name=name)


def _token(caller: Any, **params: Any) -> str:
    token: str = caller.list_components(maxResults=1, **params)["nextToken"]
    return token


@pytest.mark.parametrize(
    ("issuer", "user"),
    [
        # Another region, another account, other filters, another owner.
        (({"region": "eu-west-1"}, {}), ({}, {})),
        (({"account": B}, {}), ({}, {})),
        (({}, {"filters": [{"name": "platform", "values": ["Linux"]}]}), ({}, {})),
        (({}, {}), ({}, {"filters": [{"name": "platform", "values": ["Linux"]}]})),
        (({}, {"byName": True}), ({}, {})),
        (({}, {}), ({}, {"owner": "Amazon"})),
    ],
)
def test_a_token_works_only_where_it_was_issued(
    many: None,
    issuer: tuple[dict[str, Any], dict[str, Any]],
    user: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    token = _token(client(**issuer[0]), **issuer[1])
    caller = client(**user[0])
    with pytest.raises(ClientError) as excinfo:
        caller.list_components(nextToken=token, **user[1])
    assert error_of(excinfo) == (
        "InvalidPaginationTokenException",
        f"The pagination token '{token}' is not valid for ListComponents.",
    )


def test_a_token_pages_on_with_another_page_size(many: None) -> None:
    caller = client()
    filters = [{"name": "platform", "values": ["Linux"]}]
    first = caller.list_components(maxResults=1, filters=filters)
    rest = caller.list_components(maxResults=2, filters=filters, nextToken=first["nextToken"])
    names = [c["name"] for c in first["componentVersionList"] + rest["componentVersionList"]]
    assert names == ["alpha", "bravo", "charlie"]


def test_a_build_list_token_is_bound_to_its_version_arn(imagebuilder_mock: Any) -> None:
    caller = client()
    for name in ("alpha", "bravo"):
        caller.create_component(name=name, semanticVersion="1.0.0", platform="Linux", data=_DOC)
        caller.create_component(
            name=name,
            semanticVersion="1.0.0",
            platform="Linux",
            data=_DOC,
            changeDescription="second",
        )
    prefix = f"arn:aws:imagebuilder:{REGION}:{A}:component"
    token = caller.list_component_build_versions(
        componentVersionArn=f"{prefix}/alpha/1.0.0", maxResults=1
    )["nextToken"]
    with pytest.raises(ClientError) as excinfo:
        caller.list_component_build_versions(
            componentVersionArn=f"{prefix}/bravo/1.0.0", nextToken=token
        )
    assert error_of(excinfo)[0] == "InvalidPaginationTokenException"
    rest = caller.list_component_build_versions(
        componentVersionArn=f"{prefix}/alpha/1.0.0", nextToken=token
    )["componentSummaryList"]
    assert [c["arn"] for c in rest] == [f"{prefix}/alpha/1.0.0/1"]


_DOC = (
    "schemaVersion: 1.0\nphases:\n  - name: build\n    steps:\n      - name: Say\n"
    "        action: ExecuteBash\n        inputs:\n          commands:\n            - echo hi\n"
)


# -- 9. numbers too long for any resource -----------------------------------------------

_HUGE = "9" * 5000
_PREFIX = f"arn:aws:imagebuilder:{REGION}:{A}"


@pytest.mark.parametrize(
    "arn",
    [
        f"{_PREFIX}:component/nginx/1.0.0/{_HUGE}",
        f"{_PREFIX}:component/nginx/1.0.{_HUGE}/1",
        f"{_PREFIX}:component/nginx/1.0.{_HUGE}",
        f"arn:aws:imagebuilder:{REGION}:aws:component/update-linux/1.0.0/{_HUGE}",
    ],
)
def test_a_huge_number_in_a_component_arn_names_nothing(imagebuilder_mock: Any, arn: str) -> None:
    caller = client()
    component(caller)
    with pytest.raises(ClientError) as excinfo:
        get_component(caller, arn)
    assert error_of(excinfo) == not_found(arn)


def test_a_huge_build_number_in_image_arns(imagebuilder_mock: Any) -> None:
    caller = client()
    arn = f"{_PREFIX}:image/web/1.0.0/{_HUGE}"
    for call in (
        lambda: caller.get_image(imageBuildVersionArn=arn),
        lambda: caller.get_image_policy(imageArn=arn),
        lambda: caller.list_image_packages(imageBuildVersionArn=arn),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_of(excinfo) == not_found(arn)
    with pytest.raises(ClientError) as excinfo:
        caller.delete_image(imageBuildVersionArn=arn)
    assert error_of(excinfo) == invalid(
        "imageBuildVersionArn", "'imageBuildVersionArn' must be an image build version ARN."
    )
