"""The mock's own lifecycle: starting, stopping, what the controller accepts, and waiting."""

from __future__ import annotations

import asyncio
import os
import threading
import time
import unittest
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.waiter
import pytest
from botocore.exceptions import ClientError, WaiterError
from builders import build, image_recipe, infrastructure, status
from errors import error_of
from waiters import image_available_definition

from imagebuilder_mock import DEFAULT_ACCOUNT_ID, ImageBuilderMock, mock_imagebuilder
from imagebuilder_mock._interception import _Active

REGION = "us-east-1"


def _client(region: str = REGION, **kwargs: Any) -> Any:
    return boto3.client("imagebuilder", region_name=region, **kwargs)


def _infra(client: Any, name: str) -> str:
    arn: str = client.create_infrastructure_configuration(name=name, instanceProfileName="p")[
        "infrastructureConfigurationArn"
    ]
    return arn


def _infra_names(client: Any) -> list[str]:
    listed = client.list_infrastructure_configurations()["infrastructureConfigurationSummaryList"]
    return sorted(item["name"] for item in listed)


# -- 13: controller calls need an active mock ------------------------------------------------

INACTIVE = "mock_imagebuilder is not active: controller calls need an active mock"


@pytest.mark.parametrize(
    "call",
    [
        lambda ib: ib.fail_build(reason="left over"),
        lambda ib: ib.hang_build(),
        lambda ib: ib.fail_next("GetImage"),
        lambda ib: ib.set_progression("manual"),
        lambda ib: ib.set_time(None),
        lambda ib: ib.tick(60),
        lambda ib: ib.reset(),
        lambda ib: ib.backend(),
        lambda ib: ib.calls,
        lambda ib: ib.finish_builds(),
        lambda ib: ib.run_schedules(),
        lambda ib: ib.add_managed_component("corp", "1.0.0"),
    ],
)
def test_controller_calls_without_an_active_mock_are_refused(call: Any) -> None:
    with pytest.raises(RuntimeError) as caught:
        call(mock_imagebuilder)
    assert str(caught.value).startswith(INACTIVE)
    assert not mock_imagebuilder.active


def test_a_refused_call_leaves_nothing_for_the_next_mock() -> None:
    with pytest.raises(RuntimeError):
        mock_imagebuilder.fail_build(reason="from a test that forgot the decorator")
    with pytest.raises(RuntimeError):
        mock_imagebuilder.tick(3600)
    with mock_imagebuilder(progression="immediate") as ib:
        client = _client()
        arn = build(client, image_recipe(client), infrastructure(client))
        assert status(client, arn) == "AVAILABLE"
        assert ib.service.frozen_time is None


def test_the_controller_of_another_active_scope_may_be_used(
    imagebuilder_mock: ImageBuilderMock,
) -> None:
    # State is process-wide: the module-level controller reaches the fixture's mock.
    mock_imagebuilder.fail_next("ListInfrastructureConfigurations")
    with pytest.raises(ClientError) as caught:
        _client().list_infrastructure_configurations()
    assert error_of(caught)[0] == "ServiceUnavailableException"


# -- 14: faults that could never fire are refused at the call ----------------------------------


def test_fail_next_refuses_an_operation_the_service_lacks(
    imagebuilder_mock: ImageBuilderMock,
) -> None:
    with pytest.raises(ValueError) as caught:
        imagebuilder_mock.fail_next("CreateComponnet")
    assert str(caught.value) == (
        "'CreateComponnet' is not an Image Builder operation; did you mean 'CreateComponent' "
        "or 'GetComponent' or 'DeleteComponent'? Name one of the 77 operations of the service "
        "model (e.g. 'GetImage'), or '*' for any"
    )


