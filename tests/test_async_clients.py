"""aiobotocore clients: served by every front door with the same state and answers as boto3.

Collected only where aiobotocore imports (tests/conftest.py); ``tox -e async`` and
``.ci/run`` install a compatible aiobotocore and botocore and run this module.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import aiobotocore.waiter
import boto3
import botocore.waiter
import pytest
from aiobotocore.session import AioSession, get_session
from aiobotocore.stub import AioStubber
from botocore.exceptions import ClientError, WaiterError
from builders import COMPONENT_DOCUMENT, INSTANCE_PROFILE, aws_image, moto_instance_profile
from waiters import image_available_definition

from imagebuilder_mock import DEFAULT_ACCOUNT_ID, MockController, mock_imagebuilder

REGION = "us-east-1"
INFRA = "infrastructure-configuration"
_T = TypeVar("_T")
Caught = pytest.ExceptionInfo[ClientError]


def run(scenario: Callable[[], Awaitable[_T]]) -> _T:
    async def main() -> _T:
        return await scenario()

    return asyncio.run(main())


@contextlib.asynccontextmanager
async def async_client(region: str = REGION) -> AsyncIterator[Any]:
    async with get_session().create_client("imagebuilder", region_name=region) as client:
        yield client


async def create_infra(client: Any, name: str) -> str:
    answer = await client.create_infrastructure_configuration(
        name=name, instanceProfileName=INSTANCE_PROFILE
    )
    arn: str = answer["infrastructureConfigurationArn"]
    return arn


async def start_build(client: Any) -> str:
    """An image build made through the async client alone."""
    component = await client.create_component(
        name="async-nginx", semanticVersion="1.0.0", platform="Linux", data=COMPONENT_DOCUMENT
    )
    recipe = await client.create_image_recipe(
        name="async-web",
        semanticVersion="1.0.0",
        components=[{"componentArn": component["componentBuildVersionArn"]}],
        parentImage=aws_image(client.meta.region_name),
    )
    image = await client.create_image(
        imageRecipeArn=recipe["imageRecipeArn"],
        infrastructureConfigurationArn=await create_infra(client, "async-build-infra"),
    )
    arn: str = image["imageBuildVersionArn"]
    return arn


def image_available(client: Any) -> Any:
    """aiobotocore's ``image_available`` waiter, or the same definition on a botocore without it."""
    if "image_available" in client.waiter_names:
        return client.get_waiter("image_available")
    model = botocore.waiter.WaiterModel(image_available_definition())
    return aiobotocore.waiter.create_waiter_with_client("ImageAvailable", model, client)


def infra_arn(name: str, region: str = REGION, account: str = DEFAULT_ACCOUNT_ID) -> str:
    return f"arn:aws:imagebuilder:{region}:{account}:{INFRA}/{name}"


# -- requests are answered once, in the form the async client reads -----------------------------


def test_an_async_create_is_answered_once_and_kept() -> None:
    async def scenario() -> tuple[str, dict[str, Any], list[str], list[str]]:
        async with mock_imagebuilder() as ib, async_client() as client:
            arn = await create_infra(client, "async-infra")
            got = await client.get_infrastructure_configuration(infrastructureConfigurationArn=arn)
            calls = [call.operation for call in ib.calls]
            return arn, got["infrastructureConfiguration"], calls, list(ib.backend().resources)

    arn, got, calls, kept = run(scenario)
    assert arn == infra_arn("async-infra")
    assert (got["arn"], got["name"], got["instanceProfileName"]) == (
        arn,
        "async-infra",
        INSTANCE_PROFILE,
    )
    # One call per request: the service ran once for each, whichever client sent it.
    assert calls == ["CreateInfrastructureConfiguration", "GetInfrastructureConfiguration"]
    assert kept == [arn]


