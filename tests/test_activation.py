"""The ways to turn the mock on, and the controller it hands out."""

from __future__ import annotations

import asyncio
import os
import runpy
import unittest
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from errors import error_of

from imagebuilder_mock import (
    DEFAULT_ACCOUNT_ID,
    ImageBuilderMock,
    MockController,
    mock_imagebuilder,
)
from imagebuilder_mock._errors import ResourceInUse


def _client(region: str = "us-east-1", **kwargs: Any) -> Any:
    return boto3.client("imagebuilder", region_name=region, **kwargs)


def _create(client: Any, name: str = "builders") -> str:
    arn: str = client.create_infrastructure_configuration(name=name, instanceProfileName="p")[
        "infrastructureConfigurationArn"
    ]
    return arn


def _count(client: Any) -> int:
    return len(
        client.list_infrastructure_configurations()["infrastructureConfigurationSummaryList"]
    )


# -- front doors ---------------------------------------------------------------------------


def test_bare_decorator() -> None:
    @mock_imagebuilder
    def work() -> str:
        return _create(_client())

    assert work() == (
        f"arn:aws:imagebuilder:us-east-1:{DEFAULT_ACCOUNT_ID}:infrastructure-configuration/builders"
    )
    assert work.__name__ == "work"
    assert not mock_imagebuilder.active


def test_decorator_with_options() -> None:
    @mock_imagebuilder(account_id="111122223333", region="eu-west-1")
    def work() -> str:
        return _create(_client("eu-west-1"))

    assert work().startswith("arn:aws:imagebuilder:eu-west-1:111122223333:")


def test_context_manager_yields_the_controller() -> None:
    with mock_imagebuilder() as ib:
        assert isinstance(ib, MockController)
        assert ib.active
        arn = _create(_client())
        assert list(ib.backend().resources) == [arn]
    assert not ib.active


def test_async_function() -> None:
    @mock_imagebuilder
    async def work() -> str:
        await asyncio.sleep(0)
        return _create(_client())

    assert asyncio.run(work()).endswith("/builders")
    assert not mock_imagebuilder.active


def test_async_with() -> None:
    async def work() -> int:
        async with mock_imagebuilder(region="ap-southeast-2") as ib:
            _create(_client("ap-southeast-2"))
            return len(ib.backend().resources)

    assert asyncio.run(work()) == 1


@mock_imagebuilder
class DecoratedTestCase(unittest.TestCase):
    """Each test of a decorated TestCase starts with fresh, active state."""

    def setUp(self) -> None:
        # The mock is already on when the class's own setUp runs.
        self.client = _client()
        self.arn = _create(self.client, "from-setup")

    def test_first(self) -> None:
        _create(self.client, "first")
        self.assertEqual(_count(self.client), 2)

    def test_second(self) -> None:
        # "first" from the other test is gone; "from-setup" was created once more.
        self.assertEqual(_count(self.client), 1)
        self.assertTrue(self.arn.endswith("/from-setup"))


def test_test_case_decorator_stops_after_each_test() -> None:
    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(DecoratedTestCase).run(result)
    assert result.testsRun == 2
    assert result.wasSuccessful(), result.errors + result.failures
    assert not mock_imagebuilder.active


def test_only_test_case_classes_can_be_decorated() -> None:
    with pytest.raises(TypeError, match=r"functions and unittest\.TestCase classes"):
        mock_imagebuilder(type("Plain", (), {}))


def test_stopping_an_inactive_mock_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="not active"):
        ImageBuilderMock().stop()


# -- nesting ---------------------------------------------------------------------------------


def test_nesting_is_reference_counted() -> None:
    with mock_imagebuilder() as outer:
        client = _client()
        _create(client, "outer")
        with mock_imagebuilder() as inner:
            _create(client, "inner")
            assert _count(client) == 2
        # Leaving an inner scope keeps the shared state and the mock on.
        assert not inner.active
        assert outer.active
        assert _count(client) == 2
    # Leaving the outermost scope drops everything.
    with mock_imagebuilder():
        assert _count(_client()) == 0


def test_innermost_options_win_and_outer_ones_come_back() -> None:
    with mock_imagebuilder(account_id="111111111111"):
        assert _create(_client(), "a-one").split(":")[4] == "111111111111"
        with mock_imagebuilder(account_id="222222222222"):
            assert _create(_client(), "a-two").split(":")[4] == "222222222222"
        assert _create(_client(), "a-three").split(":")[4] == "111111111111"


def test_the_hook_is_inert_after_the_last_scope() -> None:
    with mock_imagebuilder():
        pass
    # A closed local port: with the mock off the request really goes out and fails.
    client = _client(
        endpoint_url="http://127.0.0.1:9", aws_access_key_id="k", aws_secret_access_key="s"
    )
    with pytest.raises(EndpointConnectionError):
        client.list_infrastructure_configurations()


# -- accounts ---------------------------------------------------------------------------------


def test_default_account(imagebuilder_mock: ImageBuilderMock) -> None:
    assert imagebuilder_mock.account_id == DEFAULT_ACCOUNT_ID == "123456789012"
    assert f":{DEFAULT_ACCOUNT_ID}:" in _create(_client())


def test_moto_account_id_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "444455556666")
    with mock_imagebuilder() as ib:
        assert ib.account_id == "444455556666"
        assert ":444455556666:" in _create(_client())