def test_fail_next_refuses_an_error_the_operation_does_not_declare(
    imagebuilder_mock: ImageBuilderMock,
) -> None:
    with pytest.raises(ValueError) as caught:
        imagebuilder_mock.fail_next("GetImage", "NoSuchThingException")
    assert str(caught.value) == (
        "GetImage does not declare 'NoSuchThingException'; it declares "
        "CallRateLimitExceededException, ClientException, ForbiddenException, "
        "InvalidRequestException, ServiceException, ServiceUnavailableException"
    )
    # The default error is checked too: the tag operations do not declare it.
    with pytest.raises(ValueError) as caught:
        imagebuilder_mock.fail_next("TagResource")
    assert str(caught.value) == (
        "TagResource does not declare 'ServiceUnavailableException'; it declares "
        "InvalidParameterException, ResourceNotFoundException, ServiceException"
    )
    with pytest.raises(ValueError) as caught:
        imagebuilder_mock.fail_next("*", "NoSuchThingException")
    assert str(caught.value).startswith(
        "'NoSuchThingException' is not an Image Builder error; the modeled errors are "
        "AccessDeniedException, CallRateLimitExceededException,"
    )
    with pytest.raises(ValueError) as caught:
        imagebuilder_mock.fail_next("GetImage", count=0)
    assert str(caught.value) == "count must be a positive whole number, not 0"
    # Nothing refused was queued.
    client = _client()
    client.tag_resource(resourceArn=_infra(client, "tagged"), tags={"k": "v"})


def test_a_wildcard_fault_waits_for_an_operation_that_declares_its_error(
    imagebuilder_mock: ImageBuilderMock,
) -> None:
    client = _client()
    arn = _infra(client, "builders")
    imagebuilder_mock.fail_next("*", "ResourceInUseException", "busy")
    # ListTagsForResource cannot answer ResourceInUseException: it is served.
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == {}
    # Neither can DeleteInfrastructureConfiguration.
    client.delete_infrastructure_configuration(infrastructureConfigurationArn=arn)
    with pytest.raises(ClientError) as caught:
        _infra(client, "second")
    assert error_of(caught) == ("ResourceInUseException", "busy")
    assert _infra_names(client) == []


def test_fail_build_refuses_a_status_no_build_passes(imagebuilder_mock: ImageBuilderMock) -> None:
    expected = (
        "a build cannot fail or hang at 'COOKING'; use one of "
        "PENDING, CREATING, BUILDING, TESTING, DISTRIBUTING, INTEGRATING"
    )
    for plan in (imagebuilder_mock.fail_build, imagebuilder_mock.hang_build):
        with pytest.raises(ValueError) as caught:
            plan(at="COOKING")
        assert str(caught.value) == expected
    with pytest.raises(ValueError) as caught:
        imagebuilder_mock.fail_build(at="AVAILABLE")
    assert "cannot fail or hang at 'AVAILABLE'" in str(caught.value)
    with pytest.raises(ValueError) as caught:
        imagebuilder_mock.fail_build(count=0)
    assert str(caught.value) == "count must be a positive whole number, not 0"


@pytest.mark.imagebuilder(progression="manual")
def test_fail_build_refuses_a_status_the_named_build_will_not_reach(
    imagebuilder_mock: ImageBuilderMock, imagebuilder_client: Any
) -> None:
    client = imagebuilder_client
    recipe, infra = image_recipe(client), infrastructure(client)
    untested = build(client, recipe, infra, imageTestsConfiguration={"imageTestsEnabled": False})
    with pytest.raises(ValueError) as caught:
        imagebuilder_mock.fail_build(untested, at="TESTING")
    assert str(caught.value) == (
        f"{untested} will not reach TESTING (it is PENDING on its path PENDING → CREATING → "
        "BUILDING → DISTRIBUTING → INTEGRATING → AVAILABLE); it can still stop at "
        "PENDING, CREATING, BUILDING, DISTRIBUTING, INTEGRATING"
    )
    with pytest.raises(ValueError) as caught:
        imagebuilder_mock.fail_build(untested, at="BUILDING", count=2)
    assert str(caught.value) == (
        "count applies to the next builds, not to a build named by its ARN"
    )
    imagebuilder_mock.advance(untested, to="DISTRIBUTING")
    with pytest.raises(ValueError) as caught:
        imagebuilder_mock.hang_build(untested, at="BUILDING")
    assert str(caught.value).endswith("it can still stop at DISTRIBUTING, INTEGRATING")
    # The build was left as it was.
    imagebuilder_mock.advance(untested, to="AVAILABLE")
    assert status(client, untested) == "AVAILABLE"


