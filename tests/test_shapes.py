"""Responses match the model's output shapes.

The suite's conftest turns response checking on for every mock: the service
validates each response against its operation's output shape and answers a
ServiceException when it does not match. These tests prove the check bites, and
call each operation this part of the suite can set up with every optional member
filled, so each response is checked in full.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from handlers import replace_handler
from model import known_members, members

from imagebuilder_mock import ImageBuilderMock

# Every optional member of the request; members the installed model lacks are
# left out (botocore refuses them), and a test below proves none is missing.
FULL_CONFIGURATION: dict[str, Any] = known_members(
    "CreateInfrastructureConfiguration",
    {
        "description": "every member set",
        "instanceTypes": ["m5.large", "m5.xlarge"],
        "instanceProfileName": "builder-profile",
        "securityGroupIds": ["sg-0123456789abcdef0"],
        "subnetId": "subnet-0123456789abcdef0",
        "logging": {"s3Logs": {"s3BucketName": "logs", "s3KeyPrefix": "builds/"}},
        "keyPair": "ops-key",
        "terminateInstanceOnFailure": False,
        "terminateInstanceOnCompletion": True,
        "snsTopicArn": "arn:aws:sns:us-east-1:123456789012:builds",
        "resourceTags": {"team": "platform"},
        "instanceMetadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 2},
        "placement": {"availabilityZone": "us-east-1a", "tenancy": "host", "hostId": "h-0123"},
        "parentInstance": {"autoScalingGroup": {"name": "asg", "capacityWaitTimeoutSeconds": 600}},
    },
)
# Members the configuration tests set on their own, or that change no stored field.
NOT_CONFIGURATION = {"name", "tags", "clientToken", "dryRun"}


def _configuration(client: Any, name: str = "shapes") -> str:
    arn: str = client.create_infrastructure_configuration(
        name=name, tags={"env": "test"}, **FULL_CONFIGURATION
    )["infrastructureConfigurationArn"]
    return arn


def _create(client: Any) -> Any:
    return client.create_infrastructure_configuration(
        name="created", tags={"env": "test"}, **FULL_CONFIGURATION
    )


def _get(client: Any) -> Any:
    arn = _configuration(client)
    client.update_infrastructure_configuration(
        infrastructureConfigurationArn=arn, **FULL_CONFIGURATION
    )
    return client.get_infrastructure_configuration(infrastructureConfigurationArn=arn)


def _list(client: Any) -> Any:
    for name in ("one", "two", "three"):
        _configuration(client, name)
    return client.list_infrastructure_configurations(maxResults=2)


def _update(client: Any) -> Any:
    return client.update_infrastructure_configuration(
        infrastructureConfigurationArn=_configuration(client), **FULL_CONFIGURATION
    )


def _delete(client: Any) -> Any:
    return client.delete_infrastructure_configuration(
        infrastructureConfigurationArn=_configuration(client)
    )


def _tag(client: Any) -> Any:
    return client.tag_resource(resourceArn=_configuration(client), tags={"owner": "me"})


def _untag(client: Any) -> Any:
    return client.untag_resource(resourceArn=_configuration(client), tagKeys=["env"])


def _list_tags(client: Any) -> Any:
    return client.list_tags_for_resource(resourceArn=_configuration(client))


CALLS: dict[str, Callable[[Any], Any]] = {
    "CreateInfrastructureConfiguration": _create,
    "GetInfrastructureConfiguration": _get,
    "ListInfrastructureConfigurations": _list,
    "UpdateInfrastructureConfiguration": _update,
    "DeleteInfrastructureConfiguration": _delete,
    "TagResource": _tag,
    "UntagResource": _untag,
    "ListTagsForResource": _list_tags,
}


def test_full_configuration_sets_every_member_of_the_installed_model() -> None:
    for operation in ("CreateInfrastructureConfiguration", "UpdateInfrastructureConfiguration"):
        configurable = members(operation) - NOT_CONFIGURATION - {"infrastructureConfigurationArn"}
        assert set(FULL_CONFIGURATION) == configurable, operation


def test_response_checking_is_on_for_the_suite(imagebuilder_mock: ImageBuilderMock) -> None:
    assert imagebuilder_mock.service.check_responses is True


@pytest.mark.parametrize("operation", sorted(CALLS))
def test_response_matches_output_shape(
    operation: str, imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock
) -> None:
    assert operation in imagebuilder_mock.service.handlers
    response = CALLS[operation](imagebuilder_client)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    answered = [call for call in imagebuilder_mock.calls if call.operation == operation]
    assert answered and answered[-1].status == 200


def test_a_response_with_an_unknown_member_is_refused(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = imagebuilder_mock.service.handlers["ListInfrastructureConfigurations"]

    def sloppy(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
        return {**original(backend, params), "surprise": 1}

    replace_handler(imagebuilder_mock, monkeypatch, "ListInfrastructureConfigurations", sloppy)
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.list_infrastructure_configurations()
    error = caught.value.response["Error"]
    assert error["Code"] == "ServiceException"
    assert (
        "ListInfrastructureConfigurations response does not match its output shape"
        in (error["Message"])
    )
    assert "surprise: not a member of ListInfrastructureConfigurationsResponse" in error["Message"]


def test_a_response_with_a_wrong_type_is_refused(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def wrong(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
        return {"infrastructureConfigurationSummaryList": {"not": "a list"}}

    replace_handler(imagebuilder_mock, monkeypatch, "ListInfrastructureConfigurations", wrong)
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.list_infrastructure_configurations()
    assert caught.value.response["Error"]["Code"] == "ServiceException"
    assert "expected a list, got dict" in caught.value.response["Error"]["Message"]


def test_checking_can_be_left_off(monkeypatch: pytest.MonkeyPatch) -> None:
    # The suite-wide switch is an environment variable; a mock made without it
    # trusts its handlers (the default for users, as checking costs time).
    monkeypatch.delenv("IMAGEBUILDER_MOCK_CHECK_RESPONSES")
    with ImageBuilderMock() as mock:
        assert mock.service.check_responses is False
