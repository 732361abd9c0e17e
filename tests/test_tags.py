"""Tags: on create, and through TagResource, UntagResource and ListTagsForResource."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from errors import error_of
from model import requires_reserved_resource_tags

from imagebuilder_mock._model import service_model

MISSING = "arn:aws:imagebuilder:us-east-1:123456789012:infrastructure-configuration/missing"


def _configuration(client: Any, **tags: str) -> str:
    params: dict[str, Any] = {"name": "tagged", "instanceProfileName": "p"}
    if tags:
        params["tags"] = tags
    arn: str = client.create_infrastructure_configuration(**params)[
        "infrastructureConfigurationArn"
    ]
    return arn


def _tags(client: Any, arn: str) -> dict[str, str]:
    tags: dict[str, str] = client.list_tags_for_resource(resourceArn=arn)["tags"]
    return tags


def test_tags_given_on_create_are_listed(imagebuilder_client: Any) -> None:
    arn = _configuration(imagebuilder_client, env="test", team="platform")
    assert _tags(imagebuilder_client, arn) == {"env": "test", "team": "platform"}


def test_a_resource_without_tags_lists_an_empty_map(imagebuilder_client: Any) -> None:
    assert _tags(imagebuilder_client, _configuration(imagebuilder_client)) == {}


def test_tag_resource_adds_and_overwrites(imagebuilder_client: Any) -> None:
    arn = _configuration(imagebuilder_client, env="test")
    response = imagebuilder_client.tag_resource(
        resourceArn=arn, tags={"env": "prod", "owner": "me"}
    )
    assert set(response) == {"ResponseMetadata"}
    assert _tags(imagebuilder_client, arn) == {"env": "prod", "owner": "me"}
    # The resource's own ``tags`` field shows the same map.
    got = imagebuilder_client.get_infrastructure_configuration(infrastructureConfigurationArn=arn)
    assert got["infrastructureConfiguration"]["tags"] == {"env": "prod", "owner": "me"}


def test_untag_resource_removes_keys_and_ignores_absent_ones(imagebuilder_client: Any) -> None:
    arn = _configuration(imagebuilder_client, env="test", owner="me")
    response = imagebuilder_client.untag_resource(resourceArn=arn, tagKeys=["env", "never-set"])
    assert set(response) == {"ResponseMetadata"}
    assert _tags(imagebuilder_client, arn) == {"owner": "me"}


@pytest.mark.parametrize("operation", ["list", "tag", "untag"])
def test_unknown_arn_is_named(imagebuilder_client: Any, operation: str) -> None:
    calls = {
        "list": lambda: imagebuilder_client.list_tags_for_resource(resourceArn=MISSING),
        "tag": lambda: imagebuilder_client.tag_resource(resourceArn=MISSING, tags={"a": "b"}),
        "untag": lambda: imagebuilder_client.untag_resource(resourceArn=MISSING, tagKeys=["a"]),
    }
    with pytest.raises(ClientError) as caught:
        calls[operation]()
    assert error_of(caught) == (
        "ResourceNotFoundException",
        f"The resource ARN '{MISSING}' does not exist.",
    )
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_malformed_arn_is_an_invalid_parameter(imagebuilder_client: Any) -> None:
    bad = "arn:aws:imagebuilder:us-east-1:123456789012:infrastructure-configuration/Upper"
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.list_tags_for_resource(resourceArn=bad)
    code, message = error_of(caught)
    assert code == "InvalidParameterException"
    assert message.startswith(
        "The value supplied for parameter 'resourceArn' is not valid. "
        "'resourceArn' must match pattern ^arn:aws"
    )


def test_reserved_tag_key_prefix_is_refused(imagebuilder_client: Any) -> None:
    arn = _configuration(imagebuilder_client)
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.tag_resource(resourceArn=arn, tags={"aws:owner": "me"})
    code, message = error_of(caught)
    assert code == "InvalidParameterException"
    assert message.startswith("The value supplied for parameter 'tags key' is not valid.")
    assert "must match pattern ^(?!aws:)" in message
    assert _tags(imagebuilder_client, arn) == {}


def test_too_many_tags_in_one_call_are_refused(imagebuilder_client: Any) -> None:
    limit = service_model().shape_for("TagMap").metadata["max"]
    arn = _configuration(imagebuilder_client)
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.tag_resource(
            resourceArn=arn, tags={f"k{i}": "v" for i in range(limit + 1)}
        )
    assert error_of(caught) == (
        "InvalidParameterException",
        f"The value supplied for parameter 'tags' is not valid. 'tags' must contain at most "
        f"{limit} items.",
    )


def test_too_long_tag_value_is_refused(imagebuilder_client: Any) -> None:
    limit = service_model().shape_for("TagValue").metadata["max"]
    arn = _configuration(imagebuilder_client)
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.tag_resource(resourceArn=arn, tags={"k": "v" * (limit + 1)})
    assert error_of(caught) == (
        "InvalidParameterException",
        f"The value supplied for parameter 'tags.k' is not valid. 'tags.k' must have length "
        f"less than or equal to {limit}.",
    )


def test_tags_on_create_follow_the_same_rules_with_the_create_error_code(
    imagebuilder_client: Any,
) -> None:
    with pytest.raises(ClientError) as caught:
        _configuration(imagebuilder_client, **{"aws:reserved": "x"})
    assert error_of(caught)[0] == "InvalidParameterValueException"


# -- resourceTags: the tags builds put on their instances -----------------------------------


def _reserved_from_documentation() -> list[str]:
    member = service_model().shape_for("CreateInfrastructureConfigurationRequest")
    text = member.members["resourceTags"].documentation  # type: ignore[attr-defined]
    reserved = text.split("reserved keys:", 1)[1]
    return [part.split("</code>")[0] for part in reserved.split("<code>")[1:]]


@requires_reserved_resource_tags
def test_the_documentation_reserves_the_service_tags() -> None:
    assert _reserved_from_documentation() == ["CreatedBy", "Ec2ImageBuilderArn", "Name", "Tags"]


@requires_reserved_resource_tags
@pytest.mark.parametrize("key", ["CreatedBy", "Ec2ImageBuilderArn", "Name", "Tags", "aws:x"])
def test_reserved_resource_tag_keys_are_refused_on_create(
    imagebuilder_client: Any, key: str
) -> None:
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.create_infrastructure_configuration(
            name="instances", instanceProfileName="p", resourceTags={"team": "a", key: "x"}
        )
    code, message = error_of(caught)
    assert code == "InvalidParameterValueException"
    if key.startswith("aws:"):
        # The model's own pattern says so first.
        assert message.startswith(
            "The value supplied for parameter 'resourceTags key' is not valid."
        )
    else:
        assert message == (
            "The value supplied for parameter 'resourceTags' is not valid. "
            f"'{key}' is a reserved tag key; tag keys can't begin with aws: or be one of "
            "CreatedBy, Ec2ImageBuilderArn, Name, Tags."
        )
    assert (
        imagebuilder_client.list_infrastructure_configurations()[
            "infrastructureConfigurationSummaryList"
        ]
        == []
    )


@requires_reserved_resource_tags
def test_reserved_resource_tag_keys_are_refused_on_update(imagebuilder_client: Any) -> None:
    arn = imagebuilder_client.create_infrastructure_configuration(
        name="instances", instanceProfileName="p", resourceTags={"team": "a"}
    )["infrastructureConfigurationArn"]
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.update_infrastructure_configuration(
            infrastructureConfigurationArn=arn,
            instanceProfileName="p",
            resourceTags={"Name": "builder"},
        )
    assert error_of(caught)[1].startswith(
        "The value supplied for parameter 'resourceTags' is not valid. 'Name' is a reserved"
    )
    got = imagebuilder_client.get_infrastructure_configuration(infrastructureConfigurationArn=arn)
    assert got["infrastructureConfiguration"]["resourceTags"] == {"team": "a"}


def test_resource_tag_keys_that_only_resemble_reserved_ones_are_accepted(
    imagebuilder_client: Any,
) -> None:
    tags = {"name": "lower", "NameTag": "x", "CreatedByTeam": "y"}
    arn = imagebuilder_client.create_infrastructure_configuration(
        name="instances", instanceProfileName="p", resourceTags=tags
    )["infrastructureConfigurationArn"]
    got = imagebuilder_client.get_infrastructure_configuration(infrastructureConfigurationArn=arn)
    assert got["infrastructureConfiguration"]["resourceTags"] == tags


def test_tag_resource_does_not_reserve_the_resource_tag_keys(imagebuilder_client: Any) -> None:
    # The reservation is for tags on build instances; a resource's own tags may use Name.
    arn = _configuration(imagebuilder_client)
    imagebuilder_client.tag_resource(resourceArn=arn, tags={"Name": "web"})
    assert _tags(imagebuilder_client, arn) == {"Name": "web"}