@pytest.mark.imagebuilder(progression="immediate")
def test_a_planned_fault_goes_to_the_next_build_that_reaches_its_status(
    imagebuilder_mock: ImageBuilderMock, imagebuilder_client: Any
) -> None:
    client = imagebuilder_client
    recipe, infra = image_recipe(client), infrastructure(client)
    imagebuilder_mock.fail_build(at="TESTING", reason="Test component failed.")
    untested = build(client, recipe, infra, imageTestsConfiguration={"imageTestsEnabled": False})
    assert status(client, untested) == "AVAILABLE"
    tested = build(client, recipe, infra)
    image = client.get_image(imageBuildVersionArn=tested)["image"]
    assert image["state"] == {"status": "FAILED", "reason": "Test component failed."}


# -- 15: reset keeps the settings ---------------------------------------------------------------


@pytest.mark.imagebuilder(progression="manual")
def test_reset_keeps_the_progression_mode(
    imagebuilder_mock: ImageBuilderMock, imagebuilder_client: Any
) -> None:
    imagebuilder_mock.reset()
    assert imagebuilder_mock.progression == "manual"
    client = imagebuilder_client
    arn = build(client, image_recipe(client), infrastructure(client))
    assert [status(client, arn) for _ in range(3)] == ["PENDING"] * 3


def test_reset_keeps_the_wall_clock_pace() -> None:
    with mock_imagebuilder(progression="wall-clock", seconds_per_status=30) as ib:
        ib.reset()
        assert (ib.progression, ib.service.registry.builds.seconds_per_status) == (
            "wall-clock",
            30,
        )


# -- 16: a failed start restores everything ------------------------------------------------------


def test_a_failed_start_restores_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from botocore.exceptions import ConfigParseError

    config = tmp_path / "config"
    config.write_text("[profile dev\nregion = us-east-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_PROFILE", "dev")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "real-session-token")
    before = dict(os.environ)
    with pytest.raises(ConfigParseError):
        mock_imagebuilder.start()
    assert dict(os.environ) == before
    assert not mock_imagebuilder.active
    assert _Active.service is None
    # The next start, with the config repaired, works and ends cleanly.
    config.write_text("[profile dev]\nregion = us-east-1\n")
    with mock_imagebuilder():
        fresh = boto3.Session().client("imagebuilder", region_name=REGION)
        assert _infra_names(fresh) == []
    assert dict(os.environ) == before


def test_a_failed_inner_start_keeps_the_outer_scope(monkeypatch: pytest.MonkeyPatch) -> None:
    with mock_imagebuilder(account_id="111111111111") as outer:
        with pytest.raises(ValueError, match="progression must be one of"):
            ImageBuilderMock(progression="sometimes")  # type: ignore[arg-type]
        monkeypatch.setattr(
            ImageBuilderMock, "set_progression", lambda *a, **k: (_ for _ in ()).throw(OSError)
        )
        with pytest.raises(OSError):
            ImageBuilderMock(account_id="222222222222", progression="manual").start()
        monkeypatch.undo()
        assert outer.active
        assert _infra(_client(), "still-outer").split(":")[4] == "111111111111"


# -- 17: TestCase classes, generators, the account and threads -----------------------------------


class _SharedSetUp:
    """The body of a TestCase class (mixed in, so pytest does not collect it undecorated)."""

    client: Any
    events: list[str]

    @classmethod
    def setUpClass(cls) -> None:
        cls.client = _client()
        _infra(cls.client, "from-class")
        cls.events = []

    @classmethod
    def tearDownClass(cls) -> None:
        # Still served: the class's mock stops after this.
        cls.events.append(f"teardown sees {_infra_names(cls.client)}")

    def setUp(self) -> None:
        _infra(self.client, "from-setup")

    def test_a(self) -> None:
        _infra(self.client, "from-a")
        self.events.append(f"a sees {_infra_names(self.client)}")

    def test_b(self) -> None:
        self.events.append(f"b sees {_infra_names(self.client)}")


def _run_case(case: type[unittest.TestCase]) -> unittest.TestResult:
    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(case).run(result)
    return result