def test_async_and_sync_clients_share_one_backend() -> None:
    async def scenario() -> tuple[list[str], list[str]]:
        async with mock_imagebuilder(), async_client() as client:
            sync = boto3.client("imagebuilder", region_name=REGION)
            sync.create_infrastructure_configuration(
                name="from-boto3", instanceProfileName=INSTANCE_PROFILE
            )
            await create_infra(client, "from-aiobotocore")
            seen_async = await client.list_infrastructure_configurations()
            seen_sync = sync.list_infrastructure_configurations()
            return (
                [entry["name"] for entry in seen_async["infrastructureConfigurationSummaryList"]],
                [entry["name"] for entry in seen_sync["infrastructureConfigurationSummaryList"]],
            )

    seen_async, seen_sync = run(scenario)
    assert seen_async == seen_sync == ["from-aiobotocore", "from-boto3"]


def test_a_decorated_coroutine_serves_async_clients() -> None:
    @mock_imagebuilder(account_id="111122223333", region="eu-west-1")
    async def scenario() -> str:
        async with async_client("eu-west-1") as client:
            return await create_infra(client, "decorated")

    assert run(scenario) == infra_arn("decorated", "eu-west-1", "111122223333")


def test_the_fixture_serves_async_clients(imagebuilder_mock: MockController) -> None:
    async def scenario() -> str:
        async with async_client(imagebuilder_mock.region) as client:
            return await create_infra(client, "from-fixture")

    arn = run(scenario)
    assert arn == infra_arn("from-fixture")
    assert list(imagebuilder_mock.backend().resources) == [arn]


def test_an_async_client_without_credentials_is_served() -> None:
    session = AioSession()

    async def scenario() -> tuple[object, str, tuple[str, str]]:
        credentials = await session.get_credentials()  # none anywhere
        async with session.create_client("imagebuilder", region_name="eu-west-1") as client:
            with mock_imagebuilder() as ib:
                arn = await create_infra(client, "without-credentials")
                caller = (ib.calls[-1].account_id, ib.calls[-1].region)
        return credentials, arn, caller

    credentials, arn, caller = run(scenario)
    assert credentials is None
    assert arn == infra_arn("without-credentials", "eu-west-1")
    assert caller == (DEFAULT_ACCOUNT_ID, "eu-west-1")


def test_an_async_request_goes_unsigned_and_still_names_its_account() -> None:
    sent: list[str] = []

    def spy(request: Any, **kwargs: Any) -> None:
        value = request.headers["Authorization"]
        sent.append(value.decode() if isinstance(value, bytes) else value)

    async def scenario() -> tuple[str, str]:
        session = get_session()
        async with session.create_client(
            "imagebuilder",
            region_name="sa-east-1",
            aws_access_key_id="444455556666",
            aws_secret_access_key="secret",
        ) as client:
            client.meta.events.register_first("before-send.imagebuilder", spy)
            with mock_imagebuilder() as ib:
                await client.list_components()
                return ib.calls[-1].account_id, ib.calls[-1].region

    assert run(scenario) == ("444455556666", "sa-east-1")
    assert sent == [
        f"AWS4-HMAC-SHA256 Credential=444455556666/{time.strftime('%Y%m%d', time.gmtime())}"
        "/sa-east-1/imagebuilder/aws4_request"
    ]


# -- errors -------------------------------------------------------------------------------------


def test_async_errors_are_client_errors_with_the_boto3_code_and_message() -> None:
    missing = infra_arn("missing")

    async def scenario() -> tuple[Caught, Caught]:
        async with mock_imagebuilder(), async_client() as client:
            with pytest.raises(ClientError) as async_error:
                await client.get_infrastructure_configuration(
                    infrastructureConfigurationArn=missing
                )
            sync = boto3.client("imagebuilder", region_name=REGION)
            with pytest.raises(ClientError) as sync_error:
                sync.get_infrastructure_configuration(infrastructureConfigurationArn=missing)
            return async_error, sync_error

    async_error, sync_error = run(scenario)
    error = async_error.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "ResourceNotFoundException",
        f"The resource ARN '{missing}' does not exist.",
    )
    assert async_error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert error == sync_error.value.response["Error"]


