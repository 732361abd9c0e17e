"""The image state machine as a polling user sees it: modes, faults, terminal rules."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError
from builders import build, image_recipe, infrastructure, status
from errors import raised_error

from imagebuilder_mock import ImageBuilderMock

TERMINAL = ("AVAILABLE", "FAILED", "CANCELLED")
# Far more looks than any build here takes: a build that stops moving fails the test.
MAX_POLLS = 100
FULL_PATH = [
    "PENDING",
    "CREATING",
    "BUILDING",
    "TESTING",
    "DISTRIBUTING",
    "INTEGRATING",
    "AVAILABLE",
]


@pytest.fixture(autouse=True)
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The sleeps of the polling loops: recorded, never slept."""
    recorded: list[float] = []
    monkeypatch.setattr(time, "sleep", recorded.append)
    return recorded


@pytest.fixture
def setup(imagebuilder_client: Any) -> tuple[str, str]:
    return image_recipe(imagebuilder_client), infrastructure(imagebuilder_client)


def wait_for_image(client: Any, arn: str) -> tuple[str, int]:
    """A polling loop the way users write it."""
    polls = 0
    state = client.get_image(imageBuildVersionArn=arn)["image"]["state"]["status"]
    polls += 1
    while state not in TERMINAL:
        if polls == MAX_POLLS:
            pytest.fail(f"{arn} is still {state} after {polls} polls")
        time.sleep(30)
        state = client.get_image(imageBuildVersionArn=arn)["image"]["state"]["status"]
        polls += 1
    return state, polls


def test_polling_loop_finishes_without_real_sleeping(
    imagebuilder_client: Any, setup: tuple[str, str], slept: list[float]
) -> None:
    arn = build(imagebuilder_client, *setup)
    started = time.perf_counter()
    final, polls = wait_for_image(imagebuilder_client, arn)
    assert final == "AVAILABLE"
    assert polls == len(FULL_PATH)
    assert slept == [30] * (len(FULL_PATH) - 1)
    assert time.perf_counter() - started < 5