def test_a_decorated_test_case_covers_set_up_class() -> None:
    case = mock_imagebuilder(type("Shared", (_SharedSetUp, unittest.TestCase), {}))
    result = _run_case(case)
    assert result.testsRun == 2
    assert result.wasSuccessful(), result.errors + result.failures
    assert case.events == [  # type: ignore[attr-defined]
        "a sees ['from-a', 'from-class', 'from-setup']",
        # Each test starts from what setUpClass left: test_a's resources are gone.
        "b sees ['from-class', 'from-setup']",
        "teardown sees ['from-class', 'from-setup']",
    ]
    assert not mock_imagebuilder.active


def test_each_test_of_a_class_starts_from_the_class_state_with_its_settings() -> None:
    class Settings(unittest.TestCase):
        seen: list[Any] = []  # noqa: RUF012

        @classmethod
        def setUpClass(cls) -> None:
            mock_imagebuilder.set_progression("manual")
            mock_imagebuilder.fail_next("ListInfrastructureConfigurations", count=2)

        def test_1(self) -> None:
            with pytest.raises(ClientError):
                _client().list_infrastructure_configurations()
            mock_imagebuilder.set_progression("immediate")
            self.seen.append((mock_imagebuilder.progression, len(mock_imagebuilder.calls)))

        def test_2(self) -> None:
            with pytest.raises(ClientError):
                _client().list_infrastructure_configurations()
            self.seen.append((mock_imagebuilder.progression, len(mock_imagebuilder.calls)))

    case = mock_imagebuilder(Settings)
    result = _run_case(case)
    assert result.wasSuccessful(), result.errors + result.failures
    # Both tests found two pending faults, the mode setUpClass chose, and an empty log.
    assert Settings.seen == [("immediate", 1), ("manual", 1)]


def test_a_failing_set_up_class_still_stops_the_mock() -> None:
    class Broken(unittest.TestCase):
        @classmethod
        def setUpClass(cls) -> None:
            _infra(_client(), "half-made")
            raise RuntimeError("setup failed")

        def test_never_runs(self) -> None:
            raise AssertionError("unreachable")

    result = _run_case(mock_imagebuilder(Broken))
    assert len(result.errors) == 1
    assert "setup failed" in result.errors[0][1]
    assert not mock_imagebuilder.active
    with mock_imagebuilder():
        assert _infra_names(_client()) == []


def test_a_test_run_on_its_own_gets_its_own_mock() -> None:
    class Single(unittest.TestCase):
        def test_alone(self) -> None:
            assert mock_imagebuilder.active
            _infra(_client(), "alone")

    case = mock_imagebuilder(Single)
    result = unittest.TestResult()
    case("test_alone").run(result)
    assert result.wasSuccessful(), result.errors + result.failures
    assert not mock_imagebuilder.active


def test_a_decorated_test_case_under_pytest(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import unittest

        import boto3
        from imagebuilder_mock import mock_imagebuilder


        def names(client):
            listed = client.list_infrastructure_configurations()
            return sorted(i["name"] for i in listed["infrastructureConfigurationSummaryList"])


        @mock_imagebuilder
        class TestShared(unittest.TestCase):
            @classmethod
            def setUpClass(cls):
                cls.client = boto3.client("imagebuilder", region_name="us-east-1")
                cls.client.create_infrastructure_configuration(
                    name="from-class", instanceProfileName="p"
                )

            def test_a(self):
                self.client.create_infrastructure_configuration(
                    name="from-a", instanceProfileName="p"
                )
                assert names(self.client) == ["from-a", "from-class"]

            def test_b(self):
                assert names(self.client) == ["from-class"]


        @mock_imagebuilder
        class TestBroken(unittest.TestCase):
            @classmethod
            def setUpClass(cls):
                raise RuntimeError("setup failed")

            def test_never_runs(self):
                raise AssertionError("unreachable")


        def test_after():
            assert not mock_imagebuilder.active
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, errors=1)