def test_a_refused_async_create_leaves_nothing_behind() -> None:
    async def scenario() -> tuple[dict[str, str], dict[str, str], list[str]]:
        async with mock_imagebuilder() as ib, async_client() as client:
            with pytest.raises(ClientError) as invalid:
                await client.create_infrastructure_configuration(
                    name="x", instanceProfileName=INSTANCE_PROFILE
                )
            await create_infra(client, "kept")
            with pytest.raises(ClientError) as duplicate:
                await client.create_infrastructure_configuration(
                    name="kept", instanceProfileName="another-profile"
                )
            backend = ib.backend()
            return (
                invalid.value.response["Error"],
                duplicate.value.response["Error"],
                [record.settings["instanceProfileName"] for record in backend.resources.values()],
            )

    invalid, duplicate, kept = run(scenario)
    assert (invalid["Code"], invalid["Message"]) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'name' is not valid. 'name' must match pattern "
        "^[-_A-Za-z-0-9][-_A-Za-z0-9 ]{1,126}[-_A-Za-z-0-9]$",
    )
    assert duplicate["Code"] == "ResourceAlreadyExistsException"
    assert infra_arn("kept") in duplicate["Message"]
    # Only the one accepted create left a record, with what it asked for.
    assert kept == [INSTANCE_PROFILE]


def test_a_failed_async_create_leaves_nothing_and_its_retry_creates_once() -> None:
    async def scenario() -> tuple[dict[str, str], list[str], list[str]]:
        async with mock_imagebuilder() as ib, async_client() as client:
            ib.fail_next("CreateInfrastructureConfiguration")
            with pytest.raises(ClientError) as failed:
                await create_infra(client, "retried")
            left = list(ib.backend().resources)
            await create_infra(client, "retried")
            return failed.value.response["Error"], left, list(ib.backend().resources)

    error, left, kept = run(scenario)
    assert (error["Code"], error["Message"]) == (
        "ServiceUnavailableException",
        "Injected ServiceUnavailableException for CreateInfrastructureConfiguration.",
    )
    assert left == []
    assert kept == [infra_arn("retried")]


# -- paginators ---------------------------------------------------------------------------------


def test_an_async_paginator_walks_every_page() -> None:
    names = [f"infra-{number:02d}" for number in range(5)]

    async def scenario() -> list[list[str]]:
        async with mock_imagebuilder(), async_client() as client:
            for name in reversed(names):
                await create_infra(client, name)
            paginator = client.get_paginator("list_infrastructure_configurations")
            return [
                [entry["name"] for entry in page["infrastructureConfigurationSummaryList"]]
                async for page in paginator.paginate(PaginationConfig={"PageSize": 2})
            ]

    assert run(scenario) == [names[0:2], names[2:4], names[4:5]]


# -- waiters ------------------------------------------------------------------------------------


def test_the_async_waiter_returns_at_once() -> None:
    async def scenario() -> tuple[float, str]:
        async with mock_imagebuilder(), async_client() as client:
            arn = await start_build(client)
            begun = time.monotonic()
            await image_available(client).wait(imageBuildVersionArn=arn)
            elapsed = time.monotonic() - begun
            image = await client.get_image(imageBuildVersionArn=arn)
            return elapsed, image["image"]["state"]["status"]

    elapsed, status = run(scenario)
    assert elapsed < 1
    assert status == "AVAILABLE"


def test_the_async_waiter_fails_at_once_on_a_failed_build() -> None:
    async def scenario() -> tuple[float, WaiterError]:
        async with mock_imagebuilder() as ib, async_client() as client:
            ib.fail_build(at="TESTING", reason="Test component failed.")
            arn = await start_build(client)
            begun = time.monotonic()
            with pytest.raises(WaiterError) as caught:
                await image_available(client).wait(imageBuildVersionArn=arn)
            return time.monotonic() - begun, caught.value

    elapsed, error = run(scenario)
    assert elapsed < 1
    assert error.last_response["image"]["state"] == {
        "status": "FAILED",
        "reason": "Test component failed.",
    }
    assert "terminal failure state" in str(error)