def test_a_twelve_digit_access_key_acts_as_that_account(
    imagebuilder_mock: ImageBuilderMock,
) -> None:
    other = _client(aws_access_key_id="999988887777", aws_secret_access_key="s")
    arn = _create(other, "theirs")
    assert ":999988887777:" in arn
    assert list(imagebuilder_mock.backend(account_id="999988887777").resources) == [arn]
    assert imagebuilder_mock.backend().resources == {}
    assert imagebuilder_mock.calls[-1].account_id == "999988887777"


# -- the controller ---------------------------------------------------------------------------


def test_reset_forgets_everything_but_stays_active(imagebuilder_mock: ImageBuilderMock) -> None:
    client = _client()
    _create(client)
    imagebuilder_mock.fail_next("GetInfrastructureConfiguration")
    imagebuilder_mock.reset()
    assert imagebuilder_mock.calls == []
    assert imagebuilder_mock.active
    assert _count(client) == 0
    arn = _create(client)
    # The pending fault went too.
    client.get_infrastructure_configuration(infrastructureConfigurationArn=arn)


def test_backend_per_region_and_account(imagebuilder_mock: ImageBuilderMock) -> None:
    arn = _create(_client("eu-central-1"))
    backend = imagebuilder_mock.backend(region="eu-central-1")
    assert (backend.region, backend.account_id) == ("eu-central-1", DEFAULT_ACCOUNT_ID)
    assert list(backend.resources) == [arn]
    assert imagebuilder_mock.backend().resources == {}


def test_calls_record_requests_and_errors(imagebuilder_mock: ImageBuilderMock) -> None:
    client = _client("us-west-2")
    _create(client)
    with pytest.raises(ClientError):
        _create(client)
    first, second = imagebuilder_mock.calls
    assert (first.operation, first.region, first.status) == (
        "CreateInfrastructureConfiguration",
        "us-west-2",
        200,
    )
    assert first.params["name"] == "builders"
    assert first.response is not None
    assert "infrastructureConfigurationArn" in first.response
    assert (second.status, second.error_code) == (400, "ResourceAlreadyExistsException")
    assert second.error_message is not None and "already exists" in second.error_message


def test_fail_next_answers_a_modeled_error_count_times(
    imagebuilder_mock: ImageBuilderMock,
) -> None:
    client = _client()
    imagebuilder_mock.fail_next("ListInfrastructureConfigurations", count=2)
    for _ in range(2):
        with pytest.raises(ClientError) as caught:
            client.list_infrastructure_configurations()
        assert error_of(caught) == (
            "ServiceUnavailableException",
            "Injected ServiceUnavailableException for ListInfrastructureConfigurations.",
        )
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
    assert _count(client) == 0


def test_fail_next_with_an_error_class_and_message(imagebuilder_mock: ImageBuilderMock) -> None:
    client = _client()
    imagebuilder_mock.fail_next("*", ResourceInUse, "busy")
    with pytest.raises(ClientError) as caught:
        _create(client)
    assert error_of(caught) == ("ResourceInUseException", "busy")
    # The failed call did not create anything, and the fault is used up.
    assert _count(client) == 0


def test_fail_next_by_code_name(imagebuilder_mock: ImageBuilderMock) -> None:
    imagebuilder_mock.fail_next(
        "ListInfrastructureConfigurations", "CallRateLimitExceededException"
    )
    with pytest.raises(ClientError) as caught:
        _client().list_infrastructure_configurations()
    assert error_of(caught)[0] == "CallRateLimitExceededException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429


def test_repr_says_whether_active() -> None:
    mock = ImageBuilderMock(account_id="111122223333", region="eu-west-1")
    assert repr(mock) == "<ImageBuilderMock account_id='111122223333' region='eu-west-1' inactive>"
    with mock:
        assert repr(mock).endswith(" active>")


# -- the environment ---------------------------------------------------------------------------


def test_fake_credentials_only_while_active(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SESSION_TOKEN", "real-session-token")
    with mock_imagebuilder():
        credentials = boto3.Session().get_credentials()
        assert credentials is not None
        assert credentials.access_key == "FOOBARKEY"
        assert "AWS_SESSION_TOKEN" not in os.environ
    assert "AWS_ACCESS_KEY_ID" not in os.environ
    assert os.environ["AWS_SESSION_TOKEN"] == "real-session-token"


def test_the_readme_quickstart_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    example = Path(__file__).resolve().parent.parent / "examples" / "quickstart.py"
    runpy.run_path(str(example), run_name="__main__")
    out = capsys.readouterr().out
    assert (
        "started build:   arn:aws:imagebuilder:us-east-1:123456789012:image/web-server/1.0.0/1"
        in out
    )
    statuses = [line.split()[-1] for line in out.splitlines() if line.startswith("  status:")]
    assert statuses == [
        "PENDING",
        "CREATING",
        "BUILDING",
        "TESTING",
        "DISTRIBUTING",
        "INTEGRATING",
        "AVAILABLE",
    ]
    assert [line.split()[2] for line in out.splitlines() if line.startswith("AMI in")] == [
        "us-east-1",
        "eu-west-1",
    ]
    assert "workflow BUILD COMPLETED" in out
    assert "15 calls answered in-process" in out
    assert not mock_imagebuilder.active


def test_response_checking_follows_the_environment_when_the_mock_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The module-level mock exists before any conftest runs; the variable is read late.
    monkeypatch.setenv("IMAGEBUILDER_MOCK_CHECK_RESPONSES", "1")
    assert mock_imagebuilder.check_responses is True
    monkeypatch.setenv("IMAGEBUILDER_MOCK_CHECK_RESPONSES", "")
    assert mock_imagebuilder.check_responses is False
    assert mock_imagebuilder(check_responses=True).check_responses is True