def test_a_decorated_yield_fixture_keeps_the_mock_on_for_the_test(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import boto3
        import pytest
        from imagebuilder_mock import mock_imagebuilder


        @pytest.fixture
        @mock_imagebuilder
        def seeded():
            client = boto3.client("imagebuilder", region_name="us-east-1")
            client.create_infrastructure_configuration(name="seeded", instanceProfileName="p")
            yield client
            # Teardown still runs under the mock.
            client.delete_infrastructure_configuration(
                infrastructureConfigurationArn=mock_imagebuilder.calls[0].response[
                    "infrastructureConfigurationArn"
                ]
            )


        def test_uses_it(seeded):
            assert mock_imagebuilder.active
            listed = seeded.list_infrastructure_configurations()
            assert [i["name"] for i in listed["infrastructureConfigurationSummaryList"]] == [
                "seeded"
            ]


        def test_after():
            assert not mock_imagebuilder.active
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_a_decorated_generator_runs_under_the_mock() -> None:
    @mock_imagebuilder
    def make(names: list[str]) -> Iterator[str]:
        client = _client()
        for name in names:
            yield _infra(client, name)
        yield f"{len(_infra_names(client))} made"

    produced = make(["one", "two"])
    assert not mock_imagebuilder.active  # calling runs nothing yet
    assert list(produced) == [
        f"arn:aws:imagebuilder:{REGION}:{DEFAULT_ACCOUNT_ID}:infrastructure-configuration/one",
        f"arn:aws:imagebuilder:{REGION}:{DEFAULT_ACCOUNT_ID}:infrastructure-configuration/two",
        "2 made",
    ]
    assert not mock_imagebuilder.active


def test_a_decorated_generator_stays_on_between_items_and_forwards_send() -> None:
    @mock_imagebuilder
    def echo() -> Iterator[Any]:
        received = yield "ready"
        while received is not None:
            received = yield _infra(_client(), received)
        return

    gen = echo()
    assert next(gen) == "ready"
    # Between items (where a yield fixture's test runs) the mock is on.
    assert mock_imagebuilder.active
    assert gen.send("sent").endswith("/sent")
    gen.close()
    assert not mock_imagebuilder.active


def test_a_decorated_async_generator_runs_under_the_mock() -> None:
    @mock_imagebuilder
    async def make() -> AsyncIterator[str]:
        await asyncio.sleep(0)
        received = yield _infra(_client(), "async-one")
        yield f"{received}: {_infra_names(_client())}"

    async def consume() -> list[str]:
        gen = make()
        first = await gen.__anext__()
        second = await gen.asend("got")
        with pytest.raises(StopAsyncIteration):
            await gen.__anext__()
        return [first, second]

    assert asyncio.run(consume()) == [
        f"arn:aws:imagebuilder:{REGION}:{DEFAULT_ACCOUNT_ID}:infrastructure-configuration/async-one",
        "got: ['async-one']",
    ]
    assert not mock_imagebuilder.active


def test_a_decorated_async_generator_closed_early_stops_the_mock() -> None:
    @mock_imagebuilder
    async def endless() -> AsyncIterator[int]:
        n = 0
        while True:
            n += 1
            yield n

    async def take_two() -> list[int]:
        gen = endless()
        taken = [await gen.__anext__(), await gen.__anext__()]
        await gen.aclose()
        return taken

    assert asyncio.run(take_two()) == [1, 2]
    assert not mock_imagebuilder.active


def test_moto_account_id_is_read_when_the_mock_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "444455556666")
    with mock_imagebuilder() as ib:
        monkeypatch.setenv("MOTO_ACCOUNT_ID", "777788889999")
        arn = _infra(_client(), "after-change")
        # Requests and the controller agree: the account fixed at start.
        assert arn.split(":")[4] == ib.account_id == "444455556666"
        assert ib.calls[-1].account_id == "444455556666"
        assert list(ib.backend().resources) == [arn]
        with mock_imagebuilder() as inner:
            # A scope that starts now reads the variable now.
            assert _infra(_client(), "inner").split(":")[4] == "777788889999"
            assert inner.account_id == ib.account_id == "777788889999"
        assert ib.account_id == "444455556666"


