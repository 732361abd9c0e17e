"""Image Builder as one of moto's services: ``mock_aws`` alone, nested with
``mock_imagebuilder``, moto's resets and accounts, and moto's server.

Every test here has ``moto`` in its module name: ``tox -e moto-lowest`` and
``moto-newest`` run them with ``-k moto`` against the range pyproject allows.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import socket
import subprocess
import sys
import time
import unittest
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from builders import component
from errors import error_of
from moto import mock_aws
from moto.server import ThreadedMotoServer

from imagebuilder_mock import mock_imagebuilder

REGION = "us-east-1"
ROOT = Path(__file__).resolve().parents[1]


def _client(**options: Any) -> Any:
    return boto3.client("imagebuilder", region_name=REGION, **options)


def _names(client: Any) -> list[str]:
    return [summary["name"] for summary in client.list_components()["componentVersionList"]]


def _serves_create_get_list() -> None:
    client = _client()
    arn = component(client, "served-by-moto")
    assert client.get_component(componentBuildVersionArn=arn)["component"]["name"] == (
        "served-by-moto"
    )
    assert _names(client) == ["served-by-moto"]


# -- mock_aws alone ---------------------------------------------------------------------


@mock_aws
def test_mock_aws_alone_serves_image_builder_as_a_decorator() -> None:
    _serves_create_get_list()


def test_mock_aws_alone_serves_image_builder_as_a_context_manager() -> None:
    with mock_aws():
        _serves_create_get_list()


@mock_aws
class TestMotoDecoratedTestCase(unittest.TestCase):
    def test_first(self) -> None:
        # moto resets before each test of a decorated class: each starts empty.
        assert _names(_client()) == []
        component(_client(), "first")

    def test_second(self) -> None:
        assert _names(_client()) == []
        component(_client(), "second")


def test_each_mock_aws_start_gives_fresh_state() -> None:
    with mock_aws():
        component(_client(), "kept-until-the-end")
        assert _names(_client()) == ["kept-until-the-end"]
    with mock_aws():
        assert _names(_client()) == []


def test_nested_mock_aws_keeps_the_state_until_the_outermost_ends() -> None:
    with mock_aws():
        component(_client(), "outer")
        with mock_aws():
            assert _names(_client()) == ["outer"]
        assert _names(_client()) == ["outer"]


def test_moto_reset_drops_image_builder_state() -> None:
    with mock_aws() as moto:
        component(_client(), "before-reset")
        moto.reset()
        assert _names(_client()) == []
        component(_client(), "after-reset")
        assert _names(_client()) == ["after-reset"]


def test_moto_api_reset_in_process_drops_image_builder_state() -> None:
    import requests

    with mock_aws():
        component(_client(), "before-reset")
        assert requests.post("http://motoapi.amazonaws.com/moto-api/reset").ok
        assert _names(_client()) == []
        # And again: each reset forgets the services it reset; Image Builder rejoins.
        component(_client(), "second")
        assert requests.post("http://motoapi.amazonaws.com/moto-api/reset").ok
        assert _names(_client()) == []


def test_without_any_mock_moto_being_imported_serves_nothing() -> None:
    # moto is imported (this module did), but neither mock is active: the
    # request goes out to its endpoint, here a port where nothing listens.
    client = _client(
        endpoint_url=f"http://127.0.0.1:{_free_port()}",
        aws_access_key_id="key",
        aws_secret_access_key="secret",
    )
    with pytest.raises(EndpointConnectionError):
        client.list_components()


def test_a_request_moto_alone_answers_is_handled_once() -> None:
    # botocore hands a request to every before-send handler, moto's stubber
    # included, and keeps the first answer: the mock's. The stubber must not
    # find Image Builder and run the request a second time.
    with mock_aws():
        component(_client(), "once")
        assert _names(_client()) == ["once"]
        with mock_imagebuilder() as ib:
            assert [(c.operation, c.status) for c in ib.calls] == [
                ("CreateComponent", 200),
                ("ListComponents", 200),
            ]


def test_moto_alone_leaves_other_services_to_moto() -> None:
    with mock_aws():
        _serves_create_get_list()
        assert boto3.client("ec2", region_name=REGION).describe_vpcs()["Vpcs"]


# -- accounts ---------------------------------------------------------------------------


def test_moto_alone_acts_as_moto_account_id(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "111122223333")
    with mock_aws():
        arn = component(_client())
    assert arn.split(":")[4] == "111122223333"


def test_moto_alone_acts_as_the_account_of_keys_moto_issued() -> None:
    with mock_aws():
        assumed = boto3.client("sts", region_name=REGION).assume_role(
            RoleArn="arn:aws:iam::222222222222:role/builder", RoleSessionName="session"
        )["Credentials"]
        sts_keys = {
            "aws_access_key_id": assumed["AccessKeyId"],
            "aws_secret_access_key": assumed["SecretAccessKey"],
            "aws_session_token": assumed["SessionToken"],
        }
        assert component(_client(**sts_keys), "by-sts").split(":")[4] == "222222222222"
        # A key moto's IAM creates in that account acts as that account too.
        iam = boto3.client("iam", region_name=REGION, **sts_keys)
        iam.create_user(UserName="builder")
        key = iam.create_access_key(UserName="builder")["AccessKey"]
        iam_client = _client(
            aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"]
        )
        assert component(iam_client, "by-iam").split(":")[4] == "222222222222"
        # moto's own fake key is moto's default account.
        assert component(_client(), "by-default").split(":")[4] == "123456789012"


# -- together with mock_imagebuilder ------------------------------------------------------


def test_mock_aws_outside_mock_imagebuilder_share_one_state() -> None:
    with mock_aws():
        first = component(_client(), "made-under-moto")
        with mock_imagebuilder(progression="manual") as ib:
            assert _names(_client()) == ["made-under-moto"]
            assert ib.backend().find(first) is not None
            assert ib.progression == "manual"
            ib.fail_next("ListComponents", "ServiceUnavailableException", "down")
            with pytest.raises(ClientError) as caught:
                _client().list_components()
            assert error_of(caught) == ("ServiceUnavailableException", "down")
            component(_client(), "made-under-both")
        # Leaving the mock keeps moto's state; only the mock's settings go.
        assert _names(_client()) == ["made-under-both", "made-under-moto"]
        with mock_imagebuilder() as ib:
            assert ib.progression == "observe"
            assert {c.operation for c in ib.calls} >= {"CreateComponent", "ListComponents"}
    with mock_aws():
        assert _names(_client()) == []


def test_mock_imagebuilder_outside_mock_aws_share_one_state() -> None:
    with mock_imagebuilder(progression="manual") as ib, mock_aws():
        arn = component(_client(), "made-under-both")
        assert ib.backend().find(arn) is not None
        ib.fail_next("ListComponents", "ServiceUnavailableException", "down")
        with pytest.raises(ClientError) as caught:
            _client().list_components()
        assert error_of(caught) == ("ServiceUnavailableException", "down")
        # The controller's reset is moto's state's reset too.
        ib.reset()
        seeded = component(_client(), "seeded")
        assert ib.backend().find(seeded) is not None
        assert _names(_client()) == ["seeded"]
        # A moto reset keeps the mock's settings, as the controller's reset does.
        mock_aws().reset()
        assert _names(_client()) == []
        assert ib.progression == "manual"


def test_leaving_mock_aws_inside_mock_imagebuilder_drops_what_moto_served() -> None:
    with mock_imagebuilder() as ib:
        with mock_aws():
            component(_client(), "gone-with-moto")
        # moto's stop resets all its services, Image Builder among them.
        assert _names(_client()) == []
        assert ib.active


def test_the_fixture_and_mock_aws_share_one_state(imagebuilder_mock: Any) -> None:
    with mock_aws():
        arn = component(_client(), "fixture")
        assert imagebuilder_mock.backend().find(arn) is not None


# -- moto's server ------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _server_client(url: str, service: str = "imagebuilder", **options: Any) -> Any:
    return boto3.client(
        service,
        region_name="eu-west-1",
        endpoint_url=url,
        aws_access_key_id="server-key",
        aws_secret_access_key="server-secret",
        **options,
    )


def _reset(url: str) -> None:
    request = urllib.request.Request(f"{url}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request) as answer:
        assert answer.status == 200


@pytest.fixture
def moto_server() -> Iterator[str]:
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    try:
        yield url
        _reset(url)
    finally:
        server.stop()


def test_motos_threaded_server_serves_image_builder(moto_server: str) -> None:
    client = _server_client(moto_server)
    arn = component(client, "on-the-server")
    assert arn.split(":")[3:5] == ["eu-west-1", "123456789012"]
    assert client.get_component(componentBuildVersionArn=arn)["component"]["name"] == (
        "on-the-server"
    )
    assert _names(client) == ["on-the-server"]
    # A modeled error travels over HTTP like any answer.
    with pytest.raises(ClientError) as caught:
        client.get_component(componentBuildVersionArn=arn.replace("on-the-server", "absent"))
    assert error_of(caught)[0] == "ResourceNotFoundException"
    assert "absent" in error_of(caught)[1]
    # The same port serves moto's own services.
    assert _server_client(moto_server, "ec2").describe_vpcs()["Vpcs"]


def test_motos_server_reset_drops_image_builder_state(moto_server: str) -> None:
    client = _server_client(moto_server)
    component(client, "before-reset")
    _reset(moto_server)
    assert _names(client) == []
    component(client, "after-reset")
    _reset(moto_server)
    assert _names(client) == []


def test_motos_server_follows_motos_account_header(moto_server: str) -> None:
    client = _server_client(moto_server)
    client.meta.events.register(
        "before-sign.imagebuilder.*",
        lambda request, **kwargs: request.headers.add_header("x-moto-account-id", "333344445555"),
    )
    assert component(client, "elsewhere").split(":")[4] == "333344445555"


def test_motos_server_answers_an_unknown_path_as_an_unknown_operation(moto_server: str) -> None:
    request = urllib.request.Request(
        f"{moto_server}/NoSuchOperation",
        method="POST",
        headers={
            "Authorization": "AWS4-HMAC-SHA256 Credential=k/20260101/eu-west-1/imagebuilder/"
            "aws4_request, SignedHeaders=host, Signature=0"
        },
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request)
    assert caught.value.code == 404
    assert caught.value.headers["x-amzn-ErrorType"] == "UnknownOperationException"
    assert json.loads(caught.value.read()) == {
        "message": "No Image Builder operation answers POST /NoSuchOperation."
    }


def test_the_moto_server_command_serves_image_builder() -> None:
    port = _free_port()
    command = [sys.executable, "-m", "imagebuilder_mock.moto_server", "-p", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _reset(url)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)
        client = _server_client(url)
        arn = component(client, "from-the-command")
        assert _names(client) == ["from-the-command"]
        assert client.get_component(componentBuildVersionArn=arn)["component"]["name"] == (
            "from-the-command"
        )
    finally:
        server.terminate()
        server.wait(timeout=10)


# -- how the package reaches moto ---------------------------------------------------------


@pytest.mark.parametrize(
    "imports", ["import moto; import imagebuilder_mock", "import imagebuilder_mock; import moto"]
)
def test_moto_alone_serves_whichever_is_imported_first(imports: str) -> None:
    probe = (
        f"{imports}\n"
        "import boto3\n"
        "with moto.mock_aws():\n"
        "    client = boto3.client('imagebuilder', region_name='us-east-1')\n"
        "    print(len(client.list_components()['componentVersionList']))\n"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=environment,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0"


@pytest.mark.parametrize("found", ["4.2.14", "5.2.3", "5.3.0", "6.0.0", "unknown"])
def test_an_unsupported_moto_is_refused_naming_the_range(
    monkeypatch: pytest.MonkeyPatch, found: str
) -> None:
    real_version = importlib.metadata.version

    def version(name: str) -> str:
        return found if name == "moto" else real_version(name)

    monkeypatch.setattr(importlib.metadata, "version", version)
    # A fresh import of the bridge, as in a process where this moto is installed.
    monkeypatch.delitem(sys.modules, "imagebuilder_mock._integrations.bridge")
    with pytest.raises(ImportError) as caught:
        importlib.import_module("imagebuilder_mock._integrations.bridge")
    assert str(caught.value) == (
        f"imagebuilder-mock supports moto 5.2.4 to 5.2.x; found moto {found}"
    )


def test_the_supported_range_is_the_one_pyproject_allows() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"moto>=5.2.4,<5.3"' in text
    # ... and the one tox and CI install for the lowest.
    assert "moto==5.2.4" in (ROOT / "tox.ini").read_text(encoding="utf-8")
    assert "'moto==5.2.4'" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    from imagebuilder_mock._integrations import bridge

    bridge.check_version(importlib.metadata.version("moto"))
    assert bridge.SUPPORTED == "moto 5.2.4 to 5.2.x"
