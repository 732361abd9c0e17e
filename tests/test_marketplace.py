"""AWS Marketplace components and GetMarketplaceResource."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError
from errors import error_of

from imagebuilder_mock import ImageBuilderMock

MARKETPLACE = "arn:aws:imagebuilder:us-east-1:aws-marketplace:component/"
CIS = MARKETPLACE + "cis-hardening-amazon-linux-2023/1.2.0/1"


def test_marketplace_components_are_listed(imagebuilder_client: Any) -> None:
    listed = imagebuilder_client.list_components(owner="AWSMarketplace")["componentVersionList"]
    assert [c["name"] for c in listed] == [
        "cis-hardening-amazon-linux-2023",
        "endpoint-agent-linux",
    ]
    assert {c["owner"] for c in listed} == {"AWSMarketplace"}
    assert listed[0]["productCodes"] == [
        {"productCodeId": "4lh2kbkgz7xqc0m1r8vd3t5yw", "productCodeType": "marketplace"}
    ]


def test_component_data_returns_the_document(imagebuilder_client: Any) -> None:
    response = imagebuilder_client.get_marketplace_resource(
        resourceType="COMPONENT_DATA", resourceArn=CIS
    )
    assert response["resourceArn"] == CIS
    assert response["data"].startswith("name: cis-hardening-amazon-linux-2023\n")
    assert "phases:" in response["data"]
    assert "url" not in response


def test_a_version_arn_picks_the_latest_build(imagebuilder_client: Any) -> None:
    arn = MARKETPLACE + "endpoint-agent-linux/3.x.x"
    response = imagebuilder_client.get_marketplace_resource(
        resourceType="COMPONENT_DATA", resourceArn=arn
    )
    assert response["resourceArn"] == arn
    assert "endpoint-agent" in response["data"]


def test_component_artifact_returns_a_presigned_url(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock
) -> None:
    imagebuilder_mock.set_time(dt.datetime(2026, 3, 7, 12, 0, tzinfo=dt.timezone.utc))
    response = imagebuilder_client.get_marketplace_resource(
        resourceType="COMPONENT_ARTIFACT",
        resourceArn=CIS,
        resourceLocation="s3://partner-artifacts/cis/harden.sh",
    )
    assert "data" not in response
    assert re.match(
        r"^https://partner-artifacts\.s3\.us-east-1\.amazonaws\.com/cis/harden\.sh\?"
        r"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=[^&]+&X-Amz-Date=20260307T120000Z"
        r"&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=[0-9a-f]{64}$",
        response["url"],
    )


def test_component_artifact_needs_a_location(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.get_marketplace_resource(
            resourceType="COMPONENT_ARTIFACT", resourceArn=CIS
        )
    assert error_of(caught) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'resourceLocation' is not valid. "
        "'resourceLocation' is required for COMPONENT_ARTIFACT.",
    )


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:imagebuilder:us-east-1:aws:component/update-linux/1.0.2/1",
        "arn:aws:imagebuilder:us-east-1:123456789012:component/mine/1.0.0/1",
    ],
)
def test_other_publishers_are_refused(imagebuilder_client: Any, arn: str) -> None:
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.get_marketplace_resource(resourceType="COMPONENT_DATA", resourceArn=arn)
    assert error_of(caught) == (
        "InvalidRequestException",
        f"The resource '{arn}' is not an AWS Marketplace resource.",
    )


def test_only_components_can_be_retrieved(imagebuilder_client: Any) -> None:
    arn = "arn:aws:imagebuilder:us-east-1:aws-marketplace:image-recipe/partner/1.0.0"
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.get_marketplace_resource(resourceType="COMPONENT_DATA", resourceArn=arn)
    assert error_of(caught) == (
        "InvalidRequestException",
        f"The resource '{arn}' is not an AWS Marketplace component; only components can be "
        "retrieved.",
    )


def test_unknown_marketplace_component(imagebuilder_client: Any) -> None:
    arn = MARKETPLACE + "ghost/1.0.0/1"
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.get_marketplace_resource(resourceType="COMPONENT_DATA", resourceArn=arn)
    assert error_of(caught) == (
        "ResourceNotFoundException",
        f"The resource ARN '{arn}' does not exist.",
    )


def test_bad_resource_type_is_refused(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.get_marketplace_resource(
            resourceType="COMPONENT_SOURCE", resourceArn=CIS
        )
    code, message = error_of(caught)
    assert code == "InvalidParameterValueException"
    assert "'resourceType'" in message