def test_threads_share_one_state_and_the_account_in_force() -> None:
    first_in = threading.Event()
    second_in = threading.Event()
    done = threading.Event()
    seen: dict[str, Any] = {}

    def first() -> None:
        with mock_imagebuilder(account_id="111111111111") as ib:
            first_in.set()
            second_in.wait(5)
            # The scope entered last (in the other thread) is in force here too.
            seen["first request"] = _infra(_client(), "from-first").split(":")[4]
            seen["first controller"] = ib.account_id
            done.set()

    def second() -> None:
        first_in.wait(5)
        with mock_imagebuilder(account_id="222222222222") as ib:
            second_in.set()
            done.wait(5)
            seen["second controller"] = ib.account_id
            seen["names"] = _infra_names(_client())

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == {
        "first request": "222222222222",
        "first controller": "222222222222",
        "second controller": "222222222222",
        "names": ["from-first"],
    }
    assert not mock_imagebuilder.active


# -- 18: reads create nothing ---------------------------------------------------------------------


def test_reads_naming_unknown_accounts_and_regions_create_nothing(
    imagebuilder_mock: ImageBuilderMock,
) -> None:
    _infra(_client(), "mine")
    before = [(b.account_id, b.region) for b in imagebuilder_mock.service.registry.existing()]
    for i in range(20):
        account = f"{100000000000 + i}"
        region = f"xx-test-{i}"
        reader = _client(region, aws_access_key_id=account, aws_secret_access_key="s")
        assert (
            reader.list_infrastructure_configurations()["infrastructureConfigurationSummaryList"]
            == []
        )
        arn = f"arn:aws:imagebuilder:{REGION}:{account}:image/web/1.0.0/1"
        with pytest.raises(ClientError) as caught:
            _client().get_image(imageBuildVersionArn=arn)
        assert error_of(caught) == (
            "ResourceNotFoundException",
            f"The resource ARN '{arn}' does not exist.",
        )
    after = [(b.account_id, b.region) for b in imagebuilder_mock.service.registry.existing()]
    assert after == before


def test_a_read_still_sees_the_aws_managed_catalog(imagebuilder_mock: ImageBuilderMock) -> None:
    reader = _client("eu-north-1")
    listed = reader.list_components(
        owner="Amazon", filters=[{"name": "name", "values": ["update-linux"]}]
    )["componentVersionList"]
    assert {(c["name"], c["owner"]) for c in listed} == {("update-linux", "Amazon")}
    assert imagebuilder_mock.service.registry.existing() == []
    # A write still creates the caller's backend.
    _infra(reader, "writer")
    assert [(b.account_id, b.region) for b in imagebuilder_mock.service.registry.existing()] == [
        (DEFAULT_ACCOUNT_ID, "eu-north-1")
    ]


# -- 19: a client made before the mock, with no credentials at all -------------------------------


def test_a_client_made_without_credentials_before_the_mock_is_served() -> None:
    session = boto3.Session()
    assert session.get_credentials() is None  # no credentials anywhere
    client = session.client("imagebuilder", region_name="eu-west-1")  # as at import time
    with mock_imagebuilder() as ib:
        arn = _infra(client, "from-import-time")
        assert arn == (
            f"arn:aws:imagebuilder:eu-west-1:{DEFAULT_ACCOUNT_ID}:"
            "infrastructure-configuration/from-import-time"
        )
        assert (ib.calls[-1].account_id, ib.calls[-1].region) == (DEFAULT_ACCOUNT_ID, "eu-west-1")
    # Outside the mock botocore's own refusal comes back.
    from botocore.exceptions import NoCredentialsError

    with pytest.raises(NoCredentialsError):
        client.list_infrastructure_configurations()


# -- 21: waiters return as soon as the state is decided -------------------------------------------


def _image_available(client: Any) -> Any:
    """botocore's ``image_available`` waiter, or the same definition on a botocore without it."""
    if "image_available" in client.waiter_names:
        return client.get_waiter("image_available")
    model = botocore.waiter.WaiterModel(image_available_definition())
    return botocore.waiter.create_waiter_with_client("ImageAvailable", model, client)


@pytest.fixture
def started(imagebuilder_client: Any) -> str:
    client = imagebuilder_client
    return build(client, image_recipe(client), infrastructure(client))


def _timed_wait(client: Any, arn: str, **config: Any) -> float:
    begun = time.monotonic()
    kwargs: dict[str, Any] = {"imageBuildVersionArn": arn}
    if config:
        kwargs["WaiterConfig"] = config
    try:
        _image_available(client).wait(**kwargs)
    finally:
        elapsed = time.monotonic() - begun
    return elapsed


