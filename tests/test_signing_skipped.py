"""Requests answered in process are not signed, and still speak for the right caller.

The mock writes the credential scope a SigV4 signature would carry (and
``X-Amz-Date``), without the signature: the account and region a test plays
read as before. Requests to the package's own HTTP server, presigned URLs and
clients made unsigned keep what botocore does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config

from imagebuilder_mock import DEFAULT_ACCOUNT_ID, MockController, mock_imagebuilder
from imagebuilder_mock.server import ImageBuilderServer

SCOPE = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[a-z0-9-]+)"
    r"/imagebuilder/aws4_request$"
)


def _headers_sent(client: Any) -> list[dict[str, str]]:
    """The headers of every request ``client`` sends, as the mock receives them."""
    seen: list[dict[str, str]] = []

    def spy(request: Any, **kwargs: Any) -> None:
        seen.append(
            {
                name: value.decode() if isinstance(value, bytes) else value
                for name, value in request.headers.items()
            }
        )

    client.meta.events.register_first("before-send.imagebuilder", spy)
    return seen


def _list(client: Any) -> None:
    client.list_infrastructure_configurations()


def _client(region: str, key: str = "AKIDEXAMPLE", **options: Any) -> Any:
    return boto3.client(
        "imagebuilder",
        region_name=region,
        aws_access_key_id=key,
        aws_secret_access_key="secret",
        **options,
    )


def test_an_answered_request_carries_the_scope_and_no_signature(
    imagebuilder_mock: MockController,
) -> None:
    client = _client("eu-west-1")
    sent = _headers_sent(client)
    _list(client)
    scope = SCOPE.match(sent[0]["Authorization"])
    assert scope is not None, sent[0]["Authorization"]
    assert (scope["key"], scope["region"]) == ("AKIDEXAMPLE", "eu-west-1")
    assert re.fullmatch(r"\d{8}T\d{6}Z", sent[0]["X-Amz-Date"])
    assert scope["date"] == sent[0]["X-Amz-Date"][:8]
    assert "Signature=" not in sent[0]["Authorization"]


def test_the_account_a_key_names_and_the_scopes_region_still_decide(
    imagebuilder_mock: MockController,
) -> None:
    # A 12-digit key acts as that account; a custom endpoint names no region.
    client = _client("ap-southeast-2", "111122223333", endpoint_url="http://127.0.0.1:9")
    _list(client)
    call = imagebuilder_mock.calls[-1]
    assert (call.account_id, call.region) == ("111122223333", "ap-southeast-2")


def test_a_session_token_travels_as_it_would_signed(imagebuilder_mock: MockController) -> None:
    client = _client("us-east-1", "ASIATEMPORARY", aws_session_token="session-token")
    sent = _headers_sent(client)
    _list(client)
    assert sent[0]["X-Amz-Security-Token"] == "session-token"
    assert sent[0]["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=ASIATEMPORARY/")


def test_a_client_made_unsigned_stays_unsigned(imagebuilder_mock: MockController) -> None:
    client = boto3.client(
        "imagebuilder", region_name="us-west-2", config=Config(signature_version=UNSIGNED)
    )
    sent = _headers_sent(client)
    _list(client)
    assert "Authorization" not in sent[0]
    call = imagebuilder_mock.calls[-1]
    assert (call.account_id, call.region) == (DEFAULT_ACCOUNT_ID, "us-west-2")


def test_a_client_without_credentials_names_the_mocks_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    # Made before the mock: it found no credentials and keeps none.
    client = boto3.Session().client("imagebuilder", region_name="us-east-1")
    assert client._request_signer._credentials is None
    sent = _headers_sent(client)
    with mock_imagebuilder() as ib:
        _list(client)
        assert ib.calls[-1].account_id == DEFAULT_ACCOUNT_ID
    scope = SCOPE.match(sent[0]["Authorization"])
    assert scope is not None
    assert scope["key"] == "FOOBARKEY"


def test_nothing_is_skipped_without_a_mock() -> None:
    client = _client("us-east-1")
    sent = _headers_sent(client)

    def stop(request: Any, **kwargs: Any) -> None:
        raise _Stopped

    client.meta.events.register("before-send.imagebuilder", stop)
    with pytest.raises(_Stopped):
        _list(client)
    assert re.search(r"Signature=[0-9a-f]{64}$", sent[0]["Authorization"])


class _Stopped(Exception):
    pass


@pytest.fixture
def server() -> Iterator[ImageBuilderServer]:
    with ImageBuilderServer(port=0) as running:
        yield running


def test_requests_to_the_packages_server_are_signed_in_full(server: ImageBuilderServer) -> None:
    # The server serves its own mock in this process: skipping would be possible
    # for in-process clients, but a client pointed at the server must sign.
    client = _client("us-east-1", endpoint_url=server.url)
    sent = _headers_sent(client)
    _list(client)
    assert re.search(r"Signature=[0-9a-f]{64}$", sent[0]["Authorization"])
