"""``requests`` under a mock: Image Builder's endpoints are answered, everything else passes."""

from __future__ import annotations

import json

import boto3
import pytest
import requests
import responses
from signing import signed_headers

from imagebuilder_mock import mock_imagebuilder

URL = "https://imagebuilder.eu-west-1.amazonaws.com"


def _post(path: str, body: dict[str, object], **signing: str) -> requests.Response:
    data = json.dumps(body).encode()
    url = f"{URL}{path}"
    region = signing.pop("region", "eu-west-1")
    headers = signed_headers("POST", url, data, region=region, **signing)
    return requests.post(url, data=data, headers=headers, timeout=5)


def test_a_signed_request_is_answered_by_the_mock() -> None:
    with mock_imagebuilder() as ib:
        answer = _post("/ListComponents", {}, access_key="444455556666")
        assert answer.status_code == 200
        assert answer.json()["componentVersionList"] == []
        assert answer.headers["x-amzn-RequestId"] == answer.json()["requestId"]
        call = ib.calls[-1]
        assert (call.operation, call.account_id, call.region) == (
            "ListComponents",
            "444455556666",
            "eu-west-1",
        )


def test_what_requests_makes_boto3_sees_and_the_other_way_round() -> None:
    with mock_imagebuilder():
        client = boto3.client("imagebuilder", region_name="eu-west-1")
        client.create_distribution_configuration(
            name="by-boto3",
            distributions=[{"region": "eu-west-1", "amiDistributionConfiguration": {}}],
        )
        listed = _post("/ListDistributionConfigurations", {}).json()
        names = [d["name"] for d in listed["distributionConfigurationSummaryList"]]
        assert names == ["by-boto3"]
        url = f"{URL}/tags/" + requests.utils.quote(
            listed["distributionConfigurationSummaryList"][0]["arn"], safe=""
        )
        body = json.dumps({"tags": {"via": "requests"}}).encode()
        answer = requests.post(
            url, data=body, headers=signed_headers("POST", url, body, region="eu-west-1")
        )
        assert answer.status_code == 200
        arn = listed["distributionConfigurationSummaryList"][0]["arn"]
        assert client.list_tags_for_resource(resourceArn=arn)["tags"] == {"via": "requests"}


def test_the_region_comes_from_the_signature_not_the_host() -> None:
    with mock_imagebuilder() as ib:
        assert _post("/ListComponents", {}, region="ap-southeast-2").status_code == 200
        assert ib.calls[-1].region == "ap-southeast-2"


def test_an_unsigned_request_is_missing_its_authentication_token() -> None:
    with mock_imagebuilder() as ib:
        answer = requests.post(f"{URL}/ListComponents", data=b"{}", timeout=5)
        assert answer.status_code == 403
        assert answer.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"
        assert answer.json() == {"message": "Missing Authentication Token"}
        assert ib.calls == []


def test_a_wrong_method_names_no_operation() -> None:
    with mock_imagebuilder():
        # DeleteImageRecipe is a DELETE.
        answer = _post("/DeleteImageRecipe", {})
        assert answer.status_code == 404
        assert answer.headers["x-amzn-ErrorType"] == "UnknownOperationException"
        assert answer.json() == {
            "message": "No Image Builder operation answers POST /DeleteImageRecipe."
        }


def test_a_modeled_error_is_answered_as_the_service_does() -> None:
    with mock_imagebuilder():
        arn = "arn:aws:imagebuilder:eu-west-1:123456789012:image-recipe/none/1.0.0"
        url = f"{URL}/GetImageRecipe?imageRecipeArn={requests.utils.quote(arn, safe='')}"
        answer = requests.get(url, headers=signed_headers("GET", url, region="eu-west-1"))
        assert answer.status_code == 404
        assert answer.headers["x-amzn-ErrorType"] == "ResourceNotFoundException"
        assert answer.json() == {"message": f"The resource ARN '{arn}' does not exist."}


def test_other_hosts_are_untouched_by_the_mock() -> None:
    with responses.RequestsMock() as user, mock_imagebuilder():
        user.get("https://example.com/data", json={"from": "user"})
        assert requests.get("https://example.com/data", timeout=5).json() == {"from": "user"}
        assert _post("/ListComponents", {}).status_code == 200


def test_a_users_responses_mock_inside_the_mock_keeps_working() -> None:
    with mock_imagebuilder(), responses.RequestsMock() as user:
        user.get("https://example.com/data", json={"from": "user"})
        assert requests.get("https://example.com/data", timeout=5).json() == {"from": "user"}
        # Image Builder is still answered by the mock inside the user's mock.
        assert _post("/ListComponents", {}).status_code == 200
        with pytest.raises(requests.ConnectionError, match="Connection refused by Responses"):
            requests.get("https://example.com/unregistered", timeout=5)


@responses.activate
def test_a_users_responses_decorator_keeps_working_inside_the_mock() -> None:
    responses.add(responses.GET, "https://example.org/ok", body="fine")
    with mock_imagebuilder():
        assert requests.get("https://example.org/ok", timeout=5).text == "fine"
        assert _post("/ListComponents", {}).status_code == 200


def test_no_interception_once_the_mock_stops() -> None:
    with mock_imagebuilder():
        pass
    with responses.RequestsMock() as user:
        with pytest.raises(requests.ConnectionError, match="Connection refused by Responses"):
            _post("/ListComponents", {})
        assert len(user.calls) == 1