def test_the_async_waiter_gives_up_at_once_when_nothing_moves_the_build() -> None:
    async def scenario() -> tuple[float, WaiterError, int]:
        async with mock_imagebuilder(progression="manual") as ib, async_client() as client:
            arn = await start_build(client)
            begun = time.monotonic()
            with pytest.raises(WaiterError) as caught:
                await image_available(client).wait(imageBuildVersionArn=arn)
            polls = [call for call in ib.calls if call.operation == "GetImage"]
            return time.monotonic() - begun, caught.value, len(polls)

    elapsed, error, polls = run(scenario)
    # 360 polls without a sleep between them: seconds at most, not six hours.
    assert elapsed < 30
    assert str(error) == "Waiter ImageAvailable failed: Max attempts exceeded"
    assert polls == 360


def test_the_async_waiter_sleeps_only_as_long_as_a_status_lasts() -> None:
    async def scenario() -> tuple[float, str]:
        mock = mock_imagebuilder(progression="wall-clock", seconds_per_status=0.05)
        async with mock, async_client() as client:
            arn = await start_build(client)
            begun = time.monotonic()
            await image_available(client).wait(imageBuildVersionArn=arn)
            elapsed = time.monotonic() - begun
            image = await client.get_image(imageBuildVersionArn=arn)
            return elapsed, image["image"]["state"]["status"]

    elapsed, status = run(scenario)
    assert elapsed < 2
    assert status == "AVAILABLE"


def test_other_async_waiters_keep_their_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []

    async def record(seconds: float, result: Any = None) -> Any:
        slept.append(seconds)
        return result

    monkeypatch.setattr(asyncio, "sleep", record)
    caller = botocore.waiter.WaiterModel(
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

    async def scenario() -> None:
        async with mock_imagebuilder(), async_client() as client:
            arn = await start_build(client)
            await image_available(client).wait(imageBuildVersionArn=arn)
            # A waiter of another service (here, served by a stub) sleeps its full delay.
            async with get_session().create_client("sts", region_name=REGION) as sts:
                with AioStubber(sts) as stub:
                    for account in ("000000000000", "123456789012"):
                        stub.add_response("get_caller_identity", {"Account": account})
                    await aiobotocore.waiter.create_waiter_with_client("Caller", caller, sts).wait()

    run(scenario)
    assert slept == [7]


# -- moto.mock_aws alone ------------------------------------------------------------------------


def test_moto_alone_serves_async_clients() -> None:
    from moto import mock_aws

    async def scenario() -> tuple[str, list[str], list[str]]:
        with mock_aws():
            moto_instance_profile()
            async with async_client() as client:
                arn = await create_infra(client, "under-moto")
                listed = await client.list_infrastructure_configurations()
            sync = boto3.client("imagebuilder", region_name=REGION)
            seen_sync = sync.list_infrastructure_configurations()
            return (
                arn,
                [entry["arn"] for entry in listed["infrastructureConfigurationSummaryList"]],
                [entry["arn"] for entry in seen_sync["infrastructureConfigurationSummaryList"]],
            )

    arn, listed, seen_sync = run(scenario)
    assert arn == infra_arn("under-moto", account="123456789012")
    assert listed == seen_sync == [arn]


def test_an_async_build_under_moto_leaves_its_ami_in_motos_ec2(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from moto import mock_aws

    # Only the AMIs the build makes: moto's catalogue of public AMIs is slow to load.
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")

    async def scenario() -> tuple[dict[str, Any], list[dict[str, Any]]]:
        with mock_aws():
            moto_instance_profile()
            async with async_client() as client:
                arn = await start_build(client)
                await image_available(client).wait(imageBuildVersionArn=arn)
                image = (await client.get_image(imageBuildVersionArn=arn))["image"]
            ec2 = boto3.client("ec2", region_name=REGION)
            amis = [ami["image"] for ami in image["outputResources"]["amis"]]
            return image, ec2.describe_images(ImageIds=amis)["Images"]

    image, found = run(scenario)
    assert image["state"]["status"] == "AVAILABLE"
    (ami,) = image["outputResources"]["amis"]
    assert (ami["region"], ami["accountId"]) == (REGION, "123456789012")
    assert [entry["ImageId"] for entry in found] == [ami["image"]]