def test_the_waiter_returns_at_once_in_observe_mode(imagebuilder_client: Any, started: str) -> None:
    assert _timed_wait(imagebuilder_client, started) < 1
    assert status(imagebuilder_client, started) == "AVAILABLE"


def test_an_ordinary_poll_still_moves_one_status(imagebuilder_client: Any, started: str) -> None:
    _image_available(imagebuilder_client)  # making a waiter changes nothing
    assert [status(imagebuilder_client, started) for _ in range(3)] == [
        "PENDING",
        "CREATING",
        "BUILDING",
    ]


def test_the_waiter_fails_at_once_on_a_failed_build(
    imagebuilder_mock: ImageBuilderMock, imagebuilder_client: Any
) -> None:
    client = imagebuilder_client
    imagebuilder_mock.fail_build(at="TESTING", reason="Test component failed.")
    arn = build(client, image_recipe(client), infrastructure(client))
    begun = time.monotonic()
    with pytest.raises(WaiterError) as caught:
        _image_available(client).wait(imageBuildVersionArn=arn)
    assert time.monotonic() - begun < 1
    assert caught.value.last_response["image"]["state"] == {
        "status": "FAILED",
        "reason": "Test component failed.",
    }
    assert "terminal failure state" in str(caught.value)


@pytest.mark.imagebuilder(progression="manual")
def test_the_waiter_gives_up_at_once_when_nothing_can_move_the_build(
    imagebuilder_mock: ImageBuilderMock, imagebuilder_client: Any, started: str
) -> None:
    begun = time.monotonic()
    with pytest.raises(WaiterError) as caught:
        _image_available(imagebuilder_client).wait(imageBuildVersionArn=started)
    # 360 polls without a sleep between them: seconds at most, not botocore's six hours.
    assert time.monotonic() - begun < 30
    assert str(caught.value) == "Waiter ImageAvailable failed: Max attempts exceeded"
    polls = [call for call in imagebuilder_mock.calls if call.operation == "GetImage"]
    assert len(polls) == 360  # every attempt, none of them waited for
    # Advanced first, the same waiter returns.
    imagebuilder_mock.advance(started, to="AVAILABLE")
    assert _timed_wait(imagebuilder_client, started) < 1


def test_a_hung_build_exhausts_the_waiter_at_once(
    imagebuilder_mock: ImageBuilderMock, imagebuilder_client: Any
) -> None:
    client = imagebuilder_client
    imagebuilder_mock.hang_build(at="DISTRIBUTING")
    arn = build(client, image_recipe(client), infrastructure(client))
    with pytest.raises(WaiterError) as caught:
        _image_available(client).wait(imageBuildVersionArn=arn, WaiterConfig={"MaxAttempts": 5})
    assert caught.value.last_response["image"]["state"]["status"] == "DISTRIBUTING"


@pytest.mark.imagebuilder(progression="wall-clock", seconds_per_status=0.05)
def test_the_waiter_sleeps_only_as_long_as_a_status_lasts(
    imagebuilder_client: Any, started: str
) -> None:
    assert _timed_wait(imagebuilder_client, started) < 2
    assert status(imagebuilder_client, started) == "AVAILABLE"


def test_other_waiters_keep_their_delay(
    imagebuilder_client: Any, started: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    _image_available(imagebuilder_client).wait(imageBuildVersionArn=started)
    # A waiter of another service (here, served by a stub) sleeps its full delay.
    from botocore.stub import Stubber

    sts = boto3.client("sts", region_name=REGION)
    model = botocore.waiter.WaiterModel(
        {
            "version": 2,
            "waiters": {
                "Caller": {
                    "operation": "GetCallerIdentity",
                    "delay": 7,
                    "maxAttempts": 2,
                    "acceptors": [
                        {
                            "state": "success",
                            "matcher": "path",
                            "argument": "Account",
                            "expected": "123456789012",
                        }
                    ],
                }
            },
        }
    )
    with Stubber(sts) as stub:
        for account in ("000000000000", "123456789012"):
            stub.add_response("get_caller_identity", {"Account": account})
        botocore.waiter.create_waiter_with_client("Caller", model, sts).wait()
    assert slept == [7]
