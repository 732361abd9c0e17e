"""Resource policies of components, images, image recipes and container recipes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from errors import error_of

ACCOUNT = "123456789012"
GRANTEE = "111122223333"
PREFIX = f"arn:aws:imagebuilder:us-east-1:{ACCOUNT}"
COMPONENT_DATA = (
    "name: doc\nschemaVersion: 1.0\nphases:\n  - name: build\n    steps:\n      - name: Say\n"
    "        action: ExecuteBash\n        inputs:\n          commands:\n            - echo hi\n"
)


def grant(account: str = GRANTEE, action: str = "imagebuilder:Get*") -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "Share",
                    "Effect": "Allow",
                    "Principal": {"AWS": [f"arn:aws:iam::{account}:root"]},
                    "Action": [action, "imagebuilder:List*"],
                    "Resource": "*",
                }
            ],
        }
    )


def grantee_client() -> Any:
    return boto3.client(
        "imagebuilder",
        region_name="us-east-1",
        aws_access_key_id=GRANTEE,
        aws_secret_access_key="secret",
    )


# One entry per policy family: how to make a resource, the ARN member, the client methods.
Maker = Callable[[Any], str]


def _component(client: Any) -> str:
    return str(
        client.create_component(
            name="shared", semanticVersion="1.0.0", platform="Linux", data=COMPONENT_DATA
        )["componentBuildVersionArn"]
    )


def _image(client: Any) -> str:
    return str(
        client.import_vm_image(
            name="shared",
            semanticVersion="1.0.0",
            platform="Linux",
            vmImportTaskId="import-ami-0123456789abcdef0",
        )["imageArn"]
    )


def _image_recipe(client: Any) -> str:
    return str(
        client.create_image_recipe(
            name="shared", semanticVersion="1.0.0", parentImage="ami-0123456789abcdef0"
        )["imageRecipeArn"]
    )


def _container_recipe(client: Any) -> str:
    return str(
        client.create_container_recipe(
            containerType="DOCKER",
            name="shared",
            semanticVersion="1.0.0",
            parentImage="amazonlinux:latest",
            dockerfileTemplateData="FROM {{{ imagebuilder:parentImage }}}\n",
            targetRepository={"service": "ECR", "repositoryName": "repo"},
        )["containerRecipeArn"]
    )


FAMILIES = {
    "component": (_component, "componentArn", "component_policy", "list_components"),
    "image": (_image, "imageArn", "image_policy", "list_images"),
    "image_recipe": (_image_recipe, "imageRecipeArn", "image_recipe_policy", "list_image_recipes"),
    "container_recipe": (
        _container_recipe,
        "containerRecipeArn",
        "container_recipe_policy",
        "list_container_recipes",
    ),
}
UNKNOWN = {
    "component": f"{PREFIX}:component/nothing/1.0.0/1",
    "image": f"{PREFIX}:image/nothing/1.0.0/1",
    "image_recipe": f"{PREFIX}:image-recipe/nothing/1.0.0",
    "container_recipe": f"{PREFIX}:container-recipe/nothing/1.0.0",
}


@pytest.fixture(params=sorted(FAMILIES))
def family(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def put(client: Any, family: str, arn: str, policy: str) -> dict[str, Any]:
    _, member, suffix, _ = FAMILIES[family]
    result: dict[str, Any] = getattr(client, f"put_{suffix}")(**{member: arn, "policy": policy})
    return result


def get(client: Any, family: str, arn: str) -> str:
    _, member, suffix, _ = FAMILIES[family]
    return str(getattr(client, f"get_{suffix}")(**{member: arn})["policy"])


def test_put_then_get(imagebuilder_client: Any, family: str) -> None:
    arn = FAMILIES[family][0](imagebuilder_client)
    out = put(imagebuilder_client, family, arn, grant())
    assert out[FAMILIES[family][1]] == arn
    assert out["requestId"]
    assert get(imagebuilder_client, family, arn) == grant()
    # A second Put replaces the policy.
    put(imagebuilder_client, family, arn, grant(account="444455556666"))
    assert get(imagebuilder_client, family, arn) == grant(account="444455556666")


def test_get_without_a_policy(imagebuilder_client: Any, family: str) -> None:
    arn = FAMILIES[family][0](imagebuilder_client)
    with pytest.raises(ClientError) as excinfo:
        get(imagebuilder_client, family, arn)
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        f"The resource ARN '{arn}' does not have a resource policy.",
    )


def test_unknown_resource(imagebuilder_client: Any, family: str) -> None:
    arn = UNKNOWN[family]
    for call in (
        lambda: put(imagebuilder_client, family, arn, grant()),
        lambda: get(imagebuilder_client, family, arn),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_of(excinfo) == (
            "ResourceNotFoundException",
            f"The resource ARN '{arn}' does not exist.",
        )


def test_sharing_shows_the_resource_to_the_grantee(imagebuilder_client: Any, family: str) -> None:
    make, _, _, list_method = FAMILIES[family]
    arn = make(imagebuilder_client)
    other = grantee_client()

    def shared() -> list[dict[str, Any]]:
        page: dict[str, Any] = getattr(other, list_method)(owner="Shared")
        return next(v for k, v in page.items() if k.endswith("List"))

    assert shared() == []
    put(imagebuilder_client, family, arn, grant())
    listed = shared()
    assert len(listed) == 1
    assert listed[0]["owner"] == ACCOUNT
    assert listed[0]["name"] == "shared"
    # Shared resources are not the grantee's own.
    own: dict[str, Any] = getattr(other, list_method)()
    assert next(v for k, v in own.items() if k.endswith("List")) == []


def test_a_deny_only_policy_shares_nothing(imagebuilder_client: Any) -> None:
    arn = _image_recipe(imagebuilder_client)
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": {"Effect": "Deny", "Principal": "*", "Action": "imagebuilder:*"},
        }
    )
    imagebuilder_client.put_image_recipe_policy(imageRecipeArn=arn, policy=policy)
    listed = grantee_client().list_image_recipes(owner="Shared")["imageRecipeSummaryList"]
    assert listed == []


def test_shared_image_recipe_can_be_read_by_the_grantee(imagebuilder_client: Any) -> None:
    arn = _image_recipe(imagebuilder_client)
    other = grantee_client()
    with pytest.raises(ClientError) as excinfo:
        other.get_image_recipe(imageRecipeArn=arn)
    assert error_of(excinfo)[0] == "ResourceNotFoundException"
    imagebuilder_client.put_image_recipe_policy(imageRecipeArn=arn, policy=grant())
    assert other.get_image_recipe(imageRecipeArn=arn)["imageRecipe"]["arn"] == arn
    # The wildcard ARN of the owner's recipe resolves for the grantee too.
    wildcard = f"{PREFIX}:image-recipe/shared/x.x.x"
    assert other.get_image_recipe(imageRecipeArn=wildcard)["imageRecipe"]["arn"] == arn


def test_a_grant_to_another_account_does_not_share_with_the_caller(
    imagebuilder_client: Any,
) -> None:
    arn = _container_recipe(imagebuilder_client)
    imagebuilder_client.put_container_recipe_policy(
        containerRecipeArn=arn, policy=grant(account="444455556666")
    )
    assert (
        grantee_client().list_container_recipes(owner="Shared")["containerRecipeSummaryList"] == []
    )


def test_policy_on_another_build_of_a_component(imagebuilder_client: Any) -> None:
    first = _component(imagebuilder_client)
    # A changed component of the same version is the next build.
    second = imagebuilder_client.create_component(
        name="shared",
        semanticVersion="1.0.0",
        platform="Linux",
        data=COMPONENT_DATA,
        changeDescription="second build",
    )["componentBuildVersionArn"]
    assert second.endswith("/1.0.0/2")
    imagebuilder_client.put_component_policy(componentArn=second, policy=grant())
    assert imagebuilder_client.get_component_policy(componentArn=second)["policy"] == grant()
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.get_component_policy(componentArn=first)
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


@pytest.mark.parametrize("member", ["imageRecipeArn", "containerRecipeArn"])
def test_recipe_policies_need_a_concrete_version(imagebuilder_client: Any, member: str) -> None:
    if member == "imageRecipeArn":
        _image_recipe(imagebuilder_client)
        arn, call = (
            f"{PREFIX}:image-recipe/shared/1.x.x",
            imagebuilder_client.put_image_recipe_policy,
        )
    else:
        _container_recipe(imagebuilder_client)
        arn = f"{PREFIX}:container-recipe/shared/1.x.x"
        call = imagebuilder_client.put_container_recipe_policy
    with pytest.raises(ClientError) as excinfo:
        call(**{member: arn, "policy": grant()})
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        f"The value supplied for parameter '{member}' is not valid. '{arn}' contains a version "
        "wildcard. A policy applies to one version; specify it as major.minor.patch.",
    )


def test_component_policy_needs_a_build_arn(imagebuilder_client: Any) -> None:
    _component(imagebuilder_client)
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.put_component_policy(
            componentArn=f"{PREFIX}:component/shared/1.0.0", policy=grant()
        )
    code, message = error_of(excinfo)
    assert code == "InvalidParameterValueException"
    assert message.startswith("The value supplied for parameter 'componentArn' is not valid.")


STATEMENT = {"Effect": "Allow", "Principal": {"AWS": GRANTEE}, "Action": "imagebuilder:GetImage"}


@pytest.mark.parametrize(
    ("policy", "rule"),
    [
        ("{not json", "The policy is not valid JSON."),
        ("[]", "The policy must be a JSON object."),
        (
            json.dumps({"Statement": [STATEMENT], "Extra": 1}),
            "The policy has unknown elements: Extra.",
        ),
        (
            json.dumps({"Version": "2020-01-01", "Statement": [STATEMENT]}),
            "The policy Version must be one of 2012-10-17, 2008-10-17; got '2020-01-01'.",
        ),
        (
            json.dumps({"Version": "2012-10-17"}),
            "The policy must have a Statement (an object or a non-empty list).",
        ),
        (
            json.dumps({"Statement": []}),
            "The policy must have a Statement (an object or a non-empty list).",
        ),
        (json.dumps({"Statement": ["Allow"]}), "Statement[0] must be a JSON object."),
        (
            json.dumps({"Statement": [STATEMENT, {**STATEMENT, "Effects": "Allow"}]}),
            "Statement[1] has unknown elements: Effects.",
        ),
        (
            json.dumps({"Statement": [{**STATEMENT, "Effect": "allow"}]}),
            "Statement[0].Effect must be Allow or Deny.",
        ),
        (
            json.dumps({"Statement": [{"Effect": "Allow", "Principal": "*"}]}),
            "Statement[0] must have an Action (a string or a list of strings).",
        ),
        (
            json.dumps({"Statement": [{**STATEMENT, "Action": []}]}),
            "Statement[0] must have an Action (a string or a list of strings).",
        ),
        (
            json.dumps({"Statement": [{**STATEMENT, "Action": "GetImage"}]}),
            "Statement[0] has an invalid action 'GetImage'; use service:Action.",
        ),
        (
            json.dumps({"Statement": [{"Effect": "Allow", "Action": "imagebuilder:GetImage"}]}),
            "Statement[0] must have a Principal.",
        ),
        (
            json.dumps({"Statement": [{**STATEMENT, "Principal": "111122223333"}]}),
            'Statement[0].Principal must be "*" or an object such as {"AWS": ...}.',
        ),
    ],
)
def test_policy_must_be_an_iam_policy(imagebuilder_client: Any, policy: str, rule: str) -> None:
    arn = _image(imagebuilder_client)
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.put_image_policy(imageArn=arn, policy=policy)
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        f"The value supplied for parameter 'policy' is not valid. {rule}",
    )
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.get_image_policy(imageArn=arn)
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


def test_policy_length_follows_the_model(imagebuilder_client: Any) -> None:
    arn = _image_recipe(imagebuilder_client)
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.put_image_recipe_policy(imageRecipeArn=arn, policy="x" * 30001)
    code, message = error_of(excinfo)
    assert code == "InvalidParameterValueException"
    assert message.startswith("The value supplied for parameter 'policy' is not valid.")
