"""The botocore front door: what is served in-process, and what is left alone."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError, NoRegionError
from builders import moto_instance_profile
from moto import mock_aws

from imagebuilder_mock import ImageBuilderMock, mock_imagebuilder

# Nothing listens on the discard port of the loopback address: a request that
# really went out would fail at once, without leaving the machine.
NOWHERE = "http://127.0.0.1:9"
SUMMARIES = "infrastructureConfigurationSummaryList"


def _create(client: Any, name: str = "builders") -> str:
    arn: str = client.create_infrastructure_configuration(name=name, instanceProfileName="p")[
        "infrastructureConfigurationArn"
    ]
    return arn


def test_no_request_leaves_the_process(imagebuilder_mock: ImageBuilderMock) -> None:
    client = boto3.client("imagebuilder", region_name="us-east-1", endpoint_url=NOWHERE)
    arn = _create(client)
    assert client.list_infrastructure_configurations()[SUMMARIES][0]["arn"] == arn


def test_region_comes_from_the_credential_scope(imagebuilder_mock: ImageBuilderMock) -> None:
    # With a custom endpoint the host says nothing about the region; the signature does.
    client = boto3.client("imagebuilder", region_name="eu-west-2", endpoint_url=NOWHERE)
    assert _create(client).startswith("arn:aws:imagebuilder:eu-west-2:")
    assert imagebuilder_mock.calls[-1].region == "eu-west-2"


def test_other_services_are_left_alone(imagebuilder_mock: ImageBuilderMock) -> None:
    s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=NOWHERE)
    with pytest.raises(EndpointConnectionError):
        s3.list_buckets()
    assert imagebuilder_mock.calls == []


def test_a_client_without_region_fails_as_boto3_does(imagebuilder_mock: ImageBuilderMock) -> None:
    with pytest.raises(NoRegionError, match="You must specify a region"):
        boto3.client("imagebuilder")


def test_works_with_no_credentials_configured() -> None:
    # conftest removed every AWS_* variable and points at empty config files.
    assert boto3.Session().get_credentials() is None
    with mock_imagebuilder():
        _create(boto3.Session().client("imagebuilder", region_name="us-east-1"))


def test_works_with_a_profile_that_does_not_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    with mock_imagebuilder():
        _create(boto3.Session().client("imagebuilder", region_name="us-east-1"))
    assert os.environ["AWS_PROFILE"] == "no-such-profile"


def test_a_real_profile_is_never_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    credentials = tmp_path / "credentials"
    credentials.write_text(
        "[developer]\naws_access_key_id = AKIAREALDEVELOPERKEY\n"
        "aws_secret_access_key = real-secret\n"
    )
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("AWS_PROFILE", "developer")
    seen: list[str] = []

    def spy(request: Any, **kwargs: Any) -> None:
        seen.append(request.headers["Authorization"].decode())

    with mock_imagebuilder():
        # A new session reads the configuration this test wrote (boto3's default
        # session may have read other files for an earlier test).
        client = boto3.Session().client("imagebuilder", region_name="us-east-1")
        client.meta.events.register_first("before-send.imagebuilder", spy)
        _create(client)
    assert len(seen) == 1
    assert "AKIAREALDEVELOPERKEY" not in seen[0]
    assert "Credential=FOOBARKEY/" in seen[0]


def test_moto_serves_other_services_alongside() -> None:
    with mock_aws(), mock_imagebuilder() as ib:
        s3 = boto3.client("s3", region_name="us-east-1")
        moto_instance_profile("p")
        s3.create_bucket(Bucket="build-logs")
        arn = _create(boto3.client("imagebuilder", region_name="us-east-1"))
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["build-logs"]
        assert list(ib.backend().resources) == [arn]


def test_imagebuilder_wins_whichever_mock_starts_first() -> None:
    with mock_imagebuilder(), mock_aws():
        client = boto3.client("imagebuilder", region_name="us-east-1")
        moto_instance_profile("p")
        _create(client)
        assert len(client.list_infrastructure_configurations()[SUMMARIES]) == 1
        sts = boto3.client("sts", region_name="us-east-1")
        assert sts.get_caller_identity()["Account"] == "123456789012"


PATCH_SCRIPT = textwrap.dedent(
    """
    import boto3
    from botocore.exceptions import EndpointConnectionError

    # Made before imagebuilder_mock is imported: its events lack the hook.
    early = boto3.client("imagebuilder", region_name="us-east-1", endpoint_url="{nowhere}")

    from imagebuilder_mock import mock_imagebuilder, patch_client

    with mock_imagebuilder():
        try:
            early.list_infrastructure_configurations()
        except EndpointConnectionError:
            print("unpatched: not served")
        patch_client(early)
        patch_client(early)  # harmless twice
        arn = early.create_infrastructure_configuration(name="early", instanceProfileName="p")[
            "infrastructureConfigurationArn"
        ]
        print("patched:", arn)
    """
).format(nowhere=NOWHERE)


def test_patch_client_serves_a_client_made_before_import(tmp_path: Path) -> None:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AWS_") and key != "IMAGEBUILDER_MOCK_CHECK_RESPONSES"
    }
    environment.update(
        AWS_ACCESS_KEY_ID="early-key",
        AWS_SECRET_ACCESS_KEY="early-secret",
        AWS_MAX_ATTEMPTS="1",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=str(tmp_path / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "credentials"),
    )
    result = subprocess.run(
        [sys.executable, "-c", PATCH_SCRIPT],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "unpatched: not served",
        "patched: arn:aws:imagebuilder:us-east-1:123456789012:infrastructure-configuration/early",
    ]