def test_each_status_is_seen_once_in_order(
    imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    arn = build(imagebuilder_client, *setup)
    seen = [status(imagebuilder_client, arn) for _ in FULL_PATH]
    assert seen == FULL_PATH
    assert status(imagebuilder_client, arn) == "AVAILABLE"


def test_testing_is_skipped_when_image_tests_are_off(
    imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    arn = build(imagebuilder_client, *setup, imageTestsConfiguration={"imageTestsEnabled": False})
    seen = [status(imagebuilder_client, arn) for _ in range(len(FULL_PATH) - 1)]
    assert seen == [s for s in FULL_PATH if s != "TESTING"]


def test_list_build_versions_counts_as_an_observation(
    imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    arn = build(imagebuilder_client, *setup)
    version_arn = arn.rsplit("/", 1)[0]
    listed = imagebuilder_client.list_image_build_versions(imageVersionArn=version_arn)
    assert listed["imageSummaryList"][0]["state"]["status"] == "PENDING"
    assert status(imagebuilder_client, arn) == "CREATING"


@pytest.mark.imagebuilder(progression="immediate")
def test_immediate_mode_finishes_builds_at_once(
    imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    arn = build(imagebuilder_client, *setup)
    image = imagebuilder_client.get_image(imageBuildVersionArn=arn)["image"]
    assert image["state"] == {"status": "AVAILABLE"}
    assert image["outputResources"]["amis"][0]["image"].startswith("ami-")


@pytest.mark.imagebuilder(progression="manual")
def test_manual_mode_moves_only_when_advanced(
    imagebuilder_mock: ImageBuilderMock, imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    arn = build(imagebuilder_client, *setup)
    assert [status(imagebuilder_client, arn) for _ in range(3)] == ["PENDING"] * 3
    assert imagebuilder_mock.advance(arn) == "CREATING"
    assert imagebuilder_mock.advance(arn, to="DISTRIBUTING") == "DISTRIBUTING"
    assert status(imagebuilder_client, arn) == "DISTRIBUTING"
    imagebuilder_mock.advance(arn, to="FAILED", reason="Distribution to eu-west-1 failed.")
    image = imagebuilder_client.get_image(imageBuildVersionArn=arn)["image"]
    assert image["state"] == {"status": "FAILED", "reason": "Distribution to eu-west-1 failed."}
    with pytest.raises(ValueError, match="already FAILED"):
        imagebuilder_mock.advance(arn, to="CANCELLED")


def test_progression_can_change_mid_test(
    imagebuilder_mock: ImageBuilderMock, imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    arn = build(imagebuilder_client, *setup)
    assert status(imagebuilder_client, arn) == "PENDING"
    imagebuilder_mock.set_progression("immediate")
    assert imagebuilder_mock.progression == "immediate"
    assert status(imagebuilder_client, arn) == "AVAILABLE"
    with pytest.raises(ValueError, match="progression must be one of"):
        imagebuilder_mock.set_progression("fast")  # type: ignore[arg-type]


@pytest.mark.imagebuilder(progression="wall-clock", seconds_per_status=60)
def test_wall_clock_mode_follows_the_mock_clock(
    imagebuilder_mock: ImageBuilderMock, imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    imagebuilder_mock.set_time(dt.datetime(2026, 1, 5, 12, 0))
    arn = build(imagebuilder_client, *setup)
    assert status(imagebuilder_client, arn) == "PENDING"
    imagebuilder_mock.tick(59)
    assert status(imagebuilder_client, arn) == "PENDING"
    imagebuilder_mock.tick(1)
    assert status(imagebuilder_client, arn) == "CREATING"
    imagebuilder_mock.tick(150)
    assert status(imagebuilder_client, arn) == "TESTING"
    imagebuilder_mock.tick(3600)
    assert status(imagebuilder_client, arn) == "AVAILABLE"


def test_fail_the_next_build_at_a_status(
    imagebuilder_mock: ImageBuilderMock, imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    imagebuilder_mock.fail_build(at="TESTING", reason="Test component failed: nginx-test.")
    failing = build(imagebuilder_client, *setup)
    healthy = build(imagebuilder_client, *setup)
    assert wait_for_image(imagebuilder_client, failing)[0] == "FAILED"
    image = imagebuilder_client.get_image(imageBuildVersionArn=failing)["image"]
    assert image["state"] == {"status": "FAILED", "reason": "Test component failed: nginx-test."}
    assert image["outputResources"] == {"amis": []}
    assert wait_for_image(imagebuilder_client, healthy)[0] == "AVAILABLE"


@pytest.mark.imagebuilder(progression="immediate")
def test_fail_the_next_n_builds_and_a_given_build(
    imagebuilder_mock: ImageBuilderMock, imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    imagebuilder_mock.fail_build(at="BUILDING", count=2)
    results = [status(imagebuilder_client, build(imagebuilder_client, *setup)) for _ in range(3)]
    assert results == ["FAILED", "FAILED", "AVAILABLE"]

    imagebuilder_mock.set_progression("manual")
    arn = build(imagebuilder_client, *setup)
    imagebuilder_mock.fail_build(arn, at="CREATING", reason="Launch failed.")
    assert imagebuilder_mock.advance(arn) == "CREATING"
    assert imagebuilder_mock.advance(arn) == "FAILED"
    with pytest.raises(ValueError) as caught:
        imagebuilder_mock.fail_build(arn, at="SHIPPING")
    assert str(caught.value) == (
        "a build cannot fail or hang at 'SHIPPING'; use one of "
        "PENDING, CREATING, BUILDING, TESTING, DISTRIBUTING, INTEGRATING"
    )
    with pytest.raises(ValueError) as caught:
        imagebuilder_mock.fail_build(arn, at="BUILDING")
    assert str(caught.value) == (
        f"{arn} will not reach BUILDING (it is FAILED on its path PENDING → CREATING → "
        "BUILDING → TESTING → DISTRIBUTING → INTEGRATING → AVAILABLE); it has ended"
    )


def test_hang_until_advanced(
    imagebuilder_mock: ImageBuilderMock, imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    imagebuilder_mock.hang_build(at="BUILDING")
    arn = build(imagebuilder_client, *setup)
    seen = [status(imagebuilder_client, arn) for _ in range(6)]
    assert seen == ["PENDING", "CREATING", "BUILDING", "BUILDING", "BUILDING", "BUILDING"]
    assert imagebuilder_mock.advance(arn) == "TESTING"
    assert wait_for_image(imagebuilder_client, arn)[0] == "AVAILABLE"


def test_finish_builds_runs_everything_in_progress(
    imagebuilder_mock: ImageBuilderMock, imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    arns = [build(imagebuilder_client, *setup) for _ in range(2)]
    imagebuilder_mock.finish_builds()
    assert [status(imagebuilder_client, arn) for arn in arns] == ["AVAILABLE", "AVAILABLE"]


def test_fail_the_next_calls_of_an_operation(
    imagebuilder_mock: ImageBuilderMock, imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    arn = build(imagebuilder_client, *setup)
    imagebuilder_mock.fail_next(
        "GetImage", "CallRateLimitExceededException", "Rate exceeded", count=2
    )
    for _ in range(2):
        with pytest.raises(ClientError) as info:
            imagebuilder_client.get_image(imageBuildVersionArn=arn)
        assert info.value.response["Error"] == {
            "Code": "CallRateLimitExceededException",
            "Message": "Rate exceeded",
        }
        assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert status(imagebuilder_client, arn) == "PENDING"  # failed calls observed nothing


def test_fail_next_of_any_operation_with_the_default_error(
    imagebuilder_mock: ImageBuilderMock, imagebuilder_client: Any
) -> None:
    imagebuilder_mock.fail_next("*")
    error = raised_error(imagebuilder_client.list_images)
    assert error["Code"] == "ServiceUnavailableException"
    assert "Injected ServiceUnavailableException for *" in error["Message"]
    assert imagebuilder_client.list_images()["imageVersionList"] == []


def test_cancel_in_progress_and_terminal(imagebuilder_client: Any, setup: tuple[str, str]) -> None:
    arn = build(imagebuilder_client, *setup)
    status(imagebuilder_client, arn)
    answer = imagebuilder_client.cancel_image_creation(imageBuildVersionArn=arn)
    assert answer["imageBuildVersionArn"] == arn
    image = imagebuilder_client.get_image(imageBuildVersionArn=arn)["image"]
    assert image["state"]["status"] == "CANCELLED"
    error = raised_error(imagebuilder_client.cancel_image_creation, imageBuildVersionArn=arn)
    assert error["Code"] == "InvalidRequestException"
    assert error["Message"] == (
        f"The image '{arn}' is in a terminal state (CANCELLED) and cannot be cancelled."
    )


def test_retry_resumes_a_cancelled_build_where_it_stopped(
    imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    arn = build(imagebuilder_client, *setup)
    for _ in range(3):
        status(imagebuilder_client, arn)  # PENDING, CREATING, BUILDING → now TESTING
    imagebuilder_client.cancel_image_creation(imageBuildVersionArn=arn)
    assert imagebuilder_client.retry_image(imageBuildVersionArn=arn)["imageBuildVersionArn"] == arn
    assert status(imagebuilder_client, arn) == "TESTING"
    assert wait_for_image(imagebuilder_client, arn)[0] == "AVAILABLE"


def test_retry_rules(
    imagebuilder_mock: ImageBuilderMock, imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    arn = build(imagebuilder_client, *setup)
    error = raised_error(imagebuilder_client.retry_image, imageBuildVersionArn=arn)
    assert error["Code"] == "ResourceInUseException"
    assert error["Message"] == f"The image '{arn}' is still being built (PENDING)."
    imagebuilder_mock.finish_builds()
    error = raised_error(imagebuilder_client.retry_image, imageBuildVersionArn=arn)
    assert error["Code"] == "InvalidRequestException"
    assert "only FAILED or CANCELLED images can be retried" in error["Message"]
    missing = arn[: -len("/1")] + "/9"
    error = raised_error(imagebuilder_client.retry_image, imageBuildVersionArn=missing)
    assert error == {
        "Code": "ResourceNotFoundException",
        "Message": f"The resource ARN '{missing}' does not exist.",
    }


def test_delete_only_finished_builds(
    imagebuilder_mock: ImageBuilderMock, imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    arn = build(imagebuilder_client, *setup)
    error = raised_error(imagebuilder_client.delete_image, imageBuildVersionArn=arn)
    assert error["Code"] == "ResourceDependencyException"
    assert error["Message"] == (
        f"Resource dependency error: The resource ARN '{arn}' has other resources depended on it."
    )
    imagebuilder_mock.finish_builds()
    assert imagebuilder_client.delete_image(imageBuildVersionArn=arn)["imageBuildVersionArn"] == arn
    error = raised_error(imagebuilder_client.get_image, imageBuildVersionArn=arn)
    assert error["Code"] == "ResourceNotFoundException"
    version_arn = arn.rsplit("/", 1)[0]
    error = raised_error(imagebuilder_client.delete_image, imageBuildVersionArn=version_arn)
    assert error["Code"] == "InvalidParameterValueException"
