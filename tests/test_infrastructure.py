"""Infrastructure configurations end to end, through a boto3 client."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError
from errors import error_of
from model import requires_member
from test_shapes import FULL_CONFIGURATION

from imagebuilder_mock import ImageBuilderMock

ARN_PREFIX = "arn:aws:imagebuilder:us-east-1:123456789012:infrastructure-configuration/"
ISO_MILLIS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def _create(client: Any, name: str = "builders", **extra: Any) -> str:
    params: dict[str, Any] = {"instanceProfileName": "builder-profile", **extra}
    arn: str = client.create_infrastructure_configuration(name=name, **params)[
        "infrastructureConfigurationArn"
    ]
    return arn


def _get(client: Any, arn: str) -> dict[str, Any]:
    config: dict[str, Any] = client.get_infrastructure_configuration(
        infrastructureConfigurationArn=arn
    )["infrastructureConfiguration"]
    return config


def test_create_answers_arn_request_id_and_client_token(imagebuilder_client: Any) -> None:
    response = imagebuilder_client.create_infrastructure_configuration(
        name="My_Builders 1", instanceProfileName="p", clientToken="token-1"
    )
    assert response["infrastructureConfigurationArn"] == ARN_PREFIX + "my-builders-1"
    assert response["clientToken"] == "token-1"
    assert response["requestId"] == response["ResponseMetadata"]["RequestId"]


def test_every_field_round_trips(imagebuilder_client: Any) -> None:
    arn = _create(imagebuilder_client, "Every Field", tags={"env": "test"}, **FULL_CONFIGURATION)
    config = _get(imagebuilder_client, arn)
    # The name is kept as given; only the ARN is normalized.
    assert config["name"] == "Every Field"
    assert config["arn"] == arn
    assert config["tags"] == {"env": "test"}
    for member, value in FULL_CONFIGURATION.items():
        assert config[member] == value, member
    assert ISO_MILLIS.match(config["dateCreated"])
    assert "dateUpdated" not in config


def test_defaults_of_a_minimal_configuration(imagebuilder_client: Any) -> None:
    config = _get(imagebuilder_client, _create(imagebuilder_client))
    assert config["terminateInstanceOnFailure"] is True
    assert config["tags"] == {}
    assert "placement" not in config
    assert "instanceMetadataOptions" not in config
    assert set(config) == {
        "arn",
        "name",
        "instanceProfileName",
        "terminateInstanceOnFailure",
        "dateCreated",
        "tags",
    }


def test_update_replaces_the_whole_configuration(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock
) -> None:
    created = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    imagebuilder_mock.service.frozen_time = created
    arn = _create(imagebuilder_client, tags={"env": "test"}, **FULL_CONFIGURATION)
    imagebuilder_mock.service.frozen_time = created + dt.timedelta(hours=1)
    response = imagebuilder_client.update_infrastructure_configuration(
        infrastructureConfigurationArn=arn, instanceProfileName="other", description="second"
    )
    assert response["infrastructureConfigurationArn"] == arn
    config = _get(imagebuilder_client, arn)
    assert config["instanceProfileName"] == "other"
    assert config["description"] == "second"
    for cleared in set(FULL_CONFIGURATION) - {"instanceProfileName", "description"}:
        if cleared == "terminateInstanceOnFailure":
            # An omitted flag goes back to its default, not to the earlier value.
            assert config[cleared] is True
        else:
            assert cleared not in config, cleared
    assert config["tags"] == {"env": "test"}
    assert config["dateCreated"] == "2024-01-01T00:00:00.000Z"
    assert config["dateUpdated"] == "2024-01-01T01:00:00.000Z"


def test_list_summaries_and_name_filter(imagebuilder_client: Any) -> None:
    first = _create(imagebuilder_client, "alpha", tags={"k": "v"}, **FULL_CONFIGURATION)
    _create(imagebuilder_client, "beta")
    listed = imagebuilder_client.list_infrastructure_configurations()
    summaries = listed["infrastructureConfigurationSummaryList"]
    assert [s["name"] for s in summaries] == ["alpha", "beta"]
    assert "nextToken" not in listed
    summary = summaries[0]
    assert summary["arn"] == first
    assert summary["tags"] == {"k": "v"}
    assert summary["instanceTypes"] == FULL_CONFIGURATION["instanceTypes"]
    assert summary["placement"] == FULL_CONFIGURATION["placement"]
    assert summary["resourceTags"] == FULL_CONFIGURATION["resourceTags"]
    # Summaries carry only the summary shape's members.
    assert "subnetId" not in summary
    filtered = imagebuilder_client.list_infrastructure_configurations(
        filters=[{"name": "name", "values": ["beta"]}]
    )["infrastructureConfigurationSummaryList"]
    assert [s["name"] for s in filtered] == ["beta"]


def test_delete_removes_the_configuration(imagebuilder_client: Any) -> None:
    arn = _create(imagebuilder_client)
    response = imagebuilder_client.delete_infrastructure_configuration(
        infrastructureConfigurationArn=arn
    )
    assert response["infrastructureConfigurationArn"] == arn
    listed = imagebuilder_client.list_infrastructure_configurations()
    assert listed["infrastructureConfigurationSummaryList"] == []
    with pytest.raises(ClientError) as caught:
        _get(imagebuilder_client, arn)
    assert error_of(caught) == (
        "ResourceNotFoundException",
        f"The resource ARN '{arn}' does not exist.",
    )
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


@pytest.mark.parametrize("action", ["get", "update", "delete"])
def test_unknown_arn_is_named_in_the_error(imagebuilder_client: Any, action: str) -> None:
    arn = ARN_PREFIX + "missing"
    calls = {
        "get": lambda: _get(imagebuilder_client, arn),
        "update": lambda: imagebuilder_client.update_infrastructure_configuration(
            infrastructureConfigurationArn=arn, instanceProfileName="p"
        ),
        "delete": lambda: imagebuilder_client.delete_infrastructure_configuration(
            infrastructureConfigurationArn=arn
        ),
    }
    with pytest.raises(ClientError) as caught:
        calls[action]()
    assert error_of(caught) == (
        "ResourceNotFoundException",
        f"The resource ARN '{arn}' does not exist.",
    )


def test_malformed_arn_is_an_invalid_value(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as caught:
        _get(
            imagebuilder_client, "arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/x/1.0.0"
        )
    code, message = error_of(caught)
    assert code == "InvalidParameterValueException"
    assert message.startswith(
        "The value supplied for parameter 'infrastructureConfigurationArn' is not valid. "
        "'infrastructureConfigurationArn' must match pattern"
    )


@pytest.mark.parametrize("second_name", ["builders", "Builders"])
def test_duplicate_names_are_refused(imagebuilder_client: Any, second_name: str) -> None:
    arn = _create(imagebuilder_client, "builders")
    with pytest.raises(ClientError) as caught:
        _create(imagebuilder_client, second_name)
    assert error_of(caught) == (
        "ResourceAlreadyExistsException",
        f"The following resource 'InfrastructureConfiguration' already exists: '{arn}'.",
    )


def test_host_and_host_resource_group_together_are_refused(imagebuilder_client: Any) -> None:
    placement = {"tenancy": "host", "hostId": "h-1", "hostResourceGroupArn": "arn:group"}
    with pytest.raises(ClientError) as caught:
        _create(imagebuilder_client, placement=placement)
    assert error_of(caught) == (
        "InvalidParameterCombinationException",
        "The value supplied for parameter 'placement' is not valid. Specify either hostId or "
        "hostResourceGroupArn, not both.",
    )
    assert (
        imagebuilder_client.list_infrastructure_configurations()[
            "infrastructureConfigurationSummaryList"
        ]
        == []
    )


@pytest.mark.parametrize("tenancy", [None, "default", "dedicated"])
def test_host_placement_needs_host_tenancy(imagebuilder_client: Any, tenancy: str | None) -> None:
    placement = {"hostId": "h-1", **({"tenancy": tenancy} if tenancy else {})}
    with pytest.raises(ClientError) as caught:
        _create(imagebuilder_client, placement=placement)
    assert error_of(caught) == (
        "InvalidParameterCombinationException",
        "The value supplied for parameter 'placement' is not valid. hostId and "
        "hostResourceGroupArn apply only when tenancy is 'host'.",
    )


def test_update_applies_the_placement_rules(imagebuilder_client: Any) -> None:
    arn = _create(imagebuilder_client)
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.update_infrastructure_configuration(
            infrastructureConfigurationArn=arn,
            instanceProfileName="p",
            placement={"tenancy": "host", "hostId": "h", "hostResourceGroupArn": "g"},
        )
    assert error_of(caught)[0] == "InvalidParameterCombinationException"
    assert "placement" not in _get(imagebuilder_client, arn)


@requires_member("CreateInfrastructureConfiguration", "dryRun")
def test_dry_run_creates_nothing(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as caught:
        _create(imagebuilder_client, dryRun=True)
    assert error_of(caught) == (
        "DryRunOperationException",
        "Request would have succeeded, but the DryRun flag is set.",
    )
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412
    listed = imagebuilder_client.list_infrastructure_configurations()
    assert listed["infrastructureConfigurationSummaryList"] == []
    # A dry run that would fail reports the failure instead.
    _create(imagebuilder_client)
    with pytest.raises(ClientError) as caught:
        _create(imagebuilder_client, dryRun=True)
    assert error_of(caught)[0] == "ResourceAlreadyExistsException"


def test_configurations_are_per_account_and_region(imagebuilder_mock: ImageBuilderMock) -> None:
    import boto3

    east = boto3.client("imagebuilder", region_name="us-east-1")
    west = boto3.client("imagebuilder", region_name="us-west-2")
    _create(east, "shared-name")
    arn = _create(west, "shared-name")
    assert arn.startswith("arn:aws:imagebuilder:us-west-2:123456789012:")
    assert len(imagebuilder_mock.backend(region="us-west-2").resources) == 1
    assert len(imagebuilder_mock.backend(region="us-east-1").resources) == 1
